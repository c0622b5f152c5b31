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
 * Transformed ranges are written into ONE scratch buffer of this module (rowScratch), grown to
 * the largest range asked for: kernel buffers (allocF32) are never freed, so a buffer per call
 * (T² evaluations of T tasks) would pile up. The scratch is an ordinary Float32Array, not a kernel
 * buffer: a worker hands its kernel arena back after each point (arenaRelease), and a module-level
 * view into it would then alias the next point's weights.
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

let scratch: Float32Array = new Float32Array(0);

/** the shared scratch, at least `len` values (valid until the next call) */
export function rowScratch(len: number): Float32Array {
  if (scratch.length < len) scratch = new Float32Array(len);
  return scratch;
}

/**
 * examples s..s+b−1 as one [b, d] array: a view of x when the split has no transform (no copy),
 * else the transformed rows written into the shared scratch and a view of it returned (valid
 * until the next call: a batch is consumed before the next one is read)
 */
export function splitRange(split: Split, s: number, b: number, d: number): Float32Array {
  const t = split.transform;
  if (!t) return split.x.subarray(s * d, (s + b) * d);
  const out = rowScratch(b * d).subarray(0, b * d);
  for (let i = 0; i < b; i++) {
    t.apply(split.x.subarray((s + i) * d, (s + i + 1) * d), out.subarray(i * d, (i + 1) * d));
  }
  return out;
}
