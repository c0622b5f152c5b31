/**
 * Summary statistics of one group of runs (the same experiment point over several seeds).
 *
 * For values x_1..x_n:
 *   mean  x̄ = (1/n) Σ x_i
 *   std   s  = sqrt( Σ (x_i − x̄)² / (n − 1) )          (sample standard deviation; n ≥ 2, else null)
 *   95% confidence interval of the mean (Student t, seeds treated as independent draws):
 *         x̄ ± t_{0.975, n−1} · s / √n                    (n ≥ 2, else null)
 *   where t_{0.975, n−1} is the 97.5% quantile of Student's t with n − 1 degrees of freedom
 *   (12.706 for n = 2, 4.303 for n = 3, 2.776 for n = 5, → 1.960 as n grows), from jstat.
 *   min, max: the extremes.
 */
import jstat from 'jstat';

export interface Summary {
  n: number;
  mean: number | null;
  /** sample standard deviation (n − 1 denominator); null when n < 2 */
  std: number | null;
  /** half-width t_{0.975,n−1}·s/√n of the 95% CI of the mean; null when n < 2 */
  ci95: number | null;
  ci95Lo: number | null;
  ci95Hi: number | null;
  min: number | null;
  max: number | null;
}

/** 97.5% quantile of Student's t with `dof` degrees of freedom (two-sided 95% interval). */
export function tQuantile975(dof: number): number {
  if (!(dof >= 1)) throw new RangeError(`Student t needs dof >= 1, got ${dof}`);
  return jstat.jStat.studentt.inv(0.975, dof);
}

export function summarise(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: null, std: null, ci95: null, ci95Lo: null, ci95Hi: null, min: null, max: null };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  if (n < 2) return { n, mean, std: null, ci95: null, ci95Lo: null, ci95Hi: null, min, max };
  let ss = 0;
  for (const v of values) ss += (v - mean) * (v - mean);
  const std = Math.sqrt(ss / (n - 1));
  const ci95 = (tQuantile975(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ci95, ci95Lo: mean - ci95, ci95Hi: mean + ci95, min, max };
}
