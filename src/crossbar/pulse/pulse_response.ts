/**
 * The pulse response of the pulse-response device models (devices/constant_step.ts, linear_step.ts,
 * soft_bounds.ts, exp_step.ts, pow_step.ts): what one voltage pulse does to a cell's normalised
 * conductance u (device.ts), after IBM aihwkit's pulsed devices (src/rpucuda/rpu_*_device.cpp,
 * `update_once`; docs "Device models"), with aihwkit's weight w read as u − m on the window
 * [uMin, uMax] (m = (uMin + uMax)/2, h = (uMax − uMin)/2, so aihwkit's symmetric bounds ±h):
 *
 *   dir = +1 (potentiation):  u' = f32(clamp(u + dw⁺_c·F⁺(u)·(1 + σc·z), uMin, uMax))
 *   dir = −1 (depression):    u' = f32(clamp(u − dw⁻_c·F⁻(u)·(1 + σc·z), uMin, uMax))
 *   dw⁺_c = dwMin·(1 + upDown)·g_c,  dw⁻_c = dwMin·(1 − upDown)·g_c     (upDown ∈ (−1, 1))
 *   g_c   = max(0, 1 + σd·ζ_c)   the fixed device-to-device gain of cell c (ζ_c ~ N(0, 1), drawn
 *           once: counter-based generator of stream 'dtod/<layer>', block 0, element c)
 *   z     ~ N(0, 1) fresh per pulse, counter-based (no sequential draw, any visiting order):
 *           h = mix(b_c + k·φ) (counter_normal.ts counterWord), b_c = b(c) the block base of cell
 *           c under the key of stream 'ctoc/<layer>', k = the cell's pulse count (0, 1, 2, … over
 *           the op's life); z = Φ⁻¹((h + ½)/2³²) by inverse-CDF sampling through K = 4096
 *           equal-probability bins (the scheme of prog_noise_counter.ts): bin j = h ≫ 20,
 *           position ϕ = (2·(h mod 2²⁰) + 1)/2²¹, Z[j] = Φ⁻¹(j/K) (normal_quantile.ts ndtri),
 *             1 ≤ j ≤ K − 2:  z = Z[j] + ϕ·(Z[j + 1] − Z[j])
 *             j = 0:          z = −tail((2h + 1)/2³³);   j = K − 1:  z = tail((2·(2³² − 1 − h) + 1)/2³³)
 *           (exact quantiles in the outer bins, linear in u inside a bin: a hash and two table reads)
 *   x     = (u − m)/h ∈ [−1, 1]
 *   shapes F (per model):
 *     constant    F⁺ = F⁻ = 1                                              (ConstantStepDevice)
 *     linear      F⁺ = max(0, 1 − γ⁺·x),  F⁻ = max(0, 1 + γ⁻·x)           (LinearStepDevice: slope
 *                 −γ·dw/bound; soft bounds = γ⁺ = γ⁻ = 1: F⁺ = (uMax − u)/h, F⁻ = (u − uMin)/h,
 *                 SoftBoundsDevice)
 *     exp         y = a·x + b,  F⁺ = max(0, 1 − A⁺·e^{γ⁺·y}),  F⁻ = max(0, 1 − A⁻·e^{−γ⁻·y})
 *                 (ExpStepDevice: z = 2a·w/(b_max − b_min) + b)
 *     pow         F⁺ = ((uMax − u)/(2h))^{γ⁺},  F⁻ = ((u − uMin)/(2h))^{γ⁻}   (PowStepDevice)
 * Arithmetic in float64, the result rounded to float32 after every pulse (the cells' arrays hold
 * float32). Conventions that differ from aihwkit, stated: the asymmetry is split evenly
 * (dw± = dwMin·(1 ± upDown); aihwkit shrinks only the weaker direction) and the cycle-to-cycle
 * noise multiplies the whole step for every shape (aihwkit's SoftBounds/LinearStep 'mult_noise').
 */
import { blockBase, counterWord, CounterNormal, normalAt } from '../counter_normal.js';
import { ndtri, tail } from '../normal_quantile.js';
import { stream } from '../../util/rng.js';

/** the response families of the kernels */
export type PulseShape = 'constant' | 'linear' | 'exp' | 'pow';

/** the numbers of a pulse-response model (what its entry's params give) */
export interface PulseParams {
  readonly shape: PulseShape;
  readonly dwMin: number;
  readonly upDown: number;
  readonly uMin: number;
  readonly uMax: number;
  /** σd: relative device-to-device spread of the step (per cell, fixed) */
  readonly dtod: number;
  /** σc: relative cycle-to-cycle spread of the step (per pulse) */
  readonly ctoc: number;
  /** linear: slopes γ±; pow: exponents γ±; exp: γ± */
  readonly gammaUp: number;
  readonly gammaDown: number;
  /** exp only: A±, a, b */
  readonly aUp: number;
  readonly aDown: number;
  readonly esA: number;
  readonly esB: number;
}

const SHAPE_CODE: Record<PulseShape, number> = { constant: 0, linear: 1, exp: 2, pow: 3 };

/**
 * a pulse-response model as data for the kernels (the model's `pulse` computes the same): the
 * parameters, the derived constants as plain number fields and the layer's keys
 */
