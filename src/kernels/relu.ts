/**
 * ReLU kernels (elementwise, no allocation):
 *
 *   reluForward:  y = max(x, 0)                     (NaN propagates as 0; −0 becomes 0)
 *   reluBackward: dx = y > 0 ? dy : 0               (uses the forward OUTPUT y: y > 0 ⇔ x > 0)
 *
 * x and y (or dy and dx) may be the same array (in place).
 */
export function reluForward(x: Float32Array, y: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : 0;
  }
}

export function reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void {
  for (let i = 0; i < len; i++) dx[i] = y[i] > 0 ? dy[i] : 0;
}
