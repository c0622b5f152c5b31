// Counter-based noise for the native kernels (included by program_impl.h inside ISA_NS): the float32
// Box–Muller normals of src/crossbar/counter_normal.ts (with src/crossbar/f32_math.ts lnUnit,
// sinQuarter) for the per-output read noise, and the lognormal quantile-table factors and landings
// of src/crossbar/prog_noise_counter.ts for the programming variation; the formulas are written
// there, and these give the same bits. Every operation is one float32 operation in the
// TS order (-ffp-contract=off: no FMA), constants are float(<double literal>) as the TS
// Math.fround(<double literal>). Loops are branch-free (selects) over small arrays so the compiler
// vectorises them at the ISA's width (16 lanes with AVX-512).
//
// -fno-math-errno from here on: lets __builtin_sqrtf / floorf become vector instructions; the
// results are the IEEE ones either way (nothing here reads errno, and sqrt's argument is ≥ 0).
#pragma GCC optimize("no-math-errno")

#include "quantile_f64.h"

static const uint32_t PHI = 0x9e3779b9u;

// U: uint32_t, or a GCC vector of uint32_t (u32x16, u32x8: the same operations on every lane,
// wrapping mod 2³² like the scalar ones)
typedef uint32_t u32x16 __attribute__((vector_size(64)));
typedef uint32_t u32x8 __attribute__((vector_size(32)));

