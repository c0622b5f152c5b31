/**
 * Differential-pair mapping: each weight uses two cells G⁺, G⁻ (adjacent bit lines of the same
 * tile, see tiling.ts); the periphery subtracts their currents:
 *
 *     w = wMax · (G⁺ − G⁻) / (gMax − gMin)         i.e.  t = uP − uN.
 *
 * Fresh write (both cells healthy): the unused cell sits at gMin,
 *     t > 0: uP = t, uN = 0;     t < 0: uP = 0, uN = −t;   t = 0: both 0.
 *
 * Stuck cells (u = 0 at HRS, 1 at LRS) and the interval of weights still attainable [lo, hi]
 * (in units of wMax), the free cell being anywhere in [0, 1]
 * (in [fLo, fHi] when the device model narrows it: then lo, hi follow from the same formula):
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
import { SlotKind } from './cell_state.js';
import type { WeightMapping } from './mapping.js';

export class DifferentialMapping implements WeightMapping {
  readonly kind = 'differential' as const;
  readonly cellsPerWeight = 2 as const;
  readonly currentScale = 1;

  targetP(t: number, kind: SlotKind, uN: number): number {
    if (kind === SlotKind.AllHealthy) return t > 0 ? t : 0;
    const q = uN + t; // N stuck
    return q < 0 ? 0 : q > 1 ? 1 : q;
  }

  targetN(t: number, kind: SlotKind, uP: number): number {
    if (kind === SlotKind.AllHealthy) return t < 0 ? -t : 0;
    const q = uP - t; // P stuck
    return q < 0 ? 0 : q > 1 ? 1 : q;
  }

  weight(uP: number, uN: number): number {
    return uP - uN;
  }

  interval(kind: SlotKind, uP: number, uN: number, fLo: number, fHi: number, out: Float64Array): void {
    const pFree = kind === SlotKind.AllHealthy || kind === SlotKind.NStuck;
    const nFree = kind === SlotKind.AllHealthy || kind === SlotKind.PStuck;
    const pLo = pFree ? fLo : uP, pHi = pFree ? fHi : uP;
    const nLo = nFree ? fLo : uN, nHi = nFree ? fHi : uN;
    out[0] = pLo - nHi;
    out[1] = pHi - nLo;
  }
}
