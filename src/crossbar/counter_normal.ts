/**
 * Counter-based standard normal draws (float32 Box–Muller): z(f, e) depends only on the key (from a
 * named stream), the block index f (the forward's or the programming pass's number) and the element
 * index e, never on how many draws were made before or in which order, so a block can be filled in
 * any order, in vector lanes or by the native kernels, and still give the same bits.
 *
 *   key          k0, k1 = two 32-bit words drawn from `stream(seed, name)` at construction
 *   block base   b(f) = mix(k0 ⊕ mix(f ⊕ k1))
 *   pair p       h₁ = mix(b + 2p·φ), h₂ = mix(b + (2p + 1)·φ)  (mod 2³², φ = 0x9E3779B9)
 *                u = (2·(h₁ ≫ 9) + 1)·2⁻²⁴ ∈ (0, 1)   (23 bits, odd numerators: exact in float32)
 *                ρ = √(−2 ln u)                        (ln: f32_math.ts lnUnit; ρ ≤ 5.77)
 *                θ = (π/2)·(Q + x), Q = h₂ ≫ 30, x = (2·((h₂ ≫ 8) mod 2²²) + 1)·2⁻²³ ∈ (0, 1)
 *                z(f, 2p + c) = ρ·sin(π/2·(q + x)), q = (Q + 1 − c) mod 4, i.e. ρ cos θ (c = 0)
 *                and ρ sin θ (c = 1), evaluated as ±ρ·S(y): y = x for even q, 1 − x for odd q
 *                (exact), minus for q ≥ 2, S = f32_math.ts sinQuarter
 *   mix(x)       the 'lowbias32' integer finalizer (x ⊕= x≫16; x·=0x21f0aaad; x ⊕= x≫15;
 *                x·=0x735a2d97; x ⊕= x≫15; Wellons' hash-prospector)
 * Used by the per-output read noise (read_noise_output.ts).
 * Box–Muller is exact: (ρ cos θ, ρ sin θ) are two independent N(0, 1) for independent uniform u, θ;
 * here u has 23 bits and θ 24, so |z| ≤ √(2·24·ln 2) = 5.77 (P(|z| > 5.77) = 8e-9 for a true
 * normal) and every value is a float32. No rejection, no tables, no branch: the native kernels
 * (src/native/noise_f32.h) compute 16 pairs per AVX-512 step (about 1 ns per pair), with the same bits (every operation
 * float32, the same order, no FMA). Tested (mean, variance, kurtosis, Kolmogorov–Smirnov against
 * Φ, independence of the pair, native = TS) in test/crossbar/counter_normal.test.ts.
 */
import type { Rng } from '../util/rng.js';
import { lnUnit, sinQuarter } from './f32_math.js';

const TWO32 = 4294967296;
export const PHI = 0x9e3779b9;

const f = Math.fround;

/** lowbias32 finalizer (uint32 → uint32, returned as a signed int32) */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x;
}

/** the counter word mix(b + c·φ mod 2³²) of counter c in the block with base word b (uint32) */
export function counterWord(b: number, c: number): number {
  return mix32((b + Math.imul(c, PHI)) | 0) >>> 0;
}

/** the base word b(f) of block f of key (k0, k1) */
export function blockBase(k0: number, k1: number, f: number): number {
  return mix32(k0 ^ mix32((f | 0) ^ k1));
}

/** the polar part of pair p: [ρ, Q, x] into out */
function pairPolar(b: number, p: number, out: Float64Array): void {
  const c2 = Math.imul(p, 2);
  const h1 = counterWord(b, c2);
  const h2 = counterWord(b, c2 + 1);
  out[0] = f(Math.sqrt(f(-2 * lnUnit(2 * (h1 >>> 9) + 1))));
  out[1] = h2 >>> 30;
  out[2] = (((h2 >>> 8) & 0x3fffff) * 2 + 1) * 1.1920928955078125e-7; // 2⁻²³, exact
}

/** component c of a pair: ρ·sin(π/2·(q + x)), q = (Q + 1 − c) mod 4 (c = 0: ρ cos θ, 1: ρ sin θ) */
function component(rho: number, Q: number, x: number, c: number): number {
  const q = (Q + 1 - c) & 3;
  const s = sinQuarter((q & 1) === 1 ? f(1 - x) : x);
  return f(rho * ((q & 2) === 2 ? -s : s));
}

const polar = new Float64Array(3);

/** out[o] = z(f, 2p), out[o + 1] = z(f, 2p + 1) for block base b */
export function normalPair(b: number, p: number, out: Float32Array | Float64Array, o: number): void {
  pairPolar(b, p, polar);
  out[o] = component(polar[0], polar[1], polar[2], 0);
  out[o + 1] = component(polar[0], polar[1], polar[2], 1);
}

/** z(f, e) for block base b */
export function normalAt(b: number, e: number): number {
  pairPolar(b, e >>> 1, polar);
  return component(polar[0], polar[1], polar[2], e & 1);
}

export class CounterNormal {
  readonly k0: number;
  readonly k1: number;

  constructor(rng: Rng) {
    this.k0 = Math.floor(rng.next() * TWO32) | 0;
    this.k1 = Math.floor(rng.next() * TWO32) | 0;
  }

  /** the base word of block f (f a non-negative integer below 2³²) */
  base(f: number): number {
    return blockBase(this.k0, this.k1, f);
  }

  /** out[o + k] = z(f, e0 + k) for k in [0, n) */
  fill(f: number, e0: number, out: Float32Array | Float64Array, o: number, n: number): void {
    const b = this.base(f);
    let k = 0;
    if ((e0 & 1) === 1 && n > 0) { out[o] = normalAt(b, e0); k = 1; }
    for (; k + 1 < n; k += 2) normalPair(b, (e0 + k) >>> 1, out, o + k);
    if (k < n) out[o + k] = normalAt(b, e0 + k);
  }
}
