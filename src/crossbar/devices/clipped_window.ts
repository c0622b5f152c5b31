/**
 * Device model 'clipped-window' (a toy, and the worked example of "How to add a device model" in
 * docs/DESIGN.md): the 'linear-levels' cell (levels, programming variation, read noise), whose
 * programmed conductance is clipped to a narrower window [gLo, gHi] ⊂ [gMin, gMax] (e.g. a cell
 * whose write-verify cannot reach the extreme states):
 *
 *   u_lo = (gLo − gMin)/Δ,  u_hi = (gHi − gMin)/Δ,  Δ = gMax − gMin
 *   quantise:  q = linear-levels quantise(u*)                (the level aimed at)
 *   land:      u = clamp(linear-levels land(q), u_lo, u_hi)   (where the write ends up)
 *   free range [u_lo, u_hi] (so the attainable weight intervals narrow too); stuck cells stay at
 *   0 / 1 (a defect is not a write).
 * Parameters (device.modelParams, siemens): gLo ∈ [gMin, gMax] (default gMin + 0.1·Δ),
 * gHi ∈ [gMin, gMax] (default gMax − 0.1·Δ), gLo < gHi. No fast path: programmed slot by slot
 * (program_generic.ts).
 */
import type { DeviceSpec } from '../device_spec.js';
import { UserError } from '../../util/errors.js';
import type { DeviceModelContext, DeviceModelEntry, FastPath } from '../device_model.js';
import { LinearLevelsDevice } from './linear_levels.js';
import { numParams } from './params.js';

class ClippedWindowDevice extends LinearLevelsDevice {
  override readonly name = 'clipped-window';
  override readonly fastPath: FastPath | null = null;
  override readonly landsOffTarget = true;
  override readonly freeRange: readonly [number, number];

  constructor(spec: DeviceSpec, ctx: DeviceModelContext, private readonly lo: number, private readonly hi: number) {
    super(spec, ctx);
    this.freeRange = [lo, hi];
  }

  override land(q: number): number {
    const u = super.land(q);
    return u < this.lo ? this.lo : u > this.hi ? this.hi : u;
  }
}

const check = numParams('clipped-window', {
  gLo: { min: (d) => d.gMin, max: (d) => d.gMax, default: (d) => d.gMin + 0.1 * (d.gMax - d.gMin), describe: 'lowest programmable conductance, S' },
  gHi: { min: (d) => d.gMin, max: (d) => d.gMax, default: (d) => d.gMax - 0.1 * (d.gMax - d.gMin), describe: 'highest programmable conductance, S' },
});

export const clippedWindow: DeviceModelEntry = {
  name: 'clipped-window',
  describe: "the 'linear-levels' cell with its programmed conductance clipped to [gLo, gHi]",
  params(raw, d, path) {
    const p = check(raw, d, path);
    if (!(p.gLo < p.gHi)) throw new UserError(`${path}.gLo (${p.gLo}) must be below ${path}.gHi (${p.gHi})`, `${path}.gLo`);
    return p;
  },
  create: (d, p, ctx) => {
    const delta = d.gMax - d.gMin;
    return new ClippedWindowDevice(d, ctx, (p.gLo - d.gMin) / delta, (p.gHi - d.gMin) / delta);
  },
};
