// Native pass of the open-loop and mixed-precision update schemes on the differential mapping
// (included by kernels_impl.h inside ISA_NS, compiled per instruction set; pulse_kernel.cc checks
// the arguments, calls this through the kernel table and keeps verify-pulses and the offset
// mapping). The rules and bits are those of src/crossbar/update/pulse_programmer.ts:
//   t = ±1 beyond ±wMax, else w·(1/wMax);  healthy slot: u*⁺ = f32(max(t, 0)), u*⁻ = f32(max(−t, 0))
//   open-loop         n = round(Δ/dwMin), Δ = u* − aim   (Math.round: r = ⌈q⌉, r − 1 if r − ½ > q)
//   mixed-precision   acc' = f32(acc + f32(Δ)), n = trunc(acc'/dwMin), acc ← f32(acc' − n·dwMin) if n ≠ 0
//   pulse p of cell c (count k = its pulses so far): z = Φ⁻¹ of word mix32(b_c + k·φ) by the
//   4096-bin table (exact AS241 tail in the two outer bins), b_c = mix32(k0 ⊕ mix32(c ⊕ k1))
//   u' = f32(clamp(u ± ((dw±·g_c)·F±(u))·(1 + σc·z), uMin, uMax)), F = 1 (constant) or
//   max(0, 1 ∓ γ±·x), x = (u − mid)·invH (linear, soft bounds)
// float64 in that order, float32 where the loop rounds (-ffp-contract=off: no FMA).
//
// Work layout (the cells are independent: a target that reads a partner reads a stuck cell, which
// no pulse moves; so any order of cells gives the same bits, and the totals are integer sums):
//   the logical weights in blocks of BLOCK consecutive indices; per block
//   1. count sweep, branch-free (vectorised at the ISA's width): clip count, changed weights
//      (w ≠ last, or `full`), targets (stuck partners included), aims, accumulators, pulse counts;
//   2. a count beyond ±2³⁰ (the int32 lanes) goes to the loop's scalar rules (`countOf`), its
//      train applied there (`trainScalar`);
//   3. identity permutations: the first pulse of every cell of the block at once (dense, vectorised;
//      the draws by table gathers, the rare tail bins fixed after; a cell without a count keeps u);
//      the cells with more pulses, and with permutations all cells with a count, become lanes:
//      pulse p of all lanes still pulsing at once, the finished ones dropped after each pulse;
//      each cell still gets its pulses in its own order, with its own counter words;
//   4. W_eff of the weights with a pulsed cell (or all when `full`).
//   Blocks are split over the kernel thread pool (parallel.h) in contiguous ranges; each part
//   sums its own totals (integers, exact in float64), so the thread count changes no bit.
// Permutations: slot s = permR[i]·cols + permC[j]; the block's slot arrays are gathered into
// block-local copies for the sweep and scattered back (identity: used in place).
// Memory per weight and pass (what bounds the pass): val, last, kind, uP/uN, aimP/aimN (+ accP/accN),
// and per pulsed cell u, count, write counter and its gain (float64), W_eff.

