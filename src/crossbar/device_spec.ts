/**
 * DeviceSpec: the RRAM cell model's parameters, their defaults and bounds (the ONE place; the
 * sweep config, `rramsim run` flags and resolveDevice in device.ts all read DEVICE_FIELDS).
 *   gMin, gMax  conductance range in S (HRS, LRS), 0 < gMin < gMax; on/off ratio = gMax / gMin
 *   levels      programmable levels per cell: 0 = continuous, else 2..65536 (1 level cannot encode)
 *   progSigma   lognormal programming-variation σp in [0, 5] (e^5 ≈ 148x spread is the physical end)
 *   readSigma   relative read-noise σr in [0, 5]
 *   readNoiseModel  'per-cell' (absent: one z per cell per forward, shared by the batch) or
 *               'per-output' (the same distribution per sample on the outputs, read_noise_output.ts)
 *   progNoiseModel  'per-write' (absent: one z per write from the sequential stream 'prog/<layer>',
 *               general path) or 'counter' (the same lognormal law, z from the counter-based generator
 *               keyed by 'prog/<layer>', drawn inside the fast kernels: prog_noise_counter.ts)
 *   stuckG      optional measured conductance ranges of stuck cells (stuck_conductance.ts)
 *   model       device model by name (device_registry.ts), modelParams its parameters (optional)
 */
import { z } from 'zod';
import { numField } from '../util/spec_field.js';
import { ENDURANCE_FIELDS, type EnduranceSpec } from './endurance.js';
import { STUCK_G_FIELDS, type StuckGSpec } from './stuck_conductance.js';

export interface DeviceSpec {
  /** conductance range in siemens; on/off ratio = gMax / gMin */
  gMin: number;
  gMax: number;
  /** programmable conductance levels per cell (>= 2); 0 = continuous (no quantisation) */
  levels: number;
  /** lognormal programming variation sigma (0 = off) */
  progSigma: number;
  /** relative read-noise sigma per forward (0 = off) */
  readSigma: number;
  /** how read noise is drawn (absent = 'per-cell'; 'per-cell' is removed from points so hashes stay) */
  readNoiseModel?: ReadNoiseModel;
  /** how programming variation is drawn (absent = 'per-write'; 'per-write' is removed from points so hashes stay) */
  progNoiseModel?: ProgNoiseModel;
  /**
   * device model name (src/crossbar/device_registry.ts); absent = 'linear-levels' (the default,
   * left out of the point so existing hashes stay)
   */
  model?: string;
  /** that model's parameters (checked by the model; absent = its defaults) */
  modelParams?: Record<string, number>;
  /** conductance drift after programming (drift_law.ts); absent = none, left out of the point */
  drift?: DriftSpec;
  /** write endurance / wear-out (endurance.ts); absent = cells never wear out, left out of the point */
  endurance?: EnduranceSpec;
  /** measured stuck-cell conductance ranges (stuck_conductance.ts); absent = stuck at gMax / gMin, left out of the point */
  stuckG?: StuckGSpec;
}

export const READ_NOISE_MODELS = ['per-cell', 'per-output'] as const;
export type ReadNoiseModel = (typeof READ_NOISE_MODELS)[number];

export const PROG_NOISE_MODELS = ['per-write', 'counter'] as const;
export type ProgNoiseModel = (typeof PROG_NOISE_MODELS)[number];

/**
 * device.drift: u(t) = u(t0)·(t/t0)^(−ν), ν ~ N(nuMean, nuStd²) clipped at 0 per cell (drift_law.ts);
 * t = the evaluation time after programming (s, ≥ t0; a sweep axis), refreshEvery = periodic reprogramming (s)
 */
export interface DriftSpec {
  nuMean: number;
  nuStd: number;
  /** time of the first read after programming, where the law starts (s) */
  t0: number;
  /** evaluation time after programming (s) */
  t: number;
  /** reprogram every healthy cell every this many seconds (absent = never) */
  refreshEvery?: number;
}

