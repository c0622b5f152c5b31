/**
 * Defect-aware penalty of ITT-RNA (step 3), on plain matrices.
 *
 *   P(w) = λ · Σ_{(i,j) faulty} I_ij · (w_ij − clamp(w_ij, lo_ij, hi_ij))²
 *   ∂P/∂w_ij = 2λ · I_ij · (w_ij − clamp(w_ij, lo_ij, hi_ij))      (faulty cells, else 0)
 *
 * [lo_ij, hi_ij] is the interval the (possibly stuck) cells of logical weight (i, j) can still
 * represent (`CrossbarMatrixOp.attainable()`), so clamp(w, lo, hi) = w_stuck is what the device
 * really computes with. The penalty is zero inside the interval and quadratic outside, and its
 * derivative is continuous (d/dw (w − clamp(w))² = 2(w − clamp(w)) on both sides of the kinks).
 * I_ij is the per-layer normalised importance (importance.ts): important weights that must sit on
 * a faulty cell are pulled hardest toward what the cell forces. "Faulty" = at least one of the
 * weight's cells is stuck (a mask from the crossbar's defect map).
 *
 * λ schedule over the retraining epochs e = 0..E−1 of a phase:
 *   constant:       λ_e = λ
 *   linear-warmup:  λ_e = λ · min(1, (e + 1) / W), W = max(1, ceil(E / 2))
 * (warm-up over the first half of the phase, so the task loss first recovers from the defects).
 */

/**
 * Adds the penalty gradient into `grad` (if given) and returns P. All arrays have the same length.
 * `faulty` null = every element counts (then only weights outside their interval contribute).
 */
export function penaltyValueAndGrad(
  w: Float32Array, importance: Float32Array, lo: Float32Array, hi: Float32Array,
  faulty: Uint8Array | null, lambda: number, grad: Float32Array | null,
): number {
  if (lambda === 0) return 0;
  let p = 0;
  const twoL = 2 * lambda;
  for (let k = 0; k < w.length; k++) {
    if (faulty && faulty[k] === 0) continue;
    const x = w[k];
    const d = x < lo[k] ? x - lo[k] : x > hi[k] ? x - hi[k] : 0;
    if (d === 0) continue;
    const I = importance[k];
    p += I * d * d;
    if (grad) grad[k] += twoL * I * d;
  }
  return lambda * p;
}

/** λ for epoch e (0-based) of a phase of E epochs, see the schedule in the file comment. */
export function lambdaAt(
  lambda: number, schedule: 'constant' | 'linear-warmup', epoch: number, epochs: number,
): number {
  if (schedule === 'constant') return lambda;
  const W = Math.max(1, Math.ceil(epochs / 2));
  return lambda * Math.min(1, (epoch + 1) / W);
}
