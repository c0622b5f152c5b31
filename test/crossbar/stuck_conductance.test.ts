/**
 * device.stuckG (src/crossbar/stuck_conductance.ts): each stuck cell at its own conductance drawn
 * uniformly from the configured range, against an independent oracle (the same stream re-drawn here,
 * the differential formula w = wMax·(u⁺ − u⁻) with the free partner compensating by hand); bad input
 * is a UserError naming the field; absent = the old behaviour.
 */
import { describe, expect, it } from 'vitest';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { healthyMaps } from './helpers.js';

const gMin = 1e-6, gMax = 3e-4, span = gMax - gMin;
const stuckG = { lrsMin: 3e-4, lrsMax: 1.2e-3, hrsMin: 1e-8, hrsMax: 1e-6 };
const H = HEALTHY, O = STUCK_HRS, N = STUCK_LRS;

function build(states: [number, number][], w: number[], withStuckG: boolean) {
  const cols = states.length;
  const W = makeParam('lay', 1, cols);
  w.forEach((v, j) => { W.value[j] = v; });
  const maps = healthyMaps(1, 1, 2 * cols);
  states.forEach(([p, n], j) => { maps[0].state[2 * j] = p; maps[0].state[2 * j + 1] = n; });
  const op = new CrossbarMatrixOp(W, {
    seed: 7, layer: 'lay', tileMaps: maps,
    device: { gMin, gMax, ...(withStuckG ? { stuckG } : {}) },
    crossbar: { mapping: 'differential', tileRows: 1, tileCols: 2 * cols, range: { kind: 'fixed', wMax: 1 } },
  });
  const Y = new Float32Array(cols);
  op.forward(Float32Array.of(1), 1, Y, false);
  return { op, Y };
}

describe('device.stuckG: measured stuck conductances', () => {
  const states: [number, number][] = [[N, N], [N, O], [O, N], [O, O], [N, H], [H, O], [H, H], [O, H]];
  const w = [0.3, 0.3, -0.2, 0.5, -0.4, 0.6, 0.25, 0.7];

  it('each stuck cell sits at a+(b−a)·v_k with v_k the k-th draw of stuck/<layer>; W_eff follows', () => {
    const { op, Y } = build(states, w, true);
    const rng = stream(7, 'stuck/lay');
    const v = Array.from({ length: 2 * states.length }, () => rng.next());
    const uOf = (state: number, k: number) => {
      const [a, b] = state === N ? [stuckG.lrsMin, stuckG.lrsMax] : [stuckG.hrsMin, stuckG.hrsMax];
      return (a + (b - a) * v[k] - gMin) / span;
    };
    states.forEach(([p, n], j) => {
      // oracle by hand: stuck cells at their drawn u, a free partner realises clamp(target) in [0, 1]
      const uP = p === H ? null : uOf(p, 2 * j), uN = n === H ? null : uOf(n, 2 * j + 1);
      let want: number;
      if (uP !== null && uN !== null) want = uP - uN;
      else if (uP !== null) want = uP - Math.min(1, Math.max(0, uP - w[j]));
      else if (uN !== null) want = Math.min(1, Math.max(0, uN + w[j])) - uN;
      else want = w[j];
      expect(Y[j]).toBeCloseTo(want, 5);
      if (uP !== null) expect(op.array.uP[j]).toBeCloseTo(uP, 6);
      if (uN !== null) expect(op.array.uN[j]).toBeCloseTo(uN, 6);
    });
    // stuck-on above gMax: u > 1 (the range starts at gMax), stuck-off below gMin: u <= 0
    expect(op.array.uP[0]).toBeGreaterThan(1);
    expect(op.array.uN[1]).toBeLessThanOrEqual(0);
    // a stuck-on cell above gMax with a free partner at 1 still gives a weight beyond +wMax when u⁺ > 2
    const big = states.findIndex(([p, n], j) => p === N && n === H && uOf(p, 2 * j) > 2);
    if (big >= 0) expect(Y[big]).toBeGreaterThan(1);
  });

  it('absent: stuck cells exactly at gMax / gMin (u = 1 / 0), as before', () => {
    const { op } = build(states, w, false);
    states.forEach(([p, n], j) => {
      if (p !== H) expect(op.array.uP[j]).toBe(p === N ? 1 : 0);
      if (n !== H) expect(op.array.uN[j]).toBe(n === N ? 1 : 0);
    });
  });

  it('drawn values are uniform over the range (mean and extremes over 20 000 stuck-on cells)', () => {
    const cols = 10000;
    const W = makeParam('u', 1, cols);
    const maps = healthyMaps(1, 1, 2 * cols);
    maps[0].state.fill(STUCK_LRS);
    const op = new CrossbarMatrixOp(W, { seed: 3, layer: 'u', tileMaps: maps, device: { gMin, gMax, stuckG },
      crossbar: { tileRows: 1, tileCols: 2 * cols, range: { kind: 'fixed', wMax: 1 } } });
    const g = [...op.array.uP, ...op.array.uN].map((u) => gMin + u * span);
    const mean = g.reduce((a, b) => a + b, 0) / g.length;
    // U(a, b): mean (a+b)/2, sd (b−a)/√12; 6 standard errors
    const se = (stuckG.lrsMax - stuckG.lrsMin) / Math.sqrt(12) / Math.sqrt(g.length);
    expect(Math.abs(mean - (stuckG.lrsMin + stuckG.lrsMax) / 2)).toBeLessThan(6 * se);
    expect(Math.min(...g)).toBeGreaterThanOrEqual(stuckG.lrsMin * (1 - 1e-6));
    expect(Math.max(...g)).toBeLessThanOrEqual(stuckG.lrsMax * (1 + 1e-6));
  });

  it('bad input is a UserError naming the field', () => {
    const bad: [unknown, string][] = [
      [{ lrsMin: 3e-4 }, 'device.stuckG.lrsMax'],
      [{ hrsMax: 1e-6 }, 'device.stuckG.hrsMin'],
      [{ lrsMin: 1e-3, lrsMax: 3e-4 }, 'device.stuckG.lrsMax'],
      [{ lrsMin: 0, lrsMax: 3e-4 }, 'device.stuckG.lrsMin'],
      [{ lrsMin: 1e-4, lrsMax: 2 }, 'device.stuckG.lrsMax'],
      [{ bogus: 1 }, 'device.stuckG.bogus'],
    ];
    for (const [sg, field] of bad) {
      let err: unknown;
      try { resolveDevice({ stuckG: sg as never }); } catch (e) { err = e; }
      expect(err, JSON.stringify(sg)).toBeInstanceOf(UserError);
      expect((err as UserError).field).toBe(field);
    }
  });
});
