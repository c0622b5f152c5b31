/**
 * Bias kernels for a row-major activation matrix Y [n, cols] (one row per sample / pixel).
 *
 *   addBiasRows:  Y[i·cols + j] += bias[j]                      (forward)
 *   biasGrad:     gb[j] += Σ_i dY[i·cols + j]                   (backward; ACCUMULATES into gb)
 *
 * No allocation. biasGrad sums rows in increasing i, so it is deterministic. With the 'wasm'
 * backend and all arrays in wasm memory the same loops run in WebAssembly SIMD, with the 'native'
 * backend in the native addon (identical bits).
 */
import { nativeFor, need, wasmFor } from './elementwise_dispatch.js';

export function addBiasRows(Y: Float32Array, n: number, cols: number, bias: Float32Array): void {
  need('addBiasRows', 'Y', Y, n * cols);
  need('addBiasRows', 'bias', bias, cols);
  const nk = nativeFor();
  if (nk) { nk.addBiasRows(Y, n, cols, bias); return; }
  const w = wasmFor(Y, bias);
  if (w) { w.addBiasRows(Y.byteOffset, n, cols, bias.byteOffset); return; }
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) Y[o++] += bias[j];
  }
}

export function biasGrad(dY: Float32Array, n: number, cols: number, gb: Float32Array): void {
  need('biasGrad', 'dY', dY, n * cols);
  need('biasGrad', 'gb', gb, cols);
  const nk = nativeFor();
  if (nk) { nk.biasGrad(dY, n, cols, gb); return; }
  const w = wasmFor(dY, gb);
  if (w) { w.biasGrad(dY.byteOffset, n, cols, gb.byteOffset); return; }
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) gb[j] += dY[o++];
  }
}
