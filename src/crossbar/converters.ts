/**
 * Periphery converters (optional; bits = 0 means ideal):
 *
 * DAC (input bits b): word-line inputs are quantised symmetrically over [−R, R],
 *     steps S = 2^(b−1) − 1,  Δ = R / S,  x_q = clamp(round(x / Δ), −S, S) · Δ
 * (round = to nearest, halves away from zero, so the quantiser is odd-symmetric),
 * with R = the configured input range, or (default) max |x| of the current forward's batch.
 * ADC (output bits b): every tile's partial sum (already converted to the weight domain, which is
 * linear in the bit-line current difference, so this equals quantising the current with the range
 * scaled alike) is quantised the same way over [−R, R], R = configured output range or (default)
 * max |partial sum| of that tile in the current forward (an ideally calibrated per-tile ADC).
 * Partial sums of the tiles of a tile column are then added digitally.
 * b must be 0 or 2..16 (1 bit has no symmetric level besides 0; BITS_BOUNDS, the one rule).
 */
import { UserError } from '../util/errors.js';
import type { NumBounds } from '../util/spec_field.js';

export const BITS_BOUNDS: NumBounds = { min: 0, max: 16, int: true, not: [1] };
export const BITS_ALLOWED = '0 (ideal) or an integer in [2, 16]';

export function validateBits(bits: number, field: string): number {
  if (!Number.isInteger(bits) || bits < 0 || bits === 1 || bits > BITS_BOUNDS.max!) {
    throw new UserError(`${field} must be ${BITS_ALLOWED}, got ${String(bits)}`, field);
  }
  return bits;
}

export function maxAbs(a: Float32Array | Float64Array, len: number): number {
  let m = 0;
  for (let i = 0; i < len; i++) { const v = a[i] < 0 ? -a[i] : a[i]; if (v > m) m = v; }
  return m;
}

/** in-place symmetric quantisation of a[0..len) with `bits` over [−range, range] */
export function quantiseSymmetric(a: Float32Array | Float64Array, len: number, bits: number, range: number): void {
  const S = 2 ** (bits - 1) - 1;
  if (!(range > 0)) { a.fill(0, 0, len); return; }
  const d = range / S, inv = S / range;
  for (let i = 0; i < len; i++) {
    const v = a[i] * inv;
    let k = v < 0 ? -Math.round(-v) : Math.round(v); // odd-symmetric: halves round away from zero
    if (k > S) k = S; else if (k < -S) k = -S;
    a[i] = k * d;
  }
}