namespace pulsepass {

constexpr int BLOCK = 2048;
constexpr uint32_t PHI = 0x9e3779b9u;
constexpr double BIG = 1073741824.0;  // 2³⁰: beyond it the count goes to the scalar rules (int64)
constexpr int64_t BIGN = 1073741824;

static inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

// the per-thread scratch of one block
struct Scratch {
  std::vector<int32_t> sidx, nP, nN, E, S, N;
  std::vector<uint8_t> kindL, spec;
  std::vector<float> uPL, uNL, aimPL, aimNL, accPL, accNL;
  std::vector<double> U, GD, DIR, ZS;
  std::vector<uint32_t> B, CNT, H;
  Scratch() {
    sidx.resize(BLOCK); nP.resize(BLOCK); nN.resize(BLOCK); E.resize(BLOCK + 1);
    S.resize(BLOCK); N.resize(BLOCK);
    kindL.resize(BLOCK); spec.resize(BLOCK);
    uPL.resize(BLOCK); uNL.resize(BLOCK); aimPL.resize(BLOCK); aimNL.resize(BLOCK); accPL.resize(BLOCK); accNL.resize(BLOCK);
    U.resize(BLOCK); GD.resize(BLOCK); DIR.resize(BLOCK); ZS.resize(BLOCK);
    B.resize(BLOCK); CNT.resize(BLOCK); H.resize(BLOCK);
  }
};

struct Totals {
  double events = 0, clipped = 0, pulses = 0;
  int touched = 0;
};

// 1. the count sweep of nb weights (all arrays contiguous, index i): nP/nN = the cells' counts
// (0 for a stuck cell or an unchanged weight); spec bit 0: a changed weight whose count is beyond
// the lanes' range (the scalar rules count it), bit 1: an aim changed (the array is touched),
// bit 2 (set by step 2): a train applied there directly. A slot with a stuck cell: the free
// cell's target reads the stuck partner, u*⁺ = f32(clamp(u⁻ + t, 0, 1)), u*⁻ = f32(clamp(u⁺ − t, 0, 1)).
template <int SCHEME>
__attribute__((noinline)) static void countSweep(const float* __restrict val, float* __restrict last,
                                                 const uint8_t* __restrict kind, const float* __restrict uP,
                                                 const float* __restrict uN, float* __restrict aimP,
                                                 float* __restrict aimN, float* __restrict accP, float* __restrict accN,
                                                 int32_t* __restrict nP, int32_t* __restrict nN,
                                                 uint8_t* __restrict spec, int nb, double wMax, double inv,
                                                 double dwMin, int full, int& clipped) {
  int cl = 0;
  for (int i = 0; i < nb; i++) {
    const float w = val[i], lw = last[i];
    const double wd = w;
    cl += int(wd > wMax) | int(wd < -wMax);
    const int ch = full | int(!(w == lw));
    last[i] = ch ? w : lw;
    const double t = wd > wMax ? 1.0 : wd < -wMax ? -1.0 : wd * inv;
    const int kd = kind[i];
    const int h = int(kd == 0), actP = h | int(kd == 2), actN = h | int(kd == 1);
    double xp = double(uN[i]) + t, xn = double(uP[i]) - t;
    xp = xp < 0 ? 0.0 : xp;
    xp = xp > 1 ? 1.0 : xp;
    xn = xn < 0 ? 0.0 : xn;
    xn = xn > 1 ? 1.0 : xn;
    const double hp = t > 0 ? t : 0.0, mt = -t, hn = t < 0 ? mt : 0.0;
    const float tgP = float(h ? hp : xp), tgN = float(h ? hn : xn);
    const float aP = aimP[i], aN = aimN[i];
    const double dP = double(tgP) - double(aP), dN = double(tgN) - double(aN);
    double rP, rN, qP, qN;
    float cP = 0.f, cN = 0.f, a2P = 0.f, a2N = 0.f;
    if (SCHEME == 0) {
      qP = dP / dwMin;
      qN = dN / dwMin;
      rP = __builtin_ceil(qP);
      rP = rP - 0.5 > qP ? rP - 1.0 : rP;
      rN = __builtin_ceil(qN);
      rN = rN - 0.5 > qN ? rN - 1.0 : rN;
    } else {
      cP = accP[i];
      cN = accN[i];
      const double acP = double(float(double(cP) + double(float(dP))));
      const double acN = double(float(double(cN) + double(float(dN))));
      qP = acP / dwMin;
      qN = acN / dwMin;
      rP = __builtin_trunc(qP);
      rN = __builtin_trunc(qN);
      a2P = rP != 0 ? float(acP - rP * dwMin) : float(acP);
      a2N = rN != 0 ? float(acN - rN * dwMin) : float(acN);
    }
    const int okP = int(__builtin_fabs(qP) < BIG) | (1 - actP), okN = int(__builtin_fabs(qN) < BIG) | (1 - actN);
    const int ok = okP & okN;
    const int fast = ch & ok;
    const int mP = fast & actP & int(tgP != aP), mN = fast & actN & int(tgN != aN);
    aimP[i] = mP ? tgP : aP;  // an equal aim keeps its bits (−0 stays −0, as the loop leaves it)
    aimN[i] = mN ? tgN : aN;
    if (SCHEME == 1) {
      accP[i] = mP ? a2P : cP;
      accN[i] = mN ? a2N : cN;
    }
    nP[i] = int32_t(okP ? rP : 0.0) & -mP;
    nN[i] = int32_t(okN ? rN : 0.0) & -mN;
    spec[i] = uint8_t((ch & (1 - ok)) | ((mP | mN) << 1));
  }
  clipped += cl;
}

// the draws of pulse number CNT[l] + pp of the cells with block bases B[l], l < L: the words H and
// z = Φ⁻¹ by the table (gathers at the ISA's width), then the exact tail in the two outer bins
static inline void draws(const uint32_t* __restrict B, const uint32_t* __restrict CNT, uint32_t pp, int L,
                         const double* __restrict Z, uint32_t* __restrict H, double* __restrict ZS) {
  int l0 = 0;
#if ISA_LEVEL >= 3
  // 8 lanes at a time: the same integer hash, the table read by gathers, the same float64 ops
  {
    const __m256i vp = _mm256_set1_epi32(int(pp)), vphi = _mm256_set1_epi32(int(PHI));
    const __m256i c1 = _mm256_set1_epi32(int(0x21f0aaadu)), c2 = _mm256_set1_epi32(int(0x735a2d97u));
    const __m256i lowm = _mm256_set1_epi32(0xfffff);
    const __m512d two = _mm512_set1_pd(2.0), one = _mm512_set1_pd(1.0), sc = _mm512_set1_pd(0x1p-21);
    for (; l0 + 8 <= L; l0 += 8) {
      __m256i x = _mm256_add_epi32(_mm256_loadu_si256((const __m256i*)(B + l0)),
                                   _mm256_mullo_epi32(_mm256_add_epi32(_mm256_loadu_si256((const __m256i*)(CNT + l0)), vp), vphi));
      x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 16));
      x = _mm256_mullo_epi32(x, c1);
      x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
      x = _mm256_mullo_epi32(x, c2);
      x = _mm256_xor_si256(x, _mm256_srli_epi32(x, 15));
      _mm256_storeu_si256((__m256i*)(H + l0), x);
      const __m256i j = _mm256_srli_epi32(x, 20);
      const __m512d z0 = _mm512_i32gather_pd(j, Z, 8), z1 = _mm512_i32gather_pd(j, Z + 1, 8);
      const __m512d fr = _mm512_cvtepi32_pd(_mm256_and_si256(x, lowm));
      const __m512d t = _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(fr, two), one), sc);
      _mm512_storeu_pd(ZS + l0, _mm512_add_pd(z0, _mm512_mul_pd(t, _mm512_sub_pd(z1, z0))));
    }
  }
