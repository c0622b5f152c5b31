// Native crossbar cell-programming loops (included by kernels_impl.h inside ISA_NS): a port of
// src/crossbar/wasm/program.as (programIdentity / programRows / programSpecial) giving the same bits,
// and the TS loops of src/crossbar/program_kernels.ts (the RRAMSIM_BACKEND=ts path, also the same
// bits). One entry, `program`, covers every permutation case:
//   permR = permC = null   identity: slots in blocks of 1024, each block's healthy slots then its
//                          special slots (cache-friendly; each slot is touched exactly once, so
//                          the order does not change any result)
//   permC = null           permuted rows, identity columns: row by row (healthy, then the row's
//                          special entries)
//   otherwise              healthy slots one by one through (permR[i], permC[j]), then the list
// All-healthy slots (kind 0), float32, every operation rounded to float32 (-ffp-contract=off):
//   t = clamp(w / W, −1, 1)  as  t = (t < −1 ? −1 : t), then (1 < t ? 1 : t)   (wasm pmax / pmin;
//                            NaN stays NaN), |w| > W counted as clipped; W = f32(wMax)
//   differential: p = (0 < t ? t : 0), q = (0 < −t ? −t : 0);   offset: p = (t + 1)·0.5
//   levels L > 0: u ← nearest(u·(L−1)) / (L−1), nearest = round half to even (wasm f32.nearest),
//                 computed as (x + 2²³) − 2²³, exact for 0 ≤ x < 2²³ (here 0 ≤ x ≤ 65535 or NaN)
//   a cell whose new u differs from its stored u (NaN compares unequal) is written: u ← new,
//   writes += 1; W_eff = W·(p − q) (differential) or W·(2p − 1) (offset).
// Written branch-free (selects, unconditional stores of the old value where nothing changes) so
// the compiler vectorises the span loop at the ISA's width.
// Slots with a stuck cell (the `special` list: logical index special[k] on slot slot[k]): the float64
// formulas of program.as `specialRange` / program_kernels.ts programSpecialSlots:
//   t = w·(1/wMax), or ±1 beyond ±wMax (counted as clipped)
//   kind 1 (G⁺ stuck): free G⁻ gets q = clamp(uP − t, 0, 1); kind 2 (G⁻ stuck): free G⁺ gets
//   q = clamp(uN + t, 0, 1); kind 3: nothing free
//   q ← f32((floor(x) + (x − floor(x) ≥ 0.5)) / (L − 1)), x = q·(L − 1) (JS Math.round, x ≥ 0) for
//   L > 0, else f32(q); written when q ≠ u; W_eff = f32(wMax·(uP − uN)) or f32(wMax·(2uP − 1)) where
//   written, or everywhere when `full`.
// Result: out[0] = cells written, out[1] = weights clipped.

// (ProgramArgs is declared in kernels.h)
//
// Every function from here on is compiled with -fno-trapping-math (the pragma): it lets the compiler
// turn the selects of FP comparisons and floor() into vector blends / roundpd, and inline across
// these functions. IEEE results are unchanged (the option only says FP exceptions are never
// observed as traps, which nothing here does); the GEMM code above keeps the file's flags.
#pragma GCC optimize("no-trapping-math")

#include "noise_f32.h"

// round half to even for 0 ≤ x < 2²³ (and NaN → NaN): the float32 add rounds to an integer
static inline float nearestSmall(float x) { return (x + 8388608.f) - 8388608.f; }

// healthy slots of one contiguous span: logical arrays val/wEff, physical arrays kind/uP/uN/wP/wN
template <bool TWO, bool QUANT>
static inline void healthySpan(const float* __restrict val, const uint8_t* __restrict kind, float* __restrict uP,
                               float* __restrict uN, uint32_t* __restrict wP, uint32_t* __restrict wN,
                               float* __restrict wEff, int n, float W, float lm, int& writes, int& clipped) {
  int wr = 0, cl = 0;
  for (int i = 0; i < n; i++) {
    const int h = kind[i] == 0;
    const float w = val[i];
    float t = w / W;
    t = t < -1.f ? -1.f : t;
    t = 1.f < t ? 1.f : t;
    cl += h & int(__builtin_fabsf(w) > W);
    float p;
    if (TWO) {
      p = 0.f < t ? t : 0.f;
    } else {
      p = (t + 1.f) * 0.5f;
    }
    if (QUANT) p = nearestSmall(p * lm) / lm;
    const float oP = uP[i];
    const int cp = h & int(p != oP);
    uP[i] = h ? p : oP;
    wP[i] += uint32_t(cp);
    wr += cp;
    float e;
    if (TWO) {
      const float nt = -t;
      float q = 0.f < nt ? nt : 0.f;
      if (QUANT) q = nearestSmall(q * lm) / lm;
      const float oN = uN[i];
      const int cn = h & int(q != oN);
      uN[i] = h ? q : oN;
      wN[i] += uint32_t(cn);
      wr += cn;
      e = W * (p - q);
    } else {
      e = W * (2.f * p - 1.f);
    }
    const float eOld = wEff[i];
    wEff[i] = h ? e : eOld;
  }
  writes += wr;
  clipped += cl;
}

