/**
 * DeviceSpec: the RRAM cell model's parameters, their defaults and bounds (the ONE place; the
 * sweep config, `rramsim run` flags and resolveDevice in device.ts all read DEVICE_FIELDS).
 *   gMin, gMax  conductance range in S (HRS, LRS), 0 < gMin < gMax; on/off ratio = gMax / gMin
 *   levels      programmable levels per cell: 0 = continuous, else 2..65536 (1 level cannot encode)
 *   progSigma   lognormal programming-variation σp in [0, 5] (e^5 ≈ 148x spread is the physical end)
 *   readSigma   relative read-noise σr in [0, 5]
 *   readNoiseModel  'per-cell' (one z per cell per forward, shared by the batch; a point without
 *               the key) or 'per-output' (the same distribution per sample on the outputs,
 *               read_noise_output.ts; the config default, recorded in the point when readSigma > 0)
 *   progNoiseModel  'per-write' (one z per write from the sequential stream 'prog/<layer>', general
 *               path; a point without the key) or 'counter' (the same lognormal law, z from the
 *               counter-based generator keyed by 'prog/<layer>', drawn inside the fast kernels:
 *               prog_noise_counter.ts; the config default for 'linear-levels', recorded in the point
 *               when progSigma > 0)
 *   stuckG      optional measured conductance ranges of stuck cells (stuck_conductance.ts)
 *   model       device model by name (device_registry.ts), modelParams its parameters (optional)
 */
import { z } from 'zod';
import { defaultsOf, enumField, numField, section, valueField, type PointFacts, type SpecOf, type SECTION } from '../util/spec_field.js';
import { ENDURANCE_FIELDS } from './endurance.js';
import { STUCK_G_FIELDS } from './stuck_conductance.js';

export const READ_NOISE_MODELS = ['per-cell', 'per-output'] as const;
export type ReadNoiseModel = (typeof READ_NOISE_MODELS)[number];

export const PROG_NOISE_MODELS = ['per-write', 'counter'] as const;
export type ProgNoiseModel = (typeof PROG_NOISE_MODELS)[number];

/** the name of the default device model (its registry: device_registry.ts) */
export const LINEAR_LEVELS = 'linear-levels';

/**
 * device.drift: u(t) = u(t0)·(t/t0)^(−ν), ν ~ N(nuMean, nuStd²) clipped at 0 per cell (drift_law.ts);
 * t = the evaluation time after programming (s, ≥ t0; a sweep axis), refreshEvery = periodic reprogramming (s).
 * Optional section: absent = no drift, left out of the point; resolveDrift (device.ts) fills it.
 */
export const DRIFT_FIELDS = section({
  nuMean: numField({ min: 0, max: 10 }, 'drift exponent mean ν (device.drift; per cell ν ~ N(nuMean, nuStd²) clipped at 0)'),
  nuStd: numField({ min: 0, max: 10 }, 'drift exponent spread (standard deviation of ν across cells, default {default})', { default: 0 }),
  t0: numField({ min: 0, gt: true, max: 1e12 }, 'time of the first read after programming, where the drift law starts, seconds (default {default})', { default: 1 }),
  t: numField({ min: 0, max: 1e12 }, 'evaluation time after programming, seconds (>= t0; a sweep axis)'),
  refreshEvery: numField({ min: 0, gt: true, max: 1e12 }, 'reprogram every healthy cell every this many seconds (> t0; absent = never)', { optional: true }),
}, { optional: true, describe: 'conductance drift after programming (absent = none)' });

/** device.drift with its defaults filled: nuMean and t required, refreshEvery optional */
export type DriftSpec = SpecOf<typeof DRIFT_FIELDS>;

export const DEFAULT_DRIFT_T0 = DRIFT_FIELDS.t0.default;