#elif ISA_LEVEL == 2
  // 4 lanes at a time (as above)
  {
    const __m128i vp = _mm_set1_epi32(int(pp)), vphi = _mm_set1_epi32(int(PHI));
    const __m128i c1 = _mm_set1_epi32(int(0x21f0aaadu)), c2 = _mm_set1_epi32(int(0x735a2d97u));
    const __m128i lowm = _mm_set1_epi32(0xfffff);
    const __m256d two = _mm256_set1_pd(2.0), one = _mm256_set1_pd(1.0), sc = _mm256_set1_pd(0x1p-21);
    for (; l0 + 4 <= L; l0 += 4) {
      __m128i x = _mm_add_epi32(_mm_loadu_si128((const __m128i*)(B + l0)),
                                _mm_mullo_epi32(_mm_add_epi32(_mm_loadu_si128((const __m128i*)(CNT + l0)), vp), vphi));
      x = _mm_xor_si128(x, _mm_srli_epi32(x, 16));
      x = _mm_mullo_epi32(x, c1);
      x = _mm_xor_si128(x, _mm_srli_epi32(x, 15));
      x = _mm_mullo_epi32(x, c2);
      x = _mm_xor_si128(x, _mm_srli_epi32(x, 15));
      _mm_storeu_si128((__m128i*)(H + l0), x);
      const __m128i j = _mm_srli_epi32(x, 20);
      const __m256d z0 = _mm256_i32gather_pd(Z, j, 8), z1 = _mm256_i32gather_pd(Z + 1, j, 8);
      const __m256d fr = _mm256_cvtepi32_pd(_mm_and_si128(x, lowm));
      const __m256d t = _mm256_mul_pd(_mm256_add_pd(_mm256_mul_pd(fr, two), one), sc);
      _mm256_storeu_pd(ZS + l0, _mm256_add_pd(z0, _mm256_mul_pd(t, _mm256_sub_pd(z1, z0))));
    }
  }