template <typename U>
static inline __attribute__((always_inline)) U mix32(U x) {
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

// the counter word mix(b + c·φ) of counter c in the block with base word b (counter_normal.ts
// counterWord; the programming noise's word of element e = 2s + c is counterWord(b, e)); for a
// vector c, the words of all its lanes
template <typename U>
static inline __attribute__((always_inline)) U counterWordOf(uint32_t b, U c) { return mix32<U>(b + c * PHI); }
static inline __attribute__((always_inline)) uint32_t counterWord(uint32_t b, uint32_t c) { return counterWordOf<uint32_t>(b, c); }

namespace nf32 {
static const float LN2_HI = float(0.693359375);
static const float LN2_LO = float(-0.00021219444005471377);
static const float L3 = float(1.0 / 3), L5 = float(1.0 / 5), L7 = float(1.0 / 7), L9 = float(1.0 / 9);
static const float SQRT2F = float(1.4142135623730951);
static const float S0 = float(1.5707963267948966), S1 = float(-0.6459640975062462), S2 = float(0.07969262624616703),
                   S3 = float(-0.004681754135318687), S4 = float(0.00016044118478735975),
                   S5 = float(-3.598843235212084e-06), S6 = float(5.692172921967924e-08);
}  // namespace nf32

// ln(n·2⁻²⁴), 1 ≤ n < 2²⁴ (f32_math.ts lnUnit; E and m from the exact float of n)
static inline __attribute__((always_inline)) float lnUnit(int32_t n) {
  using namespace nf32;
  const uint32_t bits = __builtin_bit_cast(uint32_t, float(n));
  int E = int(bits >> 23) - 127;
  float m = __builtin_bit_cast(float, (bits & 0x7fffffu) | 0x3f800000u);
  const bool big = m > SQRT2F;
  m = big ? m * 0.5f : m;
  E = big ? E + 1 : E;
  const float s = (m - 1.f) / (m + 1.f);
  const float s2 = s * s;
  float p = L9;
  p = p * s2 + L7;
  p = p * s2 + L5;
  p = p * s2 + L3;
  p = p * s2 + 1.f;
  const float lnm = (2.f * s) * p;
  const float k = float(E - 24);
  return k * LN2_HI + (k * LN2_LO + lnm);
}

// the polar part of pair p of block base b (counter_normal.ts pairPolar): ρ, quadrant Q, x ∈ (0, 1)
static inline __attribute__((always_inline)) void pairPolar(uint32_t b, uint32_t p, float& rho, uint32_t& Q, float& x) {
  const uint32_t c2 = p * 2u;
  const uint32_t h1 = counterWord(b, c2), h2 = counterWord(b, c2 + 1u);
  rho = __builtin_sqrtf(-2.f * lnUnit(int32_t((h1 >> 9) * 2u + 1u)));
  Q = h2 >> 30;
  x = float(int32_t(((h2 >> 8) & 0x3fffffu) * 2u + 1u)) * 1.1920928955078125e-7f;
}

// sin(πy/2), y ∈ (0, 1) (f32_math.ts sinQuarter)
static inline __attribute__((always_inline)) float sinQuarter(float y) {
  using namespace nf32;
  const float y2 = y * y;
  float s = S6;
  s = s * y2 + S5;
  s = s * y2 + S4;
  s = s * y2 + S3;
  s = s * y2 + S2;
  s = s * y2 + S1;
  s = s * y2 + S0;
  return y * s;
}

// component c (0: ρ cos θ, 1: ρ sin θ) of a pair from its polar part (counter_normal.ts component)
static inline __attribute__((always_inline)) float component(float rho, uint32_t Q, float x, uint32_t c) {
  const uint32_t q = (Q + 1u - c) & 3u;
  const float y = (q & 1u) ? 1.f - x : x;
  const float s = sinQuarter(y);
  return rho * ((q & 2u) ? -s : s);
}

// z(b, 2p + c)
static inline __attribute__((always_inline)) float normalAt(uint32_t b, uint32_t p, uint32_t c) {
  float rho, x;
  uint32_t Q;
  pairPolar(b, p, rho, Q, x);
  return component(rho, Q, x, c);
}


constexpr int QSHIFT = 20;         // bin k = h ≫ 20 of K = 4096
constexpr uint32_t QLAST = 4095u;

// the factor E of word h from the quantile table T for the inner bins 1 … K − 2
// (prog_noise_counter.ts lognormalFactor); tail bins give T's clamped value (fixed by tailFactor)
static inline __attribute__((always_inline)) float innerFactor(uint32_t h, const float* __restrict T) {
  uint32_t k = h >> QSHIFT;
  k = k < 1u ? 1u : k;
  k = k > QLAST - 1u ? QLAST - 1u : k;
  const float fr = float(int32_t((h & 0xfffffu) * 2u + 1u)) * 4.76837158203125e-7f;  // 2⁻²¹
  const float t0 = T[k], t1 = T[k + 1];
  return t0 + fr * (t1 - t0);
}

static inline __attribute__((always_inline)) int isTail(uint32_t h) {
  const uint32_t k = h >> QSHIFT;
  return int(k == 0u) | int(k == QLAST);
}

// the factor E of a word h in a tail bin (k = 0 or K − 1): the exact quantile, float64
static float tailFactor(uint32_t h, float sigma) {
  const double s = double(sigma);
  if ((h >> QSHIFT) == 0u) return float(qf64::pexp(-s * qf64::tail((2.0 * double(h) + 1.0) * 0x1p-33)));
  return float(qf64::pexp(s * qf64::tail((2.0 * double(0xffffffffu - h) + 1.0) * 0x1p-33)));
}

#if ISA_LEVEL >= 3
// 16 words h = counterWord(b, e) at once
static inline __m512i counterWords512(uint32_t b, __m512i e) { return (__m512i)counterWordOf<u32x16>(b, (u32x16)e); }

// innerFactor of 16 words (tail-bin lanes flagged in `tail`, their value to be replaced): one
// 64-bit gather per 8 lanes of the pair (T[k], T[k + 1]) (T read as 8-byte words at byte offset 4k,
// unaligned), even / odd floats apart
static inline __m512 factors512(__m512i x, const float* __restrict T, __mmask16& tail) {
  const __m512i one = _mm512_set1_epi32(1);
  const __m512i kraw = _mm512_srli_epi32(x, QSHIFT);
  tail = _mm512_cmpeq_epi32_mask(kraw, _mm512_setzero_si512()) | _mm512_cmpeq_epi32_mask(kraw, _mm512_set1_epi32(int32_t(QLAST)));
  const __m512i k = _mm512_min_epu32(_mm512_max_epu32(kraw, one), _mm512_set1_epi32(int32_t(QLAST - 1u)));
  const __m512i m = _mm512_add_epi32(_mm512_slli_epi32(_mm512_and_si512(x, _mm512_set1_epi32(0xfffff)), 1), one);
  const __m512 fr = _mm512_mul_ps(_mm512_cvtepi32_ps(m), _mm512_set1_ps(4.76837158203125e-7f));
  const __m512d g0 = _mm512_i32gather_pd(_mm512_castsi512_si256(k), reinterpret_cast<const double*>(T), 4);
  const __m512d g1 = _mm512_i32gather_pd(_mm512_extracti64x4_epi64(k, 1), reinterpret_cast<const double*>(T), 4);
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odds = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  const __m512 t0 = _mm512_permutex2var_ps(_mm512_castpd_ps(g0), evens, _mm512_castpd_ps(g1));
  const __m512 t1 = _mm512_permutex2var_ps(_mm512_castpd_ps(g0), odds, _mm512_castpd_ps(g1));
  return _mm512_add_ps(t0, _mm512_mul_ps(fr, _mm512_sub_ps(t1, t0)));
}
#endif

#if ISA_LEVEL == 2
// 8 words h = counterWord(b, e) at once
static inline __m256i counterWords256(uint32_t b, __m256i e) { return (__m256i)counterWordOf<u32x8>(b, (u32x8)e); }

// innerFactor of 8 words (tail-bin lanes as a movemask bit set in `tail`, to be replaced): 32-bit
// gathers of T[k] and T[k + 1]
static inline __m256 factors256(__m256i x, const float* __restrict T, int& tail) {
  const __m256i one = _mm256_set1_epi32(1);
  const __m256i kraw = _mm256_srli_epi32(x, QSHIFT);
  tail = _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_or_si256(
      _mm256_cmpeq_epi32(kraw, _mm256_setzero_si256()), _mm256_cmpeq_epi32(kraw, _mm256_set1_epi32(int32_t(QLAST))))));
  const __m256i k = _mm256_min_epu32(_mm256_max_epu32(kraw, one), _mm256_set1_epi32(int32_t(QLAST - 1u)));
  const __m256i m = _mm256_add_epi32(_mm256_slli_epi32(_mm256_and_si256(x, _mm256_set1_epi32(0xfffff)), 1), one);
  const __m256 fr = _mm256_mul_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(4.76837158203125e-7f));
  const __m256 t0 = _mm256_i32gather_ps(T, k, 4);
  const __m256 t1 = _mm256_i32gather_ps(T, _mm256_add_epi32(k, one), 4);
  return _mm256_add_ps(t0, _mm256_mul_ps(fr, _mm256_sub_ps(t1, t0)));
}
#endif