/** Defaults: 1 µS .. 100 µS (on/off 100), continuous levels, no variation, no read noise. */
export const DEVICE_FIELDS = {
  gMin: numField({ min: 0, gt: true }, 'HRS conductance in S (default {default})', { default: 1e-6 }),
  gMax: numField({ min: 0, gt: true }, 'LRS conductance in S, > gMin (default {default})', { default: 1e-4 }),
  levels: numField(
    { min: 0, max: 65536, int: true, not: [1] },
    'programmable conductance levels per cell, 0 = continuous (default {default})',
    { allowed: '0 (continuous) or an integer in [2, 65536]', default: 0 },
  ),
  progSigma: numField({ min: 0, max: 5 }, 'lognormal programming variation sigma, 0 = off (default {default})', { default: 0 }),
  readSigma: numField({ min: 0, max: 5 }, 'relative read-noise sigma per forward, 0 = off (default {default})', { default: 0 }),
};

const progSigmaOn = (p: PointFacts): boolean => (p.get('device.progSigma') as number) > 0;
const readSigmaOn = (p: PointFacts): boolean => (p.get('device.readSigma') as number) > 0;

/**
 * How the noise is drawn. The fast models are the defaults; a point without the field used the
 * first (slow) model, the only one when points were first hashed (hash rule absentIs), so a
 * resolved point names the fast model explicitly and every older point keeps its hash and its
 * meaning. Without the noise (sigma 0) the model is not read and not in the point.
 */
export const NOISE_MODEL_FIELDS = {
  readNoiseModel: enumField(READ_NOISE_MODELS, "how read noise is drawn: 'per-cell' (one draw per cell per forward, shared by the batch) or 'per-output' (the same distribution per sample, drawn on the outputs: one extra GEMM; default)", {
    optional: true, default: 'per-output', absentIs: 'per-cell', readIf: readSigmaOn, readIfText: 'readSigma > 0',
  }),
  progNoiseModel: enumField(PROG_NOISE_MODELS, "how programming variation is drawn: 'per-write' (one draw per write from the sequential stream) or 'counter' (the same lognormal law from the counter-based generator, inside the fast kernels; device.model 'linear-levels' only; default for it, 'per-write' for the other models)", {
    optional: true, default: 'counter', absentIs: 'per-write', readIf: progSigmaOn, readIfText: 'progSigma > 0',
    defaultFor: (p: PointFacts) => ((p.get('device.model') ?? LINEAR_LEVELS) === LINEAR_LEVELS ? 'counter' : 'per-write'),
  }),
};

/**
 * The device section of a point, in grid-expansion order. The model's name is checked against the
 * registry (its choices are filled in by src/config/fields.ts, which may import the registry) and
 * its parameters by the model (resolve_point.ts → checkDeviceModel).
 */
export const DEVICE_SECTION = section({
  ...DEVICE_FIELDS,
  ...NOISE_MODEL_FIELDS,
  // absent = 'linear-levels' (left out of the point so existing hashes stay); the registry's
  // resolver (resolve_point.ts → checkDeviceModel) fills or drops the name and its parameters
  model: valueField<string, { optional: true; defaultText: string }>('enum', z.string(), 'a device model name', `device model (default '${LINEAR_LEVELS}')`, { optional: true, defaultText: `'${LINEAR_LEVELS}'` }),
  modelParams: valueField('params', z.record(z.string(), z.number()), 'an object of numbers, the parameters of device.model (docs/DESIGN.md, "How to add a device model")', 'parameters of the device model (default: the model\'s defaults)', { optional: true, defaultText: "the model's defaults" }),
  drift: DRIFT_FIELDS,
  endurance: ENDURANCE_FIELDS,
  stuckG: STUCK_G_FIELDS,
});

/** DeviceSpec: the RRAM cell model's parameters (derived from DEVICE_SECTION) */
export type DeviceSpec = SpecOf<typeof DEVICE_SECTION>;

/** the declared defaults of DEVICE_FIELDS (defaultsOf); the optional fields and sections absent */
export const DEFAULT_DEVICE: Readonly<DeviceSpec> = Object.freeze(defaultsOf(DEVICE_FIELDS));

/** Cross-field rule: gMin < gMax (returns the message, or undefined when fine). */
export function deviceConflict(d: DeviceSpec): { field: 'gMax'; message: string } | undefined {
  return d.gMin < d.gMax ? undefined : { field: 'gMax', message: `gMax ${d.gMax} must be above gMin ${d.gMin}; allowed: 0 < gMin < gMax` };
}