#endif
  for (int l = l0; l < L; l++) {
    const uint32_t h = mix32(B[l] + (CNT[l] + pp) * PHI);
    H[l] = h;
    const int32_t j = int32_t(h >> 20);
    const double z0 = Z[j];
    ZS[l] = z0 + (double(int32_t(h & 0xfffffu)) * 2.0 + 1.0) * 0x1p-21 * (Z[j + 1] - z0);
  }
  // the outer bins: the exact tail (rare: 2 bins in 4096)
  for (int l = 0; l < L; l++) {
    const uint32_t h = H[l], j = h >> 20;
    if (j - 1u >= 4094u) {
      ZS[l] = j == 0u ? -qf64::tail((2.0 * double(h) + 1.0) * 0x1p-33)
                      : qf64::tail((2.0 * (4294967295.0 - double(h)) + 1.0) * 0x1p-33);
    }
  }
}

// 3. pulse p of the lanes [0, L) (all still pulsing): draws, then responses
template <int CODE>
static inline void pulseRound(const PulseArgs& a, Scratch& w, int L, int p, bool noisy) {
  double* __restrict U = w.U.data();
  const double* __restrict GD = w.GD.data();
  const double* __restrict DIR = w.DIR.data();
  double* __restrict ZS = w.ZS.data();
  if (noisy) draws(w.B.data(), w.CNT.data(), uint32_t(p), L, a.Z, w.H.data(), ZS);
  const double mid = a.mid, invH = a.invH, gU = a.gammaUp, gD = a.gammaDown, lo = a.uMin, hi = a.uMax,
               ctoc = a.ctoc;
  for (int l = 0; l < L; l++) {
    const double u = U[l], up = DIR[l];
    double F = 1.0;
    if (CODE == 1) {
      const double x = (u - mid) * invH;
      const double v = up > 0 ? 1.0 - gU * x : 1.0 + gD * x;
      F = v > 0 ? v : 0.0;
    }
    const double z = noisy ? ZS[l] : 0.0;
    const double dw = GD[l] * F * (1.0 + ctoc * z);
    double v = up > 0 ? u + dw : u - dw;
    v = v < lo ? lo : v > hi ? hi : v;
    const double un = double(float(v));
    U[l] = un;
  }
}

// the scalar count of one cell (the loop's rule; aim/acc at index i), int64
static inline int64_t countOf(int scheme, double dwMin, float tg, float* aim, float* acc, int i, int& touched) {
  const float a0 = aim[i];
  if (tg == a0) return 0;
  aim[i] = tg;
  touched = 1;
  const double d = double(tg) - double(a0);
  if (scheme == 0) {
    const double q = d / dwMin;
    double r = __builtin_ceil(q);
    if (r - 0.5 > q) r -= 1.0;
    return int64_t(r);
  }
  double ac = double(float(double(acc[i]) + double(float(d))));
  const double nn = __builtin_trunc(ac / dwMin);
  if (nn != 0) ac = double(float(ac - nn * dwMin));
  acc[i] = float(ac);
  return int64_t(nn);
}