static inline void healthyAny(const ProgramArgs& a, long lo, long po, int n, int& writes, int& clipped) {
  const float lm = float(a.levels - 1);
  const bool q = a.levels > 0;
  if (a.two) {
    if (q) healthySpan<true, true>(a.val + lo, a.kind + po, a.uP + po, a.uN + po, a.wP + po, a.wN + po, a.wEff + lo, n, a.wMaxF, lm, writes, clipped);
    else healthySpan<true, false>(a.val + lo, a.kind + po, a.uP + po, a.uN + po, a.wP + po, a.wN + po, a.wEff + lo, n, a.wMaxF, lm, writes, clipped);
  } else {
    if (q) healthySpan<false, true>(a.val + lo, a.kind + po, a.uP + po, a.uN + po, a.wP + po, a.wN + po, a.wEff + lo, n, a.wMaxF, lm, writes, clipped);
    else healthySpan<false, false>(a.val + lo, a.kind + po, a.uP + po, a.uN + po, a.wP + po, a.wN + po, a.wEff + lo, n, a.wMaxF, lm, writes, clipped);
  }
}

// special entries k0 ≤ k < k1 (float64). Branch-free like program.as (kind 1 vs 2, the clamps,
// clipping and "written or not" are random per slot): in chunks of SB entries, (1) gather each
// entry's weight, kind and cell pair into local arrays, (2) compute the new cells, write flags and
// W_eff of the whole chunk with selects (a loop the compiler vectorises: the ternaries become
// blends), (3) store back (the old value where nothing changes). Each slot and each logical index
// occurs once in the list, so the chunking changes no result.
template <bool ON, bool TWO>
static void specialChunks(const ProgramArgs& a, int k0, int k1, int& writes, int& clipped) {
  constexpr int SB = 64;
  const double wMax = a.wMax, inv = 1.0 / wMax;
  const double lm = double(a.levels - 1);
  const int full = a.full;
  alignas(64) float w32[SB], pU[SB], nU[SB], eU[SB], pNew[SB], nNew[SB], eNew[SB];
  alignas(64) int32_t kd[SB], chs[SB], ones[SB];
  int wr = 0, cl = 0;
  for (int c0 = k0; c0 < k1; c0 += SB) {
    const int m = std::min(SB, k1 - c0);
    const int32_t* __restrict sp = a.special + c0;
    const int32_t* __restrict sl = a.slot + c0;
    for (int j = 0; j < m; j++) {
      const long idx = sp[j], s = sl[j];
      w32[j] = a.val[idx];
      kd[j] = a.kind[s];
      pU[j] = a.uP[s];
      nU[j] = a.uN[s];
      eU[j] = a.wEff[idx];
    }
    for (int j = 0; j < m; j++) {
      const double w = double(w32[j]);
      const int hi = w > wMax, lo = w < -wMax;
      cl += hi | lo;
      // every value computed unconditionally, then selected (a conditional FP operation could
      // trap, so the compiler would keep a branch instead of a blend)
      const double wi = w * inv;
      double t = lo ? -1.0 : wi;
      t = hi ? 1.0 : t;
      const double nt = -t;
      const int one = kd[j] == 1;  // G⁺ stuck: the free cell is G⁻ (kind 2: G⁺ is free; kind 3: none)
      const int freeCell = kd[j] != 3;
      const float pOld = pU[j], nOld = nU[j];
      const float oldV = one ? nOld : pOld;
      // kind 1: q = uP + (−t) (= uP − t exactly); kind 2: q = uN + t
      double q = double(one ? pOld : nOld) + (one ? nt : t);
      q = q < 0 ? 0.0 : q;
      q = q > 1 ? 1.0 : q;
      float qf;
      if (ON) {
        const double x = q * lm;
        const double r = __builtin_floor(x);
        const double up = x - r >= 0.5 ? 1.0 : 0.0;
        qf = float((r + up) / lm);
      } else {
        qf = float(q);
      }
      const int ch = (double(qf) != double(oldV)) & freeCell;
      const float nv = ch ? qf : oldV;
      const float pv = one ? pOld : nv, mv = one ? nv : nOld;
      const float e = TWO ? float(wMax * (double(pv) - double(mv))) : float(wMax * (2 * double(pv) - 1));
      const float eo = eU[j];
      pNew[j] = pv;
      nNew[j] = mv;
      eNew[j] = (ch | full) ? e : eo;
      chs[j] = ch;
      ones[j] = one;
      wr += ch;
    }
    for (int j = 0; j < m; j++) {
      const long idx = sp[j], s = sl[j];
      a.uP[s] = pNew[j];
      a.uN[s] = nNew[j];
      const uint32_t ch = uint32_t(chs[j]), one = uint32_t(ones[j]);
      a.wP[s] += ch & (one ^ 1u);
      a.wN[s] += ch & one;
      a.wEff[idx] = eNew[j];
    }
  }
  writes += wr;
  clipped += cl;
}

