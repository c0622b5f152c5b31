// Native kernels, one source compiled once per instruction set (isa_*.cc define ISA_NS and
// ISA_LEVEL: 1 = baseline SSE2 / NEON, 2 = AVX2, 3 = AVX-512F/BW/DQ/VL). GCC vector extensions
// give the vector width; the build uses -ffp-contract=off, so every a·b + c below is a separate
// multiply and add (no FMA), exactly as in the WebAssembly kernels (src/kernels/wasm/kernels.as).
//
// GEMM  C (M x N) = op(A)·op(B)  (accumulate = 0)  or  C += op(A)·op(B)  (accumulate = 1)
//   op(A)[i, k] = A[i·K + k] (transA = 0) | A[k·M + i] (transA = 1)
//   op(B)[k, j] = B[k·N + j] (transB = 0) | B[j·K + k] (transB = 1)
// Summation order per C element (identical to kernels.as, hence bit-identical results):
//   K is cut into nb = ceil(K/256) blocks of kb = ceil(K/nb) (the last one possibly shorter);
//   for each block, in order:  acc = +0;  acc = acc + op(A)[i,k]·op(B)[k,j]  for k ascending
//   (float32 multiply, then float32 add), then  C = acc (first block, accumulate = 0)  or
//   C = C + acc.
// Only the grouping of elements into vector lanes and register tiles differs by instruction set,
// and that grouping never changes the operations applied to one element.
// Blocking (BLIS-like): per k-block, op(B) columns [j0, j0+NC) are packed into zero-padded panels
// of NR columns (bp[(p·kc + k)·NR + jj]); op(A) rows [i0, i0+MC) in tiles of MR rows
// are read in place (the rows of a last partial tile in 4-row and then 1-row tiles, also in place);
// an MR x NR register tile runs over kc. Pack buffers are thread-local and only grow (no allocation per call once the
// largest shape has been seen). Sizes: kc ≤ 256, MC = 192 rows (A block ≤ 192 KiB, L2), NC = 512
// columns (B block ≤ 512 KiB, L2), one B panel kc·NR·4 ≤ 32 KiB (L1).
//
// Elementwise kernels: the formulas of src/kernels/{im2col,col2im,bias,relu}.ts (copies are exact;
// each sum is one float32 addition in the same order as the TS/wasm loops).
// SGD (src/nn/sgd.ts, JS semantics: float32 loads promoted to double):
//   v' = mask·((μ·v + g) + λ·w)   [double];  v ← float32(v');  w ← float32(w − η·v')
// (without a mask the factor is dropped; JS evaluates left to right, so the same grouping here).
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <cmath>
#include <vector>
#include "kernels.h"
#include "parallel.h"
#if ISA_LEVEL >= 2
#include <immintrin.h>
#endif

namespace ISA_NS {

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));
typedef float v4 __attribute__((vector_size(16)));

// unaligned vector load / store (memcpy compiles to one unaligned move)
template <typename V>
static inline V loadv(const float* p) { V v; __builtin_memcpy(&v, p, sizeof(V)); return v; }
template <typename V>
static inline void storev(float* p, V v) { __builtin_memcpy(p, &v, sizeof(V)); }

