/**
 * Per-layer weight range wMax: the weights the cells represent are clipped to [−wMax, wMax].
 *
 *   fixed:       wMax given.
 *   percentile:  wMax = P_p(|w|), the p-th percentile of the absolute weights at mapping time,
 *                with linear interpolation between order statistics (numpy's / mathjs quantileSeq's
 *                default): sorted a_0 ≤ … ≤ a_{N−1}, h = (N − 1)·p/100,
 *                P = a_⌊h⌋ + (h − ⌊h⌋)·(a_⌊h⌋+1 − a_⌊h⌋).  p = 100 ⇒ max |w| (no clipping).
 *                A degenerate range (all weights 0) falls back to wMax = 1.
 */
import { z } from 'zod';
import { UserError } from '../util/errors.js';

/** per-layer weight range: fixed |w| max, or from the weights at this percentile of |w| (0..100) */
export type RangeSpec = { kind: 'fixed'; wMax: number } | { kind: 'percentile'; percentile: number };

/** The one schema of a range spec (the sweep config composes it; validateRange is its run-time twin). */
export const RANGE_SCHEMA = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), wMax: z.number().gt(0) }),
  z.strictObject({ kind: z.literal('percentile'), percentile: z.number().gt(0).lte(100) }),
]);
export const RANGE_ALLOWED = `{"kind": "fixed", "wMax": number > 0} or {"kind": "percentile", "percentile": number in (0, 100]}`;

export function validateRange(r: RangeSpec, path = 'crossbar.range'): RangeSpec {
  if (!r || typeof r !== 'object') throw new UserError(`${path} must be { kind: 'fixed', wMax } or { kind: 'percentile', percentile }`, path);
  if (r.kind === 'fixed') {
    if (typeof r.wMax !== 'number' || !Number.isFinite(r.wMax) || r.wMax <= 0) {
      throw new UserError(`${path}.wMax must be a finite number > 0, got ${String(r.wMax)}`, `${path}.wMax`);
    }
  } else if (r.kind === 'percentile') {
    if (typeof r.percentile !== 'number' || !(r.percentile > 0 && r.percentile <= 100)) {
      throw new UserError(`${path}.percentile must be a number in (0, 100], got ${String(r.percentile)}`, `${path}.percentile`);
    }
  } else {
    throw new UserError(`${path}.kind must be 'fixed' or 'percentile', got ${String((r as { kind: unknown }).kind)}`, `${path}.kind`);
  }
  return r;
}

/** p-th percentile (0..100) of |w|, linear interpolation (see header). */
export function absPercentile(w: Float32Array, p: number): number {
  const a = new Float64Array(w.length);
  for (let i = 0; i < w.length; i++) a[i] = Math.abs(w[i]);
  a.sort();
  if (a.length === 0) return 0;
  const h = (a.length - 1) * (p / 100);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, a.length - 1);
  return a[lo] + (h - lo) * (a[hi] - a[lo]);
}

/** wMax for a layer with weights w under range spec r. */
export function resolveWMax(w: Float32Array, r: RangeSpec): number {
  validateRange(r);
  if (r.kind === 'fixed') return r.wMax;
  const v = absPercentile(w, r.percentile);
  return v > 0 && Number.isFinite(v) ? v : 1;
}

/** Number of weights with |w| > wMax (they are clipped when programmed). */
export function countClipped(w: Float32Array, wMax: number): number {
  let c = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > wMax || w[i] < -wMax) c++;
  return c;
}
