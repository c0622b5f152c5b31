/**
 * Weight ↔ conductance mapping of one weight onto its cell(s).
 *
 * Everything is in normalised units: weight t = w / wMax ∈ [−1, 1] (w clipped to the layer range
 * [−wMax, wMax] first), conductance u = (G − gMin)/(gMax − gMin) ∈ [0, 1] (src/crossbar/device.ts).
 * A mapping gives, for a slot of a given kind (cell_state.ts SlotKind) whose stuck cells sit at
 * their u, the free cells' targets for a wanted t, the weight represented by actual cell conductances,
 * and the attainable interval when a free cell can take any u in [lo, hi] (the device model's
 * freeRange, [0, 1] by default).
 * Implementations: differential_mapping.ts (G⁺/G⁻ pair, default) and offset_mapping.ts (one cell +
 * reference column).
 */
import type { CrossbarSpec } from './crossbar_spec.js';
import { UserError } from '../util/errors.js';
import type { SlotKind } from './cell_state.js';
import { DifferentialMapping } from './differential_mapping.js';
import { OffsetMapping } from './offset_mapping.js';

export type MappingKind = CrossbarSpec['mapping'];

export interface WeightMapping {
  readonly kind: MappingKind;
  /** physical cells per weight: 2 (G⁺, G⁻) or 1 (the reference column lives in the periphery) */
  readonly cellsPerWeight: 1 | 2;
  /**
   * Unquantised target u* ∈ [0, 1] of a free cell for normalised weight t ∈ [−1, 1] on a slot of
   * this kind, chosen so that the represented weight is clamp(t, lo, hi) of the slot's interval:
   * targetP for cell P (given the partner's u, read only if it is stuck), targetN for cell N.
   */
  targetP(t: number, kind: SlotKind, uN: number): number;
  targetN(t: number, kind: SlotKind, uP: number): number;
  /** normalised weight t represented by the cell conductances uP, uN */
  weight(uP: number, uN: number): number;
  /** attainable interval of t: out[0] = lo, out[1] = hi; free cells take u ∈ [fLo, fHi] */
  interval(kind: SlotKind, uP: number, uN: number, fLo: number, fHi: number, out: Float64Array): void;
  /** weight-domain scale: w = wMax · (currentDifference / (gMax − gMin)) · currentScale */
  readonly currentScale: number;
}

export function makeMapping(kind: MappingKind): WeightMapping {
  if (kind === 'differential') return new DifferentialMapping();
  if (kind === 'offset') return new OffsetMapping();
  throw new UserError(`crossbar.mapping must be 'differential' or 'offset', got ${String(kind)}`, 'crossbar.mapping');
}
