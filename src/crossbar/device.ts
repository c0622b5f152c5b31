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
 * forward (shared by all rows of that forward's batch): `readNoiseModel` 'per-cell' (absent, the
 * default); 'per-output' draws the same per-read output distribution independently per sample
 * (read_stages/read_noise_output.ts).
 */
import { UserError } from '../util/errors.js';
import { checkFields } from '../util/spec_field.js';
import { DEFAULT_DEVICE, DEFAULT_DRIFT_T0, DEVICE_FIELDS, DRIFT_FIELDS, deviceConflict, PROG_NOISE_MODELS, READ_NOISE_MODELS, type DeviceSpec, type DriftSpec } from './device_spec.js';
import { driftConflict } from './drift_law.js';
import { resolveEndurance } from './endurance.js';
import { resolveStuckG } from './stuck_conductance.js';

export type { DeviceSpec };
export { DEFAULT_DEVICE };

/**
 * Fill defaults and validate against DEVICE_FIELDS (device_spec.ts). Throws `UserError` naming the
 * field (prefixed by `path`, e.g. 'device.levels') and the allowed values.
 */
export function resolveDevice(spec: Partial<DeviceSpec> = {}, path = 'device'): DeviceSpec {
  const d: DeviceSpec = { ...DEFAULT_DEVICE, ...spec };
  checkFields(d, DEVICE_FIELDS, path);
  if (d.readNoiseModel !== undefined && !(READ_NOISE_MODELS as readonly string[]).includes(d.readNoiseModel)) {
    throw new UserError(
      `${path}.readNoiseModel: got ${JSON.stringify(d.readNoiseModel)}; allowed: ${READ_NOISE_MODELS.map((m) => `'${m}'`).join(', ')}`,
      `${path}.readNoiseModel`,
    );
  }
  if (d.progNoiseModel !== undefined && !(PROG_NOISE_MODELS as readonly string[]).includes(d.progNoiseModel)) {
    throw new UserError(
      `${path}.progNoiseModel: got ${JSON.stringify(d.progNoiseModel)}; allowed: ${PROG_NOISE_MODELS.map((m) => `'${m}'`).join(', ')}`,
      `${path}.progNoiseModel`,
    );
  }
  if (d.progNoiseModel === 'counter' && d.model !== undefined && d.model !== 'linear-levels') {
    throw new UserError(
      `${path}.progNoiseModel: 'counter' is implemented for device.model 'linear-levels' only (got model '${d.model}'); allowed with it: 'per-write'`,
      `${path}.progNoiseModel`,
    );
  }
  const bad = deviceConflict(d);
  if (bad) throw new UserError(`${path}.${bad.field}: ${bad.message}`, `${path}.${bad.field}`);
  if (d.drift !== undefined) d.drift = resolveDrift(d.drift, `${path}.drift`);
  if (d.endurance !== undefined) d.endurance = resolveEndurance(d.endurance, `${path}.endurance`);
  if (d.stuckG !== undefined) {
    const sg = resolveStuckG(d.stuckG, `${path}.stuckG`);
    if (sg === undefined) delete d.stuckG; else d.stuckG = sg;
  }
  return d;
}

/**
 * device.drift with defaults filled (nuStd 0, t0 1 s); UserError naming `${path}.<field>` for a
 * missing nuMean or t, out-of-bounds values (ν < 0, …), t < t0 or refreshEvery <= t0.
 */
export function resolveDrift(raw: unknown, path = 'device.drift'): DriftSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { nuMean, nuStd?, t0?, t, refreshEvery? }, got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(DRIFT_FIELDS, k)) throw new UserError(`${path}.${k} is not a drift field; allowed: ${Object.keys(DRIFT_FIELDS).join(', ')}`, `${path}.${k}`);
  }
  for (const k of ['nuMean', 't'] as const) {
    if (o[k] === undefined) throw new UserError(`${path}.${k} is required when device.drift is given (${DRIFT_FIELDS[k].describe})`, `${path}.${k}`);
  }
  const d: DriftSpec = { nuMean: o.nuMean as number, nuStd: (o.nuStd ?? 0) as number, t0: (o.t0 ?? DEFAULT_DRIFT_T0) as number, t: o.t as number };
  if (o.refreshEvery !== undefined) d.refreshEvery = o.refreshEvery as number;
  const { refreshEvery: _r, ...must } = DRIFT_FIELDS;
  checkFields(d, must, path);
  if (d.refreshEvery !== undefined) checkFields(d, { refreshEvery: DRIFT_FIELDS.refreshEvery }, path);
  driftConflict(d, path);
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
