import { describe, expect, it } from 'vitest';
import { quantiseSymmetric } from '../../src/crossbar/converters.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { analogMvm } from '../../src/crossbar/mvm.js';
import { permutation, stream } from '../../src/util/rng.js';
import { maxAbsDiff, oracleProduct, randomArray, randomParam } from './helpers.js';

describe('DAC / ADC', () => {
  it('symmetric quantiser: 2^(b−1)−1 steps per side, clamped to the range', () => {
    const a = Float64Array.of(-2, -0.5, -0.2, 0, 0.26, 0.74, 1, 3);
    quantiseSymmetric(a, a.length, 3, 1); // S = 3, Δ = 1/3
    expect(Array.from(a).map((v) => Math.round(v * 3))).toEqual([-3, -2, -1, 0, 1, 2, 3, 3]);
  });

  for (const mapping of ['differential', 'offset'] as const) {
    it(`${mapping}: the op's tiled DAC/ADC path equals the literal per-tile current model (with permutations and defects)`, () => {
      const [n, rows, cols] = [6, 45, 22];
      const W = randomParam('fc', rows, cols, `adc-${mapping}`);
      const spec = { mapping, tileRows: 16, tileCols: 16, dacBits: 5, adcBits: 6 };
      const op = new CrossbarMatrixOp(W, { seed: 3, crossbar: spec, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' } });
      const pr = permutation(stream(0, 'r'), rows), pc = permutation(stream(0, 'c'), cols);
      op.setRowPermutation(pr);
      op.setColPermutation(pc);
      const X = randomArray(n * rows, 'adcx');
      const Y = new Float32Array(n * cols);
      op.forward(X, n, Y, false);
      // physical order: Xp[b, pr[i]] = X[b, i];  Y[b, j] = Yp[b, pc[j]]
      const Xp = new Float32Array(n * rows), Yp = new Float32Array(n * cols);
      for (let b = 0; b < n; b++) for (let i = 0; i < rows; i++) Xp[b * rows + pr[i]] = X[b * rows + i];
      analogMvm(op.array, op.wMax, Xp, n, Yp, { dacBits: 5, adcBits: 6 });
      const Yl = new Float32Array(n * cols);
      for (let b = 0; b < n; b++) for (let j = 0; j < cols; j++) Yl[b * cols + j] = Yp[b * cols + pc[j]];
      expect(maxAbsDiff(Y, Yl)).toBeLessThan(1e-4);
      // quantisation is real: differs from the unquantised product, but only by a few LSBs
      const ideal = oracleProduct(X, n, op.effectiveWeights(), rows, cols);
      const err = maxAbsDiff(Y, ideal);
      expect(err).toBeGreaterThan(1e-3);
      expect(err).toBeLessThan(0.25 * Math.max(...ideal.map(Math.abs)));
    });
  }

  it('high-resolution converters approach the ideal product', () => {
    const [n, rows, cols] = [4, 30, 12];
    const W = randomParam('fc', rows, cols, 'hi');
    const op = new CrossbarMatrixOp(W, { seed: 0, crossbar: { tileRows: 8, tileCols: 8, dacBits: 16, adcBits: 16 } });
    const X = randomArray(n * rows, 'hix');
    const Y = new Float32Array(n * cols);
    op.forward(X, n, Y, false);
    expect(maxAbsDiff(Y, oracleProduct(X, n, W.value, rows, cols))).toBeLessThan(2e-3);
  });
});
