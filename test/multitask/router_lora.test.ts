import { describe, expect, it } from 'vitest';
import * as math from 'mathjs';
import { attachRouted, type RoutedLoraMatrixOp } from '../../src/methods/multitask/router_lora.js';
import { DigitalMatrixOp, type MatrixOp } from '../../src/nn/matrix_op.js';
import type { Param } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { randFill, randParam, xbarFactory } from './helpers.js';

const rows = 7, cols = 5, n = 4, rank = 2, K = 3;

function make(factory?: Parameters<typeof attachRouted>[3]): { op: RoutedLoraMatrixOp; W0: Param; layer: { name: string; op: MatrixOp } } {
  const W0 = randParam('fc.weight', rows, cols, 1, 0.5, true);
  const layer: { name: string; op: MatrixOp } = { name: 'fc', op: new DigitalMatrixOp(W0) };
  const op = attachRouted(layer, { rank, alpha: 4, heads: K }, 3, factory);
  return { op, W0, layer };
}

function toMat(a: ArrayLike<number>, r: number, c: number): number[][] {
  return Array.from({ length: r }, (_, i) => Array.from({ length: c }, (_, j) => a[i * c + j]));
}

describe('Crab-style routed multi-head LoRA', () => {
  it('B_k = 0 at init: the base output exactly; the base is frozen; routing weights are a softmax summing to 1', () => {
    const { op, W0, layer } = make();
    expect(layer.op).toBe(op);
    expect(W0.trainable).toBe(false);
    const X = randFill(new Float32Array(n * rows), 2, 'test/X', 2);
    const Y = new Float32Array(n * cols), Y0 = new Float32Array(n * cols);
    op.forward(X, n, Y, true);
    new DigitalMatrixOp(W0).forward(X, n, Y0);
    expect(Array.from(Y)).toEqual(Array.from(Y0));
    const w = op.lastRouting();
    expect(w.length).toBe(n * K);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < K; k++) { expect(w[i * K + k]).toBeGreaterThan(0); s += w[i * K + k]; }
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
    // different inputs route differently (a random router)
    expect(w[0]).not.toBeCloseTo(w[K], 6);
    // large logits do not overflow
    op.biasR.value.set([800, -800, 0]);
    const w2 = op.routing(X, n);
    for (let i = 0; i < n; i++) { expect(w2[i * K]).toBeCloseTo(1, 6); expect(Number.isFinite(w2[i * K + 1])).toBe(true); }
  });

  it('forward = X·W0 + Σ_k softmax(X·R + b)_k ⊙ (s·X·A·B_k) (mathjs oracle)', () => {
    const { op, W0 } = make();
    for (let k = 0; k < K; k++) randFill(op.B(k).value, k, 'test/B', 0.5);
    randFill(op.biasR.value, 4, 'test/bR', 0.5);
    const X = randFill(new Float32Array(n * rows), 5, 'test/X');
    const Y = new Float32Array(n * cols);
    op.forward(X, n, Y, false);
    const Xm = toMat(X, n, rows);
    const Z = math.add(math.multiply(Xm, toMat(op.R.value, rows, K)), Array.from({ length: n }, () => Array.from(op.biasR.value))) as number[][];
    const Hs = math.multiply(op.scale, math.multiply(Xm, toMat(op.A.value, rows, rank))) as number[][];
    let ref = math.multiply(Xm, toMat(W0.value, rows, cols)) as number[][];
    for (let k = 0; k < K; k++) {
      const Tk = math.multiply(Hs, toMat(op.B(k).value, rank, cols)) as number[][];
      ref = ref.map((row, i) => {
        const e = Z[i].map((z) => Math.exp(z)); const w = e[k] / e.reduce((a, b) => a + b, 0);
        return row.map((v, j) => v + w * Tk[i][j]);
      });
    }
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) expect(Y[i * cols + j]).toBeCloseTo(ref[i][j], 5);
  });

  it('gradients of A, every B_k, R, b_R and X match central finite differences (float64 loss)', () => {
    const { op, W0 } = make();
    for (let k = 0; k < K; k++) randFill(op.B(k).value, k, 'test/B', 0.8);
    randFill(op.R.value, 6, 'test/R', 1); // sharper routing: larger softmax curvature to get right
    const X = randFill(new Float32Array(n * rows), 7, 'test/X');
    const G = randFill(new Float32Array(n * cols), 8, 'test/G');
    const Y = new Float32Array(n * cols);
    const loss = (): number => {
      op.forward(X, n, Y, true);
      let s = 0;
      for (let i = 0; i < Y.length; i++) s += G[i] * Y[i];
      return s;
    };
    loss();
    for (const p of op.params()) p.grad.fill(0);
    const dX = new Float32Array(n * rows);
    op.backward(X, G, n, dX);
    expect(W0.grad.every((v) => v === 0)).toBe(true);
    const eps = 2 ** -7;
    let checks = 0;
    const check = (t: Float32Array, g: Float32Array, what: string) => {
      for (let i = 0; i < t.length; i++) {
        const v = t[i];
        t[i] = v + eps; const lp = loss();
        t[i] = v - eps; const lm = loss();
        t[i] = v;
        const num = (lp - lm) / (2 * eps);
        if (Math.abs(num - g[i]) > 2e-3 + 1e-3 * Math.abs(g[i])) expect.fail(`${what}[${i}]: finite difference ${num} vs analytic ${g[i]}`);
        checks++;
      }
    };
    check(op.A.value, op.A.grad, 'A');
    for (let k = 0; k < K; k++) check(op.B(k).value, op.B(k).grad, `B${k}`);
    check(op.R.value, op.R.grad, 'R');
    check(op.biasR.value, op.biasR.grad, 'bR');
    check(X, dX, 'X');
    expect(checks).toBe(rows * rank + K * rank * cols + rows * K + K + n * rows);
    // the router gradient is not trivially zero
    expect(op.R.grad.some((v) => Math.abs(v) > 1e-3)).toBe(true);
  });

  it('on ideal crossbars (no defects, continuous levels) it computes what the digital op computes; cost counts every array', () => {
    const dig = make();
    const xb = make(xbarFactory(2, 0, 0));
    for (const { op } of [dig, xb]) for (let k = 0; k < K; k++) randFill(op.B(k).value, k, 'test/B', 0.5);
    const X = randFill(new Float32Array(n * rows), 9, 'test/X');
    const Yd = new Float32Array(n * cols), Yx = new Float32Array(n * cols);
    dig.op.forward(X, n, Yd, false);
    xb.op.forward(X, n, Yx, false);
    for (let i = 0; i < Yd.length; i++) expect(Math.abs(Yd[i] - Yx[i])).toBeLessThan(1e-5);
    // differential pairs: 2 cells per weight for A, the K heads and R; the digital base has no cost
    expect(xb.op.adapterCost().cellsUsed).toBe(2 * (rows * rank + K * rank * cols + rows * K));
    expect(xb.op.cost().macsPerRow).toBe(rows * cols + rank * rows + K * rank * cols + rows * K);
  });

  it('bad heads or rank are UserErrors', () => {
    const layer = { name: 'fc', op: new DigitalMatrixOp(randParam('w', 4, 3, 1)) as MatrixOp };
    expect(() => attachRouted(layer, { rank: 1, alpha: 1, heads: 0 }, 1)).toThrow(UserError);
    expect(() => attachRouted(layer, { rank: 4, alpha: 1, heads: 2 }, 1)).toThrow(/lora\.rank 4.*1\.\.3/);
  });
});