static void specialRange(const ProgramArgs& a, int k0, int k1, int& writes, int& clipped) {
  if (k1 <= k0) return;
  const bool on = a.levels > 0;
  if (a.two) {
    if (on) specialChunks<true, true>(a, k0, k1, writes, clipped);
    else specialChunks<false, true>(a, k0, k1, writes, clipped);
  } else {
    if (on) specialChunks<true, false>(a, k0, k1, writes, clipped);
    else specialChunks<false, false>(a, k0, k1, writes, clipped);
  }
}

// ---- with counter-based programming variation (a.noise ≠ 0; formulas: program_noisy.ts,
// prog_noise_counter.ts, noise_f32.h): the same level and write decisions against the targets
// tP / tN; written cells land at landF32(q, E(h(2s + c)), g₀), W_eff from the conductances.
// Per 16-slot group with a written cell: the words and table factors of the first written cell of
// every slot (vector gathers), the rare tail-bin factors one by one, the landings; then the second
// cells of slots whose both cells were written.
constexpr int NB = 256;
constexpr int NG = NG16;

// healthy slots of one contiguous span (logical offset lo, physical offset po, n slots)
template <bool TWO, bool QUANT>
static void healthySpanNoisy(const ProgramArgs& a, long lo, long po, int n, int& writes, int& clipped) {
  alignas(64) float pT[NB], qT[NB];
  alignas(64) int32_t chP[NB], chN[NB], chA[NB], both[NB];
  const float W = a.wMaxF, lm = float(a.levels - 1);
  const float sigma = a.sigmaF, off = a.offF;
  int wr = 0, cl = 0;
  for (int j0 = 0; j0 < n; j0 += NB) {
    const int m = std::min(NB, n - j0);
    const float* __restrict val = a.val + lo + j0;
    const uint8_t* __restrict kind = a.kind + po + j0;
    float* __restrict tP = a.tP + po + j0;
    float* __restrict tN = a.tN + po + j0;
    uint32_t* __restrict wP = a.wP + po + j0;
    uint32_t* __restrict wN = a.wN + po + j0;
    int anyBoth = 0;
#pragma GCC ivdep
    for (int i = 0; i < m; i++) {
      const int h = kind[i] == 0;
      const float w = val[i];
      float t = w / W;
      t = t < -1.f ? -1.f : t;
      t = 1.f < t ? 1.f : t;
      cl += h & int(__builtin_fabsf(w) > W);
      float p = TWO ? (0.f < t ? t : 0.f) : (t + 1.f) * 0.5f;
      if (QUANT) p = nearestSmall(p * lm) / lm;
      const float oP = tP[i];
      const int cp = h & int(p != oP);
      tP[i] = cp ? p : oP;
      wP[i] += uint32_t(cp);
      pT[i] = p;
      chP[i] = cp;
      int cn = 0;
      if (TWO) {
        const float nt = -t;
        float q = 0.f < nt ? nt : 0.f;
        if (QUANT) q = nearestSmall(q * lm) / lm;
        const float oN = tN[i];
        cn = h & int(q != oN);
        tN[i] = cn ? q : oN;
        wN[i] += uint32_t(cn);
        qT[i] = q;
      }
      chN[i] = cn;
      chA[i] = cp | cn;
      anyBoth |= cp & cn;
      wr += cp + cn;
    }
    // a partial last group: lanes past m change nothing (and their pT / qT are never landed)
    for (int i = m; i < ((m + NG - 1) / NG) * NG; i++) { chP[i] = 0; chN[i] = 0; chA[i] = 0; pT[i] = 0.f; qT[i] = 0.f; }
    float* __restrict uP = a.uP + po + j0;
    float* __restrict uN = a.uN + po + j0;
    const uint32_t s0 = uint32_t(po + j0);
    // the first written cell of each slot (G⁺ if written, else G⁻): one draw, one landing
    const float* __restrict T = a.table;
    for (int g = 0; g < m; g += NG) {
      const int gm = std::min(NG, m - g);
      if (!groupAny(chA + g)) continue;
      alignas(64) float E[NG];
      alignas(64) uint32_t H[NG];
      if (groupFactors(a.b, 2u * (s0 + uint32_t(g)), chP + g, T, E, H)) {
        for (int i = 0; i < gm; i++) if (isTail(H[i])) E[i] = tailFactor(H[i], sigma);
      }
#pragma GCC ivdep
      for (int i = 0; i < gm; i++) {
        const int cp = chP[g + i], cn = chN[g + i];
        const float l = landF32(cp ? pT[g + i] : qT[g + i], E[i], off);
        const float op = uP[g + i], on = uN[g + i];
        uP[g + i] = cp ? l : op;
        if (TWO) uN[g + i] = (cn & !cp) ? l : on;
      }
    }
    int nBoth = 0;
    if (TWO && anyBoth) for (int i = 0; i < m; i++) { both[nBoth] = i; nBoth += chP[i] & chN[i]; }
    // slots whose both cells were written (a sign change): G⁻'s own draw
    for (int k = 0; k < nBoth; k++) {
      const int i = both[k];
      const uint32_t h = counterWord(a.b, 2u * (s0 + uint32_t(i)) + 1u);
      uN[i] = landF32(qT[i], isTail(h) ? tailFactor(h, sigma) : innerFactor(h, T), off);
    }
    float* __restrict wEff = a.wEff + lo + j0;
#pragma GCC ivdep
    for (int i = 0; i < m; i++) {
      const int h = kind[i] == 0;
      const float e = TWO ? W * (uP[i] - uN[i]) : W * (2.f * uP[i] - 1.f);
      const float eOld = wEff[i];
      wEff[i] = h ? e : eOld;
    }
  }
  writes += wr;
  clipped += cl;
}

