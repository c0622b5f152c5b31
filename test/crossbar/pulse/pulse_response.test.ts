/**
 * The pulse responses (src/crossbar/pulse/pulse_response.ts, devices/constant_step.ts … pow_step.ts)
 * against their closed forms, written here independently as mathjs expressions of aihwkit's
 * published update rules (w = u − m, bounds ±h), over a grid of conductances; asymmetry and bounds;
 * device-to-device gains fixed per cell, cycle-to-cycle draws fresh per pulse, both from the
 * counter-based generator (re-derived here from the named streams).
 */
import { compile } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { blockBase, counterWord, CounterNormal, normalAt } from '../../../src/crossbar/counter_normal.js';
import { checkDeviceModel, deviceModelNames, makeDeviceModel, pulseModelNames } from '../../../src/crossbar/device_registry.js';
import { resolveDevice } from '../../../src/crossbar/device.js';
import { ndtri } from '../../../src/crossbar/normal_quantile.js';
import { normalOfWord, pulseDraw } from '../../../src/crossbar/pulse/pulse_response.js';
import type { DeviceModel } from '../../../src/crossbar/device_model.js';
import { UserError } from '../../../src/util/errors.js';
import { stream } from '../../../src/util/rng.js';

const SEED = 5, LAYER = 'fc';

function model(name: string, params: Record<string, number>): DeviceModel {
  const device = resolveDevice({ levels: 0, model: name, modelParams: params });
  return makeDeviceModel(device, { seed: SEED, layer: LAYER });
}

/** closed forms of the step size |Δu| (before the clamp), per model and direction, as mathjs text */
const ORACLE: Record<string, { up: string; down: string }> = {
  'constant-step': { up: 'dw * (1 + ud)', down: 'dw * (1 - ud)' },
  'linear-step': { up: 'dw * (1 + ud) * max(0, 1 - gu * (u - m) / h)', down: 'dw * (1 - ud) * max(0, 1 + gd * (u - m) / h)' },
  'soft-bounds': { up: 'dw * (1 + ud) * (1 - (u - m) / h)', down: 'dw * (1 - ud) * (1 - (u - m) / (-h))' },
  'exp-step': {
    up: 'dw * (1 + ud) * max(0, 1 - au * exp(gu * (2 * a * (u - m) / (2 * h) + b)))',
    down: 'dw * (1 - ud) * max(0, 1 - ad * exp(-gd * (2 * a * (u - m) / (2 * h) + b)))',
  },
  'pow-step': { up: 'dw * (1 + ud) * (max(0, uMax - u) / (uMax - uMin)) ^ gu', down: 'dw * (1 - ud) * (max(0, u - uMin) / (uMax - uMin)) ^ gd' },
};

const PARAMS: Record<string, Record<string, number>> = {
  'constant-step': {},
  'linear-step': { gammaUp: 0.4, gammaDown: 0.7 },
  'soft-bounds': {},
  'exp-step': {},
  'pow-step': { gammaUp: 1.5, gammaDown: 0.6 },
};

