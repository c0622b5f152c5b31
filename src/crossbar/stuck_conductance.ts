/**
 * Measured stuck-cell conductances (config `device.stuckG: { lrsMin, lrsMax, hrsMin, hrsMax }`,
 * siemens, after the TaOx measurements used by Liu et al., DAC 2017: stuck-on
 * 300–1200 µS, stuck-off 0.01–1 µS, healthy 1–300 µS). Without it a stuck cell sits exactly at
 * gMax (LRS) or gMin (HRS); with it every stuck cell takes its own conductance:
 *
 *   G_k = a + (b − a) · v_k,   [a, b] = [lrsMin, lrsMax] (stuck at LRS) or [hrsMin, hrsMax] (HRS)
 *   u_k = (G_k − gMin)/(gMax − gMin)          (normalised; u > 1 above gMax, u < 0 below gMin)
 *
 * v_k the k-th U(0, 1) draw of the stream `stuck/<layer>`, cell index k = slot·cellsPerWeight + c
 * (c = 0: G⁺ or the offset cell, 1: G⁻), one draw per cell (healthy or not) in index order, so a
 * cell's value does not depend on the other cells' states. A pair of the spec left out keeps that
 * state at its default (gMax / gMin). The conductance is drawn uniformly in G (the paper gives the
 * range only; docs/reproductions.md). The mapping reads the stuck cell's u wherever it is (the free
 * partner of a differential pair compensates: mapping.ts), so a stuck-on cell above gMax represents
 * a weight beyond +wMax: w = wMax·(u⁺ − u⁻).
 * Bad input (exit 2): a bound ≤ 0 or > 1 S, min > max, only one bound of a pair.
 */
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import { checkFields, numField, section, type SpecOf, type SECTION } from '../util/spec_field.js';
import { STUCK_HRS, STUCK_LRS } from './cell_state.js';
import type { DeviceSpec } from './device_spec.js';

/** device.stuckG: optional section (absent = stuck cells at gMax / gMin, left out of the point); each range both ends or neither */
export const STUCK_G_FIELDS = section({
  lrsMin: numField({ min: 0, gt: true, max: 1 }, 'lowest conductance of a cell stuck at LRS (stuck-on), S (with lrsMax)', { optional: true }),
  lrsMax: numField({ min: 0, gt: true, max: 1 }, 'highest conductance of a cell stuck at LRS (stuck-on), S (with lrsMin)', { optional: true }),
  hrsMin: numField({ min: 0, gt: true, max: 1 }, 'lowest conductance of a cell stuck at HRS (stuck-off), S (with hrsMax)', { optional: true }),
  hrsMax: numField({ min: 0, gt: true, max: 1 }, 'highest conductance of a cell stuck at HRS (stuck-off), S (with hrsMin)', { optional: true }),
}, { optional: true, describe: 'measured conductance ranges of stuck cells (absent = stuck at gMax / gMin)' });

/** conductance ranges of cells stuck at LRS / HRS, S; both ends of a range or neither */
export type StuckGSpec = SpecOf<typeof STUCK_G_FIELDS>;

/** device.stuckG validated (UserError naming `${path}.<field>`); undefined when no field is set */
export function resolveStuckG(raw: unknown, path = 'device.stuckG'): StuckGSpec | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { lrsMin, lrsMax, hrsMin, hrsMax } (siemens), got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  const out: StuckGSpec = {};
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(STUCK_G_FIELDS, k)) throw new UserError(`${path}.${k} is not a stuckG field; allowed: ${Object.keys(STUCK_G_FIELDS).join(', ')}`, `${path}.${k}`);
    if (o[k] !== undefined) (out as Record<string, unknown>)[k] = o[k];
  }
  for (const [lo, hi] of [['lrsMin', 'lrsMax'], ['hrsMin', 'hrsMax']] as const) {
    const a = out[lo], b = out[hi];
    if ((a === undefined) !== (b === undefined)) {
      const missing = a === undefined ? lo : hi;
      throw new UserError(`${path}.${missing} is required when ${path}.${a === undefined ? hi : lo} is given (a range needs both ends)`, `${path}.${missing}`);
    }
    if (a === undefined) continue;
    checkFields({ [lo]: a, [hi]: b }, { [lo]: STUCK_G_FIELDS[lo], [hi]: STUCK_G_FIELDS[hi] }, path);
    if (!((a as number) <= (b as number))) throw new UserError(`${path}.${hi} (${b}) must be >= ${path}.${lo} (${a})`, `${path}.${hi}`);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** the cell arrays a placement writes (CrossbarArray) */
export interface StuckCells {
  readonly slots: number;
  readonly stateP: Uint8Array;
  readonly stateN: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
}

/**
 * Give every stuck cell its drawn conductance (normalised), in place. Returns the number of cells
 * moved. Healthy cells are untouched (each still consumes its draw).
 */
export function placeStuckConductances(cells: StuckCells, cellsPerWeight: 1 | 2, device: DeviceSpec, spec: StuckGSpec, seed: number, layer: string): number {
  const rng = stream(seed, `stuck/${layer}`);
  const span = device.gMax - device.gMin;
  const lrs = spec.lrsMin !== undefined ? [spec.lrsMin, spec.lrsMax as number] : null;
  const hrs = spec.hrsMin !== undefined ? [spec.hrsMin, spec.hrsMax as number] : null;
  let moved = 0;
  for (let s = 0; s < cells.slots; s++) {
    for (let c = 0; c < cellsPerWeight; c++) {
      const v = rng.next();
      const state = c === 0 ? cells.stateP[s] : cells.stateN[s];
      const r = state === STUCK_LRS ? lrs : state === STUCK_HRS ? hrs : null;
      if (r === null) continue;
      const g = r[0] + (r[1] - r[0]) * v;
      // + 0 turns a −0 into +0 (the programming kernels assume a stuck u is never −0)
      const u = (g - device.gMin) / span + 0;
      if (c === 0) cells.uP[s] = u; else cells.uN[s] = u;
      moved++;
    }
  }
  return moved;
}