#if ISA_LEVEL >= 3
// healthySpanNoisy in one pass of 16-slot AVX-512 vectors: the same operations per slot (selects as
// mask blends, NaN handled as by the C++ comparisons), so the same bits
// one vector of 16 slots (FULL) or of the last cnt < 16; stores of whole vectors (blended) when FULL
template <bool TWO, bool QUANT, bool FULL>
static inline __attribute__((always_inline)) void noisyVector512(const ProgramArgs& a, long L, long P, __mmask16 in, int& wr, int& cl,
                                                                 float* __restrict Ea, float* __restrict qa, uint32_t* __restrict Ha) {
  const __m512 W = _mm512_set1_ps(a.wMaxF), lmv = _mm512_set1_ps(float(a.levels - 1));
  const __m512 one = _mm512_set1_ps(1.f), mone = _mm512_set1_ps(-1.f), zero = _mm512_setzero_ps();
  const __m512 half = _mm512_set1_ps(0.5f), two = _mm512_set1_ps(2.f), big = _mm512_set1_ps(8388608.f);
  const __m512 offv = _mm512_set1_ps(a.offF), sign = _mm512_set1_ps(-0.f);
  const __m512i ione = _mm512_set1_epi32(1);
  const __m512i lane2 = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const float* __restrict T = a.table;
  const float sigma = a.sigmaF, off = a.offF;
  const uint32_t bw = a.b;
  const uint8_t* __restrict kindA = a.kind + P;
  const float* __restrict valA = a.val + L;
  float* __restrict tPA = a.tP + P;
  float* __restrict tNA = a.tN + P;
  uint32_t* __restrict wPA = a.wP + P;
  uint32_t* __restrict wNA = a.wN + P;
  float* __restrict uPA = a.uP + P;
  float* __restrict uNA = a.uN + P;
  float* __restrict effA = a.wEff + L;
#define LDU(ptr) (FULL ? _mm512_loadu_ps(ptr) : _mm512_maskz_loadu_ps(in, ptr))
#define LDI(ptr) (FULL ? _mm512_loadu_si512(ptr) : _mm512_maskz_loadu_epi32(in, ptr))
#define STU(ptr, v) (FULL ? _mm512_storeu_ps(ptr, v) : _mm512_mask_storeu_ps(ptr, in, v))
#define STI(ptr, v) (FULL ? _mm512_storeu_si512(ptr, v) : _mm512_mask_storeu_epi32(ptr, in, v))
  const __m128i kb = FULL ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(kindA)) : _mm_maskz_loadu_epi8(in, kindA);
  const __mmask16 h = _mm_mask_cmpeq_epi8_mask(in, kb, _mm_setzero_si128());
  const __m512 w = LDU(valA);
  __m512 t = _mm512_div_ps(w, W);
  t = _mm512_max_ps(mone, t);  // t < −1 ? −1 : t (NaN stays NaN)
  t = _mm512_min_ps(one, t);   // 1 < t ? 1 : t
  cl += __builtin_popcount(_mm512_mask_cmp_ps_mask(h, _mm512_abs_ps(w), W, _CMP_GT_OQ));
  __m512 p = TWO ? _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, t, _CMP_LT_OQ), zero, t)
                 : _mm512_mul_ps(_mm512_add_ps(t, one), half);
  if (QUANT) p = _mm512_div_ps(_mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(p, lmv), big), big), lmv);
  const __m512 oP = LDU(tPA);
  const __mmask16 cp = _mm512_mask_cmp_ps_mask(h, p, oP, _CMP_NEQ_UQ);
  STU(tPA, _mm512_mask_mov_ps(oP, cp, p));
  const __m512i wpv = LDI(wPA);
  STI(wPA, _mm512_mask_add_epi32(wpv, cp, wpv, ione));
  __mmask16 cn = 0;
  __m512 q = zero;
  if (TWO) {
    const __m512 nt = _mm512_xor_ps(t, sign);
    q = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(zero, nt, _CMP_LT_OQ), zero, nt);
    if (QUANT) q = _mm512_div_ps(_mm512_sub_ps(_mm512_add_ps(_mm512_mul_ps(q, lmv), big), big), lmv);
    const __m512 oN = LDU(tNA);
    cn = _mm512_mask_cmp_ps_mask(h, q, oN, _CMP_NEQ_UQ);
    STU(tNA, _mm512_mask_mov_ps(oN, cn, q));
    const __m512i wnv = LDI(wNA);
    STI(wNA, _mm512_mask_add_epi32(wnv, cn, wnv, ione));
  }
  wr += __builtin_popcount(cp) + __builtin_popcount(cn);
  __m512 uP = LDU(uPA);
  __m512 uN = TWO ? LDU(uNA) : zero;
  if (cp | cn) {
    // the first written cell of each slot: e = 2s + (G⁺ written ? 0 : 1)
    __m512i e = _mm512_add_epi32(_mm512_set1_epi32(int32_t(2u * uint32_t(P))), lane2);
    e = _mm512_mask_add_epi32(e, __mmask16(~cp), e, ione);
    const __m512i x = counterWords512(bw, e);
    __mmask16 tail;
    __m512 E = factors512(x, T, tail);
    tail &= (cp | cn);
    if (tail) {
      _mm512_store_ps(Ea, E);
      _mm512_store_si512(Ha, x);
      for (int i = 0; i < 16; i++) if ((tail >> i) & 1) Ea[i] = tailFactor(Ha[i], sigma);
      E = _mm512_load_ps(Ea);
    }
    const __m512 qs = _mm512_mask_blend_ps(cp, q, p);
    const __m512 l = _mm512_sub_ps(_mm512_mul_ps(_mm512_add_ps(qs, offv), E), offv);
    uP = _mm512_mask_mov_ps(uP, cp, l);
    STU(uPA, uP);
    if (TWO) {
      const __mmask16 nOnly = __mmask16(cn & ~cp), bothm = __mmask16(cn & cp);
      uN = _mm512_mask_mov_ps(uN, nOnly, l);
      if (bothm) {
        // a sign change: G⁻'s own draw, e = 2s + 1 (vectorised; tail bins one by one)
        const __m512i e1 = _mm512_add_epi32(_mm512_set1_epi32(int32_t(2u * uint32_t(P) + 1u)), lane2);
        const __m512i x1 = counterWords512(bw, e1);
        __mmask16 tail1;
        __m512 E1 = factors512(x1, T, tail1);
        tail1 &= bothm;
        if (tail1) {
          _mm512_store_ps(Ea, E1);
          _mm512_store_si512(Ha, x1);
          for (int i = 0; i < 16; i++) if ((tail1 >> i) & 1) Ea[i] = tailFactor(Ha[i], sigma);
          E1 = _mm512_load_ps(Ea);
        }
        const __m512 l1 = _mm512_sub_ps(_mm512_mul_ps(_mm512_add_ps(q, offv), E1), offv);
        uN = _mm512_mask_mov_ps(uN, bothm, l1);
      }
      STU(uNA, uN);
    }
  }
  const __m512 eff = TWO ? _mm512_mul_ps(W, _mm512_sub_ps(uP, uN)) : _mm512_mul_ps(W, _mm512_sub_ps(_mm512_mul_ps(two, uP), one));
  if (FULL && h == __mmask16(0xffff)) _mm512_storeu_ps(effA, eff);  // all healthy: no read of the old values
  else _mm512_mask_storeu_ps(effA, __mmask16(h & in), eff);
