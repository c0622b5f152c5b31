/**
 * Uniform i.i.d. defects: every cell independently, with one uniform draw r ~ U[0, 1):
 *   r < rate·lrsShare            → stuck at LRS
 *   rate·lrsShare ≤ r < rate     → stuck at HRS
 *   otherwise                    → healthy.
 * So #LRS ~ Binomial(N, rate·lrsShare), #HRS ~ Binomial(N, rate·(1 − lrsShare)).
 */
import type { Rng } from '../util/rng.js';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from './cell_state.js';

export function drawUniformDefects(rng: Rng, rate: number, lrsShare: number, out: Uint8Array): Uint8Array {
  const pL = rate * lrsShare;
  for (let i = 0; i < out.length; i++) {
    const r = rng.next();
    out[i] = r < pL ? STUCK_LRS : r < rate ? STUCK_HRS : HEALTHY;
  }
  return out;
}
