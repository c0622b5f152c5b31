import { describe, expect, it } from 'vitest';
import { buildModel, presetDesc, type ModelDesc } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { zeroGrads } from '../../src/nn/sgd.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { expectClose, sampleIdx, uniform } from './gradcheck.js';

/**
 * Whole network (conv stride 2 + pad → ReLU → max pool → conv → ReLU → avg pool → flatten →
 * dense → ReLU → dense) with the softmax-CE loss, all parameters checked by central differences.
 * The loss is evaluated in float64 from float32 logits. Unlike a single piecewise-linear layer, a
 * perturbation can move a ReLU/max-pool kink inside ±ε (an intermediate activation sits within ε
 * of 0 or of a tie), which spoils that one estimate. So each element is tried with ε = 2⁻⁹, 2⁻¹⁰,
 * 2⁻¹¹ and passes if one of them agrees (a wrong analytic gradient disagrees at every ε); at most
 * 10% of the elements may need a smaller ε. Error budget: CE curvature O(ε²) ≲ 4e-6, float32
 * rounding of the logits ≈ 1e-7·|z| / 2ε ≲ 1e-4, so tolerance 2e-3 absolute + 1e-2 relative.
 * The draws are seeded, so the check is deterministic.
 */
const desc: ModelDesc = {
  name: 'tiny-cnn',
  input: [2, 9, 9],
  layers: [
    { type: 'conv2d', out: 4, kernel: 3, stride: 2, pad: 1 }, { type: 'relu' },
    { type: 'pool', pool: 'max', kernel: 2, stride: 1 },
    { type: 'conv2d', out: 5, kernel: 2 }, { type: 'relu' },
    { type: 'pool', pool: 'avg', kernel: 2 },
    { type: 'flatten' },
    { type: 'dense', out: 6 }, { type: 'relu' },
    { type: 'dense', out: 3 },
  ],
  init: { weights: 'he-normal', bias: 'uniform' },
};

describe('whole-network gradient', () => {
  it('every parameter of a small CNN matches central finite differences', () => {
    const net = buildModel(desc, 7);
    const n = 3;
    const x = uniform(n * net.inputSize, 'netx');
    const y = Uint8Array.from([0, 2, 1]);
    const params = net.params();
    const d = new Float32Array(n * 3);
    zeroGrads(params);
    softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, 3, d);
    net.backward(d, n);
    const L = () => softmaxCrossEntropy(net.forward(x, n, false), y, 0, n, 3, null).loss;
    const fd = (p: { value: Float32Array }, i: number, eps: number) => {
      const v = p.value[i];
      p.value[i] = v + eps; const lp = L();
      p.value[i] = v - eps; const lm = L();
      p.value[i] = v;
      return (lp - lm) / (2 * eps);
    };
    const ok = (num: number, ana: number) => Math.abs(num - ana) <= 2e-3 + 1e-2 * Math.abs(ana);
    let checked = 0, retried = 0;
    for (const p of params) {
      const g = Float64Array.from(p.grad);
      for (const i of sampleIdx(p.value.length, 40, `net/${p.name}`)) {
        checked++;
        if (ok(fd(p, i, 2 ** -9), g[i])) continue;
        retried++;
        if (ok(fd(p, i, 2 ** -10), g[i])) continue;
        expectClose(fd(p, i, 2 ** -11), g[i], `${p.name}[${i}]`, 2e-3, 1e-2);
      }
    }
    expect(retried).toBeLessThanOrEqual(0.1 * checked);
    expect(params.map((p) => p.name)).toEqual(['conv1.weight', 'conv1.bias', 'conv2.weight', 'conv2.bias', 'fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(checked).toBeGreaterThan(100);
  });
});

describe('input gradient of the first layer with parameters', () => {
  // Network.backward skips dX where no earlier layer holds parameters (the gradient with respect to
  // the network's input is never used). Oracle: the same backward with every layer but the very
  // first forming its dX (the rule before the skip), driven by hand through the layer list.
  const grads = (net: Network) => net.params().map((p) => Float32Array.from(p.grad));
  for (const model of ['mlp', 'lenet5'] as const) {
    it(`${model}: the first weight layer forms no dX and every gradient keeps its bits`, () => {
      const net = buildModel(presetDesc(model), 3);
      const n = 5;
      const x = uniform(n * net.inputSize, `skipdx/${model}`);
      const y = Uint8Array.from([0, 1, 2, 3, 4]);
      const d = new Float32Array(n * net.classes);
      const first = net.weightLayers()[0];
      const seen: Array<Float32Array | null> = [];
      const inner = first.op.backward.bind(first.op);
      first.op.backward = (X, dY, m, dX) => { seen.push(dX); inner(X, dY, m, dX); };
      zeroGrads(net.params());
      softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, net.classes, d);
      net.backward(d, n);
      // (a Conv2d forms its weight gradient without its op's backward: nothing to spy on there)
      if (model === 'mlp') expect(seen).toEqual([null]);
      const got = grads(net);
      zeroGrads(net.params());
      softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, net.classes, d);
      let g: Float32Array | null = d;
      for (let i = net.layers.length - 1; i >= 0 && g; i--) g = net.layers[i].backward(g, n, i > 0);
      if (model === 'mlp') expect(seen[1]).not.toBeNull(); // the full rule formed fc1's dX (after Flatten)
      const want = grads(net);
      expect(got.length).toBe(want.length);
      for (let k = 0; k < got.length; k++) expect(Buffer.from(got[k].buffer).equals(Buffer.from(want[k].buffer))).toBe(true);
    });
  }
});