// a whole train on one cell at once (the scalar order; counts beyond the int32 lanes)
template <int CODE>
static inline float trainScalar(const PulseArgs& a, float u0, int64_t n, uint32_t c, uint32_t& count) {
  const double g = a.gains[c];
  const bool up = n > 0;
  const int64_t m = up ? n : -n;
  const double gd = (up ? a.dwUp : a.dwDown) * g;
  const uint32_t b = mix32(a.k0 ^ mix32(c ^ a.k1));
  double u = u0;
  for (int64_t p = 0; p < m; p++) {
    double z = 0.0;
    if (a.ctoc != 0.0) {
      const uint32_t h = mix32(b + (count + uint32_t(p)) * PHI), j = h >> 20;
      if (j == 0u) z = -qf64::tail((2.0 * double(h) + 1.0) * 0x1p-33);
      else if (j == 4095u) z = qf64::tail((2.0 * (4294967295.0 - double(h)) + 1.0) * 0x1p-33);
      else z = a.Z[j] + (double(h & 0xfffffu) * 2.0 + 1.0) * 0x1p-21 * (a.Z[j + 1] - a.Z[j]);
    }
    double F = 1.0;
    if (CODE == 1) {
      const double x = (u - a.mid) * a.invH;
      const double v = up ? 1.0 - a.gammaUp * x : 1.0 + a.gammaDown * x;
      F = v > 0 ? v : 0.0;
    }
    const double dw = gd * F * (1.0 + a.ctoc * z);
    double v = up ? u + dw : u - dw;
    v = v < a.uMin ? a.uMin : v > a.uMax ? a.uMax : v;
    u = double(float(v));
  }
  count += uint32_t(m);
  return float(u);
}

// the pulses of lanes [0, L) (S slot, U conductance, GD = dw±·g_c, DIR ±1, N pulses, B block base,
// CNT the count of the first): pulse p of all lanes still pulsing at once; after each pulse the
// lanes are written back to u and those with pulses left moved to the front
template <int CODE>
static inline void runLanes(const PulseArgs& a, Scratch& w, int L, float* u) {
  int32_t* S = w.S.data();
  int32_t* N = w.N.data();
  double* U = w.U.data();
  double* GD = w.GD.data();
  double* DIR = w.DIR.data();
  uint32_t* B = w.B.data();
  uint32_t* CNT = w.CNT.data();
  const bool noisy = a.ctoc != 0.0;
  for (int p = 0; L > 0; p++) {
    pulseRound<CODE>(a, w, L, p, noisy);
    int k = 0;
    for (int l = 0; l < L; l++) {
      u[S[l]] = float(U[l]);
      S[k] = S[l]; U[k] = U[l]; GD[k] = GD[l]; DIR[k] = DIR[l]; N[k] = N[l]; B[k] = B[l]; CNT[k] = CNT[l];
      k += int(N[l] > p + 1);
    }
    L = k;
  }
}

// 3. the pulses of one side's cells (u, cnt, wr: the G⁺ or G⁻ arrays; sd the cell offset in
// c = 2s + sd), any slot order: every cell with a count is a lane (branch-free compaction)
template <int CODE>
static inline void trainSide(const PulseArgs& a, Scratch& w, const int32_t* __restrict nX, const int32_t* sidx,
                             int nb, int sd, float* u, uint32_t* cnt, uint32_t* wr, Totals& T) {
  int32_t* E = w.E.data();
  int ne = 0;
  for (int i = 0; i < nb; i++) {
    E[ne] = i;
    ne += int(nX[i] != 0);
  }
  if (ne == 0) return;
  const bool noisy = a.ctoc != 0.0;
  double pulses = 0;
  for (int q = 0; q < ne; q++) {
    const int i = E[q], s = sidx[i];
    const int32_t n = nX[i];
    const int32_t m = n > 0 ? n : -n;
    const uint32_t c = uint32_t(2 * s + sd);
    w.S[q] = s;
    w.U[q] = u[s];
    w.GD[q] = (n > 0 ? a.dwUp : a.dwDown) * a.gains[c];
    w.DIR[q] = n > 0 ? 1.0 : -1.0;
    w.N[q] = m;
    w.B[q] = noisy ? mix32(a.k0 ^ mix32(c ^ a.k1)) : 0u;
    const uint32_t k = cnt[s];
    w.CNT[q] = k;
    cnt[s] = k + uint32_t(m);
    wr[s] += uint32_t(m);
    pulses += double(m);
  }
  T.pulses += pulses;
  T.events += double(ne);
  runLanes<CODE>(a, w, ne, u);
}

