/**
 * The cell the pulse-response models share (constant_step.ts, linear_step.ts, soft_bounds.ts,
 * exp_step.ts, pow_step.ts): written by write-verify as the 'linear-levels' cell (levels,
 * programming variation, read noise; the initial deployment and `update.scheme` 'write-verify'),
 * its conductance confined to the window [uMin, uMax]:
 *
 *   quantise:  q = linear-levels quantise(u*)
 *   land:      u = clamp(linear-levels land(q), uMin, uMax);  free range [uMin, uMax]
 *   pulse:     pulse/pulse_response.ts (u' = f32(clamp(u ± dw±_c·F±(u)·(1 + σc·z), uMin, uMax)))
 * With the full window [0, 1] and no programming variation the write-verify part keeps the
 * 'linear-levels' fast path (the same bits as that model); a narrower window lands slot by slot.
 * The parameters every pulse model takes (device.modelParams), validated here:
 *   dwMin    mean step per pulse in u, (0, 1]          (aihwkit dw_min; default 0.001)
 *   upDown   up/down asymmetry, (−1, 1)                (dw± = dwMin·(1 ± upDown); default 0)
 *   uMin     lower bound of the window, [0, 1)         (default 0)
 *   uMax     upper bound, (uMin, 1]                    (default 1)
 *   dtod     device-to-device spread of the step, [0, 2]  (aihwkit dw_min_dtod; default 0.3)
 *   ctoc     cycle-to-cycle spread per pulse, [0, 2]      (aihwkit dw_min_std; default 0.3)
 */
import type { DeviceSpec } from '../device_spec.js';
import { UserError } from '../../util/errors.js';
import type { DeviceModelContext, FastPath } from '../device_model.js';
import { LinearLevelsDevice } from './linear_levels.js';
import { numParams, type NumParam, type ParamCheck } from './params.js';
import { cellGain, pulseKernel, pulseResponse, type PulseKernel, type PulseParams, type PulseShape } from '../pulse/pulse_response.js';

export class PulsedDevice extends LinearLevelsDevice {
  readonly pulseKernel: PulseKernel;
  private readonly lo: number = 0;
  private readonly hi: number = 1;

  constructor(name: string, spec: DeviceSpec, ctx: DeviceModelContext, p: PulseParams) {
    super(spec, ctx);
    this.lo = p.uMin;
    this.hi = p.uMax;
    // the parent's fast path and landing stay for the full window; a narrower one lands slot by slot
    const self = this as { name: string; fastPath: FastPath | null; landsOffTarget: boolean; freeRange: readonly [number, number] };
    self.name = name;
    self.freeRange = [p.uMin, p.uMax];
    if (!(p.uMin === 0 && p.uMax === 1)) { self.fastPath = null; self.landsOffTarget = true; }
    this.pulseKernel = pulseKernel(p, ctx.seed, ctx.layer);
  }

  override land(q: number, cell: number): number {
    const u = super.land(q, cell);
    return u < this.lo ? this.lo : u > this.hi ? this.hi : u;
  }

  pulse(u: number, dir: number, cell: number, z: number): number {
    return pulseResponse(this.pulseKernel, u, dir, cellGain(this.pulseKernel, cell), z);
  }
}

/** the parameters every pulse model takes, with their bounds and defaults */
export const COMMON_PULSE_PARAMS: Record<string, NumParam> = {
  dwMin: { min: () => 0, max: () => 1, default: () => 0.001, describe: 'mean conductance step per pulse in normalised units, > 0' },
  upDown: { min: () => -1, max: () => 1, default: () => 0, describe: 'up/down asymmetry: steps dwMin*(1 +/- upDown), strictly inside (-1, 1)' },
  uMin: { min: () => 0, max: () => 1, default: () => 0, describe: 'lower bound of the conductance window (normalised)' },
  uMax: { min: () => 0, max: () => 1, default: () => 1, describe: 'upper bound of the conductance window (normalised)' },
  dtod: { min: () => 0, max: () => 2, default: () => 0.3, describe: 'device-to-device relative spread of the step (fixed per cell)' },
  ctoc: { min: () => 0, max: () => 2, default: () => 0.3, describe: 'cycle-to-cycle relative spread of the step (per pulse)' },
};

/**
 * the parameter check of a pulse model: the common parameters plus its own; the open bounds
 * (dwMin > 0, |upDown| < 1, uMin < uMax) are checked after the closed ones
 */
export function pulseParams(model: string, own: Record<string, NumParam>): ParamCheck {
  const check = numParams(model, { ...COMMON_PULSE_PARAMS, ...own });
  return (raw, d, path) => {
    const p = check(raw, d, path);
    if (!(p.dwMin > 0)) throw new UserError(`${path}.dwMin (${COMMON_PULSE_PARAMS.dwMin.describe}) must be in (0, 1], got ${p.dwMin}`, `${path}.dwMin`);
    if (!(p.upDown > -1 && p.upDown < 1)) throw new UserError(`${path}.upDown (${COMMON_PULSE_PARAMS.upDown.describe}) must be in (-1, 1), got ${p.upDown}`, `${path}.upDown`);
    if (!(p.uMin < p.uMax)) throw new UserError(`${path}.uMin (${p.uMin}) must be below ${path}.uMax (${p.uMax}); allowed: 0 <= uMin < uMax <= 1`, `${path}.uMin`);
    return p;
  };
}

/** the kernel numbers of a model from its checked parameters (shape-specific ones default to 0) */
export function pulseNumbers(shape: PulseShape, p: Record<string, number>): PulseParams {
  return {
    shape, dwMin: p.dwMin, upDown: p.upDown, uMin: p.uMin, uMax: p.uMax, dtod: p.dtod, ctoc: p.ctoc,
    gammaUp: p.gammaUp ?? 0, gammaDown: p.gammaDown ?? 0, aUp: p.aUp ?? 0, aDown: p.aDown ?? 0, esA: p.a ?? 0, esB: p.b ?? 0,
  };
}
