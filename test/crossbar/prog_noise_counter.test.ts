import { afterEach, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { mix32 } from '../../src/crossbar/counter_normal.js';
import { ndtri } from '../../src/crossbar/normal_quantile.js';
import { lognormalFactor, lognormalTable, progWord, QBINS } from '../../src/crossbar/prog_noise_counter.js';
import { availableBackends, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { ksNormal, randomParam } from './helpers.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

/** two-sample KS statistic */
function ks2(a: Float64Array, b: Float64Array): number {
  const x = Float64Array.from(a).sort(), y = Float64Array.from(b).sort();
  let i = 0, j = 0, d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

describe('counter programming noise: the lognormal factor E of a word', () => {
  const N = 1_000_000;
  const sigma = Math.fround(0.3);
  const T = lognormalTable(sigma);

  it('ln(E)/σ is N(0, 1): mean, variance, kurtosis within 5 SE, KS below the α = 0.001 value, both tails drawn', () => {
    const b = mix32(12345);
    const z = new Float64Array(N);
    for (let e = 0; e < N; e++) z[e] = Math.log(lognormalFactor(progWord(b, e), T, sigma)) / sigma;
    let m = 0;
    for (const x of z) m += x / N;
    let v = 0, m4 = 0;
    for (const x of z) { v += (x - m) ** 2 / N; m4 += x ** 4 / N; }
    // float32 rounding of E moves ln(E)/σ by ≤ 6e-8/σ: far below these tolerances
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / N));
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / N));
    expect(ksNormal(z)).toBeLessThan(1.95 / Math.sqrt(N));
    // the exact-quantile tail bins: P(z < Φ⁻¹(1/4096)) = P(z > Φ⁻¹(4095/4096)) = 1/4096
    const edge = ndtri(1 / QBINS);
    const lo = z.filter((x) => x < edge).length, hi = z.filter((x) => x > -edge).length;
    for (const c of [lo, hi]) {
      expect(c).toBeGreaterThan(N / QBINS - 5 * Math.sqrt(N / QBINS));
      expect(c).toBeLessThan(N / QBINS + 5 * Math.sqrt(N / QBINS));
    }
    expect(z.reduce((a, x) => Math.min(a, x), 0)).toBeLessThan(-4);
    expect(z.reduce((a, x) => Math.max(a, x), 0)).toBeGreaterThan(4);
  });

  it('equals the lognormal quantile at the bin edges and is monotone in the word', () => {
    for (const k of [1, 7, 1000, 2048, 3000, QBINS - 2]) {
      // the smallest word of bin k sits ϕ = 2⁻²¹ into the bin
      const h = k * 2 ** 20;
      const exact = Math.exp(sigma * ndtri((h + 0.5) / 2 ** 32));
      expect(Math.abs(lognormalFactor(h, T, sigma) / exact - 1)).toBeLessThan(1e-6);
    }
    let prev = 0;
    for (let h = 0; h < 2 ** 32; h += 104_729 * 7) {
      const E = lognormalFactor(h, T, sigma);
      expect(E).toBeGreaterThanOrEqual(prev);
      prev = E;
    }
  });
});

type Perm = 'none' | 'rows' | 'rows+cols';

/** a training-like walk of the weights with syncs, counter programming noise on */
function walk(backend: BackendName, mapping: 'differential' | 'offset', levels: number, perm: Perm, progSigma = 0.3) {
  setBackend(backend);
  const W = randomParam('fc', 37, 29, `pn-${mapping}`, 0.3);
  const op = new CrossbarMatrixOp(W, {
    seed: 6, device: { levels, progSigma, progNoiseModel: 'counter' },
    defects: { rate: 0.15, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 16, tileCols: 16, range: { kind: 'percentile', percentile: 95 } },
  });
  const rev = (n: number) => Int32Array.from({ length: n }, (_, i) => n - 1 - i);
  if (perm !== 'none') op.setRowPermutation(rev(37));
  if (perm === 'rows+cols') op.setColPermutation(rev(29));
  const r = stream(4, 'test/pn-updates');
  const out: unknown[] = [];
  const bits = (f: Float32Array) => Array.from(new Uint32Array(f.buffer, f.byteOffset, f.length), (u, i) => (Number.isNaN(f[i]) ? 0x7fc00000 : u));
  for (let step = 0; step < 6; step++) {
    for (let k = 0; k < W.value.length; k++) W.value[k] += (r.next() - 0.5) * 0.05;
    if (step === 4) W.value[5] = NaN; // a diverged weight: the backends still agree
    if (step === 3) op.recalibrateRange();
    op.sync();
    out.push({ eff: bits(op.effectiveWeights()), uP: bits(op.array.uP), uN: bits(op.array.uN), w: op.cellWrites(), c: op.clippedCount() });
  }
  return out;
}

describe('counter programming noise in the fast kernels: native = TS (= the wasm backend), bit for bit', () => {
  const hasNative = availableBackends().includes('native') && !!nativeKernels()?.program;
  const isas = hasNative ? nativeKernels()!.isas() : [];
  for (const isa of isas) {
    it(`${isa}: both mappings, levels 0 and 16, every permutation case`, () => {
      const nk = nativeKernels()!;
      const before = nk.isa();
      try {
        expect(nk.setIsa(isa)).toBe(true);
        for (const mapping of ['differential', 'offset'] as const) {
          for (const levels of [0, 16]) {
            for (const perm of ['none', 'rows', 'rows+cols'] as const) {
              const n = walk('native', mapping, levels, perm);
              expect(n).toEqual(walk('ts', mapping, levels, perm));
            }
          }
        }
      } finally {
        nk.setIsa(before);
      }
    });
  }
  it.runIf(availableBackends().includes('wasm'))('the wasm backend runs the TS reference: identical to ts', () => {
    expect(walk('wasm', 'differential', 0, 'rows')).toEqual(walk('ts', 'differential', 0, 'rows'));
  });
});