// c[0..w) = (beta ? c[0..w) : 0) + x[0..w), 0 < w < lanes: lanes past w are neither read nor written
#if ISA_LEVEL >= 3
static inline void storePart(float* c, v16 x, int w, int beta) {
  const __mmask16 m = __mmask16((1u << w) - 1);
  __m512 y = (__m512)x;
  if (beta) y = _mm512_add_ps(_mm512_maskz_loadu_ps(m, c), y);
  _mm512_mask_storeu_ps(c, m, y);
}
static inline void storePart(float* c, v8 x, int w, int beta) {
  const __mmask8 m = __mmask8((1u << w) - 1);
  __m256 y = (__m256)x;
  if (beta) y = _mm256_add_ps(_mm256_maskz_loadu_ps(m, c), y);
  _mm256_mask_storeu_ps(c, m, y);
}
#elif ISA_LEVEL == 2
static inline void storePart(float* c, v8 x, int w, int beta) {
  const __m256i m = _mm256_cmpgt_epi32(_mm256_set1_epi32(w), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  __m256 y = (__m256)x;
  if (beta) y = _mm256_add_ps(_mm256_maskload_ps(c, m), y);
  _mm256_maskstore_ps(c, m, y);
}
#endif
template <typename V>
static inline void storePart(float* c, V x, int w, int beta) {
  float t[sizeof(V) / sizeof(float)];
  storev<V>(t, x);
  for (int j = 0; j < w; j++) c[j] = beta ? c[j] + t[j] : t[j];
}

static const int KC = 256;
static const int MC = 192;
static const int NC = 512;

// thread-local, 64-byte aligned, grow-only scratch
struct Scratch {
  float* p = nullptr;
  size_t n = 0;
  ~Scratch() { std::free(p); }
  float* get(size_t want) {
    if (want > n) {
      std::free(p);
      size_t bytes = ((want * sizeof(float)) + 63) & ~size_t(63);
      p = static_cast<float*>(std::aligned_alloc(64, bytes));
      if (!p) std::abort();
      n = bytes / sizeof(float);
    }
    return p;
  }
};
static thread_local Scratch packB;

template <typename V, int MR, int NV, bool SQA = false>
static inline void micro(int kc, const float* __restrict pa, long rs, long ks, const float* __restrict pb, float* C,
                         long ldc, int mr, int nw, int beta) {
  // op(A)[row r, step k] of this tile is pa[r·rs + k·ks]; SQA: the product uses its float32 square
  // a·a instead (gemmVariance with squareA: the same value the squares kernel would have stored)
  constexpr int L = sizeof(V) / sizeof(float);
  constexpr int NR = NV * L;
  V acc[MR][NV];
  for (int r = 0; r < MR; r++)
    for (int v = 0; v < NV; v++) acc[r][v] = V{};
  for (int k = 0; k < kc; k++) {
    V b[NV];
    for (int v = 0; v < NV; v++) b[v] = loadv<V>(pb + v * L);
    for (int r = 0; r < MR; r++) {
      float a = pa[r * rs];
      if (SQA) a = a * a;
      for (int v = 0; v < NV; v++) acc[r][v] = acc[r][v] + a * b[v];
    }
    pa += ks;
    pb += NR;
  }
  for (int r = 0; r < mr; r++) {
    for (int v = 0; v < NV; v++) {
      float* c = C + r * ldc + v * L;
      const int w = std::min(L, nw - v * L);
      if (w == L) storev<V>(c, beta ? loadv<V>(c) + acc[r][v] : acc[r][v]);
      else if (w > 0) storePart<V>(c, acc[r][v], w, beta);
    }
  }
}

// the per-output read variance (read_noise_output.ts affineVariance): S[k, j] = float(dP² + dN²),
// dP = aP + bP·uP[k·N + j], dN = aN + bN·uN[k·N + j], JavaScript's float64 evaluation in the same
// order, one float32 rounding at the store (no FMA: -ffp-contract=off), so the bits equal the TS
// loop's. `row` writes w values of row k from column jb: readVariance (one long row) and the
// variance GEMM's B packing (gemmVariance) share it.
struct VarianceB {
  const float* uP;
  const float* uN;
  double aP, bP, aN, bN;
  inline void row(int N, int k, int jb, int w, float* __restrict d) const {
    const float* __restrict p = uP + size_t(k) * N + jb;
    const float* __restrict n = uN + size_t(k) * N + jb;
    for (int jj = 0; jj < w; jj++) {
      const double dP = aP + bP * double(p[jj]), dN = aN + bN * double(n[jj]);
      d[jj] = float(dP * dP + dN * dN);
    }
  }
};

// kb: the K block length (gemm passes ceil(K / ceil(K / KC)); convWeightGrad passes the block
// length of the whole product when it runs it in row chunks that start on block boundaries).
// src: computes op(B) while packing instead of reading B (gemmVariance); nullptr = read B
template <typename V, int MR, int NV, typename BSrc = VarianceB, bool SQA = false>
static void gemm_cfg(int transA, int transB, int M, int N, int K, const float* A, const float* B, float* C,
                     int accumulate, int kb, const BSrc* src = nullptr, long lda = 0) {
  constexpr int L = sizeof(V) / sizeof(float);
  constexpr int NR = NV * L;
  const int ncMax = std::min(NC, N);
  float* bp = packB.get(size_t((ncMax + NR - 1) / NR) * NR * std::min(kb, K));
  for (int k0 = 0; k0 < K; k0 += kb) {
    const int kc = std::min(kb, K - k0);
    const int beta = (k0 > 0 || accumulate) ? 1 : 0;
    for (int j0 = 0; j0 < N; j0 += NC) {
      const int nc = std::min(NC, N - j0);
      const int panels = (nc + NR - 1) / NR;
      // ---- pack op(B)[k0..k0+kc, j0..j0+nc) into NR-wide zero-padded panels
      for (int p = 0; p < panels; p++) {
        const int jb = j0 + p * NR;
        const int w = std::min(NR, j0 + nc - jb);
        float* d = bp + size_t(p) * kc * NR;
        if (src) {
          for (int k = 0; k < kc; k++, d += NR) {
            src->row(N, k0 + k, jb, w, d);
            for (int jj = w; jj < NR; jj++) d[jj] = 0.f;
          }
        } else if (!transB) {
          const float* s = B + size_t(k0) * N + jb;
          for (int k = 0; k < kc; k++, s += N, d += NR) {
            int jj = 0;
            for (; jj < w; jj++) d[jj] = s[jj];
            for (; jj < NR; jj++) d[jj] = 0.f;
          }
        } else {
          for (int jj = 0; jj < NR; jj++) {
            if (jj < w) {
              const float* s = B + size_t(jb + jj) * K + k0;
              for (int k = 0; k < kc; k++) d[size_t(k) * NR + jj] = s[k];
            } else {
              for (int k = 0; k < kc; k++) d[size_t(k) * NR + jj] = 0.f;
            }
          }
        }
      }
      for (int i0 = 0; i0 < M; i0 += MC) {
        const int mc = std::min(MC, M - i0);
        const int tiles = (mc + MR - 1) / MR;
        // ---- full MR-row tiles read op(A) in place; the h < MR rows left over run in place as
        //      4-row tiles and then 1-row tiles (no packing, no rows computed in vain)
        const int full = mc / MR;
        // lda: the row stride of A as stored (0 = its natural K, or M when transposed; a row slice
        // of a transposed A keeps the whole A's M)
        const long ldA = lda ? lda : (transA ? M : K);
        const long rsA = transA ? 1 : ldA, ksA = transA ? ldA : 1;
        // ---- register tiles: panels outer (B panel stays in L1), row tiles inner
        for (int p = 0; p < panels; p++) {
          const int jb = j0 + p * NR;
          const int nw = std::min(NR, N - jb);
          const float* pb = bp + size_t(p) * kc * NR;
          for (int t = 0; t < tiles; t++) {
            const int ib = i0 + t * MR;
            const int mr = std::min(MR, M - ib);
            if (t < full) {
              micro<V, MR, NV, SQA>(kc, A + size_t(ib) * rsA + size_t(k0) * ksA, rsA, ksA, pb, C + size_t(ib) * N + jb, N,
                               mr, nw, beta);
            } else {
              int r = ib;
              const int end = i0 + mc;
              for (; r + 4 <= end; r += 4)
                micro<V, 4, NV, SQA>(kc, A + size_t(r) * rsA + size_t(k0) * ksA, rsA, ksA, pb, C + size_t(r) * N + jb, N,
                                4, nw, beta);
              for (; r < end; r++)
                micro<V, 1, NV, SQA>(kc, A + size_t(r) * rsA + size_t(k0) * ksA, rsA, ksA, pb, C + size_t(r) * N + jb, N,
                                1, nw, beta);
            }
          }
        }
      }
    }
  }
}

static void gemm_kb(int transA, int transB, int M, int N, int K, const float* A, const float* B, float* C,
                    int accumulate, int kb, long lda = 0) {
#if ISA_LEVEL >= 3
  if (N > 16) gemm_cfg<v16, 8, 2>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
  else if (N > 8) gemm_cfg<v16, 12, 1>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
  else gemm_cfg<v8, 12, 1>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
#elif ISA_LEVEL == 2
  if (N > 8) gemm_cfg<v8, 6, 2>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
  else gemm_cfg<v8, 8, 1>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
#else
  if (N > 4) gemm_cfg<v4, 4, 2>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
  else gemm_cfg<v4, 8, 1>(transA, transB, M, N, K, A, B, C, accumulate, kb, static_cast<const VarianceB*>(nullptr), lda);
#endif
}

// the K block length of a product with inner dimension K: nb = ceil(K/KC) blocks of ceil(K/nb)
static inline int kBlock(int K) {
  const int nb = (K + KC - 1) / KC;
  return (K + nb - 1) / nb;
}

// gemm_kb with the rows of C cut into parts run on the thread pool (parallel.h): each C element is
// still computed by one thread with the same blocks in the same order (a row's result never
// depends on the other rows), so the bits do not depend on the thread count
static void gemm_rows(int transA, int transB, int M, int N, int K, const float* A, const float* B, float* C,
                      int accumulate, int kb) {
  const int parts = parallelParts(long(M) * N * K, 1L << 19, M / 16);
  if (parts <= 1) { gemm_kb(transA, transB, M, N, K, A, B, C, accumulate, kb); return; }
  parallelFor(parts, [&](int part, int n) {
    // whole 16-row groups per part (full register tiles)
    const int i0 = 16 * int(long((M + 15) / 16) * part / n), i1 = std::min(M, 16 * int(long((M + 15) / 16) * (part + 1) / n));
    if (i0 >= i1) return;
    const float* a = transA ? A + i0 : A + size_t(i0) * K;
    gemm_kb(transA, transB, i1 - i0, N, K, a, B, C + size_t(i0) * N, accumulate, kb, transA ? M : K);
  });
}

static void gemm(int transA, int transB, int M, int N, int K, const float* A, const float* B, float* C,
                 int accumulate) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) std::memset(C, 0, size_t(M) * N * sizeof(float));
    return;
  }
  gemm_rows(transA, transB, M, N, K, A, B, C, accumulate, kBlock(K));
}

