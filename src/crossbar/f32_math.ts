/**
 * Portable float32 ln and quarter-turn sine for the counter-based normal generator
 * (counter_normal.ts): every operation is one IEEE float32 operation
 * (here Math.fround of the float64 result, which for + − × ÷ √ of float32 operands is the
 * correctly rounded float32 result), in a fixed order, with no FMA; the native kernels
 * (src/native/noise_f32.h, compiled with -ffp-contract=off) do the same operations in the same
 * order, so both give the same bits (test/crossbar/counter_normal.test.ts). Constants are float64
 * literals rounded to float32 (the same two roundings in C++: float(<double literal>)).
 *
 *   lnUnit(n)   = ln(n·2⁻²⁴) for an integer 1 ≤ n < 2²⁴: n = m·2^E (E = 31 − clz32(n), m ∈ [1, 2),
 *                 exact); if m > √2: m ← m/2, E ← E + 1; s = (m − 1)/(m + 1) (|s| ≤ 0.1716),
 *                 ln m = 2s·(1 + s²/3 + s⁴/5 + s⁶/7 + s⁸/9)  (truncation < 3e-9 relative),
 *                 result = k·ln2_hi + (k·ln2_lo + ln m), k = E − 24, ln2_hi = 0.693359375 (9 bits:
 *                 k·ln2_hi exact), ln2_lo = ln 2 − ln2_hi
 *   sinQuarter(y)  for y ∈ (0, 1): sin(πy/2) = y·Σ_{j=0..6} (−1)^j (π/2)^{2j+1}/(2j+1)!·y^{2j}
 *                 (Taylor, Horner in y²; truncation < 7e-10); cos(πx/2) is taken as sinQuarter(1 − x)
 * Accuracy against Math.log / Math.sin: a few float32 ulps (tested).
 */

const f = Math.fround;

const LN2_HI = f(0.693359375);
const LN2_LO = f(-0.00021219444005471377);
const L3 = f(1 / 3), L5 = f(1 / 5), L7 = f(1 / 7), L9 = f(1 / 9);
const SQRT2F = f(1.4142135623730951);
/** (−1)^j (π/2)^{2j+1}/(2j+1)!, j = 0..6 */
const SIN_C = [1.5707963267948966, -0.6459640975062462, 0.07969262624616703, -0.004681754135318687,
  0.00016044118478735975, -3.598843235212084e-06, 5.692172921967924e-08].map(f);

/** 2^k for k ∈ [−150, 150] (exact float64) */
const POW2 = new Float64Array(301);
for (let k = -150; k <= 150; k++) POW2[k + 150] = 2 ** k;

/** ln(n·2⁻²⁴) in float32, n an integer in [1, 2²⁴) */
export function lnUnit(n: number): number {
  let E = 31 - Math.clz32(n);
  let m = n * POW2[150 - E];
  if (m > SQRT2F) { m *= 0.5; E += 1; }
  const s = f(f(m - 1) / f(m + 1));
  const s2 = f(s * s);
  let p = L9;
  p = f(f(p * s2) + L7);
  p = f(f(p * s2) + L5);
  p = f(f(p * s2) + L3);
  p = f(f(p * s2) + 1);
  const lnm = f(f(2 * s) * p);
  const k = E - 24;
  return f(f(k * LN2_HI) + f(f(k * LN2_LO) + lnm));
}

/** sin(πy/2) in float32 for y ∈ (0, 1) a float32 value */
export function sinQuarter(y: number): number {
  const y2 = f(y * y);
  let s = SIN_C[6];
  for (let j = 5; j >= 0; j--) s = f(f(s * y2) + SIN_C[j]);
  return f(y * s);
}
