import { describe, expect, it } from 'vitest';
import { makeParam } from '../../src/nn/param.js';
import { SGD, zeroGrads } from '../../src/nn/sgd.js';

/** float64 hand computation of PyTorch's rule: g = grad + wd·w; v = μ·v + g; w -= lr·v */
function reference(w: number[], grads: number[][], lr: number, mu: number, wd: number, mask?: number[]): number[] {
  const v = w.map(() => 0);
  const x = [...w];
  for (const g of grads) {
    for (let i = 0; i < x.length; i++) {
      const m = mask ? mask[i] : 1;
      v[i] = m * (mu * v[i] + g[i] + wd * x[i]);
      x[i] -= lr * v[i];
    }
  }
  return x;
}

describe('SGD (momentum, weight decay, masks)', () => {
  it('plain SGD step: w -= lr·grad', () => {
    const p = makeParam('p', 3, 1);
    p.value.set([1, -2, 0.5]);
    p.grad.set([0.5, 1, -4]);
    new SGD([p], { lr: 0.1, momentum: 0, weightDecay: 0 }).step();
    expect(Array.from(p.value)).toEqual(Array.from(Float32Array.from([1 - 0.05, -2 - 0.1, 0.5 + 0.4])));
  });

  it('two steps with momentum and weight decay match the hand computation', () => {
    const p = makeParam('p', 2, 2);
    const w0 = [0.5, -1, 2, 0];
    p.value.set(w0);
    const grads = [[0.1, 0.2, -0.3, 1], [-0.2, 0.4, 0.1, 0.5]];
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    for (const g of grads) { p.grad.set(g); opt.step(); }
    // by hand for element 0: g1 = 0.1 + 0.01·0.5 = 0.105, v1 = 0.105, w1 = 0.5 − 0.0105 = 0.4895
    //                        g2 = −0.2 + 0.01·0.4895 = −0.195105, v2 = 0.9·0.105 − 0.195105 = −0.100605
    //                        w2 = 0.4895 + 0.0100605 = 0.4995605
    expect(p.value[0]).toBeCloseTo(0.4995605, 6);
    const ref = reference(w0, grads, 0.1, 0.9, 0.01);
    for (let i = 0; i < 4; i++) expect(p.value[i]).toBeCloseTo(ref[i], 6);
  });

  it('masked elements never move, momentum included, even when the mask is set mid-run', () => {
    const p = makeParam('p', 4, 1);
    p.value.set([1, 1, 1, 1]);
    const opt = new SGD([p], { lr: 0.5, momentum: 0.9, weightDecay: 0.1 });
    p.grad.set([1, 1, 1, 1]);
    opt.step(); // builds momentum everywhere
    const after1 = Float32Array.from(p.value);
    p.updateMask = Float32Array.from([1, 0, 1, 0]);
    p.grad.set([1, 1, 1, 1]);
    opt.step();
    opt.step();
    expect(p.value[1]).toBe(after1[1]);
    expect(p.value[3]).toBe(after1[3]);
    expect(p.value[0]).not.toBe(after1[0]);
    // unmasking again: the frozen element restarts from zero momentum (v = g + wd·w)
    p.updateMask = undefined;
    const before = p.value[1];
    opt.step();
    expect(p.value[1]).toBeCloseTo(before - 0.5 * (1 + 0.1 * before), 6);
    // reference for a mask present from the start
    const q = makeParam('q', 3, 1);
    q.value.set([0.3, -0.7, 0.2]);
    q.updateMask = Float32Array.from([0, 1, 1]);
    const o2 = new SGD([q], { lr: 0.1, momentum: 0.9, weightDecay: 0.05 });
    const grads = [[1, 2, 3], [-1, 0.5, 0.25], [0.1, 0.1, 0.1]];
    for (const g of grads) { q.grad.set(g); o2.step(); }
    const ref = reference([0.3, -0.7, 0.2], grads, 0.1, 0.9, 0.05, [0, 1, 1]);
    expect(q.value[0]).toBe(Math.fround(0.3));
    for (let i = 0; i < 3; i++) expect(q.value[i]).toBeCloseTo(ref[i], 6);
  });

  it('trainable = false skips the param entirely; zeroGrads clears grads', () => {
    const p = makeParam('p', 2, 1, false);
    p.value.set([1, 2]);
    p.grad.set([5, 5]);
    new SGD([p], { lr: 1, momentum: 0.9, weightDecay: 0.5 }).step();
    expect(Array.from(p.value)).toEqual([1, 2]);
    zeroGrads([p]);
    expect(Array.from(p.grad)).toEqual([0, 0]);
  });
});
