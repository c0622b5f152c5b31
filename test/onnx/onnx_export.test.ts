/**
 * ONNX export (src/onnx/export_onnx.ts) checked by an independent runtime: onnxruntime-web runs
 * the exported bytes and must give rramsim's digital forward logits to float32 tolerance (MLP,
 * LeNet-5, ResNet-20 with random weights and random BatchNorm statistics); the effective weights
 * of a defective crossbar deployment and a LoRA-adapted network export as the functions rramsim
 * computes; import → export → import gives bit-identical weights (rramsim's own networks and the
 * real PyTorch exports); a layer without an export is one UserError before any byte.
 */
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { attachLora } from '../../src/methods/lora/attach.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import { foldBatchNorm } from '../../src/nn/fold_batch_norm.js';
import { buildModel, presetDesc, type ModelDesc } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { exportOnnx } from '../../src/onnx/export_onnx.js';
import { importOnnxModel } from '../../src/onnx/import_onnx.js';
import { loadOnnxNetwork, nchwToNhwc } from '../../src/onnx/load_onnx.js';
import { decodeOnnx } from '../../src/onnx/read_onnx.js';
import { UserError } from '../../src/util/errors.js';

ort.env.wasm.numThreads = 1;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** deterministic NCHW inputs */
const inputs = (n: number, size: number) => new Float32Array(n * size).map((_, i) => Math.sin(i * 0.377 + 0.1) * 1.2);

/** BatchNorm γ, β and running statistics away from 1, 0, 0, 1 (so that exporting them matters) */
function randomiseBatchNorm(net: Network, seed: string): void {
  const rng = seedrandom(seed);
  for (const l of net.allLayers()) {
    if (!(l instanceof BatchNorm)) continue;
    for (let c = 0; c < l.channels; c++) {
      l.gamma.value[c] = 0.5 + rng();
      l.beta.value[c] = 0.2 * (rng() - 0.5);
      l.runningMean[c] = 0.4 * (rng() - 0.5);
      l.runningVar[c] = 0.5 + rng();
    }
  }
}

async function ortLogits(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const sess = await ort.InferenceSession.create(bytes);
  const r = await sess.run({ input: new ort.Tensor('float32', x, shape) });
  await sess.release();
  return r.logits.data as Float32Array;
}

/** exported logits (onnxruntime) vs rramsim's inference forward of the same network on the same images */
async function compare(net: Network, bytes: Uint8Array, n: number): Promise<{ diff: number; scale: number; ours: Float32Array }> {
  const [C, H, W] = net.desc.input;
  const x = inputs(n, C * H * W);
  const flatInput = H === 1 && W === 1;
  const ref = await ortLogits(bytes, x, flatInput ? [n, C] : [n, C, H, W]);
  const ours = Float32Array.from(net.forward(nchwToNhwc(x, n, C, H, W), n, false));
  return { diff: maxAbsDiff(ours, ref), scale: Math.max(...Array.from(ref, Math.abs)), ours };
}

const MODELS: { name: string; desc: () => ModelDesc }[] = [
  { name: 'mlp', desc: () => presetDesc('mlp') },
  { name: 'lenet5', desc: () => presetDesc('lenet5') },
  { name: 'resnet20', desc: () => presetDesc('resnet20', { input: [3, 32, 32] }) },
];

