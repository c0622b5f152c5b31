/**
 * ReLU kernels (elementwise, no allocation):
 *
 *   reluForward:  y = max(x, 0)                     (NaN propagates as 0; −0 becomes 0)
 *   reluBackward: dx = y > 0 ? dy : 0               (uses the forward OUTPUT y: y > 0 ⇔ x > 0)
 *
 * x and y (or dy and dx) may be the same array (in place). With the 'wasm' backend and all
 * arrays in wasm memory the same formulas run in WebAssembly SIMD, with 'native' in the native
 * addon (identical bits, NaN → 0 too).
 */
import { nativeFor, need, wasmFor } from './elementwise_dispatch.js';

export function reluForward(x: Float32Array, y: Float32Array, len: number): void {
  need('reluForward', 'x', x, len);
  need('reluForward', 'y', y, len);
  const nk = nativeFor();
  if (nk) { nk.reluForward(x, y, len); return; }
  const w = wasmFor(x, y);
  if (w) { w.reluForward(x.byteOffset, y.byteOffset, len); return; }
  for (let i = 0; i < len; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : 0;
  }
}

export function reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void {
  need('reluBackward', 'y', y, len);
  need('reluBackward', 'dy', dy, len);
  need('reluBackward', 'dx', dx, len);
  const nk = nativeFor();
  if (nk) { nk.reluBackward(y, dy, dx, len); return; }
  const w = wasmFor(y, dy, dx);
  if (w) { w.reluBackward(y.byteOffset, dy.byteOffset, dx.byteOffset, len); return; }
  for (let i = 0; i < len; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
