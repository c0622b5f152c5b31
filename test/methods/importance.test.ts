import { describe, expect, it } from 'vitest';
import { computeImportance, normaliseImportance, type ImportanceNet } from '../../src/methods/importance.js';
import { Dense } from '../../src/nn/dense.js';
import type { Split } from '../../src/data/dataset.js';

/** stand-in for Network: one Dense layer (the real Network is built by the nn work) */
function oneLayerNet(w: number[]): { net: ImportanceNet; dense: Dense } {
  const dense = new Dense('fc1', 2, 2);
  dense.op.weight.value.set(w);
  const net: ImportanceNet = {
    weightLayers: () => [dense],
    forward: (x, n, t) => dense.forward(x, n, t),
    backward: (d, n) => { dense.backward(d, n, false); },
    params: () => dense.params(),
  };
  return { net, dense };
}

const split: Split = { name: 'train', x: new Float32Array([1, 0, 0, 1]), y: new Uint8Array([0, 1]), n: 2 };

describe('importance', () => {
  it('taylor: sum over batches of |w · dL/dw| on a hand-checkable 2x2 softmax layer', () => {
    const W = [1, -1, 0.5, 2];
    const { net } = oneLayerNet(W);
    const I = computeImportance(net, split, { kind: 'taylor', calibrationBatches: 2, batch: 1, seed: 3, classes: 2 }, false).get('fc1')!;
    // example 1: x = [1,0], y = 0, z = [1, -1]: dL/dz = [p0 − 1, p1], only row 0 of dW is non-zero
    const p1 = Math.exp(-1) / (Math.exp(1) + Math.exp(-1));
    // example 2: x = [0,1], y = 1, z = [0.5, 2]: dL/dz = [q0, q1 − 1], only row 1 of dW is non-zero
    const q0 = Math.exp(0.5) / (Math.exp(0.5) + Math.exp(2));
    const expected = [1 * p1, 1 * p1, 0.5 * q0, 2 * q0];
    for (let k = 0; k < 4; k++) expect(I[k]).toBeCloseTo(expected[k], 6);
    // normalised: mean 1, proportions kept
    const N = computeImportance(net, split, { kind: 'taylor', calibrationBatches: 2, batch: 1, seed: 3, classes: 2 }).get('fc1')!;
    const mean = expected.reduce((a, b) => a + b) / 4;
    for (let k = 0; k < 4; k++) expect(N[k]).toBeCloseTo(expected[k] / mean, 5);
  });
  it('the sum of per-batch absolutes differs from the absolute of the summed gradient (both batches move w01 oppositely)', () => {
    // one batch of both examples: gradient is the mean, so |w·g| is half the per-example sum here
    const { net } = oneLayerNet([1, -1, 0.5, 2]);
    const one = computeImportance(net, split, { kind: 'taylor', calibrationBatches: 1, batch: 2, seed: 3, classes: 2 }, false).get('fc1')!;
    const two = computeImportance(net, split, { kind: 'taylor', calibrationBatches: 2, batch: 1, seed: 3, classes: 2 }, false).get('fc1')!;
    for (let k = 0; k < 4; k++) expect(one[k]).toBeCloseTo(two[k] / 2, 6);
  });
  it('magnitude is |w|, grads are left zeroed, normalisation handles all-zero', () => {
    const { net, dense } = oneLayerNet([1, -3, 0, 2]);
    const I = computeImportance(net, split, { kind: 'magnitude', calibrationBatches: 1, batch: 1, seed: 0, classes: 2 }).get('fc1')!;
    [1, 3, 0, 2].forEach((a, k) => expect(I[k]).toBeCloseTo(a / 1.5, 6));
    computeImportance(net, split, { kind: 'taylor', calibrationBatches: 2, batch: 1, seed: 0, classes: 2 });
    expect([...dense.op.weight.grad]).toEqual([0, 0, 0, 0]);
    expect([...normaliseImportance(new Float32Array(3))]).toEqual([1, 1, 1]);
  });
});