describe('rramsim → ONNX: onnxruntime-web gives rramsim\'s logits', () => {
  for (const m of MODELS) {
    it(`${m.name} (random weights${m.name === 'resnet20' ? ', random BatchNorm statistics' : ''}): digital forward = onnxruntime, and import(export) = the same weights`, async () => {
      const net = buildModel(m.desc(), 7);
      randomiseBatchNorm(net, `${m.name}-bn`);
      const bytes = exportOnnx(net);
      const { diff, scale } = await compare(net, bytes, 4);
      console.log(`export ${m.name}: max |rramsim - onnxruntime| = ${diff.toExponential(2)} (logit scale ${scale.toFixed(3)}, ${bytes.length} bytes)`);
      expect(scale).toBeGreaterThan(0.05);
      expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
      // round trip: the imported network holds exactly the exported weights, in the same order
      const back = importOnnxModel(decodeOnnx(bytes, m.name), m.name);
      expect(back.weights).toEqual(net.getWeights());
      expect(back.weights.length).toBe(net.weightCount());
    }, 120_000);
  }

  it('resnet20 with BatchNorm folded at deployment (crossbar.batchNorm fold): no BatchNormalization nodes, the same logits', async () => {
    const net = buildModel(presetDesc('resnet20', { input: [3, 32, 32] }), 9);
    randomiseBatchNorm(net, 'fold');
    const unfolded = await compare(net, exportOnnx(net), 2);
    expect(foldBatchNorm(net)).toHaveLength(21);
    const bytes = exportOnnx(net);
    const ops = decodeOnnx(bytes, 'folded').graph.node.map((n) => n.op_type);
    expect(ops).not.toContain('BatchNormalization');
    expect(ops.filter((o) => o === 'Conv')).toHaveLength(21);
    const folded = await compare(net, bytes, 2);
    console.log(`export resnet20 folded: max |rramsim - onnxruntime| = ${folded.diff.toExponential(2)} (logit scale ${folded.scale.toFixed(3)})`);
    expect(folded.diff).toBeLessThan(1e-5 * Math.max(1, folded.scale));
    // folding changes the bits only by rounding: the folded network computes (nearly) the unfolded function
    expect(maxAbsDiff(folded.ours, unfolded.ours)).toBeLessThan(1e-4 * Math.max(1, folded.scale));
  }, 120_000);

  it('lenet5 on defective crossbars (10 % stuck): the effective weights export as the function the crossbars compute', async () => {
    const net = buildModel(presetDesc('lenet5'), 3);
    const point: PointSpec = { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0.1 } };
    mapNetwork(net, point, 3);
    const eff = await compare(net, exportOnnx(net, { weights: 'effective' }), 4);
    const trained = await compare(net, exportOnnx(net, { weights: 'trained' }), 4);
    console.log(`export lenet5 effective (10 % stuck): max |rramsim crossbar - onnxruntime| = ${eff.diff.toExponential(2)}; the trained weights differ by ${trained.diff.toExponential(2)}`);
    expect(eff.diff).toBeLessThan(1e-5 * Math.max(1, eff.scale));
    // not vacuous: the stuck cells change the function far beyond the tolerance
    expect(trained.diff).toBeGreaterThan(100 * 1e-5 * Math.max(1, eff.scale));
  }, 60_000);

  it('mlp with LoRA adapters (A, B ≠ 0): trained and effective exports are W0 + (α/r)·A·B, = rramsim\'s forward', async () => {
    const net = buildModel(presetDesc('mlp'), 5);
    const ops = attachLora(net.weightLayers(), { rank: 4, alpha: 8, layers: [] }, 5);
    const rng = seedrandom('lora-b');
    for (const op of ops) for (let i = 0; i < op.B.value.length; i++) op.B.value[i] = 0.2 * (rng() - 0.5);
    const base = await compare(buildModel(presetDesc('mlp'), 5), exportOnnx(net), 4);
    for (const weights of ['trained', 'effective'] as const) {
      const r = await compare(net, exportOnnx(net, { weights }), 4);
      console.log(`export mlp + LoRA (${weights}): max |rramsim - onnxruntime| = ${r.diff.toExponential(2)}`);
      expect(r.diff).toBeLessThan(1e-5 * Math.max(1, r.scale));
    }
    // the adapters matter: the base network alone computes something else
    const adapted = Float32Array.from(net.forward(nchwToNhwc(inputs(4, 784), 4, 1, 28, 28), 4, false));
    expect(maxAbsDiff(adapted, base.ours)).toBeGreaterThan(1e-3);
  }, 60_000);
});

describe('round trip import → export → import of real PyTorch exports', () => {
  for (const f of ['resnet_bn', 'resnet_untrained', 'vgg_bn', 'vgg_default']) {
    it(`${f}.onnx: identical weights and the same logits`, async () => {
      const imp = loadOnnxNetwork(join(process.cwd(), 'test', 'fixtures', 'onnx', 'pytorch', `${f}.onnx`));
      const bytes = exportOnnx(imp.net);
      const back = importOnnxModel(decodeOnnx(bytes, f), f);
      expect(back.weights).toEqual(imp.weights);
      expect(back.desc.layers).toEqual(imp.desc.layers);
      const { diff, scale } = await compare(imp.net, bytes, 3);
      expect(diff).toBeLessThan(1e-5 * Math.max(1, scale));
    });
  }
});

describe('export of a layer without an ONNX form', () => {
  it('a vision transformer: one UserError naming the layer and the exportable kinds', () => {
    const net = buildModel(presetDesc('vit-mnist'), 1);
    let err: unknown;
    try {
      exportOnnx(net);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^export: layer '[^']+' \([a-z-]+\) of model 'vit-mnist' has no ONNX export; exportable layers: dense, conv2d, relu, maxpool2d, avgpool2d, globalavgpool, flatten, batchnorm, residual$/);
  });
});
