/**
 * ONNX import checked against an independent runtime: onnxruntime-web (wasm, in Node) runs the
 * same .onnx files (test/fixtures/onnx, made by make_fixtures.py from PyTorch) on the same inputs;
 * rramsim's imported network must give the same logits to float tolerance, in ideal digital
 * forward and mapped onto defect-free ideal crossbars (continuous levels).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { importOnnxModel } from '../../src/onnx/import_onnx.js';
import { loadOnnxNetwork, nchwToNhwc } from '../../src/onnx/load_onnx.js';
import { decodeOnnx } from '../../src/onnx/read_onnx.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';

ort.env.wasm.numThreads = 1;
const FIX = join(process.cwd(), 'test', 'fixtures', 'onnx');

/** deterministic inputs, NCHW as ONNX takes them */
function inputs(n: number, size: number): Float32Array {
  return new Float32Array(n * size).map((_, i) => Math.sin(i * 0.731 + 0.3) * 1.5);
}

async function reference(path: string, input: string, output: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const sess = await ort.InferenceSession.create(path);
  const r = await sess.run({ [input]: new ort.Tensor('float32', x, shape) });
  await sess.release();
  return r[output].data as Float32Array;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const idealPoint: PointSpec = { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0 } };

const CASES = [
  // file, weight layers, residual blocks, floats of model state (incl. zero conv biases, BN stats)
  { file: 'mlp', weightLayers: 2, blocks: 0, floats: 784 * 32 + 32 + 32 * 10 + 10 },
  { file: 'lenet5', weightLayers: 5, blocks: 0, floats: 61706 },
  { file: 'small_cnn', weightLayers: 2, blocks: 0, floats: 27 * 4 + 4 + 4 * 4 + 64 * 10 + 10 },
  // 272,474 PyTorch parameters + 784 zero conv biases + 2·784 BN running statistics
  { file: 'resnet20', weightLayers: 22, blocks: 9, floats: 272474 + 784 + 2 * 784 },
];

describe('ONNX import vs onnxruntime-web', () => {
  for (const c of CASES) {
    it(`${c.file}: same logits as onnxruntime-web (digital and on ideal crossbars)`, async () => {
      const path = join(FIX, `${c.file}.onnx`);
      const imp = loadOnnxNetwork(path);
      const net = imp.net;
      expect(net.weightLayers()).toHaveLength(c.weightLayers);
      expect(imp.desc.layers.filter((l) => l.type === 'residual')).toHaveLength(c.blocks);
      expect(net.weightCount()).toBe(c.floats);
      expect(net.getWeights()).toEqual(imp.weights);
      const [C, H, W] = imp.desc.input;
      const n = 5;
      const x = inputs(n, C * H * W);
      const ref = await reference(path, imp.input.name, imp.output, x, [n, C, H, W]);
      const scale = Math.max(...Array.from(ref, Math.abs));
      expect(scale).toBeGreaterThan(0.05); // not a vacuous comparison of near-zero outputs
      const digital = Float32Array.from(net.forward(nchwToNhwc(x, n, C, H, W), n, false));
      expect(maxAbsDiff(digital, ref)).toBeLessThan(1e-5 * Math.max(1, scale));
      // defect-free ideal crossbars (continuous levels, no noise): every weight layer on a crossbar
      mapNetwork(net, idealPoint, 0);
      for (const l of net.weightLayers()) expect(l.op).toBeInstanceOf(CrossbarMatrixOp);
      const analog = net.forward(nchwToNhwc(x, n, C, H, W), n, false);
      expect(maxAbsDiff(analog, ref)).toBeLessThan(1e-4 * Math.max(1, scale));
    }, 60_000);
  }

  it('lenet5: fc1 takes the ONNX rows in NHWC-flatten order (one entry checked by hand against the initializer)', () => {
    const onnxModel = decodeOnnx(readFileSync(join(FIX, 'lenet5.onnx')), 'lenet5');
    expect(onnxModel.graph.node.map((nd) => nd.op_type)).toContain('Flatten');
    const imp = loadOnnxNetwork(join(FIX, 'lenet5.onnx'));
    // rramsim row (h·5 + w)·16 + c of fc1 holds ONNX row c·25 + h·5 + w: check one entry by hand
    const fc1 = imp.net.weightLayers()[2];
    const B = onnxModel.graph.initializer.find((t) => t.name === 'f1.weight')!;
    const raw = new DataView(B.raw_data!.buffer, B.raw_data!.byteOffset, B.raw_data!.byteLength);
    const [c, h, w, o] = [7, 3, 1, 42];
    expect(fc1.op.weight.value[((h * 5 + w) * 16 + c) * 120 + o]).toBe(raw.getFloat32((o * 400 + c * 25 + h * 5 + w) * 4, true));
  });
});

describe('ONNX import errors', () => {
  it('an unsupported operator is a UserError naming it; the CLI exits 2', async () => {
    const path = join(FIX, 'unsupported.onnx');
    expect(() => loadOnnxNetwork(path)).toThrow(UserError);
    expect(() => loadOnnxNetwork(path)).toThrow(/unsupported operator 'Tanh' at node 3 '\/act\/Tanh'/);
    expect(await runCli(['import', path])).toBe(2);
    process.exitCode = undefined;
  });

  it('an unsupported attribute value is named (Conv group=2)', () => {
    const m = decodeOnnx(readFileSync(join(FIX, 'lenet5.onnx')), 'x');
    const conv = m.graph.node.find((nd) => nd.op_type === 'Conv')!;
    conv.attribute.find((a) => a.name === 'group')!.i = 2;
    expect(() => importOnnxModel(m, 'x.onnx')).toThrow(/x\.onnx: unsupported attribute group=2 of node 0 .*\(Conv\); supported: 1/);
  });

  it('a file that is not ONNX: UserError, exit 2', async () => {
    const p = join(mkdtempSync(join(tmpdir(), 'rramsim-onnx-')), 'junk.onnx');
    writeFileSync(p, 'this is not a protobuf model');
    expect(() => loadOnnxNetwork(p)).toThrow(UserError);
    expect(await runCli(['import', p])).toBe(2);
    process.exitCode = undefined;
  });

  it('import --out writes the description; it replaces its own description, not another file', async () => {
    const d = mkdtempSync(join(tmpdir(), 'rramsim-onnx-'));
    const out = join(d, 'desc.json');
    expect(await runCli(['import', join(FIX, 'small_cnn.onnx'), '--out', out])).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { model: { layers: { type: string }[] }; weightCount: number };
    expect(doc.model.layers.map((l) => l.type)).toEqual(['conv2d', 'batchnorm', 'relu', 'pool', 'flatten', 'dense']);
    expect(doc.weightCount).toBe(CASES[2].floats);
    expect(await runCli(['import', join(FIX, 'mlp.onnx'), '--out', out])).toBe(0); // its own file
    expect((JSON.parse(readFileSync(out, 'utf8')) as { weightCount: number }).weightCount).toBe(CASES[0].floats);
    const mine = join(d, 'mine.json');
    writeFileSync(mine, '{"mine": true}\n');
    expect(await runCli(['import', join(FIX, 'small_cnn.onnx'), '--out', mine])).toBe(2);
    expect(readFileSync(mine, 'utf8')).toBe('{"mine": true}\n');
    expect(await runCli(['import', join(FIX, 'small_cnn.onnx'), '--out', mine, '--force'])).toBe(0);
    expect(readFileSync(mine, 'utf8')).toContain('"format": "rramsim-onnx-import/1"');
    process.exitCode = undefined;
  });
});
