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
 * The physics below is the default device model ('linear-levels', devices/linear_levels.ts);
 * `model` (optional) names another one (device_registry.ts) and `modelParams` its parameters
 * (checked there, by `checkDeviceModel`, when the op is built and when a sweep is planned).
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
import type { DeviceSpec } from '../methods/point.js';
import { UserError } from '../util/errors.js';

export type { DeviceSpec };

/** Defaults: 1 µS .. 100 µS (on/off 100), continuous levels, no variation, no read noise. */
export const DEFAULT_DEVICE: Readonly<DeviceSpec> = Object.freeze({
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 0,
  progSigma: 0,
  readSigma: 0,
});

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/**
 * Fill defaults and validate. Throws `UserError` naming the field (prefixed by `path`, e.g.
 * 'device.levels') and the allowed values.
 */
export function resolveDevice(spec: Partial<DeviceSpec> = {}, path = 'device'): DeviceSpec {
  const d: DeviceSpec = { ...DEFAULT_DEVICE, ...spec };
  if (!finite(d.gMin) || d.gMin < 0) {
    throw new UserError(`${path}.gMin must be a finite conductance >= 0 (siemens), got ${String(d.gMin)}`, `${path}.gMin`);
  }
  if (!finite(d.gMax) || d.gMax <= d.gMin) {
    throw new UserError(`${path}.gMax must be a finite conductance > gMin (${d.gMin} S), got ${String(d.gMax)}`, `${path}.gMax`);
  }
  if (!Number.isInteger(d.levels) || d.levels < 0 || d.levels === 1 || d.levels > 65536) {
    throw new UserError(`${path}.levels must be 0 (continuous) or an integer in 2..65536, got ${String(d.levels)}`, `${path}.levels`);
  }
  if (!finite(d.progSigma) || d.progSigma < 0 || d.progSigma > 5) {
    throw new UserError(`${path}.progSigma must be a number in [0, 5] (lognormal sigma, 0 = off), got ${String(d.progSigma)}`, `${path}.progSigma`);
  }
  if (!finite(d.readSigma) || d.readSigma < 0 || d.readSigma > 5) {
    throw new UserError(`${path}.readSigma must be a number in [0, 5] (relative read-noise sigma, 0 = off), got ${String(d.readSigma)}`, `${path}.readSigma`);
  }
  return d;
}

/** Conductance in siemens of a normalised conductance u. */
export function conductance(d: DeviceSpec, u: number): number {
  return d.gMin + u * (d.gMax - d.gMin);
}

/** `gMin / (gMax − gMin)`: the HRS conductance in normalised units (for read noise, which scales G not u). */
export function uOffset(d: DeviceSpec): number {
  return d.gMin / (d.gMax - d.gMin);
}
