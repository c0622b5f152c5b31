/**
 * Elementwise sum of two float32 arrays (the residual block's y = F(x) + S(x) and its input
 * gradient):
 *
 *   y[i] = a[i] + b[i]     i < len
 *
 * One float32 addition per element (JavaScript adds the two float32 values in float64 and the store
 * rounds to float32: the same correctly rounded sum), so the native addon's loop (threads: contiguous
 * ranges) gives the same bits as the TS loop used by the other backends. y may be a or b.
 * relu = true also applies the ReLU that follows (src/nn/relu_fusion.ts) to the rounded sum:
 *   y[i] = v > 0 ? v : 0,  v = f32(a[i] + b[i])
 */
import { nativeFor, need } from './elementwise_dispatch.js';

export function addArrays(a: Float32Array, b: Float32Array, y: Float32Array, len: number, relu = false): void {
  need('addArrays', 'a', a, len);
  need('addArrays', 'b', b, len);
  need('addArrays', 'y', y, len);
  const nk = nativeFor();
  if (nk) { nk.addArrays(a, b, y, len, relu ? 1 : 0); return; }
  if (relu) {
    for (let i = 0; i < len; i++) {
      const v = Math.fround(a[i] + b[i]);
      y[i] = v > 0 ? v : 0;
    }
    return;
  }
  for (let i = 0; i < len; i++) y[i] = a[i] + b[i];
}
