/**
 * Elementwise sum of two float32 arrays (the residual block's y = F(x) + S(x) and its input
 * gradient):
 *
 *   y[i] = a[i] + b[i]     i < len
 *
 * One float32 addition per element (JavaScript adds the two float32 values in float64 and the store
 * rounds to float32: the same correctly rounded sum), so the native addon's loop (threads: contiguous
 * ranges) gives the same bits as the TS loop used by the other backends. y may be a or b.
 */
import { nativeFor, need } from './elementwise_dispatch.js';

export function addArrays(a: Float32Array, b: Float32Array, y: Float32Array, len: number): void {
  need('addArrays', 'a', a, len);
  need('addArrays', 'b', b, len);
  need('addArrays', 'y', y, len);
  const nk = nativeFor();
  if (nk) { nk.addArrays(a, b, y, len); return; }
  for (let i = 0; i < len; i++) y[i] = a[i] + b[i];
}
