/**
 * State of one physical RRAM cell in a defect map (the numeric codes are the `state` values of the
 * `defect_tile.json` artefact, docs/DESIGN.md):
 *   0 healthy (programmable anywhere in [gMin, gMax]),
 *   1 stuck at HRS (high resistance = low conductance gMin, "stuck-off"),
 *   2 stuck at LRS (low resistance = high conductance gMax, "stuck-on").
 */
export const HEALTHY = 0;
export const STUCK_HRS = 1;
export const STUCK_LRS = 2;
export type CellState = typeof HEALTHY | typeof STUCK_HRS | typeof STUCK_LRS;

/** Normalised conductance u a stuck cell sits at: HRS → 0 (G = gMin), LRS → 1 (G = gMax). */
export function stuckU(state: number): number {
  return state === STUCK_LRS ? 1 : 0;
}
