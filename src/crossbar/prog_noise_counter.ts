/**
 * Counter-based programming variation (`device.progNoiseModel: 'counter'`): where a write lands,
 * drawn from a counter-based generator instead of a sequential per-write stream, so the fast
 * programming kernels (native, and this TS reference used by the 'ts' and 'wasm' backends) can draw
 * it inside their loops, in any order, with the same bits.
 *
 *   landing     u = f32(f32(f32(q + g₀)·E) − g₀),  g₀ = f32(gMin/(gMax − gMin))
 *               (the 'linear-levels' law G = G_q·E, E = e^{σp z}: lognormal, median = target)
 *   word        h = mix(b(f) + e·φ) (counter_normal.ts mix, φ, b(f)) keyed by two words from stream
 *               `prog/<layer>`, block f = the array's programming pass (0, 1, 2, … per CrossbarArray,
 *               never reset), element e = 2·s + c (s = physical slot, c = 0 for G⁺ / the offset
 *               cell, 1 for G⁻). Each write of a pass gets its own word; cells not written use none.
 *   factor E    inverse-CDF sampling of the lognormal with u = (h + ½)/2³², through K = 4096
 *               equal-probability bins: bin k = h ≫ 20, position in the bin ϕ = (2·(h mod 2²⁰) + 1)/2²¹,
 *               T[k] = f32(pexp(σ·Φ⁻¹(k/K))) for k = 1 … K − 1 (normal_quantile.ts: AS241, portable exp)
 *                 1 ≤ k ≤ K − 2:  E = f32(T[k] + f32(ϕ·f32(T[k + 1] − T[k])))   (linear in u in the bin)
 *                 k = 0:          E = f32(pexp(−σ·tail((2h + 1)/2³³)))             (exact quantile)
 *                 k = K − 1:      E = f32(pexp(σ·tail((2·(2³² − 1 − h) + 1)/2³³)))
 *               σ = f32(σp). The outer two bins (P = 1/2048) use the exact quantile, so the tails
 *               reach |z| = 6.1; inside, the sampled CDF equals the lognormal's at every bin edge
 *               and is linear in between (its distance from the lognormal CDF is far below 1/K =
 *               2.4e-4: tested with a Kolmogorov–Smirnov test on 10⁶ draws, and the mean and variance
 *               of ln E against σ).
 * Cost: one integer hash, two table reads (16 KiB, in L1) and a linear interpolation per written
 * cell — the native pass does 16 cells per AVX-512 step with gathers; the tail bins (1 write in
 * 2048) are fixed up one by one.
 * The per-write model (absent field, every committed result) draws z from NormalSource on
 * `prog/<layer>` in write order (program_generic.ts); this one differs in which draw each write
 * gets and in the quantile interpolation inside a bin (test/crossbar/prog_noise_counter.test.ts).
 */
import type { Rng } from '../util/rng.js';
import { blockBase, counterWord } from './counter_normal.js';
import { ndtri, pexp, tail } from './normal_quantile.js';

const TWO32 = 4294967296;
const f = Math.fround;
/** bins of the quantile table */
export const QBINS = 4096;
const FRAC = 2 ** -21;
const TAIL = 2 ** -33;

/** T[k] = f32(pexp(σ·Φ⁻¹(k/K))), k = 1 … K − 1 (T[0], T[K] unused: 0) */
export function lognormalTable(sigma: number): Float32Array {
  const T = new Float32Array(QBINS + 1);
  for (let k = 1; k < QBINS; k++) T[k] = f(pexp(sigma * ndtri(k / QBINS)));
  return T;
}

/** the factor E of word h (uint32) */
export function lognormalFactor(h: number, T: Float32Array, sigma: number): number {
  const k = h >>> 20;
  if (k === 0) return f(pexp(-sigma * tail((2 * h + 1) * TAIL)));
  if (k === QBINS - 1) return f(pexp(sigma * tail((2 * (TWO32 - 1 - h) + 1) * TAIL)));
  const t0 = T[k];
  return f(t0 + f(((h & 0xfffff) * 2 + 1) * FRAC * f(T[k + 1] - t0)));
}

/** the word h of element e in the pass with base word b (uint32): counter_normal.ts counterWord */
export const progWord = counterWord;

/** the key of one layer's programming variation, its quantile table and the per-pass base words */
export class ProgNoiseKey {
  readonly k0: number;
  readonly k1: number;
  /** σ and g₀ as the kernels use them (float32) */
  readonly sigma: number;
  readonly off: number;
  /** the lognormal quantile table (lognormalTable(σ)) */
  readonly table: Float32Array;

  /** two words from `prog/<layer>` (the same draws as CounterNormal's key) */
  constructor(rng: Rng, sigma: number, off: number) {
    this.k0 = Math.floor(rng.next() * TWO32) | 0;
    this.k1 = Math.floor(rng.next() * TWO32) | 0;
    this.sigma = f(sigma);
    this.off = f(off);
    this.table = lognormalTable(this.sigma);
  }

  /** base word b(f) of programming pass f (int32) */
  passWord(pass: number): number {
    return blockBase(this.k0, this.k1, pass);
  }
}

/** u = f32(f32(f32(q + g₀)·E) − g₀) for element e of the pass with base word b */
export function landCounter(q: number, key: ProgNoiseKey, b: number, e: number): number {
  const E = lognormalFactor(progWord(b, e), key.table, key.sigma);
  return f(f(f(q + key.off) * E) - key.off);
}
