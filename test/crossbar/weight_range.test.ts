import { abs, quantileSeq } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { absPercentile, countClipped, resolveWMax } from '../../src/crossbar/weight_range.js';
import { UserError } from '../../src/util/errors.js';
import { maxAbsDiff, oracleProduct, randomArray, randomParam } from './helpers.js';

describe('weight range and clipping', () => {
  it('percentile of |w| matches mathjs quantileSeq', () => {
    const w = randomArray(1001, 'pct', 3);
    for (const p of [50, 90, 99, 99.5]) { // (mathjs 15 throws on 0.999 with 1001 values: float rounding of its index)
      const ref = quantileSeq(abs(Array.from(w)), p / 100) as number;
      expect(absPercentile(w, p)).toBeCloseTo(ref, 6);
    }
    expect(absPercentile(w, 100)).toBe(Math.max(...Array.from(w).map(Math.abs)));
    expect(resolveWMax(new Float32Array(4), { kind: 'percentile', percentile: 99 })).toBe(1);
    expect(resolveWMax(w, { kind: 'fixed', wMax: 0.3 })).toBe(0.3);
  });

  it('weights beyond the range are clipped and counted; the product uses the clipped weights', () => {
    const [n, rows, cols] = [3, 40, 25];
    const W = randomParam('fc', rows, cols, 'clip');
    const op = new CrossbarMatrixOp(W, { seed: 0, crossbar: { range: { kind: 'percentile', percentile: 90 } } });
    const wMax = op.wMax;
    const expectedClipped = Array.from(W.value).filter((v) => Math.abs(v) > wMax).length;
    expect(op.clippedCount()).toBe(expectedClipped);
    expect(countClipped(W.value, wMax)).toBe(expectedClipped);
    expect(Math.abs(expectedClipped - 100)).toBeLessThanOrEqual(1); // 10% of 1000
    const clippedW = W.value.map((v) => Math.max(-wMax, Math.min(wMax, v)));
    const X = randomArray(n * rows, 'cx');
    const Y = new Float32Array(n * cols);
    op.forward(X, n, Y, false);
    expect(maxAbsDiff(Y, oracleProduct(X, n, clippedW, rows, cols))).toBeLessThan(1e-4);
  });

  it('bad ranges are UserErrors naming the field', () => {
    const W = randomParam('fc', 2, 2, 'r');
    expect(() => new CrossbarMatrixOp(W, { seed: 0, crossbar: { range: { kind: 'fixed', wMax: 0 } } })).toThrow(/crossbar\.range\.wMax must be a finite number > 0/);
    expect(() => new CrossbarMatrixOp(W, { seed: 0, crossbar: { range: { kind: 'percentile', percentile: 101 } } })).toThrow(/percentile must be a number in \(0, 100\]/);
    expect(() => new CrossbarMatrixOp(W, { seed: 0, crossbar: { range: { kind: 'max' } as never } })).toThrow(UserError);
  });
});
