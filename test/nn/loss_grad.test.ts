import { describe, expect, it } from 'vitest';
import { log, exp, sum, max, subtract } from 'mathjs';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { expectClose, uniform } from './gradcheck.js';

/** mathjs oracle: mean over rows of  log Σ_j exp(z_j) − z_y  (direct formula, fine for moderate z) */
function oracle(z: number[][], y: number[]): number {
  let s = 0;
  z.forEach((row, i) => { s += (log(sum(row.map((v) => exp(v)))) as number) - row[y[i]]; });
  return s / z.length;
}

describe('softmax cross-entropy', () => {
  const n = 4, k = 5;
  const z = uniform(n * k, 'logits', -3, 3);
  const y = Uint8Array.from([0, 4, 2, 2]);

  it('loss matches a mathjs oracle, and argmax accuracy is counted', () => {
    const r = softmaxCrossEntropy(z, y, 0, n, k, null);
    const rows = Array.from({ length: n }, (_, i) => Array.from(z.subarray(i * k, i * k + k)));
    expect(r.loss).toBeCloseTo(oracle(rows, Array.from(y)), 12);
    const correct = rows.filter((row, i) => row.indexOf(max(row) as number) === y[i]).length;
    expect(r.correct).toBe(correct);
  });

  it('gradient equals central finite differences (loss in float64, ε = 2⁻¹²)', () => {
    // The loss is computed in float64 from float32 logits and z ± ε is exact in float32, so the
    // central difference error is O(ε²·|L'''|) ≈ 1e-7: tolerance 1e-6.
    const d = new Float32Array(n * k);
    softmaxCrossEntropy(z, y, 0, n, k, d);
    const eps = 2 ** -12;
    for (let i = 0; i < n * k; i++) {
      const v = z[i];
      z[i] = v + eps; const lp = softmaxCrossEntropy(z, y, 0, n, k, null).loss;
      z[i] = v - eps; const lm = softmaxCrossEntropy(z, y, 0, n, k, null).loss;
      z[i] = v;
      expectClose((lp - lm) / (2 * eps), d[i], `dz[${i}]`, 1e-6, 1e-5);
    }
    // rows of dL/dz sum to 0 (softmax − one-hot)
    for (let i = 0; i < n; i++) expect(Math.abs(sum(Array.from(d.subarray(i * k, i * k + k))) as number)).toBeLessThan(1e-7);
  });

  it('is numerically stable for huge logits', () => {
    const big = Float32Array.from([1000, 0, -1000, 1e30, 1e30 - 1e24, 0]);
    const d = new Float32Array(6);
    const r = softmaxCrossEntropy(big, Uint8Array.from([1, 0]), 0, 2, 3, d);
    expect(Number.isFinite(r.loss)).toBe(true);
    // row 0: log(e^1000 + 1 + e^-1000) − 0 ≈ 1000; row 1: ~0 (z_0 is the max)
    expect(r.loss).toBeCloseTo((1000 + 0) / 2, 6);
    expect(d.every(Number.isFinite)).toBe(true);
  });

  it('honours the label offset and rejects labels outside the classes', () => {
    const yy = Uint8Array.from([9, 9, 0, 4, 2, 2]);
    expect(softmaxCrossEntropy(z, yy, 2, n, k, null).loss).toBe(softmaxCrossEntropy(z, y, 0, n, k, null).loss);
    expect(() => softmaxCrossEntropy(z, Uint8Array.from([0, 7, 0, 0]), 0, n, k, null)).toThrow(/label 7/);
  });

  it('mathjs oracle sanity: uniform logits give log(k)', () => {
    expect(oracle([[0, 0, 0]], [1])).toBeCloseTo(Math.log(3), 12);
    expect(subtract(1, 1)).toBe(0);
  });
});
