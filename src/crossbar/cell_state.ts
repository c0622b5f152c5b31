/**
 * State of one physical RRAM cell in a defect map (the numeric codes are the `state` values of the
 * `defect_tile.json` artefact, docs/DESIGN.md):
 *   0 healthy (programmable anywhere in [gMin, gMax]),
 *   1 stuck at HRS (high resistance = low conductance gMin, "stuck-off"),
 *   2 stuck at LRS (low resistance = high conductance gMax, "stuck-on").
 *
 * And the kind of a physical slot (one weight's cells: a G⁺/G⁻ pair, or one offset cell), the
 * codes of `CrossbarArray.slotKind` that the programming kernels branch on (the same numbers in
 * wasm/program.as):
 *   0 AllHealthy   every cell free
 *   1 PStuck       only cell P (G⁺) stuck, N free
 *   2 NStuck       only cell N (G⁻) stuck, P free
 *   3 AllStuck     every cell stuck (offset mapping: 0 or 3 only)
 */
export const HEALTHY = 0;
export const STUCK_HRS = 1;
export const STUCK_LRS = 2;
export type CellState = typeof HEALTHY | typeof STUCK_HRS | typeof STUCK_LRS;

export const enum SlotKind {
  AllHealthy = 0,
  PStuck = 1,
  NStuck = 2,
  AllStuck = 3,
}

/** Normalised conductance u a stuck cell sits at: HRS → 0 (G = gMin), LRS → 1 (G = gMax). */
export function stuckU(state: number): number {
  return state === STUCK_LRS ? 1 : 0;
}
