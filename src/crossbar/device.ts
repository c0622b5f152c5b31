/**
 * RRAM device model (plain data) and the conductance arithmetic every other crossbar file uses.
 *
 * Units: conductances in siemens (S). A cell's conductance lies in [gMin, gMax]:
 *   gMin = high-resistance state (HRS, "off"), gMax = low-resistance state (LRS, "on");
 *   on/off ratio = gMax / gMin.
 *
 * Internally cells are handled in *normalised* conductance
 *     u = (G − gMin) / (gMax − gMin) ∈ [0, 1]      (u = 0 ⇔ HRS, u = 1 ⇔ LRS),
 * which keeps the weight arithmetic exact in float32 (siemens values ~1e-6 would lose digits).
 *
 * Quantisation: with `levels` = L ≥ 2 a cell can be programmed to the L equally spaced
 * conductances G_k = gMin + k·(gMax − gMin)/(L − 1), k = 0..L−1, i.e. u_k = k/(L − 1);
 * the target u is rounded to the nearest level. levels = 0 means continuous (no quantisation).
 *
 * Programming variation (progSigma = σp > 0): every write lands at G·exp(σp·z), z ~ N(0,1),
 * drawn once per write (lognormal, median = target). Not clipped to [gMin, gMax].
 * Read noise (readSigma = σr > 0): each forward reads G·(1 + σr·z), z ~ N(0,1) per cell and per
 * forward (shared by all rows of that forward's batch).
 */
import { UserError } from '../util/errors.js';
import { checkFields } from '../util/spec_field.js';
import { DEFAULT_DEVICE, DEVICE_FIELDS, deviceConflict, type DeviceSpec } from './device_spec.js';

export type { DeviceSpec };
export { DEFAULT_DEVICE };

/**
 * Fill defaults and validate against DEVICE_FIELDS (device_spec.ts). Throws `UserError` naming the
 * field (prefixed by `path`, e.g. 'device.levels') and the allowed values.
 */
export function resolveDevice(spec: Partial<DeviceSpec> = {}, path = 'device'): DeviceSpec {
  const d: DeviceSpec = { ...DEFAULT_DEVICE, ...spec };
  checkFields(d, DEVICE_FIELDS, path);
  const bad = deviceConflict(d);
  if (bad) throw new UserError(`${path}.${bad.field}: ${bad.message}`, `${path}.${bad.field}`);
  return d;
}

/** Normalised conductance u of a conductance G (siemens). */
export function normalise(d: DeviceSpec, G: number): number {
  return (G - d.gMin) / (d.gMax - d.gMin);
}

/** Conductance in siemens of a normalised conductance u. */
export function conductance(d: DeviceSpec, u: number): number {
  return d.gMin + u * (d.gMax - d.gMin);
}

/**
 * Level index of a target u ∈ [0, 1] (clamped): round(u·(L − 1)); for levels = 0 there is no
 * index and the caller uses u itself.
 */
export function levelIndex(levels: number, u: number): number {
  const c = u < 0 ? 0 : u > 1 ? 1 : u;
  return Math.round(c * (levels - 1));
}

/** Target u quantised to the device levels (clamped to [0, 1]); identity (clamped) for levels = 0. */
export function quantiseU(levels: number, u: number): number {
  const c = u < 0 ? 0 : u > 1 ? 1 : u;
  if (levels === 0) return c;
  return Math.round(c * (levels - 1)) / (levels - 1);
}

/** `gMin / (gMax − gMin)`: the HRS conductance in normalised units (for read noise, which scales G not u). */
export function uOffset(d: DeviceSpec): number {
  return d.gMin / (d.gMax - d.gMin);
}
