/**
 * The update schemes at the crossbar programming seam (src/crossbar/update/pulse_programmer.ts,
 * crossbar_array.ts): the deployment is write-verify, later writes are pulses; open-loop lands
 * exactly with a noise-free constant step and Δu a multiple of dwMin; mixed-precision's accumulator
 * follows its float32 rule (an oracle in this file); stuck cells never change; reruns are bit-identical;
 * verify-pulses ends within tolerance and counts its reads; the cost and endurance count pulses.
 */
import { describe, expect, it } from 'vitest';
import { HEALTHY } from '../../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../../src/crossbar/crossbar_matrix_op.js';
import { resolveUpdate, type UpdateScheme } from '../../../src/crossbar/update/update_spec.js';
import { UserError } from '../../../src/util/errors.js';
import { stream } from '../../../src/util/rng.js';
import { randomParam } from '../helpers.js';

const f = Math.fround;
const DW = 2 ** -8;

function op(scheme: UpdateScheme, opts: { model?: string; params?: Record<string, number>; rate?: number; rows?: number; cols?: number; seed?: number; endurance?: number } = {}) {
  const W = randomParam('fc', opts.rows ?? 12, opts.cols ?? 10, 'pulsed', 0.5);
  const o = new CrossbarMatrixOp(W, {
    seed: opts.seed ?? 4,
    device: {
      gMin: 1e-6, gMax: 1e-4, levels: 0, model: opts.model ?? 'constant-step',
      modelParams: opts.params ?? { dwMin: DW, dtod: 0, ctoc: 0 },
      ...(opts.endurance ? { endurance: { n50: opts.endurance, sigma: 0, lrsShare: 0.5 } } : {}),
    },
    crossbar: { mapping: 'differential', tileRows: 16, tileCols: 16, range: { kind: 'fixed', wMax: 1 } },
    defects: { rate: opts.rate ?? 0, lrsShare: 0.5, distribution: 'uniform' },
    update: resolveUpdate({ scheme }),
  });
  o.resetWriteCounts(); // the deployment is over
  return { W, op: o };
}

/** a training-like sequence of weight changes from a stream */
function nudge(w: Float32Array, step: number, scale: number): void {
  const r = stream(step, 'test/nudge');
  for (let k = 0; k < w.length; k++) w[k] = f(w[k] + scale * (2 * r.next() - 1));
}

