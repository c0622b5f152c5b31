/** Helpers for the multi-task adapter tests (not a test file). */
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import type { ArrayOpFactory } from '../../src/methods/multitask/array_factory.js';
import type { MatrixOp } from '../../src/nn/matrix_op.js';
import { makeParam, type Param } from '../../src/nn/param.js';
import { stream } from '../../src/util/rng.js';

export function randFill(a: Float32Array, seed: number | string, name: string, scale = 1): Float32Array {
  const r = stream(seed, name);
  for (let i = 0; i < a.length; i++) a[i] = (2 * r.next() - 1) * scale;
  return a;
}

export function randParam(name: string, rows: number, cols: number, seed: number, scale = 1, trainable = true): Param {
  const p = makeParam(name, rows, cols, trainable);
  randFill(p.value, seed, `test/${name}`, scale);
  return p;
}

/**
 * Each array on its own crossbar: fixed range ±wMax, `levels` (0 = continuous), uniform defects
 * at `rate`, no noise. rate 0 and levels 0 = the ideal crossbar (exact up to float rounding).
 */
export function xbarFactory(wMax: number, rate: number, levels = 0, seed = 3): ArrayOpFactory {
  return (array, p) => new CrossbarMatrixOp(p, {
    layer: array, seed, device: { levels },
    crossbar: { range: { kind: 'fixed', wMax } },
    defects: { rate, lrsShare: 0.5, distribution: 'uniform' },
  });
}

/** a frozen base W ~ U(±0.5) on a crossbar with range ±wMax, `levels` levels (0 = continuous), defects at `rate` */
export function crossbarBase(name: string, rows: number, cols: number, rate: number, seed = 1, o = { levels: 32, wMax: 0.5 }): CrossbarMatrixOp {
  const W = randParam(`${name}.weight`, rows, cols, seed, 0.5, false);
  return new CrossbarMatrixOp(W, {
    layer: name, seed, device: { levels: o.levels }, crossbar: { range: { kind: 'fixed', wMax: o.wMax } },
    defects: { rate, lrsShare: 0.5, distribution: 'uniform' },
  });
}

export function writesOf(op: MatrixOp): number {
  return op.cost?.().cellWrites ?? 0;
}

/** `steps` plain SGD steps on L = Σ G ⊙ op(X) for the given params (masked updates), then a forward */
export function sgdSteps(op: MatrixOp, params: Param[], X: Float32Array, n: number, steps: number, seed: string, lr = 0.05): void {
  const Y = new Float32Array(n * op.cols);
  const G = randFill(new Float32Array(n * op.cols), seed, 'test/G');
  for (let s = 0; s < steps; s++) {
    for (const p of params) p.grad.fill(0);
    op.forward(X, n, Y, true);
    op.backward(X, G, n, null);
    for (const p of params) {
      for (let i = 0; i < p.value.length; i++) p.value[i] -= lr * p.grad[i] * (p.updateMask ? p.updateMask[i] : 1);
    }
  }
  op.forward(X, n, Y, false);
}
