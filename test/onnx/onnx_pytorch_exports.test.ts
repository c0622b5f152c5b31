/**
 * Real PyTorch exports (test/fixtures/onnx/pytorch, made by make_pytorch_exports.py): a small
 * ResNet and a small VGG with BatchNorm, trained a few steps and untrained, each exported with
 * torch.onnx.export's defaults (BatchNorm folded into the convolutions by the exporter) and with
 * BatchNorm kept (TrainingMode.PRESERVE, no constant folding). The untrained exports and the
 * trained ResNet with BatchNorm kept share bit-identical initializers through Identity nodes.
 * Two independent oracles for rramsim's digital forward of each imported network: the logits
 * PyTorch computed (expected.json) and onnxruntime-web running the same file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { importSummary } from '../../src/onnx/import_summary.js';
import { loadOnnxNetwork, nchwToNhwc } from '../../src/onnx/load_onnx.js';
import { readOnnxFile } from '../../src/onnx/read_onnx.js';

ort.env.wasm.numThreads = 1;
const DIR = join(process.cwd(), 'test', 'fixtures', 'onnx', 'pytorch');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as { shape: number[]; inputs: number[]; logits: Record<string, number[]> };

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

// file, BatchNormalization nodes kept, Identity nodes aliasing an initializer (counted in the file
// independently below), how BatchNorm arrived
const CASES = [
  { file: 'resnet_default.onnx', bn: 0, aliases: 0, folded: true },
  { file: 'resnet_bn.onnx', bn: 6, aliases: 1, folded: false },
  { file: 'resnet_untrained.onnx', bn: 0, aliases: 4, folded: true },
  { file: 'resnet_untrained_bn.onnx', bn: 6, aliases: 20, folded: false },
  { file: 'vgg_default.onnx', bn: 0, aliases: 0, folded: true },
  { file: 'vgg_bn.onnx', bn: 3, aliases: 0, folded: false },
  { file: 'vgg_untrained.onnx', bn: 0, aliases: 1, folded: true },
  { file: 'vgg_untrained_bn.onnx', bn: 3, aliases: 8, folded: false },
];

describe('import of real torch.onnx.export files (trained and untrained, BatchNorm folded or kept)', () => {
  it('the fixtures are what they claim: every case present, Identity aliases of initializers where PyTorch shares them', () => {
    expect(Object.keys(expected.logits).sort()).toEqual(CASES.map((c) => c.file).sort());
    for (const c of CASES) {
      const g = readOnnxFile(join(DIR, c.file)).model.graph;
      const inits = new Set(g.initializer.map((t) => t.name));
      expect(g.node.filter((n) => n.op_type === 'Identity' && inits.has(n.input[0])).length, c.file).toBe(c.aliases);
      expect(g.node.filter((n) => n.op_type === 'BatchNormalization').length, c.file).toBe(c.bn);
    }
  });

  for (const c of CASES) {
    it(`${c.file}: rramsim's digital forward = PyTorch's logits = onnxruntime-web's`, async () => {
      const path = join(DIR, c.file);
      const imp = loadOnnxNetwork(path);
      const [n, C, H, W] = expected.shape;
      expect(imp.desc.input).toEqual([C, H, W]);
      const x = Float32Array.from(expected.inputs);
      const torchLogits = Float32Array.from(expected.logits[c.file]);
      const scale = Math.max(...Array.from(torchLogits, Math.abs));
      expect(scale).toBeGreaterThan(0.05); // not a comparison of near-zero outputs
      const ours = Float32Array.from(imp.net.forward(nchwToNhwc(x, n, C, H, W), n, false));
      const sess = await ort.InferenceSession.create(path);
      const r = await sess.run({ [imp.input.name]: new ort.Tensor('float32', x.subarray(0, C * H * W), [1, C, H, W]) });
      await sess.release();
      // the default exports fix the batch at 1 (the example input): compare the first image with onnxruntime
      const ortLogits = r[imp.output].data as Float32Array;
      const dTorch = maxAbsDiff(ours, torchLogits);
      const dOrt = maxAbsDiff(ours.subarray(0, ortLogits.length), ortLogits);
      console.log(`${c.file}: max |rramsim - PyTorch| = ${dTorch.toExponential(2)}, max |rramsim - onnxruntime| = ${dOrt.toExponential(2)} (logit scale ${scale.toFixed(3)})`);
      expect(dTorch).toBeLessThan(2e-5 * Math.max(1, scale));
      expect(dOrt).toBeLessThan(2e-5 * Math.max(1, scale));
      // not a constant output: the 4 images x 10 classes give distinct logits
      expect(new Set(Array.from(ours)).size).toBeGreaterThan(10);
    }, 60_000);

    it(`${c.file}: the summary says where BatchNorm is and prints crossbar rows x cols`, () => {
      const imp = loadOnnxNetwork(join(DIR, c.file));
      const lines = importSummary(c.file, imp, imp.net);
      const bnLine = lines.find((l) => l.startsWith('BatchNorm:'))!;
      if (c.folded) expect(bnLine).toMatch(/^BatchNorm: arrived folded into the convolutions by the exporter/);
      else expect(bnLine).toMatch(new RegExp(`^BatchNorm: kept \\(${c.bn} BatchNormalization nodes.*folds the ${c.bn} that directly follow`));
      const shapes = lines.find((l) => l.startsWith('crossbar rows x cols'))!;
      // by hand: the stem is 3x3x3 -> 8 (27x8); a 3x3x16 -> 16 conv is 144x16; the first dense layer
      if (c.file.startsWith('resnet')) expect(shapes).toContain('conv1 27x8, block1.conv1 72x8, block1.conv2 72x8, block2.conv1 72x16, block2.conv2 144x16, block2.shortcut.conv1 8x16, fc1 16x10');
      else expect(shapes).toContain('conv1 27x8, conv2 72x16, conv3 144x16, fc1 256x32, fc2 32x10');
      if (c.aliases > 0) expect(lines[1]).toContain(`Identity ×${c.aliases} (${c.aliases} alias a shared initializer)`);
    });
  }
});
