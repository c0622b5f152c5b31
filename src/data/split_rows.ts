/**
 * Reading examples out of a split, decoded and with the split's per-example transform applied on
 * the way:
 *
 *     row r of a batch = T(D(x[idx_r · d .. (idx_r + 1) · d)))
 *         D = the split's pixel decoding (8-bit pixels → the model's floats, pixel_coding.ts), or
 *             the identity for float32 splits
 *         T = split.transform, or the identity
 *
 * D is the very lookup table the loaders once used to fill a float32 copy of the whole split, so
 * a decoded batch holds those bits exactly, at a quarter of the resident memory.
 * A split with a transform (a task of src/tasks: a pixel permutation or a rotation) holds in `x`
 * the UNtransformed examples of its source data set — the same array every task of that source
 * shares — so T tasks cost one copy of the data, not T. T runs per example when a batch is
 * gathered; it is the same per-example arithmetic the whole-split transform used (permute.ts,
 * rotate.ts), so every value is bit for bit what a transformed copy would have held.
 * Float32 rows without a transform are copied (gather) or viewed (contiguous range) as before.
 * Decoded or transformed ranges are written into ONE scratch buffer of this module (rowScratch),
 * grown to the largest range asked for: kernel buffers (allocF32) are never freed, so a buffer per
 * call (T² evaluations of T tasks) would pile up. The scratch is an ordinary Float32Array, not a
 * kernel buffer: a worker hands its kernel arena back after each point (arenaRelease), and a
 * module-level view into it would then alias the next point's weights.
 */
import { gatherRows } from '../kernels/gather_rows.js';
import type { Split } from './dataset.js';
import { decodePixels } from './pixel_coding.js';

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
  const x = split.x;
  if (!(x instanceof Uint8Array)) {
    if (!t) { gatherRows(x, idx, start, b, d, out); return; }
    for (let i = 0; i < b; i++) {
      const e = idx[start + i];
      t.apply(x.subarray(e * d, (e + 1) * d), out.subarray(i * d, (i + 1) * d));
    }
    return;
  }
  if (out.length < b * d) throw new RangeError(`gatherSplitRows: out has ${out.length} elements, needs ${b * d}`);
  const coding = codingOf(split);
  if (!t) {
    for (let i = 0; i < b; i++) decodePixels(x, idx[start + i] * d, d, coding, out, i * d);
    return;
  }
  const ex = exampleScratch(d);
  for (let i = 0; i < b; i++) {
    decodePixels(x, idx[start + i] * d, d, coding, ex, 0);
    t.apply(ex, out.subarray(i * d, (i + 1) * d));
  }
}

function codingOf(split: Split) {
  if (!split.pixels) throw new Error(`split '${split.name}' holds 8-bit values without a pixel decoding`);
  return split.pixels;
}

let example: Float32Array = new Float32Array(0);

/** one decoded example before its transform (a buffer of its own: the transform writes into the row scratch) */
function exampleScratch(d: number): Float32Array {
  if (example.length < d) example = new Float32Array(d);
  return example.subarray(0, d);
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
  const x = split.x;
  if (!t && !(x instanceof Uint8Array)) return x.subarray(s * d, (s + b) * d);
  const out = rowScratch(b * d).subarray(0, b * d);
  if (!t) {
    decodePixels(x as Uint8Array, s * d, b * d, codingOf(split), out, 0);
    return out;
  }
  for (let i = 0; i < b; i++) {
    const o = out.subarray(i * d, (i + 1) * d);
    if (x instanceof Uint8Array) {
      const ex = exampleScratch(d);
      decodePixels(x, (s + i) * d, d, codingOf(split), ex, 0);
      t.apply(ex, o);
    } else {
      t.apply(x.subarray((s + i) * d, (s + i + 1) * d), o);
    }
  }
  return out;
}

/**
 * every example of the split as the model sees it, in a new Float32Array [n, d] (tools and tests;
 * training and evaluation read batches instead, which is what keeps the data at 1 byte per value)
 */
export function splitValues(split: Split): Float32Array {
  const n = split.n;
  const d = n > 0 ? split.x.length / n : 0;
  const out = new Float32Array(n * d);
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n > 0) gatherSplitRows(split, idx, 0, n, d, out);
  return out;
}