#undef LDU
#undef LDI
#undef STU
#undef STI
}

// healthySpanNoisy in one pass of 16-slot AVX-512 vectors: the same operations per slot (selects as
// mask blends, NaN handled as by the C++ comparisons), so the same bits
template <bool TWO, bool QUANT>
static void healthySpanNoisy512(const ProgramArgs& a, long lo, long po, int n, int& writes, int& clipped) {
  alignas(64) float Ea[16], qa[16];
  alignas(64) uint32_t Ha[16];
  int wr = 0, cl = 0, i0 = 0;
  for (; i0 + 16 <= n; i0 += 16) noisyVector512<TWO, QUANT, true>(a, lo + i0, po + i0, __mmask16(0xffff), wr, cl, Ea, qa, Ha);
  if (i0 < n) noisyVector512<TWO, QUANT, false>(a, lo + i0, po + i0, __mmask16((1u << (n - i0)) - 1u), wr, cl, Ea, qa, Ha);
  writes += wr;
  clipped += cl;
}
#endif

#if ISA_LEVEL == 2
// healthySpanNoisy in one pass of 8-slot AVX2 vectors (noisyVector512's operations with lane masks
// instead of mask registers, 32-bit gathers of T[k] and T[k + 1]): the same bits
template <bool TWO, bool QUANT>
static inline __attribute__((always_inline)) void noisyVector256(const ProgramArgs& a, long L, long P, int cnt, int& wr, int& cl,
                                                                 float* __restrict Ea, float* __restrict qa, uint32_t* __restrict Ha) {
  const __m256 W = _mm256_set1_ps(a.wMaxF), lmv = _mm256_set1_ps(float(a.levels - 1));
  const __m256 one = _mm256_set1_ps(1.f), mone = _mm256_set1_ps(-1.f), zero = _mm256_setzero_ps();
  const __m256 half = _mm256_set1_ps(0.5f), two = _mm256_set1_ps(2.f), big = _mm256_set1_ps(8388608.f);
  const __m256 offv = _mm256_set1_ps(a.offF), sign = _mm256_set1_ps(-0.f);
  const __m256 absm = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  const __m256i ione = _mm256_set1_epi32(1);
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const float* __restrict T = a.table;
  const float sigma = a.sigmaF, off = a.offF;
  const uint32_t bw = a.b;
  const bool full = cnt == 8;
  const __m256i inI = _mm256_cmpgt_epi32(_mm256_set1_epi32(cnt), lane);  // lanes < cnt
  const __m256 in = _mm256_castsi256_ps(inI);
  const uint8_t* __restrict kindA = a.kind + P;
  const float* __restrict valA = a.val + L;
  float* __restrict tPA = a.tP + P;
  float* __restrict tNA = a.tN + P;
  uint32_t* __restrict wPA = a.wP + P;
  uint32_t* __restrict wNA = a.wN + P;
  float* __restrict uPA = a.uP + P;
  float* __restrict uNA = a.uN + P;
  float* __restrict effA = a.wEff + L;
  auto ld = [&](const float* p) { return full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, inI); };
  auto ldi = [&](const uint32_t* p) {
    return full ? _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)) : _mm256_maskload_epi32(reinterpret_cast<const int*>(p), inI);
  };
  auto st = [&](float* p, __m256 v) { if (full) _mm256_storeu_ps(p, v); else _mm256_maskstore_ps(p, inI, v); };
  auto sti = [&](uint32_t* p, __m256i v) {
    if (full) _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); else _mm256_maskstore_epi32(reinterpret_cast<int*>(p), inI, v);
  };
  int64_t kb8 = 0;
  if (full) __builtin_memcpy(&kb8, kindA, 8);
  else for (int i = 0; i < cnt; i++) kb8 |= int64_t(kindA[i]) << (8 * i);
  const __m256i kv = _mm256_cvtepu8_epi32(_mm_cvtsi64_si128(kb8));
  const __m256 h = _mm256_and_ps(in, _mm256_castsi256_ps(_mm256_cmpeq_epi32(kv, _mm256_setzero_si256())));
  const __m256 w = ld(valA);
  __m256 t = _mm256_div_ps(w, W);
  t = _mm256_max_ps(mone, t);
  t = _mm256_min_ps(one, t);
  cl += __builtin_popcount(_mm256_movemask_ps(_mm256_and_ps(h, _mm256_cmp_ps(_mm256_and_ps(w, absm), W, _CMP_GT_OQ))));
  __m256 p = TWO ? _mm256_blendv_ps(zero, t, _mm256_cmp_ps(zero, t, _CMP_LT_OQ)) : _mm256_mul_ps(_mm256_add_ps(t, one), half);
  if (QUANT) p = _mm256_div_ps(_mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(p, lmv), big), big), lmv);
  const __m256 oP = ld(tPA);
  const __m256 cp = _mm256_and_ps(h, _mm256_cmp_ps(p, oP, _CMP_NEQ_UQ));
  st(tPA, _mm256_blendv_ps(oP, p, cp));
  sti(wPA, _mm256_sub_epi32(ldi(wPA), _mm256_castps_si256(cp)));
  __m256 cn = zero, q = zero;
  if (TWO) {
    const __m256 nt = _mm256_xor_ps(t, sign);
    q = _mm256_blendv_ps(zero, nt, _mm256_cmp_ps(zero, nt, _CMP_LT_OQ));
    if (QUANT) q = _mm256_div_ps(_mm256_sub_ps(_mm256_add_ps(_mm256_mul_ps(q, lmv), big), big), lmv);
    const __m256 oN = ld(tNA);
    cn = _mm256_and_ps(h, _mm256_cmp_ps(q, oN, _CMP_NEQ_UQ));
    st(tNA, _mm256_blendv_ps(oN, q, cn));
    sti(wNA, _mm256_sub_epi32(ldi(wNA), _mm256_castps_si256(cn)));
  }
  const int cpm = _mm256_movemask_ps(cp), cnm = _mm256_movemask_ps(cn);
  wr += __builtin_popcount(cpm) + __builtin_popcount(cnm);
  __m256 uP = ld(uPA);
  __m256 uN = TWO ? ld(uNA) : zero;
  if (cpm | cnm) {
    // the first written cell of each slot: e = 2s + (G⁺ written ? 0 : 1)
    __m256i e = _mm256_add_epi32(_mm256_set1_epi32(int32_t(2u * uint32_t(P))), _mm256_add_epi32(lane, lane));
    e = _mm256_add_epi32(e, _mm256_andnot_si256(_mm256_castps_si256(cp), ione));
    const __m256i x = counterWords256(bw, e);
    int tail;
    __m256 E = factors256(x, T, tail);
    tail &= (cpm | cnm);
    if (tail) {
      _mm256_store_ps(Ea, E);
      _mm256_store_si256(reinterpret_cast<__m256i*>(Ha), x);
      for (int i = 0; i < 8; i++) if ((tail >> i) & 1) Ea[i] = tailFactor(Ha[i], sigma);
      E = _mm256_load_ps(Ea);
    }
    const __m256 qs = _mm256_blendv_ps(q, p, cp);
    const __m256 l = _mm256_sub_ps(_mm256_mul_ps(_mm256_add_ps(qs, offv), E), offv);
    uP = _mm256_blendv_ps(uP, l, cp);
    st(uPA, uP);
    if (TWO) {
      uN = _mm256_blendv_ps(uN, l, _mm256_andnot_ps(cp, cn));
      const int bothm = cpm & cnm;
      if (bothm) {
        // a sign change: G⁻'s own draw (rare)
        _mm256_store_ps(qa, q);
        _mm256_store_ps(Ea, uN);
        for (int i = 0; i < 8; i++) {
          if (!((bothm >> i) & 1)) continue;
          const uint32_t hh = counterWord(bw, 2u * uint32_t(P + i) + 1u);
          Ea[i] = landF32(qa[i], isTail(hh) ? tailFactor(hh, sigma) : innerFactor(hh, T), off);
        }
        uN = _mm256_load_ps(Ea);
      }
      st(uNA, uN);
    }
  }
  const __m256 eff = TWO ? _mm256_mul_ps(W, _mm256_sub_ps(uP, uN)) : _mm256_mul_ps(W, _mm256_sub_ps(_mm256_mul_ps(two, uP), one));
  const __m256 eOld = ld(effA);
  st(effA, _mm256_blendv_ps(eOld, eff, h));
}

