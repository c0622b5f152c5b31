/**
 * Differential-pair mapping: each weight uses two cells G⁺, G⁻ (adjacent bit lines of the same
 * tile, see tiling.ts); the periphery subtracts their currents:
 *
 *     w = wMax · (G⁺ − G⁻) / (gMax − gMin)         i.e.  t = uP − uN.
 *
 * Fresh write (both cells healthy): the unused cell sits at gMin,
 *     t ≥ 0: uP = t, uN = 0;     t < 0: uP = 0, uN = −t.
 *
 * Stuck cells (u = 0 at HRS, 1 at LRS) and the interval of weights still attainable [lo, hi]
 * (in units of wMax), the free cell being anywhere in [0, 1]:
 *     both healthy                      [−1, 1]
 *     G⁺ stuck at HRS (uP = 0)          [−1, 0]      (only negative weights)
 *     G⁺ stuck at LRS (uP = 1)          [ 0, 1]      (only positive weights)
 *     G⁻ stuck at HRS (uN = 0)          [ 0, 1]
 *     G⁻ stuck at LRS (uN = 1)          [−1, 0]
 *     both stuck                        the single value uP − uN:
 *         HRS/HRS = 0, LRS/LRS = 0, G⁺ LRS & G⁻ HRS = +1, G⁺ HRS & G⁻ LRS = −1.
 * With one cell stuck at s the free partner is programmed to realise clamp(t, lo, hi):
 * G⁺ stuck: uN = clamp(s − t, 0, 1);  G⁻ stuck: uP = clamp(s + t, 0, 1)  (write-verify knows s).
 */
import { HEALTHY, stuckU } from './cell_state.js';
import type { WeightMapping } from './mapping.js';

function clamp01(u: number): number {
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

export class DifferentialMapping implements WeightMapping {
  readonly kind = 'differential' as const;
  readonly cellsPerWeight = 2 as const;
  readonly currentScale = 1;

  targets(t: number, sP: number, sN: number, out: Float64Array): void {
    if (sP === HEALTHY && sN === HEALTHY) {
      if (t >= 0) { out[0] = t > 1 ? 1 : t; out[1] = 0; } else { out[0] = 0; out[1] = t < -1 ? 1 : -t; }
    } else if (sP !== HEALTHY && sN !== HEALTHY) {
      out[0] = stuckU(sP); out[1] = stuckU(sN);
    } else if (sP !== HEALTHY) {
      const s = stuckU(sP);
      out[0] = s; out[1] = clamp01(s - t);
    } else {
      const s = stuckU(sN);
      out[0] = clamp01(s + t); out[1] = s;
    }
  }

  weight(uP: number, uN: number): number {
    return uP - uN;
  }

  interval(sP: number, sN: number, out: Float64Array): void {
    const pFree = sP === HEALTHY, nFree = sN === HEALTHY;
    const pLo = pFree ? 0 : stuckU(sP), pHi = pFree ? 1 : stuckU(sP);
    const nLo = nFree ? 0 : stuckU(sN), nHi = nFree ? 1 : stuckU(sN);
    out[0] = pLo - nHi;
    out[1] = pHi - nLo;
  }
}
