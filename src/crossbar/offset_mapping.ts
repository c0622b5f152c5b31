/**
 * Offset mapping: one cell per weight plus, per tile, a reference column at
 * G_ref = (gMin + gMax)/2 whose current is subtracted in the periphery:
 *
 *     w = wMax · (G − G_ref) / ((gMax − gMin)/2)     i.e.  t = 2u − 1,  u = (t + 1)/2.
 *
 * The reference column is a periphery element (fixed, trimmed, not subject to stuck-at defects).
 * Stuck cells pin the weight to the range end (the PyTorch peer's ±wMax model):
 *     stuck at HRS (G = gMin, u = 0) ⇒ w = −wMax;     stuck at LRS (G = gMax, u = 1) ⇒ w = +wMax.
 * Healthy: attainable [−wMax, wMax].
 */
import { SlotKind } from './cell_state.js';
import type { WeightMapping } from './mapping.js';

export class OffsetMapping implements WeightMapping {
  readonly kind = 'offset' as const;
  readonly cellsPerWeight = 1 as const;
  readonly currentScale = 2;

  targetP(t: number, _kind: SlotKind, _uN: number): number {
    return (t + 1) / 2;
  }

  targetN(): number {
    return 0;
  }

  weight(uP: number, _uN: number): number {
    return 2 * uP - 1;
  }

  interval(kind: SlotKind, uP: number, _uN: number, fLo: number, fHi: number, out: Float64Array): void {
    if (kind === SlotKind.AllHealthy) { out[0] = 2 * fLo - 1; out[1] = 2 * fHi - 1; } else { out[0] = out[1] = 2 * uP - 1; }
  }
}
