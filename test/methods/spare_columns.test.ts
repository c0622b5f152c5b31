/**
 * Spare-column re-mapping (src/crossbar/spare_columns_op.ts, method 'spare'): the column assignment
 * (uniform row importance here) is optimal (exhaustive search over every injective assignment as the oracle), the forward computes
 * each neuron on the physical column it was given (hand oracle from the cell conductances), the first
 * columns' defects equal those of the same layer without spares, and spareColumns 0 keeps the columns
 * in place when nothing can be gained.
 */
import { describe, expect, it } from 'vitest';
import { makeCrossbarOp } from '../../src/crossbar/crossbar_op_factory.js';
import { SpareColumnsOp, spareCount } from '../../src/crossbar/spare_columns_op.js';
import { defectAwareMapping } from '../../src/methods/defect_mapping.js';
import { physicalFaulty } from '../../src/methods/deploy.js';
import { mappingProblem } from '../../src/methods/layer_mapping.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { randomArray, randomParam } from '../crossbar/helpers.js';

function point(rate: number): Pick<PointSpec, 'device' | 'crossbar' | 'defects' | 'seed'> {
  return {
    seed: 4,
    device: { ...DEFAULTS.device },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    defects: { rate, lrsShare: 0.5, distribution: 'uniform' },
  };
}

describe('spare columns', () => {
  it('S = ceil(f·cols)', () => {
    expect(spareCount(10, 0.2)).toBe(2);
    expect(spareCount(10, 0.25)).toBe(3);
    expect(spareCount(256, 0.1)).toBe(26);
    expect(spareCount(10, 0)).toBe(0);
  });

  it('the assignment is the exhaustive optimum, and the forward reads each neuron from its column', () => {
    const W = randomParam('fc', 12, 4, 'sp1');
    const op = new SpareColumnsOp(W, 'fc', point(0.3), 1); // 4 spare columns: 8 physical
    const x = op.inner;
    const pr = mappingProblem(x, op.importance());
    const res = defectAwareMapping(pr, 'cols', { rowPerm0: x.rowPermutation(), colPerm0: x.colPermutation() });
    // oracle: every injective assignment of the 4 real columns to the 8 physical ones (spares cost 0)
    const { lo, hi } = x.physicalAttainable();
    const F = physicalFaulty(x);
    const pc = 8;
    const colCost = (j: number, q: number) => {
      let s = 0;
      for (let i = 0; i < 12; i++) {
        const k = i * pc + q;
        if (!F[k]) continue;
        const w = W.value[i * 4 + j], c = Math.min(hi[k], Math.max(lo[k], w));
        s += (w - c) ** 2;
      }
      return s;
    };
    let best = Infinity;
    for (let a = 0; a < pc; a++) for (let b = 0; b < pc; b++) for (let c = 0; c < pc; c++) for (let d = 0; d < pc; d++) {
      if (new Set([a, b, c, d]).size < 4) continue;
      best = Math.min(best, colCost(0, a) + colCost(1, b) + colCost(2, c) + colCost(3, d));
    }
    expect(res.costAfter).toBeCloseTo(best, 9);
    expect(res.costAfter).toBeLessThan(res.costBefore);
    x.setColPermutation(res.colPerm);
    op.sync();
    const X = randomArray(3 * 12, 'xs');
    const Y = new Float32Array(3 * 4);
    op.forward(X, 3, Y, false);
    const perm = x.colPermutation();
    for (let b = 0; b < 3; b++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 12; i++) { const slot = i * pc + perm[j]; s += X[b * 12 + i] * x.wMax * (x.array.uP[slot] - x.array.uN[slot]); }
      expect(Y[b * 4 + j]).toBeCloseTo(s, 4);
    }
  });

  it('the real columns see the defects of the same layer without spares (same tiles, same streams)', () => {
    const W = randomParam('fc', 12, 4, 'sp2');
    const plain = makeCrossbarOp(W, 'fc', point(0.2));
    const op = new SpareColumnsOp(W, 'fc', point(0.2), 0.5);
    for (let i = 0; i < 12; i++) for (let j = 0; j < 4; j++) {
      expect(op.inner.array.stateP[i * 6 + j]).toBe(plain.array.stateP[i * 4 + j]);
      expect(op.inner.array.stateN[i * 6 + j]).toBe(plain.array.stateN[i * 4 + j]);
    }
    // no defects: the forward is the digital product
    const clean = new SpareColumnsOp(W, 'fc', point(0), 0.5);
    const X = randomArray(2 * 12, 'xc'), Y = new Float32Array(8);
    clean.forward(X, 2, Y, false);
    for (let b = 0; b < 2; b++) for (let j = 0; j < 4; j++) {
      let s = 0;
      for (let i = 0; i < 12; i++) s += X[b * 12 + i] * W.value[i * 4 + j];
      expect(Y[b * 4 + j]).toBeCloseTo(s, 5);
    }
  });
});
