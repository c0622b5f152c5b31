/**
 * Counter-based programming variation (`device.progNoiseModel: 'counter'`): where a write lands,
 * drawn from a counter-based normal instead of a sequential per-write stream, so the fast
 * programming kernels (native, and this TS reference used by the 'ts' and 'wasm' backends) can draw
 * it inside their loops, in any order, with the same bits.
 *
 *   landing     u = f32((q + g₀)·E − g₀),  E = pexp(σp·z),  g₀ = gMin/(gMax − gMin)
 *               (the 'linear-levels' law G = G_q·e^{σp z}: lognormal, median = target; not clipped)
 *   z           z(f, e): the counter normal of counter_normal.ts (lowbias32 words, ZIGNOR ziggurat)
 *               keyed by two words from stream `prog/<layer>`, block f = the array's programming pass
 *               (0, 1, 2, … per CrossbarArray, never reset), element e = 2·s + c (s = physical slot,
 *               c = 0 for G⁺ / the offset cell, 1 for G⁻). Each write of a pass gets its own z; a cell
 *               written in two passes gets two independent draws; cells not written draw nothing.
 *               The fast ziggurat path (≈ 98.8 %) is exactly counter_normal.ts's; its rare wedge /
 *               tail path uses `plog` / `pexp` below instead of Math.log / Math.exp, because those
 *               are not specified to the bit and the C++ kernel must give the same bits.
 *   pexp(x)     x clamped to [−700, 700]; k = floor(x/ln2 + ½), r = (x − k·ln2_hi) − k·ln2_lo,
 *               e^r by Horner on the Taylor series to r¹² (|r| ≤ ln2/2: truncation < 2e-16 relative),
 *               times 2^k (exact); float64, every operation rounded separately (no FMA)
 *   plog(x)     x > 0: x = m·2^e with m ∈ [√½, √2] (exact halvings / doublings), s = (m − 1)/(m + 1),
 *               ln m = 2s·(1 + s²/3 + … + s²⁰/21) (|s| ≤ 0.172: truncation < 1e-17), + e·ln2
 * The per-write model (absent field, every committed result) draws z from NormalSource on
 * `prog/<layer>` in write order (program_generic.ts); this one differs in which z each write gets,
 * not in its distribution (test/crossbar/prog_noise_counter.test.ts: mean, variance, KS).
 */
import type { Rng } from '../util/rng.js';
import { INV32, mix32, PHI, ZN, ZR, ZRATIO, ZX } from './counter_normal.js';

const TWO32 = 4294967296;
const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const SQRT2 = 1.4142135623730951;
const SQRT_HALF = 0.7071067811865476;

/** 2^k for k ∈ [−1022, 1023], exact (repeated doubling / halving) */
const POW2 = new Float64Array(2046);
{
  let v = 1;
  for (let k = 0; k <= 1023; k++) { POW2[k + 1022] = v; v *= 2; }
  v = 1;
  for (let k = 0; k >= -1022; k--) { POW2[k + 1022] = v; v *= 0.5; }
}

// Taylor coefficients 1/n!, n = 0..12 (n! exact in float64; each quotient correctly rounded)
const C: number[] = [];
{
  let fact = 1;
  for (let n = 0; n <= 12; n++) { if (n > 0) fact *= n; C.push(1 / fact); }
}

/** portable e^x (see the header): the same bits as src/native/prog_noise_impl.h pexp */
export function pexp(x: number): number {
  x = x < -700 ? -700 : x;
  x = x > 700 ? 700 : x;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let p = C[12];
  for (let n = 11; n >= 0; n--) p = p * r + C[n];
  return p * POW2[k + 1022];
}

/** portable ln x for x > 0 (see the header): the same bits as the native plog */
export function plog(x: number): number {
  let m = x, e = 0;
  while (m < SQRT_HALF) { m *= 2; e--; }
  while (m > SQRT2) { m *= 0.5; e++; }
  const s = (m - 1) / (m + 1), s2 = s * s;
  let p = 1 / 21;
  for (let n = 19; n >= 3; n -= 2) p = p * s2 + 1 / n;
  p = p * s2 + 1;
  return e * LN2_HI + (2 * s * p + e * LN2_LO);
}

/** the uniform source of the slow path: h'(64e + j), j = 0, 1, … */
class SlowUniforms {
  private b2 = 0;
  private c = 0;
  reset(b2: number, e: number): void {
    this.b2 = b2;
    this.c = Math.imul(e, 64);
  }
  next(): number {
    const h = mix32((this.b2 + Math.imul(this.c, PHI)) | 0) >>> 0;
    this.c = (this.c + 1) | 0;
    return (h + 0.5) * INV32;
  }
}
const slowU = new SlowUniforms();

/** ZIGNOR's wedge and tail tests and retries (counter_normal.ts `slow`, with plog / pexp) */
function slowNormal(b2: number, e: number, u: number, i: number): number {
  slowU.reset(b2, e);
  for (;;) {
    if (i === 0) {
      let x: number, y: number;
      do {
        x = plog(slowU.next()) / ZR;
        y = plog(slowU.next());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZR : ZR - x;
    }
    const x = u * ZX[i];
    const f0 = pexp(-0.5 * (ZX[i] * ZX[i] - x * x));
    const f1 = pexp(-0.5 * (ZX[i + 1] * ZX[i + 1] - x * x));
    if (f1 + slowU.next() * (f0 - f1) < 1) return x;
    u = 2 * slowU.next() - 1;
    i = Math.floor(slowU.next() * ZN) & (ZN - 1);
    if (Math.abs(u) < ZRATIO[i]) return u * ZX[i];
  }
}

/** z(f, e) given the block's base words b = base(f), b2 = mix(b ⊕ 0x5bd1e995) */
export function progNormal(b: number, b2: number, e: number): number {
  const c = (e << 1) | 0;
  const u = 2 * (((mix32((b + Math.imul(c, PHI)) | 0) >>> 0) + 0.5) * INV32) - 1;
  const i = mix32((b + Math.imul(c + 1, PHI)) | 0) & (ZN - 1);
  return Math.abs(u) < ZRATIO[i] ? u * ZX[i] : slowNormal(b2, e, u, i);
}

/** the key of one layer's programming variation and the per-pass base words */
export class ProgNoiseKey {
  readonly k0: number;
  readonly k1: number;

  /** two words from `prog/<layer>` (the same draws as CounterNormal's key) */
  constructor(rng: Rng, readonly sigma: number, readonly off: number) {
    this.k0 = Math.floor(rng.next() * TWO32) | 0;
    this.k1 = Math.floor(rng.next() * TWO32) | 0;
  }

  /** base words of programming pass f: out[0] = b(f), out[1] = b'(f) (int32) */
  passWords(f: number, out: Int32Array): void {
    const b = mix32(this.k0 ^ mix32((f | 0) ^ this.k1));
    out[0] = b;
    out[1] = mix32(b ^ 0x5bd1e995);
  }
}

/** u = f32((q + g₀)·pexp(σ·z) − g₀) */
export function landCounter(q: number, sigma: number, off: number, z: number): number {
  return Math.fround((q + off) * pexp(sigma * z) - off);
}
