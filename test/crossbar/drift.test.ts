// Conductance drift (device.drift): the power law against its formula with ν drawn independently
// from the named stream, ν >= 0, stuck cells unchanged, refresh, bit-identical reruns, and the
// config errors (ν < 0, t < t0, t before programming) at planning.
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { readAge, refreshCount, PowerLawDrift } from '../../src/crossbar/drift_law.js';
import { NormalSource } from '../../src/crossbar/gaussian.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { randomParam } from './helpers.js';

const D = { rate: 0.2, lrsShare: 0.5, distribution: 'uniform' as const };

/** Y = W_used through an identity batch */
function usedWeights(op: CrossbarMatrixOp): Float32Array {
  const { rows, cols } = op;
  const I = new Float32Array(rows * rows);
  for (let i = 0; i < rows; i++) I[i * rows + i] = 1;
  const Y = new Float32Array(rows * cols);
  op.forward(I, rows, Y, false);
  return Y;
}

describe('drift: u(t) = u(t0)·(t/t0)^(−ν), ν ~ N(nuMean, nuStd²) clipped at 0 per cell from drift/<layer>', () => {
  for (const t of [1, 10, 1e4, 3.6e6]) {
    it(`matches the formula at t = ${t} s (stuck cells do not drift)`, () => {
      const rows = 10, cols = 6, nuMean = 0.06, nuStd = 0.03, t0 = 1;
      const W = randomParam('fc', rows, cols, 'drift', 0.5);
      const op = new CrossbarMatrixOp(W, { seed: 7, layer: 'fc', defects: D, device: { drift: { nuMean, nuStd, t0, t } } });
      expect(op.readPath.active).toEqual(['drift']);
      const Y = usedWeights(op);
      const z = new NormalSource(stream(7, 'drift/fc'));
      const nu = Array.from({ length: 2 * rows * cols }, () => Math.max(0, nuMean + nuStd * z.next()));
      const a = op.array;
      let stuck = 0;
      for (let s = 0; s < rows * cols; s++) {
        const fP = a.stateP[s] === 0 ? (t / t0) ** -nu[2 * s] : 1;
        const fN = a.stateN[s] === 0 ? (t / t0) ** -nu[2 * s + 1] : 1;
        stuck += a.stateP[s] !== 0 || a.stateN[s] !== 0 ? 1 : 0;
        expect(Y[s]).toBeCloseTo(op.wMax * (a.uP[s] * fP - a.uN[s] * fN), 6);
      }
      expect(stuck).toBeGreaterThan(0);
    });
  }

  it('t grows ⇒ |weights| of healthy pairs shrink (toward gMin); the same seed reruns bit for bit, another layer draws other ν', () => {
    const W = randomParam('fc', 12, 5, 'drift2', 0.5);
    const mk = (t: number, layer = 'fc') => usedWeights(new CrossbarMatrixOp(W, { seed: 2, layer, device: { drift: { nuMean: 0.1, nuStd: 0.05, t0: 1, t } } }));
    const a = mk(1e3), b = mk(1e3), c = mk(1e6), other = mk(1e3, 'fc2');
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(other)).not.toEqual(Array.from(a));
    const norm = (y: Float32Array) => y.reduce((s, v) => s + Math.abs(v), 0);
    expect(norm(c)).toBeLessThan(norm(a));
  });

  it('ν >= 0: with nuMean 0 about half the draws clip to exactly 0, none below', () => {
    const law = new PowerLawDrift({ nuMean: 0, nuStd: 1, t0: 1, t: 10 }, 3, 'x');
    let zero = 0;
    for (let k = 0; k < 4000; k++) {
      const v = law.nuOf(k);
      expect(v).toBeGreaterThanOrEqual(0);
      if (v === 0) zero++;
    }
    // Binomial(4000, 1/2): mean 2000, sd 31.6; ±5 sd
    expect(zero).toBeGreaterThan(2000 - 160);
    expect(zero).toBeLessThan(2000 + 160);
    // draws depend on the index only, not on the order of first use
    const late = new PowerLawDrift({ nuMean: 0, nuStd: 1, t0: 1, t: 10 }, 3, 'x');
    expect(late.nuOf(3999)).toBe(law.nuOf(3999));
    expect(late.nuOf(17)).toBe(law.nuOf(17));
  });

  it('refresh: read age a = t − R·⌊t/R⌋, refresh writes = ⌊t/R⌋ · healthy cells with u > 0', () => {
    expect(readAge({ nuMean: 0.1, nuStd: 0, t0: 1, t: 250, refreshEvery: 100 })).toBe(50);
    expect(refreshCount({ nuMean: 0.1, nuStd: 0, t0: 1, t: 250, refreshEvery: 100 })).toBe(2);
    expect(readAge({ nuMean: 0.1, nuStd: 0, t0: 1, t: 250 })).toBe(250);
    const W = randomParam('fc', 8, 4, 'drift3', 0.5);
    const spec = { nuMean: 0.1, nuStd: 0.02, t0: 1, t: 250 };
    const op = new CrossbarMatrixOp(W, { seed: 1, layer: 'fc', defects: D, device: { drift: { ...spec, refreshEvery: 100 } } });
    let healthyOn = 0;
    for (let s = 0; s < op.array.slots; s++) {
      healthyOn += (op.array.stateP[s] === 0 && op.array.uP[s] > 0 ? 1 : 0) + (op.array.stateN[s] === 0 && op.array.uN[s] > 0 ? 1 : 0);
    }
    expect(op.refreshWrites()).toBe(2 * healthyOn);
    // reading at t = 250 with refresh at 100, 200 equals reading at t = 50 without refresh
    const at50 = new CrossbarMatrixOp(W, { seed: 1, layer: 'fc', defects: D, device: { drift: { ...spec, t: 50 } } });
    expect(Array.from(usedWeights(op))).toEqual(Array.from(usedWeights(at50)));
    expect(at50.refreshWrites()).toBe(0);
  });
});

