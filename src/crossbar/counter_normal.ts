/**
 * Counter-based standard normal draws: z(f, e) depends only on the key (from a named stream), the
 * block index f (e.g. the forward number) and the element index e, never on how many draws were
 * made before or in which order, so a block can be filled in any order and still reproduce.
 *
 *   key          k0, k1 = two 32-bit words drawn from `stream(seed, name)` at construction
 *   block bases  b(f) = mix(k0 ⊕ mix(f ⊕ k1)),  b'(f) = mix(b(f) ⊕ 0x5bd1e995)
 *   words        h(c) = mix(b + c·φ mod 2³²),  h'(c) = mix(b' + c·φ mod 2³²),  φ = 0x9E3779B9
 *   mix(x)       the 'lowbias32' integer finalizer (x ⊕= x≫16; x·=0x21f0aaad; x ⊕= x≫15;
 *                x·=0x735a2d97; x ⊕= x≫15; Wellons' hash-prospector)
 *   normal       Doornik's ZIGNOR ziggurat (128 layers, tail r = 3.442619855899): first try with
 *                u = 2·(h(2e) + ½)/2³² − 1 ∈ (−1, 1), layer i = h(2e + 1) mod 128:
 *                    |u| < x[i+1]/x[i]  →  z = u·x[i]                       (≈ 98.8 % of draws)
 *                otherwise the wedge / tail test of ZIGNOR with further uniforms and retries from
 *                h'(64e + j), j = 0, 1, … (Marsaglia's tail: x = ln U/r, y = ln U until −2y ≥ x²)
 * so almost every draw costs two integer hashes, a table look-up and a multiply (no log/cos: a
 * Box–Muller pair costs ~15× more in V8). Uniforms have 32 bits. Tested (mean, variance,
 * Kolmogorov–Smirnov against Φ) in test/crossbar/counter_normal.test.ts. Integer and Math.*
 * operations only: the same bits on every machine V8 runs on.
 */
import type { Rng } from '../util/rng.js';

const TWO32 = 4294967296;
export const INV32 = 1 / TWO32;
export const PHI = 0x9e3779b9;

/** lowbias32 finalizer (uint32 → uint32, returned as a signed int32) */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x;
}

// ZIGNOR tables (Doornik 2005): x[0] = v/f(r), x[1] = r, x[i+1] = √(−2 ln(v/x[i] + f(x[i]))),
// x[128] = 0, f(x) = exp(−x²/2), v = 9.91256303526217e−3 (area of each layer); ratio[i] = x[i+1]/x[i]
export const ZN = 128;
export const ZR = 3.442619855899;
const ZV = 9.91256303526217e-3;
/** the ZIGNOR tables (also handed to the native programming-noise kernel: same bits everywhere) */
export const ZX = new Float64Array(ZN + 1);
export const ZRATIO = new Float64Array(ZN);
{
  const f = Math.exp(-0.5 * ZR * ZR);
  ZX[0] = ZV / f;
  ZX[1] = ZR;
  ZX[ZN] = 0;
  for (let i = 2; i < ZN; i++) ZX[i] = Math.sqrt(-2 * Math.log(ZV / ZX[i - 1] + Math.exp(-0.5 * ZX[i - 1] * ZX[i - 1])));
  for (let i = 0; i < ZN; i++) ZRATIO[i] = ZX[i + 1] / ZX[i];
}

export class CounterNormal {
  readonly k0: number;
  readonly k1: number;
  // the slow path's uniform source: base b' and running counter
  private sb = 0;
  private sc = 0;

  constructor(rng: Rng) {
    this.k0 = Math.floor(rng.next() * TWO32) | 0;
    this.k1 = Math.floor(rng.next() * TWO32) | 0;
  }

  /** the base word of block f (f a non-negative integer below 2³²) */
  base(f: number): number {
    return mix32(this.k0 ^ mix32((f | 0) ^ this.k1));
  }

  /** out[o + k] = z(f, e0 + k) for k in [0, n) */
  fill(f: number, e0: number, out: Float32Array | Float64Array, o: number, n: number): void {
    const b = this.base(f);
    const b2 = mix32(b ^ 0x5bd1e995);
    for (let k = 0; k < n; k++) {
      const e = (e0 + k) | 0, c = e << 1;
      const u = 2 * (((mix32((b + Math.imul(c, PHI)) | 0) >>> 0) + 0.5) * INV32) - 1;
      const i = mix32((b + Math.imul(c + 1, PHI)) | 0) & (ZN - 1);
      if (Math.abs(u) < ZRATIO[i]) out[o + k] = u * ZX[i];
      else out[o + k] = this.slow(b2, e, u, i);
    }
  }

  private uni(): number {
    const h = mix32((this.sb + Math.imul(this.sc, PHI)) | 0) >>> 0;
    this.sc = (this.sc + 1) | 0;
    return (h + 0.5) * INV32;
  }

  /** ZIGNOR's wedge and tail tests and retries, uniforms from h'(64e + j) */
  private slow(b2: number, e: number, u: number, i: number): number {
    this.sb = b2;
    this.sc = Math.imul(e, 64);
    for (;;) {
      if (i === 0) {
        // Marsaglia's tail beyond r, on the side of u's sign
        let x: number, y: number;
        do {
          x = Math.log(this.uni()) / ZR;
          y = Math.log(this.uni());
        } while (-2 * y < x * x);
        return u < 0 ? x - ZR : ZR - x;
      }
      const x = u * ZX[i];
      const f0 = Math.exp(-0.5 * (ZX[i] * ZX[i] - x * x));
      const f1 = Math.exp(-0.5 * (ZX[i + 1] * ZX[i + 1] - x * x));
      if (f1 + this.uni() * (f0 - f1) < 1) return x;
      u = 2 * this.uni() - 1;
      i = Math.floor(this.uni() * ZN) & (ZN - 1);
      if (Math.abs(u) < ZRATIO[i]) return u * ZX[i];
    }
  }
}
