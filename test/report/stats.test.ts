import { gamma, mean, std } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { summarise, tQuantile975 } from '../../sim/report/stats.js';

/** Student t density, written with mathjs' gamma (an independent oracle for the quantile). */
function tPdf(x: number, dof: number): number {
  const g = (z: number) => gamma(z) as number;
  return (g((dof + 1) / 2) / (Math.sqrt(dof * Math.PI) * g(dof / 2))) * Math.pow(1 + (x * x) / dof, -(dof + 1) / 2);
}
/** P(0 < T < q) by composite Simpson's rule. */
function tMass0to(q: number, dof: number): number {
  const n = 20_000;
  const h = q / n;
  let s = tPdf(0, dof) + tPdf(q, dof);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * tPdf(i * h, dof);
  return (s * h) / 3;
}

describe('summary statistics over seeds', () => {
  const samples: number[][] = [
    [0.91, 0.93, 0.92],
    [0.5, 0.75],
    [0.981, 0.979, 0.9805, 0.9822, 0.9771, 0.9799, 0.9801],
    [0.1, 0.1, 0.1, 0.1],
  ];
  it.each(samples)('mean and sample std equal mathjs (%#)', (...xs) => {
    const s = summarise(xs);
    expect(s.n).toBe(xs.length);
    expect(s.mean).toBeCloseTo(mean(xs) as number, 14);
    // mathjs std defaults to the unbiased (n − 1) normalisation
    expect(s.std).toBeCloseTo(std(xs) as unknown as number, 14);
    expect(s.min).toBe(Math.min(...xs));
    expect(s.max).toBe(Math.max(...xs));
  });

  it('95% CI = mean ± t(0.975, n−1)·s/√n, by hand', () => {
    // [0.91, 0.93, 0.92]: mean 0.92, s = 0.01, t(0.975, 2) = 4.302652729749464
    const s = summarise([0.91, 0.93, 0.92]);
    const half = (4.302652729749464 * 0.01) / Math.sqrt(3);
    expect(s.ci95).toBeCloseTo(half, 9);
    expect(s.ci95Lo).toBeCloseTo(0.92 - half, 9);
    expect(s.ci95Hi).toBeCloseTo(0.92 + half, 9);
    // two seeds: t(0.975, 1) = 12.706204736174694, s = |a − b|/√2
    const two = summarise([0.5, 0.75]);
    expect(two.ci95).toBeCloseTo((12.706204736174694 * (0.25 / Math.SQRT2)) / Math.SQRT2, 8);
  });

  it('a single seed has a mean but no spread; no seeds has nothing', () => {
    const one = summarise([0.97]);
    expect(one).toMatchObject({ n: 1, mean: 0.97, std: null, ci95: null, min: 0.97, max: 0.97 });
    expect(summarise([])).toMatchObject({ n: 0, mean: null, std: null, ci95: null });
    // identical values: zero spread, zero-width interval
    expect(summarise([0.5, 0.5, 0.5]).ci95).toBe(0);
  });

  it.each([1, 2, 3, 4, 9, 29])('t quantile for dof=%i puts 47.5% of the density between 0 and q (mathjs gamma oracle)', (dof) => {
    const q = tQuantile975(dof);
    expect(tMass0to(q, dof)).toBeCloseTo(0.475, 6);
  });

  it('t quantiles match printed tables and tend to the normal 1.96', () => {
    expect(tQuantile975(1)).toBeCloseTo(12.7062, 4);
    expect(tQuantile975(2)).toBeCloseTo(4.3027, 4);
    expect(tQuantile975(4)).toBeCloseTo(2.7764, 4);
    expect(tQuantile975(9)).toBeCloseTo(2.2622, 4);
    expect(tQuantile975(1e6)).toBeCloseTo(1.95996, 4);
    expect(() => tQuantile975(0)).toThrow(/dof >= 1/);
  });
});
