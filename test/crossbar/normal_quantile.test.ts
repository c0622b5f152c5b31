import jstat from 'jstat';
import { describe, expect, it } from 'vitest';
import { ndtri, pexp, plog, tail } from '../../src/crossbar/normal_quantile.js';
import { stream } from '../../src/util/rng.js';

describe('portable float64 exp / log and the AS241 normal quantile', () => {
  it('pexp and plog agree with Math.exp / Math.log to a few ulps over the ranges used', () => {
    const r = stream(1, 'test/pexp');
    for (let k = 0; k < 20000; k++) {
      const x = (r.next() - 0.5) * 80; // σ·z with σ ≤ 5, |z| < 8
      expect(Math.abs(pexp(x) / Math.exp(x) - 1)).toBeLessThan(1e-15);
      const u = Math.pow(2, -33 * r.next()) * (0.5 + r.next() / 2); // (0, 1) down to 2⁻³⁴
      expect(Math.abs(plog(u) - Math.log(u))).toBeLessThan(1e-15 * Math.max(1, Math.abs(Math.log(u))));
    }
    expect(pexp(0)).toBe(1);
    expect(plog(1)).toBe(0);
  });

  it("ndtri agrees with jStat's normal quantile (an independent implementation) and inverts jStat's Φ", () => {
    const ps = [2 ** -33, 1e-9, 1e-6, 2 ** -12, 1e-3, 0.01, 0.0749, 0.075, 0.2, 0.5 - 1e-9, 0.5, 0.6, 0.925, 0.99, 1 - 1e-6];
    for (const p of ps) {
      const z = ndtri(p);
      // jStat's inverse agrees to 1e-8; its Φ (an erfc approximation good to about 1e-7 relative) maps z back to p
      expect(Math.abs(z - jstat.normal.inv(p, 0, 1))).toBeLessThan(1e-8 * Math.max(1, Math.abs(z)));
      expect(Math.abs(jstat.normal.cdf(z, 0, 1) / p - 1)).toBeLessThan(1e-6);
    }
    expect(ndtri(0.5)).toBe(0);
    expect(tail(2 ** -12)).toBe(-ndtri(2 ** -12));
  });
});
