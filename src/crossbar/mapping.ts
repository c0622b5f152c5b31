/**
 * Weight ↔ conductance mapping of one weight onto its cell(s).
 *
 * Everything is in normalised units: weight t = w / wMax ∈ [−1, 1] (w clipped to the layer range
 * [−wMax, wMax] first), conductance u = (G − gMin)/(gMax − gMin) ∈ [0, 1] (src/crossbar/device.ts).
 * A mapping gives, for the cell states of a weight (see cell_state.ts), the cell targets for a
 * wanted t, the weight represented by actual cell conductances, and the attainable interval.
 * Implementations: differential_mapping.ts (G⁺/G⁻ pair, default) and offset_mapping.ts (one cell +
 * reference column).
 */
import type { CrossbarSpec } from '../methods/point.js';
import { UserError } from '../util/errors.js';
import { DifferentialMapping } from './differential_mapping.js';
import { OffsetMapping } from './offset_mapping.js';

export type MappingKind = CrossbarSpec['mapping'];

export interface WeightMapping {
  readonly kind: MappingKind;
  /** physical cells per weight: 2 (G⁺, G⁻) or 1 (the reference column lives in the periphery) */
  readonly cellsPerWeight: 1 | 2;
  /**
   * Unquantised cell targets for normalised weight t ∈ [−1, 1] given the cell states sP (G⁺ or the
   * single cell) and sN (G⁻; ignored by offset). Writes out[0] = uP, out[1] = uN (each in [0, 1];
   * a stuck cell's entry is its stuck u). Chosen so that the represented weight is clamp(t, lo, hi).
   */
  targets(t: number, sP: number, sN: number, out: Float64Array): void;
  /** normalised weight t represented by the cell conductances uP, uN */
  weight(uP: number, uN: number): number;
  /** attainable interval of t for these cell states: out[0] = lo, out[1] = hi */
  interval(sP: number, sN: number, out: Float64Array): void;
  /** weight-domain scale: w = wMax · (currentDifference / (gMax − gMin)) · currentScale */
  readonly currentScale: number;
}

export function makeMapping(kind: MappingKind): WeightMapping {
  if (kind === 'differential') return new DifferentialMapping();
  if (kind === 'offset') return new OffsetMapping();
  throw new UserError(`crossbar.mapping must be 'differential' or 'offset', got ${String(kind)}`, 'crossbar.mapping');
}