// Per-output read noise variance of len cells (identity routing): VarianceB's formula as one row
static void readVariance(const float* __restrict uP, const float* __restrict uN, float* __restrict S, int len,
                         double aP, double bP, double aN, double bN) {
  const VarianceB src{uP, uN, aP, bP, aN, bN};
  src.row(len, 0, 0, len, S);
}

// V (M x N) = A (M x K) · S (K x N) with S the per-output read variance of the cells (VarianceB),
// computed while packing: the same bits as readVariance followed by gemm (same block order).
// squareA: A holds X and the product uses X∘X (each element squared in float32 where it is read, as
// the squares kernel would have stored it): the same bits as squares, then gemmVariance on X∘X.
// (With AVX-512 the squares are formed in the micro-kernel: one multiply more per element of A per
// column panel. read_path.ts asks for it only for narrow products, N ≤ 16, i.e. one panel, where A is
// an im2col patch matrix of megabytes: writing X∘X and reading it back cost more there (measured in
// LeNet-5 training; with hot caches, alone, the squares pass is cheaper).)
static void squares(const float* __restrict x, float* __restrict y, int len);
#if ISA_LEVEL >= 3
// the register tile by width, as gemm_kb picks it (SQA: A squared where it is read)
template <bool SQA>
static void gemmVarianceCfg(int M, int N, int K, const float* A, const VarianceB& src, float* C) {
  const int kb = kBlock(K);
  if (N > 16) gemm_cfg<v16, 8, 2, VarianceB, SQA>(0, 0, M, N, K, A, nullptr, C, 0, kb, &src);
  else if (N > 8) gemm_cfg<v16, 12, 1, VarianceB, SQA>(0, 0, M, N, K, A, nullptr, C, 0, kb, &src);
  else gemm_cfg<v8, 12, 1, VarianceB, SQA>(0, 0, M, N, K, A, nullptr, C, 0, kb, &src);
}
#endif
static void gemmVariance(int M, int N, int K, const float* A, const float* uP, const float* uN, double aP, double bP,
                         double aN, double bN, float* C, int squareA) {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) { std::memset(C, 0, size_t(M) * N * sizeof(float)); return; }