export class PulseKernel implements PulseParams {
  readonly shape: PulseShape;
  readonly dwMin: number = 0;
  readonly upDown: number = 0;
  readonly uMin: number = 0;
  readonly uMax: number = 1;
  readonly dtod: number = 0;
  readonly ctoc: number = 0;
  readonly gammaUp: number = 0;
  readonly gammaDown: number = 0;
  readonly aUp: number = 0;
  readonly aDown: number = 0;
  readonly esA: number = 0;
  readonly esB: number = 0;
  /** 0 constant, 1 linear, 2 exp, 3 pow */
  readonly code: number = 0;
  /** dw⁺ = dwMin·(1 + upDown), dw⁻ = dwMin·(1 − upDown) */
  readonly dwUp: number = 0;
  readonly dwDown: number = 0;
  /** window middle m and 1/h, 1/(2h) */
  readonly mid: number = 0;
  readonly invH: number = 0;
  readonly invW: number = 0;
  /** device-to-device gains ('dtod/<layer>') and per-pulse draws ('ctoc/<layer>') */
  readonly dtodKey: CounterNormal;
  readonly ctocKey: CounterNormal;

  constructor(p: PulseParams, seed: number, layer: string) {
    this.shape = p.shape;
    Object.assign(this, {
      dwMin: p.dwMin, upDown: p.upDown, uMin: p.uMin, uMax: p.uMax, dtod: p.dtod, ctoc: p.ctoc,
      gammaUp: p.gammaUp, gammaDown: p.gammaDown, aUp: p.aUp, aDown: p.aDown, esA: p.esA, esB: p.esB,
      code: SHAPE_CODE[p.shape], dwUp: p.dwMin * (1 + p.upDown), dwDown: p.dwMin * (1 - p.upDown),
      mid: 0.5 * (p.uMin + p.uMax), invH: 2 / (p.uMax - p.uMin), invW: 1 / (p.uMax - p.uMin),
    });
    this.dtodKey = new CounterNormal(stream(seed, `dtod/${layer}`));
    this.ctocKey = new CounterNormal(stream(seed, `ctoc/${layer}`));
  }
}

/** a kernel description with the layer's keys ('dtod/<layer>', 'ctoc/<layer>' of the seed) */
export function pulseKernel(p: PulseParams, seed: number, layer: string): PulseKernel {
  return new PulseKernel(p, seed, layer);
}

/** g_c of cell c: max(0, 1 + σd·ζ_c), ζ_c = z(0, c) of the 'dtod/<layer>' key (1 when σd = 0) */
export function cellGain(k: PulseKernel, c: number): number {
  if (k.dtod === 0) return 1;
  const g = 1 + k.dtod * normalAt(k.dtodKey.base(0), c);
  return g > 0 ? g : 0;
}

const QBINS = 4096;
const FRAC = 2 ** -21;
const TAIL = 2 ** -33;
const TWO32 = 4294967296;
/** Z[j] = Φ⁻¹(j/K), j = 1 … K − 1 (Z[0], Z[K] unused) */
const ZTAB = (() => {
  const t = new Float64Array(QBINS + 1);
  for (let j = 1; j < QBINS; j++) t[j] = ndtri(j / QBINS);
  return t;
})();

/** the table Z (read only: the native pass, src/native/pulse_kernel.cc, reads the same numbers) */
export function pulseQuantileTable(): Float64Array {
  return ZTAB;
}

/** z of word h (uint32): inverse-CDF sampling through the 4096-bin table, exact outer bins */
export function normalOfWord(h: number): number {
  const j = h >>> 20;
  if (j === 0) return -tail((2 * h + 1) * TAIL);
  if (j === QBINS - 1) return tail((2 * (TWO32 - 1 - h) + 1) * TAIL);
  const z0 = ZTAB[j];
  return z0 + ((h & 0xfffff) * 2 + 1) * FRAC * (ZTAB[j + 1] - z0);
}

/** the block base b_c of cell c's per-pulse draws */
export function cellBase(k: PulseKernel, c: number): number {
  return blockBase(k.ctocKey.k0, k.ctocKey.k1, c);
}

/** z of pulse number `count` of cell c (0 when σc = 0) */
export function pulseDraw(k: PulseKernel, c: number, count: number): number {
  return k.ctoc === 0 ? 0 : normalOfWord(counterWord(cellBase(k, c), count));
}

/** F^dir(u): the shape factor of the response */
export function shapeFactor(k: PulseKernel, u: number, dir: number): number {
  const code = k.code;
  if (code === 0) return 1;
  if (code === 1) {
    const x = (u - k.mid) * k.invH;
    const v = dir > 0 ? 1 - k.gammaUp * x : 1 + k.gammaDown * x;
    return v > 0 ? v : 0;
  }
  if (code === 2) {
    const y = k.esA * (u - k.mid) * k.invH + k.esB;
    const v = dir > 0 ? 1 - k.aUp * Math.exp(k.gammaUp * y) : 1 - k.aDown * Math.exp(-k.gammaDown * y);
    return v > 0 ? v : 0;
  }
  const r = dir > 0 ? (k.uMax - u) * k.invW : (u - k.uMin) * k.invW;
  return Math.pow(r > 0 ? r : 0, dir > 0 ? k.gammaUp : k.gammaDown);
}

/** one pulse: u' = f32(clamp(u ± dw±·g·F±(u)·(1 + σc·z), uMin, uMax)) */
export function pulseResponse(k: PulseKernel, u: number, dir: number, gain: number, z: number): number {
  const dw = (dir > 0 ? k.dwUp : k.dwDown) * gain * shapeFactor(k, u, dir) * (1 + k.ctoc * z);
  let v = dir > 0 ? u + dw : u - dw;
  v = v < k.uMin ? k.uMin : v > k.uMax ? k.uMax : v;
  return Math.fround(v);
}
