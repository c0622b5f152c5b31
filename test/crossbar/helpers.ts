/** Test helpers for the crossbar tests (oracles and small builders). */
import { erf, lgamma, matrix, multiply } from 'mathjs';
import { makeParam, type Param } from '../../src/nn/param.js';
import { stream } from '../../src/util/rng.js';
import type { TileDefectMap } from '../../src/crossbar/defect_map.js';

/**
 * Exact two-sided binomial interval [lo, hi] holding at least `conf` of Binomial(n, p)'s mass:
 * lo = largest k with P(X < k) ≤ (1−conf)/2, hi = smallest k with P(X > k) ≤ (1−conf)/2,
 * pmf from log-gamma (mathjs lgamma).
 */
export function binomialInterval(n: number, p: number, conf = 0.999): [number, number] {
  const a = (1 - conf) / 2;
  const lnC = lgamma(n + 1);
  const pmf = (k: number) => Math.exp(lnC - lgamma(k + 1) - lgamma(n - k + 1) + k * Math.log(p) + (n - k) * Math.log1p(-p));
  const mean = n * p, sd = Math.sqrt(n * p * (1 - p));
  const k0 = Math.max(0, Math.floor(mean - 12 * sd - 10)), k1 = Math.min(n, Math.ceil(mean + 12 * sd + 10));
  let cum = 0, lo = k0;
  for (let k = k0; k <= k1; k++) { if (cum + pmf(k) > a) { lo = k; break; } cum += pmf(k); }
  cum = 0;
  let hi = k1;
  for (let k = k1; k >= k0; k--) { if (cum + pmf(k) > a) { hi = k; break; } cum += pmf(k); }
  return [lo, hi];
}

/** Y = X·W with mathjs (float64), as a flat array */
export function oracleProduct(X: Float32Array, n: number, W: Float32Array, rows: number, cols: number): number[] {
  const xm = matrix(Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * rows, (i + 1) * rows))));
  const wm = matrix(Array.from({ length: rows }, (_, i) => Array.from(W.subarray(i * cols, (i + 1) * cols))));
  return (multiply(xm, wm).toArray() as number[][]).flat();
}

export function randomParam(name: string, rows: number, cols: number, seed: string, scale = 1): Param {
  const p = makeParam(name, rows, cols);
  const r = stream(seed, `test/${name}`);
  for (let i = 0; i < p.value.length; i++) p.value[i] = scale * (2 * r.next() - 1);
  return p;
}

export function randomArray(len: number, seed: string, scale = 1): Float32Array {
  const a = new Float32Array(len);
  const r = stream(seed, 'test/x');
  for (let i = 0; i < len; i++) a[i] = scale * (2 * r.next() - 1);
  return a;
}

/** hand-made tile maps: all healthy, then `set(tileIndex, row, col, state)` */
export function healthyMaps(count: number, rows: number, cols: number): TileDefectMap[] {
  return Array.from({ length: count }, (_, k) => ({
    layer: 't', tileRow: 0, tileCol: k, rows, cols, distribution: 'file' as const, state: new Uint8Array(rows * cols),
  }));
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Kolmogorov–Smirnov statistic of the sample against N(0, 1) (Φ(x) = (1 + erf(x/√2))/2, mathjs erf as the oracle) */
export function ksNormal(z: Float64Array): number {
  const s = Float64Array.from(z).sort();
  const n = s.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const F = (1 + (erf(s[i] / Math.SQRT2) as number)) / 2;
    d = Math.max(d, Math.abs(F - i / n), Math.abs(F - (i + 1) / n));
  }
  return d;
}