#if ISA_LEVEL >= 3
  // AVX-512: S computed in the packing loop (vectorised float64)
  const VarianceB src{uP, uN, aP, bP, aN, bN};
  if (squareA) gemmVarianceCfg<true>(M, N, K, A, src, C);
  else gemmVarianceCfg<false>(M, N, K, A, src, C);
#else
  // elsewhere the packing loop does not vectorise the float64 form: S into scratch, then the GEMM
  // (and X∘X into scratch first when asked to square A)
  static thread_local Scratch sv, sa;
  if (squareA) {
    float* A2 = sa.get(size_t(M) * K);
    squares(A, A2, M * K);
    A = A2;
  }
  float* S = sv.get(size_t(K) * N);
  readVariance(uP, uN, S, K * N, aP, bP, aN, bN);
  gemm(0, 0, M, N, K, A, S, C, 0);
#endif
}

// ---------------------------------------------------------------------------------------------
// dst[0..n) = src[0..n) for the short runs of im2col (a libc memcpy call per 5-float run costs more
// than the copy); explicit vector moves so the compiler does not turn the loop back into memcpy
__attribute__((always_inline))
static inline void copyRun(float* __restrict d, const float* __restrict s, int n) {
  int t = 0;
  for (; t + 8 <= n; t += 8) storev<v8>(d + t, loadv<v8>(s + t));
  if (t + 4 <= n) { storev<v4>(d + t, loadv<v4>(s + t)); t += 4; }
  if (t + 2 <= n) { __builtin_memcpy(d + t, s + t, 8); t += 2; }
  if (t < n) d[t] = s[t];
}

// rows [r0, r1) of the patch matrix (row r = (n·OH + oy)·OW + ox) into out[0 .. (r1 − r0)·kh·kw·C)
static void im2colRows(const float* x, int H, int W, int C, int kh, int kw, int stride, int pad, long r0, long r1,
                       float* out) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  float* o = out;
  long r = r0;
  int n = int(r0 / (long(OH) * OW)), oy = int((r0 / OW) % OH), ox = int(r0 % OW);
  for (; r < r1; n++, oy = 0) {
    const float* xn = x + size_t(n) * H * W * C;
    for (; oy < OH && r < r1; oy++, ox = 0) {
      const int iy0 = oy * stride - pad;
      for (; ox < OW && r < r1; ox++, r++) {
        const int ix0 = ox * stride - pad;
        const int kxLo = ix0 < 0 ? std::min(kw, -ix0) : 0;
        const int kxHi = std::max(kxLo, std::min(kw, W - ix0));
        const int zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        for (int ky = 0; ky < kh; ky++) {
          const int iy = iy0 + ky;
          if (iy < 0 || iy >= H) {
            std::memset(o, 0, size_t(kw) * C * sizeof(float));
            o += size_t(kw) * C;
            continue;
          }
          for (int t = 0; t < zl; t++) o[t] = 0.f;
          o += zl;
          copyRun(o, xn + (size_t(iy) * W + ix0 + kxLo) * C, run);
          o += run;
          for (int t = 0; t < zr; t++) o[t] = 0.f;
          o += zr;
        }
      }
    }
  }
}

static void im2col(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad, float* out) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  im2colRows(x, H, W, C, kh, kw, stride, pad, 0, long(N) * OH * OW, out);
}

// ---------------------------------------------------------------------------------------------
// Convolution without the whole patch matrix P = im2col(x) (m = N·OH·OW rows, Kc = kh·kw·C columns):
// P is produced in row chunks (GEMM_CHUNK_BYTES forward, CONV_CHUNK_BYTES for the weight gradient)
// into a thread-local buffer that stays in L2,
// and each chunk goes straight through the GEMM. Per output element the operations are those of
// the unchunked im2col + gemm (a GEMM's per-element summation order depends on K and its blocking
// only, never on M or on how the rows are split), so the bits are the same:
//   convForward:    Y[m, out] = P · Wt                    (= gemm(0, 0, m, out, Kc, P, Wt, Y, 0))
//   convWeightGrad: dW[Kc, out] += Pᵀ · dY                (= gemm(1, 0, Kc, out, m, P, dY, dW, 1))
// convWeightGrad's inner dimension is m: its chunks are whole K blocks of the unchunked product
// (kb = kBlock(m), chunks start at multiples of kb) and each chunk runs with that same kb, so every
// block is summed and added to dW exactly as in the single call.
static const long CONV_CHUNK_BYTES = 128 * 1024;
// convForward and convInputGrad run their chunks through gemm_kb, which packs the weights (Kc x out)
// into panels again for every chunk: with 128 KiB chunks a 64-channel layer (Kc = 576) had 56-row
// chunks and spent as much time packing the weights as multiplying. 512 KiB chunks (still inside
// a core's L2) measured 10-30 % faster per call for ResNet-20's 16-64 channel layers (input
// gradient; chunking cuts rows only, so the bits do not change).
static const long GEMM_CHUNK_BYTES = 512 * 1024;
static thread_local Scratch packP, padX;
static const int SLACK = 32;  // floats past the end of packP / padX that copyOver may touch