template <bool TWO, bool QUANT>
static void healthySpanNoisy256(const ProgramArgs& a, long lo, long po, int n, int& writes, int& clipped) {
  alignas(32) float Ea[8], qa[8];
  alignas(32) uint32_t Ha[8];
  int wr = 0, cl = 0, i0 = 0;
  for (; i0 + 8 <= n; i0 += 8) noisyVector256<TWO, QUANT>(a, lo + i0, po + i0, 8, wr, cl, Ea, qa, Ha);
  if (i0 < n) noisyVector256<TWO, QUANT>(a, lo + i0, po + i0, n - i0, wr, cl, Ea, qa, Ha);
  writes += wr;
  clipped += cl;
}
#endif

#if ISA_LEVEL >= 2
// RRAMSIM_NOISY512=0: the auto-vectorised span loop instead of the hand-written AVX-512 / AVX2 one
// (for comparing the two in tests / benches)
static inline bool getenv_noisy512_off() {
  static const bool off = [] { const char* v = std::getenv("RRAMSIM_NOISY512"); return v && v[0] == '0'; }();
  return off;
}
#endif

static inline void healthyNoisyAny(const ProgramArgs& a, long lo, long po, int n, int& writes, int& clipped) {
  const bool q = a.levels > 0;
#if ISA_LEVEL >= 3
  if (!getenv_noisy512_off()) {
    if (a.two) {
      if (q) healthySpanNoisy512<true, true>(a, lo, po, n, writes, clipped);
      else healthySpanNoisy512<true, false>(a, lo, po, n, writes, clipped);
    } else {
      if (q) healthySpanNoisy512<false, true>(a, lo, po, n, writes, clipped);
      else healthySpanNoisy512<false, false>(a, lo, po, n, writes, clipped);
    }
    return;
  }
#elif ISA_LEVEL == 2
  if (!getenv_noisy512_off()) {
    if (a.two) {
      if (q) healthySpanNoisy256<true, true>(a, lo, po, n, writes, clipped);
      else healthySpanNoisy256<true, false>(a, lo, po, n, writes, clipped);
    } else {
      if (q) healthySpanNoisy256<false, true>(a, lo, po, n, writes, clipped);
      else healthySpanNoisy256<false, false>(a, lo, po, n, writes, clipped);
    }
    return;
  }
#endif
  if (a.two) {
    if (q) healthySpanNoisy<true, true>(a, lo, po, n, writes, clipped);
    else healthySpanNoisy<true, false>(a, lo, po, n, writes, clipped);
  } else {
    if (q) healthySpanNoisy<false, true>(a, lo, po, n, writes, clipped);
    else healthySpanNoisy<false, false>(a, lo, po, n, writes, clipped);
  }
}

