import { describe, expect, it } from 'vitest';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { analogMvm } from '../../src/crossbar/mvm.js';
import { makeParam } from '../../src/nn/param.js';
import { healthyMaps } from './helpers.js';

const H = HEALTHY, O = STUCK_HRS, N = STUCK_LRS;
const wMax = 2;

/** one row of weights, each with given cell states; returns W_eff, attainable and the update mask */
function pinned(mapping: 'differential' | 'offset', cases: { s: [number, number]; w: number }[]) {
  const cpw = mapping === 'differential' ? 2 : 1;
  const cols = cases.length;
  const W = makeParam('row', 1, cols);
  cases.forEach((c, j) => { W.value[j] = c.w; });
  const maps = healthyMaps(1, 1, cols * cpw);
  cases.forEach((c, j) => {
    maps[0].state[j * cpw] = c.s[0];
    if (cpw === 2) maps[0].state[j * cpw + 1] = c.s[1];
  });
  const op = new CrossbarMatrixOp(W, {
    seed: 0, tileMaps: maps,
    crossbar: { mapping, tileRows: 1, tileCols: cols * cpw, range: { kind: 'fixed', wMax } },
  });
  const Y = new Float32Array(cols);
  op.forward(Float32Array.of(1), 1, Y, false);
  const Yl = new Float32Array(cols);
  analogMvm(op.array, op.wMax, Float32Array.of(1), 1, Yl);
  return { Y: Array.from(Y), Yl: Array.from(Yl), att: op.attainable(), mask: Array.from(W.updateMask as Float32Array) };
}

describe('stuck cells pin the effective weight to what the mapping implies', () => {
  it('offset mapping: stuck at HRS ⇒ −wMax, stuck at LRS ⇒ +wMax, whatever the target', () => {
    const cases = [
      { s: [O, H] as [number, number], w: 1.5 }, { s: [O, H] as [number, number], w: -0.3 },
      { s: [N, H] as [number, number], w: -1.5 }, { s: [N, H] as [number, number], w: 0.3 },
      { s: [H, H] as [number, number], w: 0.7 },
    ];
    const r = pinned('offset', cases);
    const want = [-2, -2, 2, 2, 0.7];
    r.Y.forEach((y, j) => expect(y).toBeCloseTo(want[j], 5));
    r.Yl.forEach((y, j) => expect(y).toBeCloseTo(want[j], 5));
    expect(Array.from(r.att.lo)).toEqual([-2, -2, 2, 2, -2]);
    expect(Array.from(r.att.hi)).toEqual([-2, -2, 2, 2, 2]);
    expect(r.mask).toEqual([0, 0, 0, 0, 1]);
  });

  it('differential pair: one stuck cell leaves a half range, two stuck cells a single value', () => {
    // [G⁺ state, G⁻ state], target, expected W_eff = clamp(target, lo, hi), interval
    const table: [number, number, number, number, number, number][] = [
      [O, H, 1.2, 0, -2, 0], [O, H, -1.2, -1.2, -2, 0],      // G⁺ stuck HRS: [−wMax, 0]
      [N, H, 1.2, 1.2, 0, 2], [N, H, -1.2, 0, 0, 2],         // G⁺ stuck LRS: [0, wMax]
      [H, O, 1.2, 1.2, 0, 2], [H, O, -1.2, 0, 0, 2],         // G⁻ stuck HRS: [0, wMax]
      [H, N, 1.2, 0, -2, 0], [H, N, -1.2, -1.2, -2, 0],      // G⁻ stuck LRS: [−wMax, 0]
      [O, O, 1.2, 0, 0, 0], [N, N, -1.2, 0, 0, 0],           // both stuck, same state: 0
      [N, O, -1.2, 2, 2, 2], [O, N, 1.2, -2, -2, -2],        // both stuck, opposite: ±wMax
      [H, H, -1.2, -1.2, -2, 2], [H, H, 5, 2, -2, 2],        // healthy (5 is clipped to wMax)
    ];
    const r = pinned('differential', table.map(([a, b, w]) => ({ s: [a, b] as [number, number], w })));
    table.forEach(([, , , y, lo, hi], j) => {
      expect(r.Y[j]).toBeCloseTo(y, 5);
      expect(r.Yl[j]).toBeCloseTo(y, 5);
      expect(r.att.lo[j]).toBe(lo);
      expect(r.att.hi[j]).toBe(hi);
    });
    expect(r.mask).toEqual(table.map(([a, b]) => (a !== H && b !== H ? 0 : 1)));
  });

  it('the defect-forced value equals clamp(w, lo, hi) for random weights and defects', () => {
    const W = makeParam('fc', 30, 20);
    for (let i = 0; i < W.value.length; i++) W.value[i] = Math.sin(i * 1.7) * 1.3;
    for (const mapping of ['differential', 'offset'] as const) {
      const op = new CrossbarMatrixOp(W, {
        seed: 4, defects: { rate: 0.4, lrsShare: 0.5, distribution: 'uniform' },
        crossbar: { mapping, tileRows: 16, tileCols: 16 },
      });
      const eff = op.effectiveWeights();
      const { lo, hi } = op.attainable();
      for (let k = 0; k < eff.length; k++) {
        const w = Math.min(op.wMax, Math.max(-op.wMax, W.value[k]));
        expect(eff[k]).toBeCloseTo(Math.min(hi[k], Math.max(lo[k], w)), 5);
      }
      expect(op.fullyStuckCount()).toBeGreaterThan(0);
    }
  });
});
