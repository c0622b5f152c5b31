// Portable float64 e^x, ln x and the AS241 normal tail for the native kernels (included by
// noise_f32.h inside ISA_NS): the same bits as src/crossbar/normal_quantile.ts (formulas there):
//   pexp(x)   clamp ±700, k = floor(x/ln2 + ½), r = (x − k·ln2_hi) − k·ln2_lo, Horner to r¹², × 2^k
//   plog(x)   x = m·2^e, m ∈ [√½, √2]; s = (m − 1)/(m + 1); 2s·Σ s^{2n}/(2n + 1), n ≤ 10; + e·ln2
//   tail(r)   Φ⁻¹(1 − r), 0 < r < 0.075: t = √(−ln r); C(t − 1.6)/D(t − 1.6) for t ≤ 5, else
//             E(t − 5)/F(t − 5) (AS241, Horner)
// float64 throughout, every operation rounded separately (-ffp-contract=off). Only the rare tail
// bins of the programming-noise draw use these (scalar code).

namespace qf64 {
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

static inline double pexp(double x) {
  x = x < -700.0 ? -700.0 : x;
  x = x > 700.0 ? 700.0 : x;
  const double k = __builtin_floor(x * INV_LN2 + 0.5);
  const double r = (x - k * LN2_HI) - k * LN2_LO;
  // 1/n!, n! exact in float64, each quotient correctly rounded (as the TS table)
  double p = 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 1.0 / 2.0;
  p = p * r + 1.0;
  p = p * r + 1.0;
  const uint64_t bits = uint64_t(int64_t(k) + 1023) << 52;  // 2^k, exact (|k| ≤ 1010)
  double scale;
  __builtin_memcpy(&scale, &bits, 8);
  return p * scale;
}

static inline double plog(double x) {
  const double SQRT2 = 1.4142135623730951, SQRT_HALF = 0.7071067811865476;
  double m = x;
  int e = 0;
  while (m < SQRT_HALF) { m *= 2; e--; }
  while (m > SQRT2) { m *= 0.5; e++; }
  const double s = (m - 1) / (m + 1), s2 = s * s;
  double p = 1.0 / 21;
  for (int n = 19; n >= 3; n -= 2) p = p * s2 + 1.0 / n;
  p = p * s2 + 1;
  return double(e) * LN2_HI + (2 * s * p + double(e) * LN2_LO);
}

static inline double horner(const double* c, double x) {
  double p = c[0];
  for (int i = 1; i < 8; i++) p = p * x + c[i];
  return p;
}

static double tail(double r) {
  static const double CC[8] = {7.74545014278341407640e-4, 2.27238449892691845833e-2, 2.41780725177450611770e-1,
                               1.27045825245236838258e+0, 3.64784832476320460504e+0, 5.76949722146069140550e+0,
                               4.63033784615654529590e+0, 1.42343711074968357734e+0};
  static const double D[8] = {1.05075007164441684324e-9, 5.47593808499534494600e-4, 1.51986665636164571966e-2,
                              1.48103976427480074590e-1, 6.89767334985100004550e-1, 1.67638483018380384940e+0,
                              2.05319162663775882187e+0, 1.0};
  static const double E[8] = {2.01033439929228813265e-7, 2.71155556874348757815e-5, 1.24266094738807843860e-3,
                              2.65321895265761230930e-2, 2.96560571828504891230e-1, 1.78482653991729133580e+0,
                              5.46378491116411436990e+0, 6.65790464350110377720e+0};
  static const double F[8] = {2.04426310338993978564e-15, 1.42151175831644588870e-7, 1.84631831751005468180e-5,
                              7.86869131145613259100e-4, 1.48753612908506148525e-2, 1.36929880922735805310e-1,
                              5.99832206555887937690e-1, 1.0};
  double t = __builtin_sqrt(-plog(r));
  if (t <= 5) {
    t = t - 1.6;
    return horner(CC, t) / horner(D, t);
  }
  t = t - 5;
  return horner(E, t) / horner(F, t);
}
}  // namespace qf64
