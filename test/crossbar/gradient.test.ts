import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { randomArray, randomParam } from './helpers.js';

/** L = Σ Y ⊙ G in float64 */
function loss(op: CrossbarMatrixOp, X: Float32Array, n: number, G: Float32Array): number {
  const Y = new Float32Array(n * op.cols);
  op.forward(X, n, Y, true);
  let s = 0;
  for (let i = 0; i < Y.length; i++) s += Y[i] * G[i];
  return s;
}

describe('CrossbarMatrixOp gradients (finite differences)', () => {
  for (const mapping of ['differential', 'offset'] as const) {
    for (const levels of [0, 64]) {
      it(`${mapping}, levels ${levels}, 30% defects`, () => {
        const [n, rows, cols] = [5, 23, 13];
        const W = randomParam('fc', rows, cols, `g-${mapping}`);
        const op = new CrossbarMatrixOp(W, {
          seed: 1, device: { levels }, defects: { rate: 0.3, lrsShare: 0.5, distribution: 'uniform' },
          crossbar: { mapping, tileRows: 8, tileCols: 8 },
        });
        const X = randomArray(n * rows, 'gx');
        const G = randomArray(n * cols, 'gg');
        W.grad.fill(0.25); // backward accumulates
        const dX = new Float32Array(n * rows);
        loss(op, X, n, G);
        op.backward(X, G, n, dX);
        const mask = W.updateMask as Float32Array;
        const eff = op.effectiveWeights();
        const { lo, hi } = op.attainable();
        let stuck = 0, checkedThroughCells = 0;
        // FD on the effective weights: dL/dW_eff[k] = (L(W_eff + h e_k) − L(W_eff − h e_k)) / 2h
        const h = 1e-2;
        for (let k = 0; k < rows * cols; k++) {
          const i = Math.floor(k / cols), j = k % cols;
          let lp = 0, lm = 0;
          for (let b = 0; b < n; b++) {
            let yp = 0;
            for (let r = 0; r < rows; r++) yp += X[b * rows + r] * eff[r * cols + j];
            lp += (yp + h * X[b * rows + i]) * G[b * cols + j];
            lm += (yp - h * X[b * rows + i]) * G[b * cols + j];
          }
          const fd = (lp - lm) / (2 * h);
          if (mask[k] === 0) {
            stuck++;
            expect(W.grad[k]).toBe(0.25); // fully stuck: no gradient
          } else {
            expect(W.grad[k] - 0.25).toBeCloseTo(fd, 3);
          }
          // through the whole op (reprogramming the cells) where the target is inside the attainable range
          const w = W.value[k];
          if (levels === 0 && mask[k] === 1 && w - lo[k] > 2 * h && hi[k] - w > 2 * h && k % 7 === 0) {
            const v = W.value[k];
            W.value[k] = v + h; const a = loss(op, X, n, G);
            W.value[k] = v - h; const c = loss(op, X, n, G);
            W.value[k] = v;
            expect((a - c) / (2 * h)).toBeCloseTo(W.grad[k] - 0.25, 2);
            checkedThroughCells++;
          }
        }
        expect(stuck).toBeGreaterThan(0);
        if (levels === 0) expect(checkedThroughCells).toBeGreaterThan(5);
        // dX against finite differences on X
        for (let q = 0; q < n * rows; q += 3) {
          const v = X[q];
          X[q] = v + h; const a = loss(op, X, n, G);
          X[q] = v - h; const c = loss(op, X, n, G);
          X[q] = v;
          expect(dX[q]).toBeCloseTo((a - c) / (2 * h), 3);
        }
      });
    }
  }
});
