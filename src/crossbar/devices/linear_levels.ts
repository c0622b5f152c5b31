/**
 * Device model 'linear-levels' (the default, the behaviour of every committed result): an RRAM
 * cell programmable to L equally spaced conductances, with lognormal programming variation and
 * Gaussian read noise (device.ts has the units and the spec fields).
 *
 *   levels:    u_k = k/(L − 1), k = 0..L−1 (device.levels = L ≥ 2); L = 0: continuous
 *   quantise:  q = lv[round(u*·(L − 1))],  lv[k] = fround(k/(L − 1))     (float64, halves up)
 *              q = fround(u*) for L = 0
 *   land:      u = (q + g₀)·exp(σp·z) − g₀,  g₀ = gMin/(gMax − gMin),  z ~ N(0, 1) per write
 *              from 'prog/<layer>' (G = G_q·e^{σp z}: lognormal, median = target; not clipped);
 *              device.progNoiseModel 'counter': the same law with z from the counter-based
 *              generator, drawn by the fast kernels (prog_noise_counter.ts, program_noisy.ts)
 *   stuck:     u = 0 (HRS), 1 (LRS)
 *   read:      u_read = u + σr·z·(u + g₀)   (G·(1 + σr z): relative noise on G, not on u)
 *
 * With σp = 0 the model is eligible for the fast kernels (fastPath 'linear-levels'). They use
 * two rounding rules:
 *   - slots whose cells are all healthy: float32 arithmetic, `quantiseF32` of program_kernels.ts
 *     (halves to even: WASM f32.nearest, which the SIMD loop needs; float32 keeps it 4-wide),
 *   - slots with one stuck cell of a pair (and the general path): float64, this model's
 *     `quantise` (halves up, Math.round), which the TS kernel calls and wasm/program.as ports.
 * Why two rules and not one: the float32 rule is what the 4-wide SIMD loop computes (f32.nearest
 * rounds halves to even; float64 would halve the vector width); the float64 rule is the one the
 * first implementation (CrossbarArray.program, since removed) used for every slot, and the
 * half-stuck slots and the general path kept it. The two agree except at exact level ties
 * (q·(L − 1) = k + ½) and where float32 rounding of t = w/wMax moves a value across a tie
 * (measured: 0 differences in W_eff over 200 000 random weights at L = 0 and L = 16), but a
 * committed run reprograms millions of cells, so a single rule cannot be shown to leave every
 * committed result bit-identical short of re-running every report in full. Both stay, named
 * (quantiseF32, LinearLevelsDevice.quantise), each used by exactly the slots above, and every committed point
 * keeps its hash and metrics.
 */
import type { DeviceSpec } from '../device_spec.js';
import { stream } from '../../util/rng.js';
import { stuckU } from '../cell_state.js';
import type { DeviceModel, DeviceModelContext, DeviceModelEntry, FastPath } from '../device_model.js';
import { uOffset } from '../device.js';
import { NormalSource } from '../gaussian.js';
import { ProgNoiseKey } from '../prog_noise_counter.js';
import { noParams } from './params.js';

/** level table lv[k] = fround(k/(L − 1)) (empty for L = 0) */
export function levelTable(levels: number): Float64Array {
  const lv = new Float64Array(levels);
  for (let k = 0; k < levels; k++) lv[k] = Math.fround(k / (levels - 1));
  return lv;
}

export class LinearLevelsDevice implements DeviceModel {
  readonly name: string = 'linear-levels';
  readonly fastPath: FastPath | null;
  readonly freeRange: readonly [number, number] = [0, 1];
  readonly landsOffTarget: boolean;
  readonly readNoisy: boolean;
  /** the level table (shared with the fast kernels) */
  readonly lv: Float64Array;
  // the spec's numbers as own fields (the per-cell calls read them without a second lookup),
  // initialised with numbers so V8 keeps them as unboxed number fields
  private readonly levels: number = 0;
  private readonly lm: number = 0;
  private readonly off: number = 0.5;
  private readonly progSigma: number = 0.5;
  private readonly readSigma: number = 0.5;
  private readonly prog: NormalSource | null;

  constructor(readonly spec: DeviceSpec, ctx: DeviceModelContext) {
    this.lv = levelTable(spec.levels);
    this.levels = spec.levels;
    this.lm = spec.levels - 1;
    this.progSigma = spec.progSigma;
    this.readSigma = spec.readSigma;
    this.off = uOffset(spec);
    const counter = spec.progSigma > 0 && spec.progNoiseModel === 'counter';
    this.prog = spec.progSigma > 0 && !counter ? new NormalSource(stream(ctx.seed, `prog/${ctx.layer}`)) : null;
    this.landsOffTarget = spec.progSigma > 0;
    this.readNoisy = spec.readSigma > 0;
    // progNoiseModel 'counter': the fast kernels draw the landings (prog_noise_counter.ts); `land`
    // (the general path's per-write draw) is then not used
    this.fastPath = counter
      ? { kind: 'linear-levels', levels: spec.levels, noise: new ProgNoiseKey(stream(ctx.seed, `prog/${ctx.layer}`), spec.progSigma, this.off) }
      : this.prog === null ? { kind: 'linear-levels', levels: spec.levels } : null;
  }

  /** the float64 rule (halves up): lv[round(u·(L − 1))], fround(u) for L = 0 */
  quantise(u: number): number {
    return this.levels > 0 ? this.lv[Math.round(u * this.lm)] : Math.fround(u);
  }

  land(q: number, _cell?: number): number {
    const rng = this.prog;
    if (rng === null) return q;
    const e = Math.exp(this.progSigma * rng.next());
    return (q + this.off) * e - this.off;
  }

  stuckU(state: number): number {
    return stuckU(state);
  }

  readNoise(u: number, z: number): number {
    return u + this.readSigma * z * (u + this.off);
  }
}

export const linearLevels: DeviceModelEntry = {
  name: 'linear-levels',
  describe: 'L uniform levels (device.levels), lognormal programming variation (progSigma), relative Gaussian read noise (readSigma); the default',
  params: noParams('linear-levels'),
  create: (device, _params, ctx) => new LinearLevelsDevice(device, ctx),
};