describe('device.drift config', () => {
  const base = { name: 't', model: 'mlp', method: 'unaware' };
  const bad = async (drift: object) => planSweep({ ...base, device: { drift } }).catch((x: unknown) => x);
  it('ν < 0, t < t0, t before programming, refresh before t0, missing t: one UserError naming the field', async () => {
    const cases: [object, string][] = [
      [{ nuMean: -0.1, t: 10 }, 'device.drift.nuMean'],
      [{ nuMean: 0.1, nuStd: -1, t: 10 }, 'device.drift.nuStd'],
      [{ nuMean: 0.1, t0: 5, t: 2 }, 'device.drift.t'],
      [{ nuMean: 0.1, t: -3 }, 'device.drift.t'],
      [{ nuMean: 0.1, t: 10, refreshEvery: 0.5 }, 'device.drift.refreshEvery'],
      [{ nuMean: 0.1 }, 'device.drift.t'],
    ];
    for (const [drift, field] of cases) {
      const e = await bad(drift);
      expect(e, JSON.stringify(drift)).toBeInstanceOf(UserError);
      expect((e as Error).message).toContain(field);
    }
    expect(() => new CrossbarMatrixOp(randomParam('fc', 4, 4, 'x'), { seed: 0, device: { drift: { nuMean: 0.1, nuStd: 0, t0: 10, t: 1 } } }))
      .toThrow(/device\.drift\.t/);
  });

  it('absent drift leaves the point (and hash) unchanged; t is a sweep axis with defaults filled', async () => {
    const plain = await planSweep(base);
    expect('drift' in plain.points[0].point.device).toBe(false);
    const p = await planSweep({ ...base, device: { drift: { nuMean: 0.05, t: [1, 100, 1e4] } } });
    expect(p.points.map((x) => x.point.device.drift)).toEqual([1, 100, 1e4].map((t) => ({ nuMean: 0.05, nuStd: 0, t0: 1, t })));
  });
});
