// Counter-based programming variation for the native programming pass (included by program_impl.h
// inside ISA_NS): the same bits as src/crossbar/prog_noise_counter.ts (formulas there):
//   z(f, e)   lowbias32 words h(c) = mix(b + c·φ), c = 2e (uniform u) and 2e + 1 (layer i), ZIGNOR
//             fast path |u| < ratio[i] → z = u·x[i]; else the wedge / tail path with uniforms
//             h'(64e + j) = mix(b' + (64e + j)·φ) and the portable pexp / plog
//   pexp(x)   clamp ±700, k = floor(x/ln2 + ½), r = (x − k·ln2_hi) − k·ln2_lo, Horner to r¹², × 2^k
//   plog(x)   x = m·2^e, m ∈ [√½, √2]; s = (m − 1)/(m + 1); 2s·Σ s^{2n}/(2n + 1), n ≤ 10; + e·ln2
//   landing   u = f32((q + g₀)·pexp(σ·z) − g₀)
// float64 throughout, every operation rounded separately (-ffp-contract=off). `fastNormals` is
// written branch-free (table look-ups, selects) so it vectorises; the rare slow draws are fixed
// afterwards by the scalar `slowNormal`.

static const uint32_t PHI = 0x9e3779b9u;
static const double INV32 = 1.0 / 4294967296.0;
static const double ZR = 3.442619855899;
static const double LN2_HI = 6.93147180369123816490e-01;
static const double LN2_LO = 1.90821492927058770002e-10;
static const double INV_LN2 = 1.44269504088896338700e+00;

static inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

// e^x (prog_noise_counter.ts pexp)
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

// ln x, x > 0 (prog_noise_counter.ts plog)
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

struct SlowUniforms {
  uint32_t b2, c;
  double next() {
    const uint32_t h = mix32(b2 + c * PHI);
    c += 1;
    return (double(h) + 0.5) * INV32;
  }
};

static double slowNormal(uint32_t b2, uint32_t e, double u, int i, const double* zx, const double* zratio) {
  SlowUniforms su{b2, e * 64u};
  for (;;) {
    if (i == 0) {
      double x, y;
      do {
        x = plog(su.next()) / ZR;
        y = plog(su.next());
      } while (-2 * y < x * x);
      return u < 0 ? x - ZR : ZR - x;
    }
    const double x = u * zx[i];
    const double f0 = pexp(-0.5 * (zx[i] * zx[i] - x * x));
    const double f1 = pexp(-0.5 * (zx[i + 1] * zx[i + 1] - x * x));
    if (f1 + su.next() * (f0 - f1) < 1) return x;
    u = 2 * su.next() - 1;
    i = int(__builtin_floor(su.next() * 128)) & 127;
    if (__builtin_fabs(u) < zratio[i]) return u * zx[i];
  }
}

// z[j] = z(f, e[j]) for j < n (n ≤ 256)
static void normalsAt(uint32_t b, uint32_t b2, const uint32_t* __restrict e, int n, const double* zx,
                      const double* zratio, double* __restrict z) {
  alignas(64) int32_t slow[256];
  alignas(64) double uu[256];
  alignas(64) int32_t ii[256];
  int any = 0;
  for (int j = 0; j < n; j++) {
    const uint32_t c = e[j] << 1;
    const uint32_t h0 = mix32(b + c * PHI), h1 = mix32(b + (c + 1u) * PHI);
    const double u = 2 * ((double(h0) + 0.5) * INV32) - 1;
    const int i = int(h1 & 127u);
    const double zf = u * zx[i];
    const double rt = zratio[i];
    const int sl = !(__builtin_fabs(u) < rt);
    slow[j] = sl;
    any |= sl;
    uu[j] = u;
    ii[j] = i;
    z[j] = zf;
  }
  if (!any) return;
  for (int j = 0; j < n; j++) {
    if (slow[j]) z[j] = slowNormal(b2, e[j], uu[j], ii[j], zx, zratio);
  }
}

// u[j] = chg[j] ? f32((q[j] + off)·pexp(σ·z[j]) − off) : u[j]
static void landAll(const float* __restrict q, const int32_t* __restrict chg, const double* __restrict z, int n,
                    double sigma, double off, float* __restrict u) {
  for (int j = 0; j < n; j++) {
    const float l = float((double(q[j]) + off) * pexp(sigma * z[j]) - off);
    const float o = u[j];
    u[j] = chg[j] ? l : o;
  }
}
