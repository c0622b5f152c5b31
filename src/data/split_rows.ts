/**
 * Reading examples out of a split, with the split's per-example transform applied on the way:
 *
 *     row r of a batch = T(x[idx_r · d .. (idx_r + 1) · d))      T = split.transform, or the identity
 *
 * A split with a transform (a task of src/tasks: a pixel permutation or a rotation) holds in `x`
 * the UNtransformed examples of its source data set — the same array every task of that source
 * shares — so T tasks cost one copy of the data, not T. T runs per example when a batch is
 * gathered; it is the same per-example arithmetic the whole-split transform used (permute.ts,
 * rotate.ts), so every value is bit for bit what a transformed copy would have held.
 * Without a transform the rows are copied (gather) or viewed (contiguous range) as before.
 */
import { gatherRows } from '../kernels/gather_rows.js';
import type { Split } from './dataset.js';

/** a per-example input transform: writes T(src) into out (src and out: one example, d values, distinct arrays) */
export interface ExampleTransform {
  apply(src: Float32Array, out: Float32Array): void;
}

/** batch rows r = 0..b−1 ← example idx[start + r] (transformed); labels into yb when given */
export function gatherSplitRows(
  split: Split, idx: Int32Array, start: number, b: number, d: number, out: Float32Array, yb?: Uint8Array,
): void {
  if (yb) for (let i = 0; i < b; i++) yb[i] = split.y[idx[start + i]];
  const t = split.transform;
  if (!t) { gatherRows(split.x, idx, start, b, d, out); return; }
  for (let i = 0; i < b; i++) {
    const e = idx[start + i];
    t.apply(split.x.subarray(e * d, (e + 1) * d), out.subarray(i * d, (i + 1) * d));
  }
}

/**
 * examples s..s+b−1 as one [b, d] array: a view of x when the split has no transform (no copy),
 * else the transformed rows written into `scratch` (at least b·d values) and a view of it returned
 */
export function splitRange(split: Split, s: number, b: number, d: number, scratch: () => Float32Array): Float32Array {
  const t = split.transform;
  if (!t) return split.x.subarray(s * d, (s + b) * d);
  const out = scratch().subarray(0, b * d);
  for (let i = 0; i < b; i++) {
    t.apply(split.x.subarray((s + i) * d, (s + i + 1) * d), out.subarray(i * d, (i + 1) * d));
  }
  return out;
}
