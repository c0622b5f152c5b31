/**
 * The SGD-with-momentum update of one parameter tensor (src/nn/sgd.ts documents the method):
 *
 *   v' = m ⊙ ((μ·v + g) + λ·w)     (the mask factor m only when a mask is given)
 *   v ← v',   w ← w − η·v'
 *
 * evaluated as JavaScript evaluates it: float32 loads promoted to float64, the formula in float64
 * left to right, each store rounded to float32 (w uses the unrounded v'). The native addon
 * (backend 'native') runs the same float64 operations in the same order, so both give identical
 * bits. No allocation.
 */
import { nativeFor, need } from './elementwise_dispatch.js';

export function sgdUpdate(w: Float32Array, g: Float32Array, v: Float32Array, mask: Float32Array | undefined,
  lr: number, mu: number, wd: number): void {
  const len = w.length;
  need('sgdUpdate', 'g', g, len);
  need('sgdUpdate', 'v', v, len);
  if (mask) need('sgdUpdate', 'mask', mask, len);
  const nk = nativeFor();
  if (nk) { nk.sgd(w, g, v, mask ?? null, len, lr, mu, wd); return; }
  if (mask) {
    for (let i = 0; i < len; i++) {
      const vi = mask[i] * (mu * v[i] + g[i] + wd * w[i]);
      v[i] = vi;
      w[i] -= lr * vi;
    }
  } else {
    for (let i = 0; i < len; i++) {
      const vi = mu * v[i] + g[i] + wd * w[i];
      v[i] = vi;
      w[i] -= lr * vi;
    }
  }
}