// E[i] = the factor of H[i] = counterWord(b, e0 + 2i + (chP[i] ? 0 : 1)) for i < NG16 = 16, tail bins
// left at the table's clamped value; returns whether any H[i] is in a tail bin (the caller fixes
// those). Used by the auto-vectorised span loop (the baseline ISA, and RRAMSIM_NOISY512=0): the
// hand-written AVX-512 / AVX2 passes in program_impl.h draw in their own sweep.
constexpr int NG16 = 16;
static inline int groupFactors(uint32_t b, uint32_t e0, const int32_t* __restrict chP, const float* __restrict T,
                               float* __restrict E, uint32_t* __restrict H) {
  int tails = 0;
  for (int i = 0; i < NG16; i++) {
    const uint32_t h = counterWord(b, e0 + 2u * uint32_t(i) + (chP[i] ? 0u : 1u));
    H[i] = h;
    E[i] = innerFactor(h, T);
    tails |= isTail(h);
  }
  return tails;
}

// whether any of c[0..15] is non-zero
static inline int groupAny(const int32_t* __restrict c) {
#if ISA_LEVEL >= 3
  const __m512i v = _mm512_loadu_si512(c);
  return _mm512_test_epi32_mask(v, v) != 0;
#elif ISA_LEVEL == 2
  const __m256i v = _mm256_or_si256(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(c)),
                                    _mm256_loadu_si256(reinterpret_cast<const __m256i*>(c + 8)));
  return !_mm256_testz_si256(v, v);
#else
  int any = 0;
  for (int i = 0; i < NG16; i++) any |= c[i];
  return any;
#endif
}

// landing of target q with factor E (prog_noise_counter.ts landCounter; off float32)
static inline __attribute__((always_inline)) float landF32(float q, float E, float off) {
  return ((q + off) * E) - off;
}

// y[k] += √v[k]·z(b, e0 + k), k < len, e0 even (read_noise_output.ts outputs): float32,
// y = y + (√v·z)
static void outputNoise(float* __restrict y, const float* __restrict v, int len, uint32_t b, uint32_t e0) {
  const uint32_t p0 = e0 >> 1;
  const int pairs = len >> 1;
#pragma GCC ivdep
  for (int k = 0; k < pairs; k++) {
    float rho, x;
    uint32_t Q;
    pairPolar(b, p0 + uint32_t(k), rho, Q, x);
    const float z0 = component(rho, Q, x, 0), z1 = component(rho, Q, x, 1);
    y[2 * k] = y[2 * k] + __builtin_sqrtf(v[2 * k]) * z0;
    y[2 * k + 1] = y[2 * k + 1] + __builtin_sqrtf(v[2 * k + 1]) * z1;
  }
  if (len & 1) {
    const float z0 = normalAt(b, p0 + uint32_t(pairs), 0);
    y[len - 1] = y[len - 1] + __builtin_sqrtf(v[len - 1]) * z0;
  }
}

// y[i] = x[i]·x[i] (float32; the per-output read noise's X∘X)
static void squares(const float* __restrict x, float* __restrict y, int len) {
  for (int i = 0; i < len; i++) y[i] = x[i] * x[i];
}
