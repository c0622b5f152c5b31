import { describe, expect, it } from 'vitest';
import { CounterNormal, mix32, normalPair } from '../../src/crossbar/counter_normal.js';
import { lnUnit, sinQuarter } from '../../src/crossbar/f32_math.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { stream } from '../../src/util/rng.js';
import { ksNormal } from './helpers.js';

describe('counter-based normal generator (float32 Box–Muller on hashed counters)', () => {
  const N = 200_000;

  it('is N(0, 1): mean, variance, kurtosis within 5 standard errors, KS below the α = 0.001 critical value', () => {
    const g = new CounterNormal(stream(3, 'read/test'));
    const z = new Float64Array(N);
    g.fill(7, 0, z, 0, N);
    let m = 0;
    for (const x of z) m += x / N;
    let v = 0, m4 = 0;
    for (const x of z) { v += (x - m) ** 2 / N; m4 += x ** 4 / N; }
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(N)); // SE of the mean = 1/√N
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / N)); // SE of the variance = √(2/N)
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / N)); // SE of E z⁴ = √(105 − 9)/√N
    expect(ksNormal(z)).toBeLessThan(1.95 / Math.sqrt(N)); // K(0.999) ≈ 1.949
    // the tails are drawn too: P(|z| > 3.44) = 5.8e-4
    const tail = z.filter((x) => Math.abs(x) > 3.442619855899).length;
    expect(tail).toBeGreaterThan(N * 5.8e-4 * 0.6);
    expect(tail).toBeLessThan(N * 5.8e-4 * 1.5);
  });

  it('the two normals of a pair are independent: uncorrelated, and their squares too (|r| < 5/√N)', () => {
    const g = new CounterNormal(stream(5, 'read/pair'));
    const z = new Float64Array(2 * N);
    g.fill(3, 0, z, 0, 2 * N);
    let xy = 0, x2y2 = 0;
    for (let p = 0; p < N; p++) { xy += z[2 * p] * z[2 * p + 1] / N; x2y2 += (z[2 * p] ** 2 - 1) * (z[2 * p + 1] ** 2 - 1) / N; }
    expect(Math.abs(xy)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(x2y2)).toBeLessThan(5 * 2 / Math.sqrt(N)); // Var((x²−1)(y²−1)) = 4
  });

  it('successive blocks and neighbouring elements are uncorrelated (|r| < 5/√N)', () => {
    const g = new CounterNormal(stream(3, 'read/test'));
    const a = new Float64Array(N), b = new Float64Array(N);
    g.fill(0, 0, a, 0, N);
    g.fill(1, 0, b, 0, N);
    let ab = 0, lag = 0;
    for (let k = 0; k < N; k++) ab += a[k] * b[k] / N;
    for (let k = 1; k < N; k++) lag += a[k] * a[k - 1] / N;
    expect(Math.abs(ab)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(lag)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('z(f, e) depends only on (key, f, e): order-independent, any sub-range reproduces, same stream = same bits', () => {
    const all = new Float32Array(1000), part = new Float32Array(1000);
    new CounterNormal(stream(9, 'read/fc1')).fill(5, 0, all, 0, 1000);
    const g = new CounterNormal(stream(9, 'read/fc1'));
    g.fill(5, 600, part, 600, 400); // back half first
    g.fill(2, 0, new Float32Array(10), 0, 10); // another block in between
    g.fill(5, 0, part, 0, 600);
    expect(part).toEqual(all);
    const other = new Float32Array(1000);
    new CounterNormal(stream(9, 'read/fc2')).fill(5, 0, other, 0, 1000);
    expect(other).not.toEqual(all);
  });
});

describe('float32 ln and sine of the generator', () => {
  it('lnUnit(n) = ln(n·2⁻²⁴) and sinQuarter(y) = sin(πy/2) to within 2 float32 ulps of the result (3e-7 absolute near 0)', () => {
    for (let n = 1; n < 2 ** 24; n += 997) {
      const t = Math.log(n / 2 ** 24);
      expect(Math.abs(lnUnit(n) - t)).toBeLessThan(Math.max(2.4e-7 * Math.abs(t), 1e-12));
    }
    for (let k = 0; k < 2 ** 22; k += 331) {
      const y = (2 * k + 1) * 2 ** -23, t = Math.sin((Math.PI / 2) * y);
      expect(Math.abs(sinQuarter(y) - t)).toBeLessThan(2.4e-7 * Math.max(t, 1e-3));
    }
  });
});

describe('native outputNoise = the TS generator, bit for bit, on every instruction set', () => {
  const nk = nativeKernels();
  const isas = nk?.outputNoise ? nk.isas() : [];
  it.runIf(isas.length > 0)('y + √v·z for odd and even lengths and offsets', () => {
    const before = nk!.isa();
    try {
      for (const isa of isas) {
        expect(nk!.setIsa(isa)).toBe(true);
        for (const [len, e0] of [[1001, 0], [64, 4096], [7, 2]] as const) {
          const b = mix32(len * 31 + e0);
          const v = Float32Array.from({ length: len }, (_, k) => (k % 13) * 0.37);
          const y0 = Float32Array.from({ length: len }, (_, k) => Math.sin(k));
          const y = y0.slice();
          nk!.outputNoise(y, v, len, b >>> 0, e0);
          const z = new Float64Array(len + 1);
          for (let k = 0; k < len; k += 2) normalPair(b, (e0 >>> 1) + k / 2, z, k);
          const f = Math.fround;
          const want = y0.map((x, k) => f(x + f(f(Math.sqrt(v[k])) * z[k])));
          expect(y).toEqual(want);
        }
      }
    } finally {
      nk!.setIsa(before);
    }
  });
});