// special entries k0 ≤ k < k1 with programming variation: gather, decide (vectorised), draw and
// land the free cells, W_eff, store back
static void specialNoisy(const ProgramArgs& a, int k0, int k1, int& writes, int& clipped) {
  const double wMax = a.wMax, inv = 1.0 / wMax;
  const bool on = a.levels > 0;
  const double lm = double(a.levels - 1);
  const int two = a.two, full = a.full;
  alignas(64) float w32[NB], pU[NB], nU[NB], pTg[NB], nTg[NB], qv[NB], uFree[NB], eU[NB];
  alignas(64) int32_t kd[NB], chs[NB], ones[NB];
  const float sigma = a.sigmaF, off = a.offF;
  const float* __restrict T = a.table;
  int wr = 0, cl = 0;
  for (int c0 = k0; c0 < k1; c0 += NB) {
    const int m = std::min(NB, k1 - c0);
    const int32_t* __restrict sp = a.special + c0;
    const int32_t* __restrict sl = a.slot + c0;
    for (int j = 0; j < m; j++) {
      const long idx = sp[j], s = sl[j];
      w32[j] = a.val[idx];
      kd[j] = a.kind[s];
      pU[j] = a.uP[s];
      nU[j] = a.uN[s];
      pTg[j] = a.tP[s];
      nTg[j] = a.tN[s];
      eU[j] = a.wEff[idx];
    }
    int any = 0;
    for (int j = 0; j < m; j++) {
      const double w = double(w32[j]);
      const int hi = w > wMax, lo = w < -wMax;
      cl += hi | lo;
      const double wi = w * inv;
      double t = lo ? -1.0 : wi;
      t = hi ? 1.0 : t;
      const double nt = -t;
      const int one = kd[j] == 1;
      const int freeCell = kd[j] != 3;
      const float oldT = one ? nTg[j] : pTg[j];
      double q = double(one ? pU[j] : nU[j]) + (one ? nt : t);
      q = q < 0 ? 0.0 : q;
      q = q > 1 ? 1.0 : q;
      float qf;
      if (on) {
        const double x = q * lm;
        const double r = __builtin_floor(x);
        const double up = x - r >= 0.5 ? 1.0 : 0.0;
        qf = float((r + up) / lm);
      } else {
        qf = float(q);
      }
      const int ch = (double(qf) != double(oldT)) & freeCell;
      qv[j] = qf;
      chs[j] = ch;
      ones[j] = one;
      uFree[j] = one ? nU[j] : pU[j];
      any |= ch;
      wr += ch;
    }
    if (any) {
      for (int j = 0; j < m; j++) {
        const uint32_t h = counterWord(a.b, 2u * uint32_t(sl[j]) + uint32_t(ones[j]));
        const float l = landF32(qv[j], isTail(h) ? tailFactor(h, sigma) : innerFactor(h, T), off), o = uFree[j];
        uFree[j] = chs[j] ? l : o;
      }
    }
    for (int j = 0; j < m; j++) {
      const long idx = sp[j], s = sl[j];
      const int one = ones[j], ch = chs[j];
      const float pv = one ? pU[j] : uFree[j], mv = one ? uFree[j] : nU[j];
      a.uP[s] = pv;
      a.uN[s] = mv;
      if (ch) {
        if (one) { a.tN[s] = qv[j]; a.wN[s] += 1; } else { a.tP[s] = qv[j]; a.wP[s] += 1; }
      }
      const float e = float(two ? wMax * (double(pv) - double(mv)) : wMax * (2 * double(pv) - 1));
      a.wEff[idx] = (ch | full) ? e : eU[j];
    }
  }
  writes += wr;
  clipped += cl;
}

