import { describe, expect, it } from 'vitest';
import * as math from 'mathjs';
import { mergeConcatenated, mergeLinearIntoBase, mergeLinearSharedA } from '../../src/methods/multitask/merge.js';
import { TaskAdapterSet } from '../../src/methods/multitask/task_adapters.js';
import type { MatrixOp } from '../../src/nn/matrix_op.js';
import { crossbarBase, randFill, xbarFactory } from './helpers.js';

const rows = 10, cols = 7, n = 6, K = 3;

function out(op: MatrixOp, X: Float32Array): Float32Array {
  const Y = new Float32Array(n * op.cols);
  op.forward(X, n, Y, false);
  return Y;
}
function toMat(a: ArrayLike<number>, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => a[i * c + j]));
}

/** K trained-looking tasks on an IDEAL crossbar base with ideal adapter arrays (no defects, continuous, no noise) */
function tasks(variant: 'lora' | 'lori') {
  const base = crossbarBase('fc', rows, cols, 0, 1, { levels: 0, wMax: 4 });
  const layer = { name: 'fc', op: base as MatrixOp };
  const set = new TaskAdapterSet([layer], { variant, rank: 2, alpha: 4 }, 5, xbarFactory(1, 0, 0));
  for (let k = 0; k < K; k++) {
    set.addTask();
    const o = set.taskOps[k][0];
    randFill(o.B.value, k, 'test/B', 0.5); // as if trained; the crossbar programs it on the next forward
  }
  const X = randFill(new Float32Array(n * rows), 9, 'test/X');
  const Yb = out(base, X);
  // each adapter's own output: Y_k − Y_base
  const adapterOut = set.taskOps.map((ops) => { const Y = out(ops[0], X); return Y.map((v, i) => v - Yb[i]); });
  const sum = new Float64Array(n * cols);
  for (const a of adapterOut) for (let i = 0; i < sum.length; i++) sum[i] += a[i];
  return { base, layer, set, X, Yb, sum };
}

const TOL = 1e-5;

describe('adapter merging on an ideal crossbar', () => {
  for (const variant of ['lora', 'lori'] as const) {
    it(`${variant}: linear merge into the base = base + sum of the adapters' outputs`, () => {
      const { base, layer, set, X, Yb, sum } = tasks(variant);
      const { writes } = mergeLinearIntoBase(layer, set.taskOps.map((t) => t[0]));
      expect(layer.op).toBe(base);
      expect(writes).toBeGreaterThan(0); // base cells rewritten
      const Ym = out(base, X);
      for (let i = 0; i < Ym.length; i++) expect(Math.abs(Ym[i] - Yb[i] - sum[i])).toBeLessThan(TOL);
    });

    it(`${variant}: concatenated merge = X·A_cat·B_cat (mathjs) = sum of the adapters' outputs`, () => {
      const { set, X, Yb, sum } = tasks(variant);
      const ops = set.taskOps.map((t) => t[0]);
      const m = mergeConcatenated('fc', ops, undefined, xbarFactory(4, 0, 0));
      expect(m.op.rank).toBe(2 * K);
      expect(m.cells).toBe(2 * (rows * 2 * K + 2 * K * cols)); // differential pairs: 2 cells/weight
      expect(m.writes).toBeGreaterThan(0);
      // independent stacked product from the task params
      const Acat = math.concat(...ops.map((o) => toMat(o.A.value, rows, 2)), 1) as number[][];
      const Bcat = math.concat(...ops.map((o) => math.multiply(o.scale, toMat(o.B.value, 2, cols)) as number[][]), 0) as number[][];
      const ref = math.multiply(toMat(X, n, rows), math.multiply(Acat, Bcat)) as number[][];
      const Ym = out(m.op, X);
      for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) {
        expect(Math.abs(Ym[i * cols + j] - Yb[i * cols + j] - ref[i][j])).toBeLessThan(TOL);
        expect(Math.abs(Ym[i * cols + j] - Yb[i * cols + j] - sum[i * cols + j])).toBeLessThan(TOL);
      }
    });
  }

  it('lori: linear merge with the shared A is one rank-r adapter A·ΣB, writing only the new B array', () => {
    const { set, X, Yb, sum } = tasks('lori');
    const ops = set.taskOps.map((t) => t[0]);
    const aWrites = ops[0].opA.cost!().cellWrites;
    const m = mergeLinearSharedA('fc', ops, undefined, xbarFactory(4, 0, 0));
    expect(m.op.rank).toBe(2);
    expect(m.op.opA).toBe(ops[0].opA);
    expect(m.cells).toBe(2 * 2 * cols);
    expect(ops[0].opA.cost!().cellWrites).toBe(aWrites);
    const Ym = out(m.op, X);
    for (let i = 0; i < Ym.length; i++) expect(Math.abs(Ym[i] - Yb[i] - sum[i])).toBeLessThan(TOL);
    // weights: w = (1, 0, 0) reproduces task 0 alone
    const m0 = mergeLinearSharedA('fc', ops, [1, 0, 0], xbarFactory(4, 0, 0));
    const Y0 = out(ops[0], X), Ym0 = out(m0.op, X);
    for (let i = 0; i < Y0.length; i++) expect(Math.abs(Ym0[i] - Y0[i])).toBeLessThan(TOL);
  });

  it('lora adapters (distinct A_k) cannot use the shared-A merge', () => {
    const { set } = tasks('lora');
    expect(() => mergeLinearSharedA('fc', set.taskOps.map((t) => t[0]))).toThrow(/share one A/);
  });
});
