import { describe, expect, it } from 'vitest';
import { attachLora, selectLayers } from '../../src/methods/lora/attach.js';
import { applyLoriMask, loriMask } from '../../src/methods/lora/lori_mask.js';
import { loraDelta, mergeLora, usedWeights } from '../../src/methods/lora/merge.js';
import { LoraMatrixOp } from '../../src/methods/lora/lora_matrix_op.js';
import { DigitalMatrixOp, type MatrixOp } from '../../src/nn/matrix_op.js';
import { makeParam } from '../../src/nn/param.js';
import { stream } from '../../src/util/rng.js';
import { UserError } from '../../src/util/errors.js';

function layer(name: string, rows: number, cols: number, seed = 1): { name: string; op: MatrixOp } {
  const W = makeParam(`${name}.weight`, rows, cols);
  const r = stream(seed, `test/${name}`);
  for (let i = 0; i < W.value.length; i++) W.value[i] = r.normal() * 0.3;
  return { name, op: new DigitalMatrixOp(W) };
}

function fillRandom(a: Float32Array, seed: number, name: string): void {
  const r = stream(seed, name);
  for (let i = 0; i < a.length; i++) a[i] = r.normal();
}

describe('attachLora', () => {
  it('wraps the selected layers, freezes their bases, rejects unknown names', () => {
    const ls = [layer('fc1', 12, 8), layer('fc2', 8, 4)];
    const ops = attachLora(ls, { rank: 2, alpha: 4, layers: ['fc2'] }, 3);
    expect(ops.length).toBe(1);
    expect(ls[0].op).toBeInstanceOf(DigitalMatrixOp);
    expect(ls[1].op).toBeInstanceOf(LoraMatrixOp);
    expect(ls[1].op.weight.trainable).toBe(false);
    expect(ops[0].A.trainable && ops[0].B.trainable).toBe(true);
    expect(() => selectLayers(ls, ['conv9'])).toThrow(UserError);
    expect(() => selectLayers(ls, ['conv9'])).toThrow(/lora\.layers.*fc1, fc2/);
    expect(() => attachLora([layer('x', 3, 2)], { rank: 3, alpha: 1, layers: [] }, 1)).toThrow(/lora\.rank.*1\.\.2/);
  });
});

describe('LoRI mask', () => {
  it('one global threshold gives exactly the requested sparsity across layers', () => {
    const B1 = makeParam('a.loraB', 4, 50), B2 = makeParam('b.loraB', 4, 25);
    fillRandom(B1.value, 1, 'b1');
    fillRandom(B2.value, 1, 'b2');
    for (let i = 0; i < B2.value.length; i++) B2.value[i] *= 3; // layer 2 has larger entries
    const m = loriMask([B1, B2], 0.9);
    const total = 300, kept = Math.round(0.1 * total);
    expect(m.kept).toBe(kept);
    const ones = m.masks.reduce((s, x) => s + x.reduce((t, v) => t + v, 0), 0);
    expect(ones).toBe(kept);
    // one threshold: every kept magnitude >= every pruned magnitude, in all layers
    let minKept = Infinity, maxPruned = 0;
    [B1, B2].forEach((b, k) => b.value.forEach((v, i) => {
      if (m.masks[k][i]) minKept = Math.min(minKept, Math.abs(v));
      else maxPruned = Math.max(maxPruned, Math.abs(v));
    }));
    expect(minKept).toBeGreaterThanOrEqual(maxPruned);
    // the larger layer-2 entries take more than their share of the kept slots
    const kept2 = m.masks[1].reduce((t, v) => t + v, 0);
    expect(kept2 / kept).toBeGreaterThan(100 / 300);
  });

  it('ties at the threshold still give the exact count', () => {
    const B = makeParam('t.loraB', 2, 10);
    B.value.fill(1);
    const m = loriMask([B], 0.75);
    expect(m.masks[0].reduce((t, v) => t + v, 0)).toBe(5);
  });

  it('applying the mask zeroes B and combines with an existing mask', () => {
    const B = makeParam('c.loraB', 1, 4);
    B.value.set([4, -3, 0.1, 2]);
    B.updateMask = Float32Array.from([1, 0, 1, 1]); // entry 1 stuck
    const m = loriMask([B], 0.5);
    applyLoriMask([B], m);
    expect(Array.from(B.value)).toEqual([0, 0, 0, 0]);
    expect(Array.from(B.updateMask)).toEqual([1, 0, 0, 0]);
  });

  it('rejects a sparsity outside [0, 1)', () => {
    expect(() => loriMask([makeParam('b', 1, 2)], 1)).toThrow(/lora\.sparsity/);
  });
});

describe('merge', () => {
  it('on digital ops the merged forward equals the unmerged one', () => {
    const ls = [layer('fc1', 10, 6), layer('fc2', 6, 3)];
    const ops = attachLora(ls, { rank: 3, alpha: 6, layers: [] }, 5);
    ops.forEach((o, k) => fillRandom(o.B.value, 7, `B${k}`));
    const n = 4;
    const X = new Float32Array(n * 10); fillRandom(X, 2, 'x');
    const Yl = new Float32Array(n * 6), Ym = new Float32Array(n * 6);
    ls[0].op.forward(X, n, Yl, false);
    const dW = loraDelta(ops[0]);
    expect(dW.some((v) => v !== 0)).toBe(true);
    expect(mergeLora(ls)).toEqual(['fc1', 'fc2']);
    expect(ls[0].op).toBeInstanceOf(DigitalMatrixOp);
    ls[0].op.forward(X, n, Ym, false);
    for (let i = 0; i < Yl.length; i++) expect(Ym[i]).toBeCloseTo(Yl[i], 5);
  });

  it('usedWeights of a digital op is its weight', () => {
    const l = layer('w', 5, 3);
    expect(Array.from(usedWeights(l.op))).toEqual(Array.from(l.op.weight.value));
  });
});