// d[0..L) = s[0..L) in whole 16/8-float vectors: may read s[L .. L+15] and write garbage to
// d[L .. L+15]. In the sequential fill of im2colPadded every such garbage float is overwritten by
// the next run (it starts at d + L), and the last run's lies in packP's slack.
__attribute__((always_inline))
static inline void copyOver(float* __restrict d, const float* __restrict s, int L) {
  int t = 0;
  for (; t + 16 <= L; t += 16) storev<v16>(d + t, loadv<v16>(s + t));
  if (t < L) {
    if (L - t <= 8) storev<v8>(d + t, loadv<v8>(s + t));
    else storev<v16>(d + t, loadv<v16>(s + t));
  }
}

// im2colRows for the chunk buffer: the same rows and values (exact copies, +0 in the padding), from
// a zero-padded copy of each image ((H + 2·pad) x (W + 2·pad) x C), so every kernel row of a patch
// is one run of kw·C floats with no bounds tests. The runs are copied in whole vectors that may
// write past their end into the next run (overwritten by it); the last run of the range is copied
// exactly, so nothing past row r1 − r0 of out is touched (threads fill neighbouring row ranges of
// one buffer). Each thread's padded copy is kept across the chunks of one kernel call (`call`, a
// number new for every call, since x changes between calls) and remade when the image changes.
struct PadState {
  uint64_t call = 0;
  long image = -1;
};
static thread_local PadState padState;
static std::atomic<uint64_t> convCalls{0};
static inline uint64_t newConvCall() { return convCalls.fetch_add(1, std::memory_order_relaxed) + 1; }
static void im2colPadded(const float* x, int H, int W, int C, int kh, int kw, int stride, int pad, long r0, long r1,
                         float* out, uint64_t call) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const int Hp = H + 2 * pad, Wp = W + 2 * pad;
  const long rowLen = long(Wp) * C;
  const int L = kw * C;
  float* xp = padX.get(size_t(Hp) * rowLen + SLACK);
  float* o = out;
  long r = r0;
  int n = int(r0 / (long(OH) * OW)), oy = int((r0 / OW) % OH), ox = int(r0 % OW);
  for (; r < r1; n++, oy = 0) {
    if (padState.call != call || padState.image != n) {
      std::memset(xp, 0, (size_t(Hp) * rowLen + SLACK) * sizeof(float));
      const float* xn = x + size_t(n) * H * W * C;
      for (int iy = 0; iy < H; iy++)
        std::memcpy(xp + (iy + pad) * rowLen + long(pad) * C, xn + size_t(iy) * W * C, size_t(W) * C * sizeof(float));
      padState.call = call;
      padState.image = n;
    }
    for (; oy < OH && r < r1; oy++, ox = 0) {
      const float* srow = xp + long(oy) * stride * rowLen;
      for (; ox < OW && r < r1; ox++, r++) {
        const float* s = srow + long(ox) * stride * C;
        if (r + 1 < r1) {
          for (int ky = 0; ky < kh; ky++, s += rowLen, o += L) copyOver(o, s, L);
        } else {
          for (int ky = 0; ky + 1 < kh; ky++, s += rowLen, o += L) copyOver(o, s, L);
          copyRun(o, s, L);
          o += L;
        }
      }
    }
  }
}

// var (optional, per-output read noise, ConvVariance in kernels.h): also V = (P∘P)·S per chunk while
// the chunk is in cache, S the cells' read variance (gemmVariance; squareA for ≤ 16 channels, else a
// squares pass over the chunk): the same bits as im2col, squares and gemmVariance on the whole P.
// Threads: the rows are cut into contiguous ranges, one per part; each part runs its range in
// chunks with its own buffers (rows are independent, so the bits do not depend on the cut).
static thread_local Scratch packP2;
static void convForward(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                        const float* Wt, int outCh, float* Y, const ConvVariance* var) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const long m = long(N) * OH * OW;
  const int Kc = kh * kw * C;
  if (m <= 0 || outCh <= 0) return;
  const long R = std::max(1L, GEMM_CHUNK_BYTES / long(Kc * sizeof(float)));
  const int kbF = kBlock(Kc);
  const int parts = parallelParts(m * Kc * outCh, 1L << 20, (m + R - 1) / R);
  const uint64_t call = newConvCall();
  parallelFor(parts, [&](int part, int nParts) {
    const long a = m * part / nParts, b = m * (part + 1) / nParts;
    if (a >= b) return;
    float* P = packP.get(size_t(std::min(R, b - a)) * Kc + SLACK);
    float* P2 = var && outCh > 16 ? packP2.get(size_t(std::min(R, b - a)) * Kc) : nullptr;
    for (long r0 = a; r0 < b; r0 += R) {
      const long r1 = std::min(b, r0 + R);
      im2colPadded(x, H, W, C, kh, kw, stride, pad, r0, r1, P, call);
      gemm_kb(0, 0, int(r1 - r0), outCh, Kc, P, Wt, Y + size_t(r0) * outCh, 0, kbF);
      if (var) {
        float* V = var->V + size_t(r0) * outCh;
        if (P2) {
          squares(P, P2, int((r1 - r0) * Kc));
          gemmVariance(int(r1 - r0), outCh, Kc, P2, var->uP, var->uN, var->aP, var->bP, var->aN, var->bN, V, 0);
        } else {
          gemmVariance(int(r1 - r0), outCh, Kc, P, var->uP, var->uN, var->aP, var->bP, var->aN, var->bN, V, 1);
        }
      }
    }
  });
}