static void program(const ProgramArgs& a, double* out) {
  int writes = 0, clipped = 0, k = 0;
  auto healthy = [&a](long lo, long po, int n, int& w, int& c) {
    if (a.noise) healthyNoisyAny(a, lo, po, n, w, c); else healthyAny(a, lo, po, n, w, c);
  };
  auto special = [&a](int k0, int k1, int& w, int& c) {
    if (a.noise) specialNoisy(a, k0, k1, w, c); else specialRange(a, k0, k1, w, c);
  };
  const long n = long(a.rows) * a.cols;
  if (!a.permC) {
    // spans of contiguous slots: blocks of 1024 (identity) or rows (permuted rows)
    const long span = a.permR ? a.cols : 1024;
    for (long b = 0; b < n; b += span) {
      const long end = std::min(b + span, n);
      const long po = a.permR ? long(a.permR[b / a.cols]) * a.cols : b;
      healthy(b, po, int(end - b), writes, clipped);
      int k1 = k;
      while (k1 < a.nSpecial && a.special[k1] < end) k1++;
      special(k, k1, writes, clipped);
      k = k1;
    }
  } else {
    for (int i = 0; i < a.rows; i++) {
      const long pr = long(a.permR ? a.permR[i] : i) * a.cols, base = long(i) * a.cols;
      for (int j = 0; j < a.cols; j++) healthy(base + j, pr + a.permC[j], 1, writes, clipped);
    }
  }
  special(k, a.nSpecial, writes, clipped);
  out[0] = writes;
  out[1] = clipped;
}