export const DRIFT_FIELDS = {
  nuMean: numField({ min: 0, max: 10 }, 'drift exponent mean ν (device.drift; per cell ν ~ N(nuMean, nuStd²) clipped at 0)'),
  nuStd: numField({ min: 0, max: 10 }, 'drift exponent spread (standard deviation of ν across cells, default 0)'),
  t0: numField({ min: 0, gt: true, max: 1e12 }, 'time of the first read after programming, where the drift law starts, seconds (default 1)'),
  t: numField({ min: 0, max: 1e12 }, 'evaluation time after programming, seconds (>= t0; a sweep axis)'),
  refreshEvery: numField({ min: 0, gt: true, max: 1e12 }, 'reprogram every healthy cell every this many seconds (> t0; absent = never)'),
};

export const DEFAULT_DRIFT_T0 = 1;

/** Defaults: 1 µS .. 100 µS (on/off 100), continuous levels, no variation, no read noise. */
export const DEFAULT_DEVICE: Readonly<DeviceSpec> = Object.freeze({
  gMin: 1e-6,
  gMax: 1e-4,
  levels: 0,
  progSigma: 0,
  readSigma: 0,
});

const D = DEFAULT_DEVICE;
export const DEVICE_FIELDS = {
  gMin: numField({ min: 0, gt: true }, `HRS conductance in S (default ${D.gMin})`),
  gMax: numField({ min: 0, gt: true }, `LRS conductance in S, > gMin (default ${D.gMax})`),
  levels: numField(
    { min: 0, max: 65536, int: true, not: [1] },
    `programmable conductance levels per cell, 0 = continuous (default ${D.levels})`,
    '0 (continuous) or an integer in [2, 65536]',
  ),
  progSigma: numField({ min: 0, max: 5 }, `lognormal programming variation sigma, 0 = off (default ${D.progSigma})`),
  readSigma: numField({ min: 0, max: 5 }, `relative read-noise sigma per forward, 0 = off (default ${D.readSigma})`),
};

export const DEVICE_SCHEMA = z.strictObject({
  gMin: DEVICE_FIELDS.gMin.schema,
  gMax: DEVICE_FIELDS.gMax.schema,
  levels: DEVICE_FIELDS.levels.schema,
  progSigma: DEVICE_FIELDS.progSigma.schema,
  readSigma: DEVICE_FIELDS.readSigma.schema,
  // the model name is checked against the registry and its parameters by the model (resolve_point.ts → checkDeviceModel)
  readNoiseModel: z.enum(READ_NOISE_MODELS).optional(),
  progNoiseModel: z.enum(PROG_NOISE_MODELS).optional(),
  model: z.string().optional(),
  modelParams: z.record(z.string(), z.number()).optional(),
  drift: z.strictObject({
    nuMean: DRIFT_FIELDS.nuMean.schema,
    nuStd: DRIFT_FIELDS.nuStd.schema,
    t0: DRIFT_FIELDS.t0.schema,
    t: DRIFT_FIELDS.t.schema,
    refreshEvery: DRIFT_FIELDS.refreshEvery.schema.optional(),
  }).optional(),
  endurance: z.strictObject({
    n50: ENDURANCE_FIELDS.n50.schema,
    sigma: ENDURANCE_FIELDS.sigma.schema,
    lrsShare: ENDURANCE_FIELDS.lrsShare.schema,
  }).optional(),
  stuckG: z.strictObject({
    lrsMin: STUCK_G_FIELDS.lrsMin.schema.optional(),
    lrsMax: STUCK_G_FIELDS.lrsMax.schema.optional(),
    hrsMin: STUCK_G_FIELDS.hrsMin.schema.optional(),
    hrsMax: STUCK_G_FIELDS.hrsMax.schema.optional(),
  }).optional(),
});

/** Cross-field rule: gMin < gMax (returns the message, or undefined when fine). */
export function deviceConflict(d: DeviceSpec): { field: 'gMax'; message: string } | undefined {
  return d.gMin < d.gMax ? undefined : { field: 'gMax', message: `gMax ${d.gMax} must be above gMin ${d.gMin}; allowed: 0 < gMin < gMax` };
}