describe('pulse-response device models', () => {
  it('are registered, and exactly these have a pulse response', () => {
    for (const n of Object.keys(ORACLE)) expect(deviceModelNames()).toContain(n);
    expect(pulseModelNames().sort()).toEqual(Object.keys(ORACLE).sort());
    expect(model('linear-levels' as string, {} as Record<string, number>).pulse).toBeUndefined();
  });

  for (const [name, forms] of Object.entries(ORACLE)) {
    for (const [uMin, uMax, ud] of [[0, 1, 0], [0.1, 0.85, 0.3], [0, 1, -0.6]] as const) {
      it(`${name}: one noise-free pulse = the closed form over a grid of u (window [${uMin}, ${uMax}], upDown ${ud})`, () => {
        const dw = 0.01;
        const p = { dwMin: dw, upDown: ud, uMin, uMax, dtod: 0, ctoc: 0, ...PARAMS[name] };
        const m = model(name, p);
        const full = checkDeviceModel(resolveDevice({ levels: 0, model: name, modelParams: p })).params;
        const scope = {
          dw, ud, uMin, uMax, m: (uMin + uMax) / 2, h: (uMax - uMin) / 2,
          gu: full.gammaUp ?? 0, gd: full.gammaDown ?? 0, au: full.aUp ?? 0, ad: full.aDown ?? 0, a: full.a ?? 0, b: full.b ?? 0,
        };
        const up = compile(forms.up), down = compile(forms.down);
        for (let k = 0; k <= 40; k++) {
          const u = Math.fround(uMin + (uMax - uMin) * k / 40);
          const su = up.evaluate({ ...scope, u }) as number, sd = down.evaluate({ ...scope, u }) as number;
          const eu = Math.fround(Math.min(uMax, u + su)), ed = Math.fround(Math.max(uMin, u - sd));
          expect(m.pulse!(u, 1, 0, 0)).toBeCloseTo(eu, 12);
          expect(m.pulse!(u, -1, 0, 0)).toBeCloseTo(ed, 12);
          // the result is a float32 inside the window
          for (const v of [m.pulse!(u, 1, 0, 0), m.pulse!(u, -1, 0, 0)]) {
            expect(Math.fround(v)).toBe(v);
            expect(v).toBeGreaterThanOrEqual(Math.fround(uMin));
            expect(v).toBeLessThanOrEqual(Math.fround(uMax));
          }
        }
      });
    }

    it(`${name}: never leaves [uMin, uMax], however many noisy pulses`, () => {
      const uMin = 0.2, uMax = 0.7;
      const m = model(name, { dwMin: 0.05, upDown: 0.4, uMin, uMax, dtod: 0.5, ctoc: 1, ...PARAMS[name] });
      const lo = Math.fround(uMin), hi = Math.fround(uMax);
      for (let c = 0; c < 20; c++) {
        let u = 0.45;
        for (let k = 0; k < 300; k++) {
          const dir = k < 150 ? 1 : -1;
          const r = stream(c, 'test/z');
          u = m.pulse!(u, dir, c, 3 * (2 * r.next() - 1) + k * 1e-3);
          expect(u).toBeGreaterThanOrEqual(lo);
          expect(u).toBeLessThanOrEqual(hi);
        }
      }
    });
  }

  it('asymmetry: constant-step steps up and down by dwMin·(1 ± upDown) (ratio (1 + a)/(1 − a)); upDown 0 is symmetric', () => {
    const dw = 2 ** -8;
    for (const a of [0.5, -0.25, 0]) {
      const m = model('constant-step', { dwMin: dw, upDown: a, dtod: 0, ctoc: 0 });
      const up = m.pulse!(0.5, 1, 0, 0) - 0.5, down = 0.5 - m.pulse!(0.5, -1, 0, 0);
      expect(up).toBeCloseTo(dw * (1 + a), 9);
      expect(down).toBeCloseTo(dw * (1 - a), 9);
      if (a !== 0) expect(up).not.toBeCloseTo(down, 9);
    }
  });

  it('soft-bounds: steps vanish at the bounds and the cell saturates towards them', () => {
    const m = model('soft-bounds', { dwMin: 0.05, dtod: 0, ctoc: 0 });
    expect(m.pulse!(1, 1, 0, 0)).toBe(1);
    expect(m.pulse!(0, -1, 0, 0)).toBe(0);
    let u = 0.5;
    for (let k = 0; k < 2000; k++) u = m.pulse!(u, 1, 0, 0);
    expect(u).toBeGreaterThan(0.999);
  });

  it('device-to-device: the gain of cell c is 1 + σd·ζ_c, ζ_c = z(0, c) of the dtod/<layer> key, fixed across calls', () => {
    const sd = 0.3, dw = 0.01;
    const m = model('constant-step', { dwMin: dw, dtod: sd, ctoc: 0 });
    const key = new CounterNormal(stream(SEED, `dtod/${LAYER}`));
    const steps: number[] = [];
    for (let c = 0; c < 200; c++) {
      const g = Math.max(0, 1 + sd * normalAt(key.base(0), c));
      const s1 = m.pulse!(0.5, 1, c, 0) - 0.5;
      const s2 = m.pulse!(0.5, 1, c, 0) - 0.5; // the same cell again: the same gain
      expect(s1).toBeCloseTo(dw * g, 7);
      expect(s2).toBe(s1);
      steps.push(s1);
    }
    // cells differ (a spread, not one factor)
    expect(new Set(steps.map((s) => s.toFixed(9))).size).toBeGreaterThan(190);
  });

  it('cycle-to-cycle: z of pulse k of cell c is the counter word (b_c, k) of the ctoc/<layer> key, through Φ⁻¹', () => {
    const key = new CounterNormal(stream(SEED, `ctoc/${LAYER}`));
    const kernel = model('constant-step', { ctoc: 0.3 }).pulseKernel!;
    // the inverse-CDF sampler: the first word of a bin is Φ⁻¹ of the bin's lower edge (within 2⁻²¹ of a bin)
    expect(normalOfWord((2048 << 20) >>> 0)).toBeCloseTo(ndtri(0.5), 6);
    expect(normalOfWord(1024 << 20)).toBeCloseTo(ndtri(0.25), 6);
    expect(normalOfWord(0xffffffff)).toBeGreaterThan(5.5); // exact quantiles in the outer bins
    expect(normalOfWord(0)).toBeLessThan(-5.5);
    // mean and variance of the per-pulse draws over many (cell, pulse) pairs
    let s = 0, s2 = 0, n = 0;
    const seen = new Set<number>();
    for (let c = 0; c < 100; c++) {
      const b = blockBase(key.k0, key.k1, c);
      for (let k = 0; k < 200; k++) {
        const z = normalOfWord(counterWord(b, k));
        if (c < 3 && k < 3) expect(pulseDraw(kernel, c, k)).toBe(z);
        s += z; s2 += z * z; n++;
        seen.add(z);
      }
    }
    expect(seen.size).toBe(n); // fresh per pulse
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ['constant-step', { dwMin: 0 }, 'dwMin'],
    ['soft-bounds', { dwMin: -0.01 }, 'dwMin'],
    ['exp-step', { upDown: 1 }, 'upDown'],
    ['pow-step', { upDown: -1.5 }, 'upDown'],
    ['linear-step', { uMin: 0.6, uMax: 0.4 }, 'uMin'],
  ];
  for (const [name, params, field] of bad) {
    it(`${name} with ${JSON.stringify(params)}: one UserError naming device.modelParams.${field}`, () => {
      let e: unknown;
      try { checkDeviceModel(resolveDevice({ model: name, modelParams: params as Record<string, number> })); } catch (x) { e = x; }
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).field).toBe(`device.modelParams.${field}`);
      expect((e as Error).message).toMatch(/\(0, 1\]|\(-1, 1\)|uMin < uMax|\[/);
    });
  }
});