// 3'. the same for slots in logical order (identity permutations): the first pulse of every cell of
// the block at once (dense, vectorised: cells without a count keep u; the draws made for the cells
// with a count only), then the cells with more than one pulse as lanes from their second pulse
template <int CODE>
static inline void denseSide(const PulseArgs& a, Scratch& w, const int32_t* __restrict nX, int i0, int nb, int sd,
                             float* u0, uint32_t* cnt0, uint32_t* wr0, Totals& T) {
  const bool noisy = a.ctoc != 0.0;
  double* __restrict ZS = w.ZS.data();
  uint32_t* __restrict B = w.B.data();
  float* __restrict u = u0 + i0;
  uint32_t* __restrict cnt = cnt0 + i0;
  uint32_t* __restrict wr = wr0 + i0;
  const double* __restrict g = a.gains + 2 * size_t(i0) + sd;
  const uint32_t k0 = a.k0, k1 = a.k1, c0 = uint32_t(2 * i0 + sd);
  int32_t* E = w.E.data();
  if (noisy) {
    // the draws of the cells with a count only (listed, drawn together, put back in place)
    int na = 0;
    for (int i = 0; i < nb; i++) {
      E[na] = i;
      na += int(nX[i] != 0);
    }
    uint32_t* __restrict C2 = w.CNT.data();
    double* __restrict Z2 = w.GD.data();
    for (int q = 0; q < na; q++) {
      const int i = E[q];
      B[q] = mix32(k0 ^ mix32((c0 + 2u * uint32_t(i)) ^ k1));
      C2[q] = cnt[i];
    }
    draws(B, C2, 0u, na, a.Z, w.H.data(), Z2);
    for (int q = 0; q < na; q++) ZS[E[q]] = Z2[q];
  }
  const double mid = a.mid, invH = a.invH, gU = a.gammaUp, gD = a.gammaDown, lo = a.uMin, hi = a.uMax,
               ctoc = a.ctoc, dwUp = a.dwUp, dwDown = a.dwDown;
  int64_t msum = 0;
  int act = 0;
  for (int i = 0; i < nb; i++) {
    const int32_t n = nX[i];
    const int32_t m = n > 0 ? n : -n;
    const float uf = u[i];
    const double uo = uf, up = n > 0 ? 1.0 : -1.0;
    const double gd = (n > 0 ? dwUp : dwDown) * g[2 * i];
    double F = 1.0;
    if (CODE == 1) {
      const double x = (uo - mid) * invH;
      const double v = up > 0 ? 1.0 - gU * x : 1.0 + gD * x;
      F = v > 0 ? v : 0.0;
    }
    const double z = noisy ? ZS[i] : 0.0;
    const double dw = gd * F * (1.0 + ctoc * z);
    double v = up > 0 ? uo + dw : uo - dw;
    v = v < lo ? lo : v > hi ? hi : v;
    u[i] = n != 0 ? float(v) : uf;
    cnt[i] += uint32_t(m);
    wr[i] += uint32_t(m);
    msum += m;
    act += int(n != 0);
  }
  T.pulses += double(msum);
  T.events += double(act);
  int ne = 0;
  for (int i = 0; i < nb; i++) {
    E[ne] = i;
    ne += int(nX[i] > 1) | int(nX[i] < -1);
  }
  for (int q = 0; q < ne; q++) {
    const int i = E[q];
    const int32_t n = nX[i];
    const int32_t m = n > 0 ? n : -n;
    const uint32_t c = c0 + 2u * uint32_t(i);
    w.S[q] = i0 + i;
    w.U[q] = u[i];
    w.GD[q] = (n > 0 ? dwUp : dwDown) * g[2 * i];
    w.DIR[q] = n > 0 ? 1.0 : -1.0;
    w.N[q] = m - 1;
    w.B[q] = noisy ? mix32(k0 ^ mix32(c ^ k1)) : 0u;
    w.CNT[q] = cnt[i] - uint32_t(m) + 1u;
  }
  runLanes<CODE>(a, w, ne, u0);
}