describe('update schemes', () => {
  it('the deployment is write-verify: cells sit at their targets before the first update', () => {
    const { W, op: o } = op('open-loop');
    const a = o.array;
    for (let s = 0; s < a.slots; s++) {
      expect(a.uP[s]).toBe(f(W.value[s] > 0 ? W.value[s] : 0));
      expect(a.uN[s]).toBe(f(W.value[s] < 0 ? -W.value[s] : 0));
    }
    expect(o.cost().update).toEqual({ pulses: 0, reads: 0, energy: 0, time: 0, accumulatorBytes: 0 });
  });

  it('open-loop, noise-free constant step, Δu = k·dwMin: every cell lands exactly, with |k| pulses', () => {
    const { W, op: o } = op('open-loop');
    const a = o.array;
    const before = { p: a.uP.slice(), n: a.uN.slice() };
    const r = stream(1, 'test/k');
    const ks: number[] = [];
    for (let s = 0; s < W.value.length; s++) {
      // move the represented cell by k steps inside its cell (no sign change: one cell moves)
      const w = W.value[s];
      const room = Math.floor((1 - Math.abs(w)) / DW) - 1;
      const k = Math.min(room, Math.floor(r.next() * 9) - 4 + (w > 0 ? 0 : 0));
      const kk = Math.abs(w) + k * DW < 0 ? 0 : k;
      ks.push(kk);
      W.value[s] = w >= 0 ? f(w + kk * DW) : f(w - kk * DW);
    }
    o.sync();
    let pulses = 0;
    for (let s = 0; s < W.value.length; s++) {
      const w = W.value[s];
      if (w >= 0) { expect(a.uP[s]).toBe(f(before.p[s] + ks[s] * DW)); expect(a.uN[s]).toBe(before.n[s]); }
      else { expect(a.uN[s]).toBe(f(before.n[s] + ks[s] * DW)); expect(a.uP[s]).toBe(before.p[s]); }
      pulses += Math.abs(ks[s]);
    }
    expect(o.cost().update!.pulses).toBe(pulses);
    // endurance-style counters count pulses, cellWrites counts the cells written
    expect(a.writesP.reduce((x, y) => x + y, 0) + a.writesN.reduce((x, y) => x + y, 0)).toBe(pulses);
    expect(o.cellWrites()).toBe(ks.filter((k) => k !== 0).length);
  });

  it('open-loop drops the remainder below dwMin/2; mixed-precision keeps it (float32 accumulator oracle)', () => {
    const ol = op('open-loop', { rows: 6, cols: 5 }), mp = op('mixed-precision', { rows: 6, cols: 5 });
    mp.W.value.set(ol.W.value);
    const n = ol.W.value.length;
    // the oracle of mixed-precision, per cell: aim, acc, u (noise-free constant step: u moves by ±dwMin)
    const aim = new Float32Array(2 * n), acc = new Float32Array(2 * n), u = new Float32Array(2 * n);
    for (let s = 0; s < n; s++) {
      aim[2 * s] = u[2 * s] = mp.op.array.uP[s];
      aim[2 * s + 1] = u[2 * s + 1] = mp.op.array.uN[s];
    }
    let oraclePulses = 0;
    for (let step = 0; step < 60; step++) {
      nudge(ol.W.value, step, 0.3 * DW); // sub-step updates
      mp.W.value.set(ol.W.value);
      ol.op.sync(); mp.op.sync();
      for (let s = 0; s < n; s++) {
        const t = ol.W.value[s];
        const tg = [f(t > 0 ? t : 0), f(t < 0 ? -t : 0)];
        for (let b = 0; b < 2; b++) {
          const c = 2 * s + b;
          if (tg[b] === aim[c]) continue;
          let x = f(acc[c] + f(tg[b] - aim[c]));
          aim[c] = tg[b];
          const k = Math.trunc(x / DW);
          if (k !== 0) x = f(x - k * DW);
          acc[c] = x;
          for (let p = 0; p < Math.abs(k); p++) u[c] = f(Math.min(1, Math.max(0, u[c] + Math.sign(k) * DW)));
          oraclePulses += Math.abs(k);
        }
      }
    }
    const a = mp.op.array, pr = a.pulser!;
    for (let s = 0; s < n; s++) {
      expect(pr.accP[s]).toBe(acc[2 * s]);
      expect(pr.accN[s]).toBe(acc[2 * s + 1]);
      expect(Math.abs(pr.accP[s])).toBeLessThan(DW);
      expect(a.uP[s]).toBe(u[2 * s]);
      expect(a.uN[s]).toBe(u[2 * s + 1]);
    }
    expect(mp.op.cost().update!.pulses).toBe(oraclePulses);
    expect(oraclePulses).toBeGreaterThan(0);
    expect(mp.op.cost().update!.accumulatorBytes).toBe(4 * 2 * n);
    // open-loop: each update below dwMin/2 rounds to 0 pulses, so the cells never moved
    expect(ol.op.cost().update!.pulses).toBe(0);
    // an array whose weights never change (a frozen LoRA base) needs no accumulators
    const frozen = op('mixed-precision', { rows: 6, cols: 5 });
    frozen.op.sync();
    expect(frozen.op.cost().update!.accumulatorBytes).toBe(0);
  });

  for (const scheme of ['open-loop', 'mixed-precision', 'verify-pulses'] as const) {
    it(`${scheme}: stuck cells never change; reruns are bit-identical; noisy devices draw fresh per pulse`, () => {
      const params = { dwMin: 0.004, upDown: 0.2, dtod: 0.3, ctoc: 0.5 };
      const run = () => {
        const x = op(scheme, { model: 'soft-bounds', params, rate: 0.2, rows: 20, cols: 16 });
        const stuckP = Array.from(x.op.array.stateP, (st, s) => (st !== HEALTHY ? x.op.array.uP[s] : null));
        const stuckN = Array.from(x.op.array.stateN, (st, s) => (st !== HEALTHY ? x.op.array.uN[s] : null));
        for (let step = 0; step < 15; step++) { nudge(x.W.value, step, 0.02); x.op.sync(); }
        const a = x.op.array;
        for (let s = 0; s < a.slots; s++) {
          if (stuckP[s] !== null) { expect(a.uP[s]).toBe(stuckP[s]); expect(a.writesP[s]).toBe(0); }
          if (stuckN[s] !== null) { expect(a.uN[s]).toBe(stuckN[s]); expect(a.writesN[s]).toBe(0); }
        }
        return { uP: Array.from(a.uP), uN: Array.from(a.uN), cost: x.op.cost().update! };
      };
      const r1 = run(), r2 = run();
      expect(r1.uP).toEqual(r2.uP);
      expect(r1.uN).toEqual(r2.uN);
      expect(r1.cost).toEqual(r2.cost);
      expect(r1.cost.pulses).toBeGreaterThan(0);
      if (scheme === 'verify-pulses') expect(r1.cost.reads).toBeGreaterThan(r1.cost.pulses);
      else expect(r1.cost.reads).toBe(0);
      const s = resolveUpdate({ scheme });
      expect(r1.cost.energy).toBeCloseTo(r1.cost.pulses * s.pulseEnergy + r1.cost.reads * s.readEnergy, 25);
      expect(r1.cost.time).toBeCloseTo(r1.cost.pulses * s.pulseTime + r1.cost.reads * s.readTime, 15);
    });
  }

  it('verify-pulses: every updated cell ends within tolerance (or spent its budget), one read per pulse plus one', () => {
    const x = op('verify-pulses', { model: 'soft-bounds', params: { dwMin: 0.001, dtod: 0.2, ctoc: 0.3 } });
    const tol = resolveUpdate({ scheme: 'verify-pulses' }).tolerance;
    nudge(x.W.value, 3, 0.02);
    x.op.sync();
    const a = x.op.array;
    let changed = 0;
    for (let s = 0; s < a.slots; s++) {
      const t = x.W.value[s];
      const tp = f(t > 0 ? t : 0), tn = f(t < 0 ? -t : 0);
      if (a.writesP[s] > 0 && a.writesP[s] < 100) expect(Math.abs(a.uP[s] - tp)).toBeLessThanOrEqual(tol);
      if (a.writesN[s] > 0 && a.writesN[s] < 100) expect(Math.abs(a.uN[s] - tn)).toBeLessThanOrEqual(tol);
      changed += (a.pulser!.aimP[s] === tp ? 1 : 0);
    }
    expect(changed).toBe(a.slots);
    const c = x.op.cost().update!;
    expect(c.pulses).toBeGreaterThan(0);
    expect(c.reads).toBeGreaterThanOrEqual(c.pulses);
  });

  it('endurance counts pulses: budget 10, the deployment write + 5 pulses keep the cell, 5 more wear it out', () => {
    const x = op('open-loop', { rows: 4, cols: 4, endurance: 10 });
    const a = x.op.array;
    const w0 = x.W.value[0], sgn = w0 >= 0 ? 1 : -1;
    const state = () => (w0 >= 0 ? a.stateP[0] : a.stateN[0]);
    x.W.value[0] = f(w0 + sgn * 5 * DW);
    x.op.sync();
    expect(state()).toBe(HEALTHY);
    expect(x.op.wornOutCells()).toBe(0);
    x.W.value[0] = f(w0 + sgn * 10 * DW);
    x.op.sync();
    expect(state()).not.toBe(HEALTHY);
    expect(x.op.wornOutCells()).toBeGreaterThanOrEqual(1);
  });

  it('a pulsed scheme with a device model without a pulse response is a UserError naming device.model', () => {
    let e: unknown;
    try {
      new CrossbarMatrixOp(randomParam('fc', 4, 4, 'x'), { seed: 0, device: { levels: 0 }, update: resolveUpdate({ scheme: 'open-loop' }) });
    } catch (x) { e = x; }
    expect(e).toBeInstanceOf(UserError);
    expect((e as UserError).field).toBe('device.model');
    expect((e as Error).message).toContain("'soft-bounds'");
  });
});