// Threads: each part owns a range of dW's rows (Kc, whole 8-row groups) and runs the whole product
// for it, chunk after chunk, with its own patch buffer (each part forms the chunk's patches itself:
// im2col is copying, a few per cent of the product, and the parts then never wait for each other
// inside the call; handing the chunks over cost two pool hand-overs per chunk, hundreds per call
// for ResNet-20's first stage). Every dW element is summed by one thread over the same blocks in
// the same order as with one thread.
static void convWeightGrad(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                           const float* dY, int outCh, float* dW) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const long m = long(N) * OH * OW;
  const int Kc = kh * kw * C;
  if (m <= 0 || outCh <= 0) return;  // gemm with K = 0 and accumulate: dW unchanged
  const int kb = kBlock(int(m));
  const int parts = parallelParts(m * Kc * outCh, 1L << 20, (Kc + 7) / 8);
  const long rowsWanted = std::max(1L, CONV_CHUNK_BYTES / long(Kc * sizeof(float)));
  const long R = long(kb) * std::max(1L, rowsWanted / kb);
  const uint64_t call = newConvCall();
  parallelFor(parts, [&](int part, int n) {
    const int groups = (Kc + 7) / 8;
    const int i0 = std::min(Kc, 8 * int(long(groups) * part / n)), i1 = std::min(Kc, 8 * int(long(groups) * (part + 1) / n));
    if (i0 >= i1) return;
    float* P = packP.get(size_t(std::min(R, m)) * Kc + SLACK);
    for (long r0 = 0; r0 < m; r0 += R) {
      const long r1 = std::min(m, r0 + R);
      im2colPadded(x, H, W, C, kh, kw, stride, pad, r0, r1, P, call);
      if (i0 == 0 && i1 == Kc) gemm_kb(1, 0, Kc, outCh, int(r1 - r0), P, dY + size_t(r0) * outCh, dW, 1, kb);
      else gemm_kb(1, 0, i1 - i0, outCh, int(r1 - r0), P + i0, dY + size_t(r0) * outCh, dW + size_t(i0) * outCh, 1, kb, Kc);
    }
  });
}

// rows [r0, r1) of the patch-matrix gradient (cols, (r1 − r0) x kh·kw·C) added into dx (col2im's
// loop for those rows; rows in ascending order, so each dx element receives its additions in the
// order col2im gives them when the ranges are run in ascending order)
static void col2imRows(const float* cols, int H, int W, int C, int kh, int kw, int stride, int pad, long r0, long r1,
                       float* dx) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const float* o = cols;
  long r = r0;
  int n = int(r0 / (long(OH) * OW)), oy = int((r0 / OW) % OH), ox = int(r0 % OW);
  for (; r < r1; n++, oy = 0) {
    float* xn = dx + size_t(n) * H * W * C;
    for (; oy < OH && r < r1; oy++, ox = 0) {
      const int iy0 = oy * stride - pad;
      for (; ox < OW && r < r1; ox++, r++) {
        const int ix0 = ox * stride - pad;
        const int kxLo = ix0 < 0 ? std::min(kw, -ix0) : 0;
        const int kxHi = std::max(kxLo, std::min(kw, W - ix0));
        const int zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        for (int ky = 0; ky < kh; ky++) {
          const int iy = iy0 + ky;
          if (iy < 0 || iy >= H) { o += size_t(kw) * C; continue; }
          o += zl;
          float* __restrict s = xn + (size_t(iy) * W + ix0 + kxLo) * C;
          const float* __restrict c = o;
          for (int t = 0; t < run; t++) s[t] = s[t] + c[t];
          o += run;
          o += zr;
        }
      }
    }
  }
}

// the image ranges of a part: images are independent in col2im, so parts cut between images
static inline void imagePart(int N, int part, int parts, int& n0, int& n1) {
  n0 = int(long(N) * part / parts);
  n1 = int(long(N) * (part + 1) / parts);
}

static void col2im(const float* cols, int N, int H, int W, int C, int kh, int kw, int stride, int pad, float* dx) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const long per = long(OH) * OW, Kc = long(kh) * kw * C, img = long(H) * W * C;
  parallelFor(parallelParts(long(N) * per * Kc, 1L << 18, N), [&](int part, int n) {
    int n0, n1;
    imagePart(N, part, n, n0, n1);
    if (n0 >= n1) return;
    std::memset(dx + size_t(n0) * img, 0, size_t(n1 - n0) * img * sizeof(float));
    col2imRows(cols + size_t(n0) * per * Kc, H, W, C, kh, kw, stride, pad, n0 * per, n1 * per, dx);
  });
}

