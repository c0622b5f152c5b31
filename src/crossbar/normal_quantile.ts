/**
 * Portable float64 e^x, ln x and the standard normal quantile Φ⁻¹ (Wichura's AS241, PPND16):
 * basic IEEE operations only (+ − × ÷ √, no Math.exp / Math.log, whose last bits are not specified),
 * in a fixed order, so the native kernels (src/native/quantile_f64.h, -ffp-contract=off) give the
 * same bits. Used by the counter-based programming variation (prog_noise_counter.ts): its lognormal
 * quantile table and its two tail bins.
 *
 *   pexp(x)     x clamped to [−700, 700]; k = ⌊x/ln2 + ½⌋, r = (x − k·ln2_hi) − k·ln2_lo,
 *               e^r by Horner on the Taylor series to r¹² (|r| ≤ ln2/2: truncation < 2e-16 relative),
 *               times 2^k (exact)
 *   plog(x)     x > 0: x = m·2^e with m ∈ [√½, √2] (exact halvings / doublings), s = (m − 1)/(m + 1),
 *               ln m = 2s·(1 + s²/3 + … + s²⁰/21) (|s| ≤ 0.172: truncation < 1e-17), + e·ln2
 *   ndtri(p)    AS241 (Wichura 1988, Appl. Statist. 37: 477–484; about 1e-16 relative):
 *               |p − ½| ≤ 0.425: q = p − ½, r = 0.180625 − q², q·A(r)/B(r);
 *               else tail(min(p, 1 − p)) with the sign of p − ½
 *   tail(r)     = Φ⁻¹(1 − r) for 0 < r < 0.075: t = √(−ln r); t ≤ 5: C(t − 1.6)/D(t − 1.6),
 *               else E(t − 5)/F(t − 5) (A…F the degree-7 polynomials of AS241, Horner)
 * Tested against Math.exp / Math.log (a few ulps) and jStat's normal quantile.
 */

const LN2_HI = 6.93147180369123816490e-01;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.44269504088896338700e+00;
const SQRT2 = 1.4142135623730951;
const SQRT_HALF = 0.7071067811865476;

/** 2^k for k ∈ [−1022, 1023], exact */
const POW2 = new Float64Array(2046);
for (let k = -1022; k <= 1023; k++) POW2[k + 1022] = 2 ** k;

// Taylor coefficients 1/n!, n = 0..12 (n! exact in float64; each quotient correctly rounded)
const C: number[] = [];
{
  let fact = 1;
  for (let n = 0; n <= 12; n++) { if (n > 0) fact *= n; C.push(1 / fact); }
}

/** portable e^x: the same bits as src/native/quantile_f64.h pexp */
export function pexp(x: number): number {
  x = x < -700 ? -700 : x;
  x = x > 700 ? 700 : x;
  const k = Math.floor(x * INV_LN2 + 0.5);
  const r = (x - k * LN2_HI) - k * LN2_LO;
  let p = C[12];
  for (let n = 11; n >= 0; n--) p = p * r + C[n];
  return p * POW2[k + 1022];
}

/** portable ln x for x > 0: the same bits as the native plog */
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

// AS241 coefficients, highest degree first (Horner)
const A = [2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4, 4.5921953931549871457e+4,
  1.3731693765509461125e+4, 1.9715909503065514427e+3, 1.3314166789178437745e+2, 3.3871328727963666080e+0];
const B = [5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4, 2.1213794301586595867e+4,
  5.3941960214247511077e+3, 6.8718700749205790830e+2, 4.2313330701600911252e+1, 1.0];
const CC = [7.74545014278341407640e-4, 2.27238449892691845833e-2, 2.41780725177450611770e-1, 1.27045825245236838258e+0,
  3.64784832476320460504e+0, 5.76949722146069140550e+0, 4.63033784615654529590e+0, 1.42343711074968357734e+0];
const D = [1.05075007164441684324e-9, 5.47593808499534494600e-4, 1.51986665636164571966e-2, 1.48103976427480074590e-1,
  6.89767334985100004550e-1, 1.67638483018380384940e+0, 2.05319162663775882187e+0, 1.0];
const E = [2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3, 2.65321895265761230930e-2,
  2.96560571828504891230e-1, 1.78482653991729133580e+0, 5.46378491116411436990e+0, 6.65790464350110377720e+0];
const F = [2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5, 7.86869131145613259100e-4,
  1.48753612908506148525e-2, 1.36929880922735805310e-1, 5.99832206555887937690e-1, 1.0];

function horner(c: number[], x: number): number {
  let p = c[0];
  for (let i = 1; i < 8; i++) p = p * x + c[i];
  return p;
}

/** Φ⁻¹(1 − r) for 0 < r < 0.075 (AS241's tail branch) */
export function tail(r: number): number {
  let t = Math.sqrt(-plog(r));
  if (t <= 5) { t = t - 1.6; return horner(CC, t) / horner(D, t); }
  t = t - 5;
  return horner(E, t) / horner(F, t);
}

/** Φ⁻¹(p), 0 < p < 1 (AS241) */
export function ndtri(p: number): number {
  const q = p - 0.5;
  if (Math.abs(q) <= 0.425) {
    const r = 0.180625 - q * q;
    return (q * horner(A, r)) / horner(B, r);
  }
  const z = tail(q < 0 ? p : 1 - p);
  return q < 0 ? -z : z;
}
