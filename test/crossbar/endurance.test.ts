// Write endurance and on-line fault detection: a cell wears out exactly at the write that takes its
// lifetime count above its budget; lifetime counters survive the per-phase resets; budgets are the
// lognormal draws of the named stream; detection makes the methods know exactly the stuck cells it
// tested; zero budgets are refused at planning.
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { STUCK_HRS, STUCK_LRS } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { NormalSource } from '../../src/crossbar/gaussian.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';

function flipOp(rows: number, cols: number, endurance: object, mapping: 'differential' | 'offset' = 'offset', seed = 1): CrossbarMatrixOp {
  const W = makeParam('fc', rows, cols);
  W.value.fill(0.5);
  W.value[0] = 1; // wMax = 1
  return new CrossbarMatrixOp(W, { seed, layer: 'fc', device: { endurance }, crossbar: { tileRows: 8, tileCols: 8, mapping } });
}

/** flip every weight's sign (except the range anchor) and program: one write per written cell */
function flip(op: CrossbarMatrixOp): void {
  const v = op.weight.value;
  for (let k = 1; k < v.length; k++) v[k] = -v[k];
  op.sync();
}

describe('write endurance', () => {
  for (const lrsShare of [1, 0]) {
    it(`budget 3 (σ = 0): writes 1..3 land, the 4th write leaves the cell stuck at ${lrsShare ? 'LRS' : 'HRS'}; resets keep the lifetime counts`, () => {
      const op = flipOp(2, 3, { n50: 3, sigma: 0, lrsShare });
      const a = op.array, s = 1; // slot 1 holds a flipping weight
      expect(a.writesP[s]).toBe(1); // the first programming is write 1
      flip(op); // write 2
      op.resetCost(); // a method starts a phase: per-phase counters 0, lifetime kept
      expect(a.writesP[s]).toBe(0);
      flip(op); // write 3 (the budget-th) still lands
      expect(a.stateP[s]).toBe(0);
      expect(a.uP[s]).toBeCloseTo(0.75, 6); // w = +0.5 after two flips: u = (t + 1)/2
      expect(op.lifetimeWrites()).toBe(3 * 5 + 1); // 5 flipping cells, and slot 0 (the constant anchor) written once
      expect(op.wornOutCells()).toBe(0);
      flip(op); // write 4 exceeds the budget
      expect(a.stateP[s]).toBe(lrsShare ? STUCK_LRS : STUCK_HRS);
      expect(a.uP[s]).toBe(lrsShare ? 1 : 0);
      expect(op.wornOutCells()).toBe(5);
      expect(a.stateP[0]).toBe(0); // the anchor was written once only
      flip(op); // stuck cells are no longer written
      expect(op.lifetimeWrites()).toBe(4 * 5 + 1);
      // the effective weight is the stuck one (offset mapping: ±wMax)
      expect(op.effectiveWeights()[s]).toBe(lrsShare ? 1 : -1);
    });
  }

  it('budgets are n50·exp(σ·z_k) from endurance/<layer> in cell order; states from endurance/<layer>/state', () => {
    const op = flipOp(3, 4, { n50: 1000, sigma: 0.5, lrsShare: 0.3 }, 'differential', 9);
    const z = new NormalSource(stream(9, 'endurance/fc'));
    const e = op.array.endurance!;
    expect(e.budget.length).toBe(24);
    for (let k = 0; k < 24; k++) expect(e.budget[k]).toBeCloseTo(1000 * Math.exp(0.5 * z.next()), 9);
    // bit-identical rerun
    const again = flipOp(3, 4, { n50: 1000, sigma: 0.5, lrsShare: 0.3 }, 'differential', 9);
    expect(Array.from(again.array.endurance!.budget)).toEqual(Array.from(e.budget));
  });
});

describe('on-line fault detection (read-verify)', () => {
  it('worn-out cells stay unknown to the methods until detected; full detection finds exactly them', () => {
    const op = flipOp(4, 4, { n50: 2, sigma: 0, lrsShare: 0.5 }, 'differential');
    flip(op); flip(op); // write 3 > budget 2: every flipping cell wears out
    const worn = op.wornOutCells();
    expect(worn).toBe(2 * 15); // 15 flipping weights, both cells of each pair written every flip
    expect(op.undetectedFaults()).toBe(worn);
    expect(Array.from(op.weight.updateMask!).every((m) => m === 1)).toBe(true);
    expect(op.attainable().lo[5]).toBe(-op.wMax);
    const r = op.detectFaults(1);
    expect(r).toEqual({ reads: 32, tested: 32, found: worn });
    expect(op.undetectedFaults()).toBe(0);
    // now the methods see them: fully stuck pairs are masked, intervals collapse
    const a = op.array;
    for (let s = 1; s < 16; s++) {
      expect(op.weight.updateMask![s]).toBe(0);
      const { lo, hi } = op.attainable();
      expect(lo[s]).toBe(hi[s]);
      expect(lo[s]).toBeCloseTo(op.wMax * (a.uP[s] - a.uN[s]), 6);
    }
    expect(op.detectFaults(1).found).toBe(0); // nothing new
  });

  it('partial detection (fraction 0.5) updates exactly the slots it tested (draws from detect/<layer>/round0)', () => {
    const op = flipOp(6, 5, { n50: 1, sigma: 0, lrsShare: 0.5 }, 'differential', 4);
    flip(op);
    const a = op.array;
    const before = a.knownKind.slice();
    const r = op.detectFaults(0.5);
    const rng = stream(4, 'detect/fc/round0');
    let tested = 0, found = 0;
    for (let s = 0; s < a.slots; s++) {
      if (rng.next() < 0.5) {
        tested += 2;
        expect(a.knownKind[s]).toBe(a.slotKind[s]);
        found += (a.stateP[s] !== 0 ? 1 : 0) + (a.stateN[s] !== 0 ? 1 : 0);
      } else {
        expect(a.knownKind[s]).toBe(before[s]);
      }
    }
    expect(r).toEqual({ reads: tested, tested, found });
    expect(found).toBeGreaterThan(0);
    expect(op.undetectedFaults()).toBeGreaterThan(0);
  });
});

describe('device.endurance config', () => {
  const base = { name: 't', model: 'mlp', method: 'unaware' };
  it('zero budget, σ < 0, lrsShare > 1, missing n50: one UserError naming the field', async () => {
    for (const [endurance, field] of [
      [{ n50: 0 }, 'device.endurance.n50'], [{ n50: 100, sigma: -1 }, 'device.endurance.sigma'],
      [{ n50: 100, lrsShare: 2 }, 'device.endurance.lrsShare'], [{ sigma: 1 }, 'device.endurance.n50'],
    ] as const) {
      const e = await planSweep({ ...base, device: { endurance } }).catch((x: unknown) => x);
      expect(e, JSON.stringify(endurance)).toBeInstanceOf(UserError);
      expect((e as Error).message).toContain(field);
    }
  });

  it('absent endurance leaves the point unchanged; given, defaults are filled', async () => {
    const plain = await planSweep(base);
    expect('endurance' in plain.points[0].point.device).toBe(false);
    const p = await planSweep({ ...base, device: { endurance: { n50: [1e4, 1e5] } } });
    expect(p.points.map((x) => x.point.device.endurance)).toEqual([{ n50: 1e4, sigma: 0, lrsShare: 0.5 }, { n50: 1e5, sigma: 0, lrsShare: 0.5 }]);
  });
});
