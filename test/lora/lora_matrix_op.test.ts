import { describe, expect, it } from 'vitest';
import * as math from 'mathjs';
import { LoraMatrixOp, makeAdapterParams } from '../../src/methods/lora/lora_matrix_op.js';
import { DigitalMatrixOp } from '../../src/nn/matrix_op.js';
import { makeParam, type Param } from '../../src/nn/param.js';
import { stream } from '../../src/util/rng.js';

function randFill(a: Float32Array, seed: number, name: string, scale = 1): Float32Array {
  const r = stream(seed, name);
  for (let i = 0; i < a.length; i++) a[i] = (2 * r.next() - 1) * scale;
  return a;
}

function toMat(a: Float32Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from(a.subarray(i * cols, (i + 1) * cols)));
}

function makeOp(rows: number, cols: number, rank: number, alpha: number, seed = 1) {
  const W0 = makeParam('fc.weight', rows, cols, false);
  randFill(W0.value, seed, 'test/W0', 0.5);
  const { A, B } = makeAdapterParams('fc', rows, cols, rank, seed);
  const op = new LoraMatrixOp(new DigitalMatrixOp(W0), new DigitalMatrixOp(A), new DigitalMatrixOp(B),
    { rank, alpha });
  return { op, W0, A, B };
}

describe('LoraMatrixOp', () => {
  it('B = 0 at init: output equals the base output exactly', () => {
    const rows = 13, cols = 7, n = 5;
    const { op, W0, A, B } = makeOp(rows, cols, 4, 8);
    expect(B.value.every((v) => v === 0)).toBe(true);
    expect(A.value.some((v) => v !== 0)).toBe(true);
    // Kaiming-uniform bound 1/sqrt(fan-in)
    const bound = 1 / Math.sqrt(rows);
    expect(A.value.every((v) => Math.abs(v) <= bound)).toBe(true);
    const X = randFill(new Float32Array(n * rows), 2, 'test/X');
    const Y = new Float32Array(n * cols), Y0 = new Float32Array(n * cols);
    op.forward(X, n, Y, true);
    new DigitalMatrixOp(W0).forward(X, n, Y0);
    expect(Array.from(Y)).toEqual(Array.from(Y0));
  });

  it('forward equals X·(W0 + (α/r)·A·B) (mathjs oracle)', () => {
    const rows = 9, cols = 6, n = 4, rank = 3, alpha = 6;
    const { op, W0, A, B } = makeOp(rows, cols, rank, alpha);
    randFill(B.value, 3, 'test/B', 0.3);
    const X = randFill(new Float32Array(n * rows), 4, 'test/X');
    const Y = new Float32Array(n * cols);
    op.forward(X, n, Y, false);
    const W = math.add(toMat(W0.value, rows, cols),
      math.multiply(alpha / rank, math.multiply(toMat(A.value, rows, rank), toMat(B.value, rank, cols)))) as number[][];
    const ref = math.multiply(toMat(X, n, rows), W) as number[][];
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) {
      expect(Y[i * cols + j]).toBeCloseTo(ref[i][j], 5);
    }
  });

  it('gradients of A, B and X match central finite differences; base gets none', () => {
    const rows = 8, cols = 5, n = 3, rank = 2, alpha = 4;
    const { op, W0, A, B } = makeOp(rows, cols, rank, alpha);
    randFill(B.value, 5, 'test/B', 0.5);
    const X = randFill(new Float32Array(n * rows), 6, 'test/X');
    const G = randFill(new Float32Array(n * cols), 7, 'test/G'); // L = Σ G ⊙ Y
    const Y = new Float32Array(n * cols);
    const loss = (): number => {
      op.forward(X, n, Y, true);
      let s = 0;
      for (let i = 0; i < Y.length; i++) s += G[i] * Y[i];
      return s;
    };
    loss();
    const dX = new Float32Array(n * rows);
    A.grad.fill(0); B.grad.fill(0); W0.grad.fill(0);
    op.backward(X, G, n, dX);
    expect(W0.grad.every((v) => v === 0)).toBe(true);
    // L is linear in each single entry, so central differences are exact up to float32 rounding
    const eps = 0.05;
    const check = (t: Float32Array, g: Float32Array) => {
      for (let i = 0; i < t.length; i++) {
        const v = t[i];
        t[i] = v + eps; const lp = loss();
        t[i] = v - eps; const lm = loss();
        t[i] = v;
        const fd = (lp - lm) / (2 * eps);
        expect(Math.abs(fd - g[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      }
    };
    check(A.value, A.grad);
    check(B.value, B.grad);
    check(X, dX);
    // dX null path still gives A and B gradients
    const gA = Float32Array.from(A.grad), gB = Float32Array.from(B.grad);
    A.grad.fill(0); B.grad.fill(0);
    loss();
    op.backward(X, G, n, null);
    expect(Array.from(A.grad)).toEqual(Array.from(gA));
    expect(Array.from(B.grad)).toEqual(Array.from(gB));
  });

  it('gradient through a base op that is not digital also reaches dX', () => {
    // a wrapper op (not DigitalMatrixOp) exercises the generic base.backward path
    const rows = 6, cols = 4, n = 2, rank = 2;
    const W0 = makeParam('c.weight', rows, cols, false);
    randFill(W0.value, 1, 'w');
    const inner = new DigitalMatrixOp(W0);
    const wrapped = {
      rows, cols, weight: W0,
      forward: (X: Float32Array, m: number, Y: Float32Array) => inner.forward(X, m, Y),
      backward: (X: Float32Array, dY: Float32Array, m: number, dX: Float32Array | null) => inner.backward(X, dY, m, dX),
      params: (): Param[] => [W0],
    };
    const { A, B } = makeAdapterParams('c', rows, cols, rank, 3);
    randFill(B.value, 2, 'b');
    const opGeneric = new LoraMatrixOp(wrapped, new DigitalMatrixOp(A), new DigitalMatrixOp(B), { rank, alpha: 2 });
    const opDigital = new LoraMatrixOp(inner, new DigitalMatrixOp(A), new DigitalMatrixOp(B), { rank, alpha: 2 });
    const X = randFill(new Float32Array(n * rows), 4, 'x');
    const dY = randFill(new Float32Array(n * cols), 5, 'dy');
    const Y = new Float32Array(n * cols);
    const dX1 = new Float32Array(n * rows), dX2 = new Float32Array(n * rows);
    opGeneric.forward(X, n, Y, true); opGeneric.backward(X, dY, n, dX1);
    opDigital.forward(X, n, Y, true); opDigital.backward(X, dY, n, dX2);
    for (let i = 0; i < dX1.length; i++) expect(dX1[i]).toBeCloseTo(dX2[i], 6);
  });

  it('cost counts MACs rows·cols + r·(rows+cols)', () => {
    const { op } = makeOp(20, 10, 4, 4);
    expect(op.cost().macsPerRow).toBe(20 * 10 + 4 * 30);
    expect(op.params().length).toBe(3);
    expect(op.adapterParams().map((p) => p.name)).toEqual(['fc.loraA', 'fc.loraB']);
  });

  it('same seed gives the same A, another seed another', () => {
    const a1 = makeAdapterParams('fc1', 30, 10, 4, 11).A.value;
    const a2 = makeAdapterParams('fc1', 30, 10, 4, 11).A.value;
    const a3 = makeAdapterParams('fc1', 30, 10, 4, 12).A.value;
    expect(Array.from(a1)).toEqual(Array.from(a2));
    expect(Array.from(a1)).not.toEqual(Array.from(a3));
  });

  it('rejects a bad rank or alpha with a message naming the field', () => {
    const W0 = makeParam('w', 4, 3, false);
    const A = makeParam('a', 4, 2), B = makeParam('b', 2, 3);
    expect(() => new LoraMatrixOp(new DigitalMatrixOp(W0), new DigitalMatrixOp(A), new DigitalMatrixOp(B),
      { rank: 0, alpha: 1 })).toThrow(/lora\.rank/);
    expect(() => new LoraMatrixOp(new DigitalMatrixOp(W0), new DigitalMatrixOp(A), new DigitalMatrixOp(B),
      { rank: 2, alpha: -1 })).toThrow(/lora\.alpha/);
  });
});