// dx = col2im(dY · Wtᵀ) without the whole patch-matrix gradient: dY·Wtᵀ (gemm(0, 1, m, Kc, outCh):
// per element the same blocks and order whatever the row count) in row chunks of about
// GEMM_CHUNK_BYTES, each added into dx by col2imRows right away; the same bits as gemm then col2im.
// Threads: parts cut between images (dx regions of different images never overlap).
// (A direct per-pixel form of the same sums, taps interleaved in vector lanes, measured 1.3-1.6x
// slower than this for ResNet-20's 16-64 channel layers, so it is not used.)
static thread_local Scratch packDP;
static void convInputGrad(const float* dY, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                          const float* Wt, int outCh, float* dx) {
  const int OH = (H + 2 * pad - kh) / stride + 1;
  const int OW = (W + 2 * pad - kw) / stride + 1;
  const long per = long(OH) * OW, img = long(H) * W * C;
  const int Kc = kh * kw * C;
  if (N <= 0) return;
  if (outCh <= 0) { std::memset(dx, 0, size_t(N) * img * sizeof(float)); return; }
  const long R = std::max(1L, GEMM_CHUNK_BYTES / long(Kc * sizeof(float)));
  const int kbI = kBlock(outCh);
  parallelFor(parallelParts(long(N) * per * Kc * outCh, 1L << 20, N), [&](int part, int n) {
    int n0, n1;
    imagePart(N, part, n, n0, n1);
    if (n0 >= n1) return;
    std::memset(dx + size_t(n0) * img, 0, size_t(n1 - n0) * img * sizeof(float));
    const long a = n0 * per, b = n1 * per;
    float* dP = packDP.get(size_t(std::min(R, b - a)) * Kc);
    for (long r0 = a; r0 < b; r0 += R) {
      const long r1 = std::min(b, r0 + R);
      gemm_kb(0, 1, int(r1 - r0), Kc, outCh, dY + size_t(r0) * outCh, Wt, dP, 0, kbI);
      col2imRows(dP, H, W, C, kh, kw, stride, pad, r0, r1, dx);
    }
  });
}

static void addBiasRows(float* Y, int n, int cols, const float* bias) {
  if (cols > 0 && cols <= 16) {
    // narrow rows (LeNet-5's 6 and 16 channels): the rows are contiguous, so this is
    // y[k] += bias[k mod cols] over the n·cols floats, in runs of L = 16·cols floats (whole rows and
    // whole 16-float vectors) against a pattern of the bias repeated; the same float32 addition per
    // element. (A masked vector per row made each row's load wait for the previous row's
    // overlapping masked store.)
    alignas(64) float P[256];
    const int L = 16 * cols;
    for (int k = 0; k < L; k++) P[k] = bias[k % cols];
    const size_t total = size_t(n) * cols;
    size_t k0 = 0;
    for (; k0 + size_t(L) <= total; k0 += L) {
      float* __restrict y = Y + k0;
      for (int j = 0; j < L; j++) y[j] = y[j] + P[j];
    }
    float* __restrict y = Y + k0;
    const int rest = int(total - k0);
    for (int j = 0; j < rest; j++) y[j] = y[j] + P[j];
    return;
  }
  for (int i = 0; i < n; i++) {
    float* __restrict y = Y + size_t(i) * cols;
    const float* __restrict b = bias;
    for (int j = 0; j < cols; j++) y[j] = y[j] + b[j];
  }
}

static void biasGrad(const float* dY, int n, int cols, float* gb) {
#if ISA_LEVEL >= 3
  if (cols <= 16) {
    // the column sums in one register, rows still added in ascending order: the same bits
    const __mmask16 m = __mmask16((1u << cols) - 1);
    __m512 g = _mm512_maskz_loadu_ps(m, gb);
    for (int i = 0; i < n; i++) g = _mm512_add_ps(g, _mm512_maskz_loadu_ps(m, dY + size_t(i) * cols));
    _mm512_mask_storeu_ps(gb, m, g);
    return;
  }
#endif
  for (int i = 0; i < n; i++) {
    const float* __restrict d = dY + size_t(i) * cols;
    float* __restrict g = gb;
    for (int j = 0; j < cols; j++) g[j] = g[j] + d[j];
  }
}

// elementwise kernels cut into contiguous ranges (whole 16-float vectors) for the thread pool
template <typename F>
static inline void elementwise(long len, F&& f) {
  parallelFor(parallelParts(len, 1L << 16, (len + 15) / 16), [&](int part, int n) {
    const long v = (len + 15) / 16;
    const long i0 = std::min(len, 16 * (v * part / n)), i1 = std::min(len, 16 * (v * (part + 1) / n));
    if (i0 < i1) f(i0, i1);
  });
}

static void reluForward(const float* x, float* y, int len) {
  elementwise(len, [&](long i0, long i1) {
    for (long i = i0; i < i1; i++) {
      const float v = x[i];
      y[i] = v > 0.f ? v : 0.f;
    }
  });
}

static void reluBackward(const float* y, const float* dy, float* dx, int len) {
  elementwise(len, [&](long i0, long i1) {
    // both operands loaded unconditionally, then a select: vectorises (a conditional load of dy
    // did not, inside the lambda: 25x slower)
    const float* __restrict yy = y + i0;
    const float* __restrict g = dy + i0;
    float* __restrict d = dx + i0;
    const long n = i1 - i0;
    for (long i = 0; i < n; i++) {
      const float v = g[i];
      d[i] = yy[i] > 0.f ? v : 0.f;
    }
  });
}

static void addArrays(const float* a, const float* b, float* y, long len, int relu) {
  elementwise(len, [&](long i0, long i1) {
    const float* __restrict p = a + i0;
    const float* __restrict q = b + i0;
    float* __restrict o = y + i0;
    const long n = i1 - i0;
    if (relu) {
      for (long i = 0; i < n; i++) {
        const float v = p[i] + q[i];
        o[i] = v > 0.f ? v : 0.f;
      }
    } else {
      for (long i = 0; i < n; i++) o[i] = p[i] + q[i];
    }
  });
}

