/**
 * Parameter checks for device models (`device.modelParams`): each model lists its numeric
 * parameters with bounds and defaults; a value outside them, a non-number or an unknown key is a
 * UserError naming `device.modelParams.<field>` and the allowed values, raised while the sweep is
 * planned (before any work).
 */
import type { DeviceSpec } from '../device_spec.js';
import { UserError } from '../../util/errors.js';

export interface NumParam {
  /** inclusive bounds (a function of the device spec, e.g. gMin..gMax) */
  min: (d: DeviceSpec) => number;
  max: (d: DeviceSpec) => number;
  /** default when absent (a function of the device spec) */
  default: (d: DeviceSpec) => number;
  describe: string;
}

export type ParamCheck = (raw: Record<string, unknown> | undefined, device: DeviceSpec, path: string) => Record<string, number>;

/** a model without parameters: modelParams must be absent or {} */
export function noParams(model: string): ParamCheck {
  return (raw, _d, path) => {
    const keys = raw ? Object.keys(raw) : [];
    if (keys.length > 0) {
      throw new UserError(`${path}.${keys[0]}: device model '${model}' takes no parameters (leave ${path} out)`, `${path}.${keys[0]}`);
    }
    return {};
  };
}

/** numeric parameters with bounds and defaults (a plain object is required; unknown keys rejected) */
export function numParams(model: string, spec: Record<string, NumParam>): ParamCheck {
  return (raw, d, path) => {
    if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
      throw new UserError(`${path} must be an object of numbers for device model '${model}' (${Object.keys(spec).join(', ')})`, path);
    }
    const given = raw ?? {};
    for (const k of Object.keys(given)) {
      // own keys only: 'constructor', '__proto__', 'toString' are not parameters
      if (!Object.hasOwn(spec, k)) {
        throw new UserError(`${path}.${k}: unknown parameter of device model '${model}'; allowed: ${Object.keys(spec).join(', ')}`, `${path}.${k}`);
      }
    }
    const out: Record<string, number> = {};
    for (const [k, p] of Object.entries(spec)) {
      const v = given[k] === undefined ? p.default(d) : given[k];
      const lo = p.min(d), hi = p.max(d);
      if (typeof v !== 'number' || !Number.isFinite(v) || v < lo || v > hi) {
        throw new UserError(`${path}.${k} (${p.describe}) must be a number in [${lo}, ${hi}], got ${JSON.stringify(v)}`, `${path}.${k}`);
      }
      out[k] = v;
    }
    return out;
  };
}