describe('counter programming noise: the same landing law as the per-write draw', () => {
  it('landed conductances of healthy cells: mean, variance and two-sample KS agree with per-write (same targets)', () => {
    // one first programming of an all-healthy 200x150 array at continuous levels: every cell written once
    const land = (model: 'per-write' | 'counter') => {
      const W = randomParam('fc', 200, 150, 'pn-law', 0.3);
      const op = new CrossbarMatrixOp(W, {
        seed: 11, device: { progSigma: 0.3, progNoiseModel: model },
        crossbar: { mapping: 'differential', tileRows: 128, tileCols: 128, range: { kind: 'fixed', wMax: 0.3 } },
      });
      op.sync();
      // log(G/G_target) = σ·z for written cells: recover z from u and the target
      const a = op.array, off = 1e-6 / (1e-4 - 1e-6);
      const z: number[] = [];
      for (let s = 0; s < a.slots; s++) {
        for (const [u, t] of [[a.uP[s], a.tgtP[s]], [a.uN[s], a.tgtN[s]]]) z.push(Math.log((u + off) / (t + off)) / 0.3);
      }
      return Float64Array.from(z);
    };
    const zc = land('counter'), zw = land('per-write');
    const n = zc.length;
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const vr = (x: Float64Array) => { const m = mean(x); return x.reduce((s, v) => s + (v - m) ** 2, 0) / x.length; };
    // the float32 rounding of u adds ≤ 1e-6 to each recovered z: far below the tolerances
    expect(Math.abs(mean(zc))).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(vr(zc) - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(mean(zc) - mean(zw))).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(vr(zc) - vr(zw))).toBeLessThan(5 * Math.sqrt(4 / n));
    // two-sample KS at α = 0.001: c = 1.95·√(2/n)
    expect(ks2(zc, zw)).toBeLessThan(1.95 * Math.sqrt(2 / n));
    expect(ksNormal(zc)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('unwritten cells keep their landing; rewritten cells draw anew (pass index in the key)', () => {
    const W = randomParam('fc', 20, 10, 'pn-rewrite', 0.3);
    const op = new CrossbarMatrixOp(W, { seed: 3, device: { progSigma: 0.2, progNoiseModel: 'counter', levels: 8 }, crossbar: { range: { kind: 'fixed', wMax: 0.3 } } });
    op.sync();
    const u0 = op.array.uP.slice(), w0 = op.cellWrites();
    op.sync(); // nothing changed: nothing written, nothing moves
    expect(op.cellWrites()).toBe(w0);
    expect(op.array.uP).toEqual(u0);
    W.value[0] = -W.value[0] + 0.01; // moves cell(s) of slot 0 only
    op.sync();
    expect(op.cellWrites()).toBeGreaterThan(w0);
    for (let s = 1; s < op.array.slots; s++) expect(op.array.uP[s]).toBe(u0[s]);
  });
});

describe('device.progNoiseModel validation', () => {
  it("names the allowed values; 'counter' needs the 'linear-levels' model", () => {
    expect(() => resolveDevice({ progNoiseModel: 'ctr' as never })).toThrow(UserError);
    expect(() => resolveDevice({ progNoiseModel: 'ctr' as never })).toThrow(/device\.progNoiseModel.*'per-write', 'counter'/);
    expect(() => resolveDevice({ progNoiseModel: 'counter', model: 'clipped-window' })).toThrow(/linear-levels/);
    expect(resolveDevice({ progNoiseModel: 'counter' }).progNoiseModel).toBe('counter');
  });
});

describe('device.progNoiseModel in sweep configs', () => {
  it("absent = 'counter' (recorded); 'per-write' is left out of the point (older points' hash); without variation it is dropped; a bad value is a UserError naming the values", async () => {
    const { planSweep } = await import('../../src/config/expand.js');
    const { pointHash } = await import('../../src/experiment/point.js');
    const plan = async (device: Record<string, unknown>) => (await planSweep({ method: 'unaware', device })).points[0];
    const h = async (device: Record<string, unknown>) => (await plan(device)).hash;
    const fast = await plan({ progSigma: 0.05 });
    expect(fast.point.device.progNoiseModel).toBe('counter');
    expect(await h({ progSigma: 0.05, progNoiseModel: 'counter' })).toBe(fast.hash);
    const slow = await plan({ progSigma: 0.05, progNoiseModel: 'per-write' });
    expect(Object.hasOwn(slow.point.device, 'progNoiseModel')).toBe(false);
    // the point an older config (no field, per-write then) resolved to: the same point without the key
    const { progNoiseModel: _m, ...older } = fast.point.device;
    expect(slow.hash).toBe(pointHash({ ...fast.point, device: older }));
    expect(slow.hash).not.toBe(fast.hash);
    // another device model has no counter path: its default is 'per-write'
    expect(Object.hasOwn((await plan({ progSigma: 0.05, model: 'clipped-window' })).point.device, 'progNoiseModel')).toBe(false);
    expect(await h({ progSigma: 0, progNoiseModel: 'counter' })).toBe(await h({}));
    await expect(planSweep({ device: { progNoiseModel: 'ctr' } })).rejects.toThrow(UserError);
    await expect(planSweep({ device: { progNoiseModel: 'ctr' } })).rejects.toThrow(/per-write.*counter/);
  });
});