// (threads: contiguous element ranges; every element's update is independent of the others)
static void sgdRange(float* __restrict w, const float* __restrict g, float* __restrict v, const float* __restrict mask,
                     long len, double lr, double mu, double wd) {
  if (mask) {
    for (long i = 0; i < len; i++) {
      const double vi = double(mask[i]) * (mu * double(v[i]) + double(g[i]) + wd * double(w[i]));
      v[i] = float(vi);
      w[i] = float(double(w[i]) - lr * vi);
    }
  } else {
    for (long i = 0; i < len; i++) {
      const double vi = mu * double(v[i]) + double(g[i]) + wd * double(w[i]);
      v[i] = float(vi);
      w[i] = float(double(w[i]) - lr * vi);
    }
  }
}

static void sgd(float* w, const float* g, float* v, const float* mask, int len, double lr, double mu, double wd) {
  elementwise(len, [&](long i0, long i1) {
    sgdRange(w + i0, g + i0, v + i0, mask ? mask + i0 : nullptr, i1 - i0, lr, mu, wd);
  });
}

// max pooling, NHWC, kernel k, stride s, no padding (src/nn/max_pool2d.ts):
//   y[b,oy,ox,c] = max over the window (first maximum in (ky, kx) order wins; NaN never wins),
//   arg = index into x of that maximum.  Backward: dx = 0, then dx[arg[i]] = dx[arg[i]] + dy[i]
//   for i ascending (same float32 additions as the TS loop).
static void maxPoolForward(const float* x, float* y, int32_t* arg, int n, int H, int W, int C, int k, int s,
                           int OH, int OW) {
  const long rs = long(W) * C;
  long o = 0;
  for (int b = 0; b < n; b++) {
    const long xb = long(b) * H * rs;
    for (int oy = 0; oy < OH; oy++) {
      for (int ox = 0; ox < OW; ox++) {
        const long first = xb + long(oy) * s * rs + long(ox) * s * C;
        if (k == 2) {
          // branch-free (maxima are data-dependent, branches would mispredict): selects with the
          // same strict comparisons as the TS loop, so the same winner and the same bits
          const float* __restrict x0 = x + first;
          const float* __restrict x1 = x0 + C;
          const float* __restrict x2 = x0 + rs;
          const float* __restrict x3 = x2 + C;
          float* __restrict yo = y + o;
          int32_t* __restrict ao = arg + o;
          const int32_t f = int32_t(first), fC = int32_t(first + C), fR = int32_t(first + rs), fRC = int32_t(first + rs + C);
          int c = 0;
          for (; c + 4 <= C; c += 4) {
            typedef int32_t v4i __attribute__((vector_size(16)));
            const v4i lane = {0, 1, 2, 3};
            v4 best = loadv<v4>(x0 + c);
            v4i bi = lane + (f + c);
            v4 v = loadv<v4>(x1 + c);
            v4i m = v > best;
            best = m ? v : best; bi = m ? lane + (fC + c) : bi;
            v = loadv<v4>(x2 + c);
            m = v > best;
            best = m ? v : best; bi = m ? lane + (fR + c) : bi;
            v = loadv<v4>(x3 + c);
            m = v > best;
            best = m ? v : best; bi = m ? lane + (fRC + c) : bi;
            storev<v4>(yo + c, best);
            __builtin_memcpy(ao + c, &bi, sizeof bi);
          }
          for (; c < C; c++) {
            // scalar tail, branch-free through integer masks
            float best = x0[c];
            int32_t bi = f + c;
            const float vs[3] = {x1[c], x2[c], x3[c]};
            const int32_t is[3] = {fC + c, fR + c, fRC + c};
            for (int q = 0; q < 3; q++) {
              const int32_t m = -int32_t(vs[q] > best);
              int32_t bb, vb;
              __builtin_memcpy(&bb, &best, 4);
              __builtin_memcpy(&vb, &vs[q], 4);
              bb = (vb & m) | (bb & ~m);
              __builtin_memcpy(&best, &bb, 4);
              bi = (is[q] & m) | (bi & ~m);
            }
            yo[c] = best;
            ao[c] = bi;
          }
          o += C;
        } else {
          for (int c = 0; c < C; c++) {
            float best = x[first + c];
            long bi = first + c;
            for (int ky = 0; ky < k; ky++) {
              long idx = first + ky * rs + c;
              for (int kx = 0; kx < k; kx++, idx += C) {
                const float v = x[idx];
                if (v > best) { best = v; bi = idx; }
              }
            }
            y[o] = best;
            arg[o++] = int32_t(bi);
          }
        }
      }
    }
  }
}

static void maxPoolBackward(const float* dy, const int32_t* arg, float* dx, int len, int dxLen) {
  std::memset(dx, 0, size_t(dxLen) * sizeof(float));
  for (int i = 0; i < len; i++) dx[arg[i]] = dx[arg[i]] + dy[i];
}

#include "program_impl.h"
#include "batch_norm_impl.h"
#include "pulse_impl.h"

static const KernelTable table = {
  ISA_NAME, gemm, im2col, col2im, addBiasRows, biasGrad, reluForward, reluBackward, sgd, maxPoolForward,
  maxPoolBackward, readVariance, outputNoise, squares, gemmVariance, program, convForward, convWeightGrad,
  convInputGrad, addArrays, batchNormForward, batchNormBackward, pulseCounted,
};

}  // namespace ISA_NS