// one block of nb weights from logical index i0
template <int SCHEME, int CODE, bool IDENT>
static void block(const PulseArgs& a, Scratch& w, int i0, int nb, Totals& T) {
  const int cols = a.cols;
  int32_t* sidx = w.sidx.data();
  const uint8_t* kind;
  const float *uP, *uN;
  float *aimP, *aimN, *accP = nullptr, *accN = nullptr;
  if (IDENT) {
    kind = a.kind + i0;
    uP = a.uP + i0;
    uN = a.uN + i0;
    aimP = a.aimP + i0;
    aimN = a.aimN + i0;
    if (SCHEME == 1) { accP = a.accP + i0; accN = a.accN + i0; }
  } else {
    int r = i0 / cols, j = i0 - r * cols;
    for (int i = 0; i < nb; i++) {
      const int s = a.permR[r] * cols + a.permC[j];
      sidx[i] = s;
      w.kindL[i] = a.kind[s];
      w.uPL[i] = a.uP[s];
      w.uNL[i] = a.uN[s];
      w.aimPL[i] = a.aimP[s];
      w.aimNL[i] = a.aimN[s];
      if (SCHEME == 1) { w.accPL[i] = a.accP[s]; w.accNL[i] = a.accN[s]; }
      if (++j == cols) { j = 0; r++; }
    }
    kind = w.kindL.data();
    uP = w.uPL.data();
    uN = w.uNL.data();
    aimP = w.aimPL.data();
    aimN = w.aimNL.data();
    if (SCHEME == 1) { accP = w.accPL.data(); accN = w.accNL.data(); }
  }
  int32_t* nP = w.nP.data();
  int32_t* nN = w.nN.data();
  uint8_t* spec = w.spec.data();
  int clipped = 0;
  countSweep<SCHEME>(a.val + i0, a.last + i0, kind, uP, uN, aimP, aimN, accP, accN, nP, nN, spec, nb, a.wMax,
                     1.0 / a.wMax, a.dwMin, a.full, clipped);
  T.clipped += clipped;

  // 2. touched; the weights with a count beyond the lanes' range (rare): the scalar rules
  int32_t* E = w.E.data();
  int ns = 0, touched = 0;
  for (int i = 0; i < nb; i++) {
    touched |= spec[i] >> 1;
    E[ns] = i;
    ns += spec[i] & 1;
  }
  for (int q = 0; q < ns; q++) {
    const int i = E[q], s = IDENT ? i0 + i : sidx[i], kd = kind[i];
    const double wd = a.val[i0 + i];
    const double t = wd > a.wMax ? 1.0 : wd < -a.wMax ? -1.0 : wd * (1.0 / a.wMax);
    int64_t cP = 0, cN = 0;
    if (kd == 0) {
      cP = countOf(SCHEME, a.dwMin, float(t > 0 ? t : 0), aimP, accP, i, touched);
      cN = countOf(SCHEME, a.dwMin, float(t < 0 ? -t : 0), aimN, accN, i, touched);
    } else if (kd != 3) {
      if (kd != 1) {
        const double x = double(uN[i]) + t;
        cP = countOf(SCHEME, a.dwMin, float(x < 0 ? 0 : x > 1 ? 1 : x), aimP, accP, i, touched);
      }
      if (kd != 2) {
        const double x = double(uP[i]) - t;
        cN = countOf(SCHEME, a.dwMin, float(x < 0 ? 0 : x > 1 ? 1 : x), aimN, accN, i, touched);
      }
    }
    // counts beyond the lanes' range: the whole train here (cells are independent)
    if (cP <= -BIGN || cP >= BIGN) {
      a.uP[s] = trainScalar<CODE>(a, a.uP[s], cP, uint32_t(2 * s), a.cntP[s]);
      const int64_t m = cP > 0 ? cP : -cP;
      a.wP[s] += uint32_t(m); T.pulses += double(m); T.events += 1; cP = 0; spec[i] |= 4;
    }
    if (cN <= -BIGN || cN >= BIGN) {
      a.uN[s] = trainScalar<CODE>(a, a.uN[s], cN, uint32_t(2 * s + 1), a.cntN[s]);
      const int64_t m = cN > 0 ? cN : -cN;
      a.wN[s] += uint32_t(m); T.pulses += double(m); T.events += 1; cN = 0; spec[i] |= 4;
    }
    nP[i] = int32_t(cP);
    nN[i] = int32_t(cN);
  }
  T.touched |= touched;
  if (!IDENT) {
    for (int i = 0; i < nb; i++) {
      const int s = sidx[i];
      a.aimP[s] = aimP[i];
      a.aimN[s] = aimN[i];
      if (SCHEME == 1) { a.accP[s] = accP[i]; a.accN[s] = accN[i]; }
    }
  }

  // 3. the pulse trains, G⁺ cells then G⁻ cells
  if (IDENT) {
    denseSide<CODE>(a, w, nP, i0, nb, 0, a.uP, a.cntP, a.wP, T);
    denseSide<CODE>(a, w, nN, i0, nb, 1, a.uN, a.cntN, a.wN, T);
  } else {
    trainSide<CODE>(a, w, nP, sidx, nb, 0, a.uP, a.cntP, a.wP, T);
    trainSide<CODE>(a, w, nN, sidx, nb, 1, a.uN, a.cntN, a.wN, T);
  }

  // 4. W_eff of the weights with a pulsed cell (or all when full)
  const double wMax = a.wMax;
  float* wEff = a.wEff + i0;
  if (IDENT) {
    const float* vP = a.uP + i0;
    const float* vN = a.uN + i0;
    for (int i = 0; i < nb; i++) {
      const int upd = a.full | int(nP[i] != 0) | int(nN[i] != 0) | int(spec[i] >> 2);
      wEff[i] = upd ? float(wMax * (double(vP[i]) - double(vN[i]))) : wEff[i];
    }
  } else {
    for (int i = 0; i < nb; i++) {
      const int upd = a.full | int(nP[i] != 0) | int(nN[i] != 0) | int(spec[i] >> 2);
      const int s = sidx[i];
      if (upd) wEff[i] = float(wMax * (double(a.uP[s]) - double(a.uN[s])));
    }
  }
}

