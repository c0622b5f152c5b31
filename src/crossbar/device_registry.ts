/**
 * Device models by name (`device.model`; absent = 'linear-levels', the default, which is then
 * left out of the point and its hash). One line per model below; each model is one file in
 * src/crossbar/devices/ exporting a DeviceModelEntry (device_model.ts). docs/DESIGN.md, "How to
 * add a device model".
 */
import type { DeviceSpec } from './device_spec.js';
import { UserError } from '../util/errors.js';
import type { DeviceModel, DeviceModelContext, DeviceModelEntry } from './device_model.js';
import { clippedWindow } from './devices/clipped_window.js';
import { linearLevels } from './devices/linear_levels.js';
import { lognormalD2d } from './devices/lognormal_d2d.js';
import { constantStep } from './devices/constant_step.js';
import { linearStep } from './devices/linear_step.js';
import { softBounds } from './devices/soft_bounds.js';
import { expStep } from './devices/exp_step.js';
import { powStep } from './devices/pow_step.js';
import { applyModelEffects } from './effects/registry.js';

const ENTRIES: DeviceModelEntry[] = [
  linearLevels,
  clippedWindow,
  lognormalD2d,
  constantStep,
  linearStep,
  softBounds,
  expStep,
  powStep,
];

export const DEFAULT_DEVICE_MODEL = 'linear-levels';

const BY_NAME = new Map(ENTRIES.map((e) => [e.name, e]));

/** registered model names, the default first */
export function deviceModelNames(): string[] {
  return ENTRIES.map((e) => e.name);
}

export function deviceModelEntry(name: string): DeviceModelEntry | undefined {
  return BY_NAME.get(name);
}

/**
 * Check `device.model` and `device.modelParams` (UserError naming the field and the allowed values);
 * returns the entry and the parameters with defaults filled.
 */
export function checkDeviceModel(device: DeviceSpec, path = 'device'): { entry: DeviceModelEntry; params: Record<string, number> } {
  const name = device.model ?? DEFAULT_DEVICE_MODEL;
  const entry = typeof name === 'string' ? BY_NAME.get(name) : undefined;
  if (!entry) {
    throw new UserError(`${path}.model must be one of ${deviceModelNames().map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`, `${path}.model`);
  }
  return { entry, params: entry.params(device.modelParams, device, `${path}.modelParams`) };
}

/** the device model of one mapped layer (its streams: 'prog/<layer>', 'read/<layer>') */
export function makeDeviceModel(device: DeviceSpec, ctx: DeviceModelContext): DeviceModel {
  const { entry, params } = checkDeviceModel(device);
  const model = entry.create(device, params, ctx);
  // effects that act on the model (device.drift gives a model without its own drift law the power
  // law, effects/drift.ts, 'drift/<layer>')
  applyModelEffects(model, { device, seed: ctx.seed, layer: ctx.layer });
  return model;
}

/** the registered models with a pulse response (the ones a pulsed update scheme accepts) */
export function pulseModelNames(): string[] {
  return ENTRIES.filter((e) => e.pulses === true).map((e) => e.name);
}

/** true when the spec names the default model with no parameters (left out of the point hash) */
export function isDefaultDeviceModel(device: Pick<DeviceSpec, 'model' | 'modelParams'>): boolean {
  return (device.model === undefined || device.model === DEFAULT_DEVICE_MODEL)
    && (device.modelParams === undefined || Object.keys(device.modelParams).length === 0);
}
