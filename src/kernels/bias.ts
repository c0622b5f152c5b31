/**
 * Bias kernels for a row-major activation matrix Y [n, cols] (one row per sample / pixel).
 *
 *   addBiasRows:  Y[i·cols + j] += bias[j]                      (forward)
 *   biasGrad:     gb[j] += Σ_i dY[i·cols + j]                   (backward; ACCUMULATES into gb)
 *
 * No allocation. biasGrad sums rows in increasing i, so it is deterministic.
 */
export function addBiasRows(Y: Float32Array, n: number, cols: number, bias: Float32Array): void {
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) Y[o++] += bias[j];
  }
}

export function biasGrad(dY: Float32Array, n: number, cols: number, gb: Float32Array): void {
  let o = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cols; j++) gb[j] += dY[o++];
  }
}