template <int SCHEME, int CODE, bool IDENT>
static void runPart(const PulseArgs& a, long b0, long b1, Totals& T) {
  static thread_local Scratch w;
  const long n = long(a.rows) * a.cols;
  for (long b = b0; b < b1; b++) {
    const long i0 = b * BLOCK;
    const int nb = int(std::min<long>(BLOCK, n - i0));
    block<SCHEME, CODE, IDENT>(a, w, int(i0), nb, T);
  }
}

template <int SCHEME, int CODE, bool IDENT>
static void runAll(const PulseArgs& a, double* out) {
  const long n = long(a.rows) * a.cols;
  const long blocks = (n + BLOCK - 1) / BLOCK;
  const int parts = parallelParts(blocks, 8, 64);
  Totals T[64];
  parallelFor(parts, [&](int part, int np) {
    const long b0 = blocks * part / np, b1 = blocks * (part + 1) / np;
    runPart<SCHEME, CODE, IDENT>(a, b0, b1, T[part]);
  });
  double events = 0, clipped = 0, pulses = 0;
  int touched = 0;
  for (int q = 0; q < parts; q++) {
    events += T[q].events; clipped += T[q].clipped; pulses += T[q].pulses; touched |= T[q].touched;
  }
  out[0] = events;
  out[1] = clipped;
  out[2] = pulses;
  out[3] = 0;
  out[4] = touched ? 1 : 0;
}

}  // namespace pulsepass

static void pulseCounted(const PulseArgs& a, double* out) {
  const bool ident = a.permR == nullptr;
  const int key = a.scheme * 4 + a.code * 2 + (ident ? 1 : 0);
  switch (key) {
    case 0: pulsepass::runAll<0, 0, false>(a, out); break;
    case 1: pulsepass::runAll<0, 0, true>(a, out); break;
    case 2: pulsepass::runAll<0, 1, false>(a, out); break;
    case 3: pulsepass::runAll<0, 1, true>(a, out); break;
    case 4: pulsepass::runAll<1, 0, false>(a, out); break;
    case 5: pulsepass::runAll<1, 0, true>(a, out); break;
    case 6: pulsepass::runAll<1, 1, false>(a, out); break;
    default: pulsepass::runAll<1, 1, true>(a, out); break;
  }
}
