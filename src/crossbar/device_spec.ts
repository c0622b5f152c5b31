/**
 * DeviceSpec: the RRAM cell model's parameters, their defaults and bounds (the ONE place; the
 * sweep config, `rramsim run` flags and resolveDevice in device.ts all read DEVICE_FIELDS).
 *   gMin, gMax  conductance range in S (HRS, LRS), 0 < gMin < gMax; on/off ratio = gMax / gMin
 *   levels      programmable levels per cell: 0 = continuous, else 2..65536 (1 level cannot encode)
 *   progSigma   lognormal programming-variation σp in [0, 5] (e^5 ≈ 148x spread is the physical end)
 *   readSigma   relative read-noise σr in [0, 5]
 *   readNoiseModel  'per-cell' (absent: one z per cell per forward, shared by the batch) or
 *               'per-output' (the same distribution per sample on the outputs, read_noise_output.ts)
 *   model       device model by name (device_registry.ts), modelParams its parameters (optional)
 */
import { z } from 'zod';
import { numField } from '../util/spec_field.js';

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
  /**
   * device model name (src/crossbar/device_registry.ts); absent = 'linear-levels' (the default,
   * left out of the point so existing hashes stay)
   */
  model?: string;
  /** that model's parameters (checked by the model; absent = its defaults) */
  modelParams?: Record<string, number>;
}

export const READ_NOISE_MODELS = ['per-cell', 'per-output'] as const;
export type ReadNoiseModel = (typeof READ_NOISE_MODELS)[number];

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
  model: z.string().optional(),
  modelParams: z.record(z.string(), z.number()).optional(),
});

/** Cross-field rule: gMin < gMax (returns the message, or undefined when fine). */
export function deviceConflict(d: DeviceSpec): { field: 'gMax'; message: string } | undefined {
  return d.gMin < d.gMax ? undefined : { field: 'gMax', message: `gMax ${d.gMax} must be above gMin ${d.gMin}; allowed: 0 < gMin < gMax` };
}
