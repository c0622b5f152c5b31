/**
 * LoRI (Zhang et al. 2025, arXiv 2504.07448): A frozen at its random init, B sparse.
 *
 * The mask keeps the k = round((1 − p)·N) entries of largest |b| over ALL adapted layers
 * together (one global magnitude threshold τ, N = total number of B entries, p = target
 * sparsity): m_i = 1 if |b_i| > τ, and entries with |b_i| = τ are kept in layer/row-major
 * order until exactly k are kept. B is then retrained from zero with `Param.updateMask = m`
 * (multiplied into any mask already there, e.g. stuck cells), so pruned entries stay exactly 0.
 */
import type { Param } from '../../nn/param.js';
import { UserError } from '../../util/errors.js';

export interface LoriMask {
  /** one 0/1 mask per B param, same order */
  masks: Float32Array[];
  /** global magnitude threshold τ */
  threshold: number;
  kept: number;
  total: number;
}

export function loriMask(Bs: Param[], sparsity: number): LoriMask {
  if (!Number.isFinite(sparsity) || sparsity < 0 || sparsity >= 1) {
    throw new UserError(`lora.sparsity must be in [0, 1) (got ${sparsity})`, 'lora.sparsity');
  }
  let total = 0;
  for (const b of Bs) total += b.value.length;
  const mags = new Float32Array(total);
  let o = 0;
  for (const b of Bs) for (let i = 0; i < b.value.length; i++) mags[o++] = Math.abs(b.value[i]);
  const kept = Math.round((1 - sparsity) * total);
  const sorted = Float32Array.from(mags).sort();
  // τ = the k-th largest magnitude (entries above it are kept, ties at τ filled in order)
  const threshold = kept > 0 ? sorted[total - kept] : Infinity;
  let above = 0;
  for (let i = 0; i < total; i++) if (mags[i] > threshold) above++;
  let tiesLeft = kept - above;
  const masks: Float32Array[] = [];
  o = 0;
  for (const b of Bs) {
    const m = new Float32Array(b.value.length);
    for (let i = 0; i < m.length; i++, o++) {
      if (mags[o] > threshold) m[i] = 1;
      else if (mags[o] === threshold && tiesLeft > 0) { m[i] = 1; tiesLeft--; }
    }
    masks.push(m);
  }
  return { masks, threshold, kept, total };
}

/** B ← 0 and B.updateMask ← mask ⊙ (existing mask, if any): retraining from zero under the mask. */
export function applyLoriMask(Bs: Param[], mask: LoriMask): void {
  Bs.forEach((b, k) => {
    const m = mask.masks[k];
    if (b.updateMask) for (let i = 0; i < m.length; i++) b.updateMask[i] *= m[i];
    else b.updateMask = Float32Array.from(m);
    b.value.fill(0);
    b.grad.fill(0);
  });
}
