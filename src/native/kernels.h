// Kernel table of the native backend (src/native): one table per instruction set, filled by
// isa_avx512.cc / isa_avx2.cc / isa_base.cc from the same source (kernels_impl.h). The formulas
// and summation orders are those of the WebAssembly kernels (src/kernels/wasm/kernels.as) and are
// documented in kernels_impl.h; every entry gives the same bits on every instruction set.
#pragma once
#include <cstdint>

// arguments of the crossbar cell-programming pass (program_impl.h has the formulas)
struct ProgramArgs {
  const float* val;
  const uint8_t* kind;
  float* uP;
  float* uN;
  uint32_t* wP;
  uint32_t* wN;
  float* wEff;
  int rows, cols;
  const int32_t* permR;  // null = identity
  const int32_t* permC;  // null = identity
  float wMaxF;
  int levels;
  const int32_t* special;
  const int32_t* slot;
  int nSpecial;
  double wMax;
  int two, full;
  // counter-based programming variation (program_impl.h, noise_f32.h); noise = 0: none
  // (then tP/tN are unused and uP/uN double as the targets)
  int noise;
  float* tP;
  float* tN;
  float sigmaF, offF;  // σ, g₀ (float32)
  uint32_t b;          // the pass's base word (counter_normal.ts)
  const float* table;  // the lognormal quantile table T[0..4096] (prog_noise_counter.ts)
};

// arguments of the open-loop / mixed-precision pulse pass on the differential mapping
// (pulse_impl.h has the formulas; pulse_kernel.cc fills it from pulseProgram's arguments)
struct PulseArgs {
  const float* val;
  const uint8_t* kind;
  float* uP;
  float* uN;
  uint32_t* wP;
  uint32_t* wN;
  float* wEff;
  float* last;
  float* aimP;
  float* aimN;
  float* accP;  // mixed-precision only (else null)
  float* accN;
  uint32_t* cntP;
  uint32_t* cntN;
  const double* gains;  // g_c, c = 2s + (0 for G⁺, 1 for G⁻)
  const double* Z;      // Z[j] = Φ⁻¹(j/4096), j = 0 … 4096
  const int32_t* permR;  // null = identity (then permC is null too)
  const int32_t* permC;
  int rows, cols;
  int scheme;  // 0 open-loop, 1 mixed-precision
  int code;    // shape: 0 constant, 1 linear
  int full;
  double wMax, dwUp, dwDown, dwMin, mid, invH, gammaUp, gammaDown, uMin, uMax, ctoc;
  uint32_t k0, k1;
};

// the per-output read variance a convolution forms with its product (convForward): V = (P∘P)·S,
// S[k, j] = float((aP + bP·uP)² + (aN + bN·uN)²)
struct ConvVariance {
  const float* uP;
  const float* uN;
  double aP, bP, aN, bN;
  float* V;
};

struct KernelTable {
  const char* name;
  // C (M x N) (+)= op(A) · op(B), row-major (see kernels_impl.h for the summation order)
  void (*gemm)(int transA, int transB, int M, int N, int K, const float* A, const float* B, float* C, int accumulate);
  void (*im2col)(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad, float* out);
  void (*col2im)(const float* cols, int N, int H, int W, int C, int kh, int kw, int stride, int pad, float* dx);
  void (*addBiasRows)(float* Y, int n, int cols, const float* bias);
  void (*biasGrad)(const float* dY, int n, int cols, float* gb);
  void (*reluForward)(const float* x, float* y, int len);
  void (*reluBackward)(const float* y, const float* dy, float* dx, int len);
  // SGD with momentum, JS double-precision semantics (see kernels_impl.h)
  void (*sgd)(float* w, const float* g, float* v, const float* mask, int len, double lr, double mu, double wd);
  // max pooling (NHWC, no padding) and its backward (see kernels_impl.h)
  void (*maxPoolForward)(const float* x, float* y, int32_t* arg, int n, int H, int W, int C, int k, int s, int OH, int OW);
  void (*maxPoolBackward)(const float* dy, const int32_t* arg, float* dx, int len, int dxLen);
  // per-output read noise: S[s] = float(dP² + dN²), dP = aP + bP·uP[s], dN = aN + bN·uN[s] (double)
  void (*readVariance)(const float* uP, const float* uN, float* S, int len, double aP, double bP, double aN, double bN);
  // per-output read noise: y[k] += √v[k]·z(b, e0 + k) (noise_f32.h)
  void (*outputNoise)(float* y, const float* v, int len, uint32_t b, uint32_t e0);
  // y[i] = x[i]·x[i] (the per-output read noise's X∘X)
  void (*squares)(const float* x, float* y, int len);
  // V = A·S, S[k, j] = float((aP + bP·uP)² + (aN + bN·uN)²) computed while packing (kernels_impl.h)
  // (squareA ≠ 0: A holds X, the product uses X∘X)
  void (*gemmVariance)(int M, int N, int K, const float* A, const float* uP, const float* uN, double aP, double bP,
                       double aN, double bN, float* C, int squareA);
  // crossbar cell programming (program_impl.h): out[0] = cells written, out[1] = weights clipped
  void (*program)(const ProgramArgs& a, double* out);
  // convolution through row chunks of im2col (kernels_impl.h): Y = im2col(x)·Wt (overwrites Y) and
  // dW += im2col(x)ᵀ·dY, the same bits as im2col followed by gemm
  // (var ≠ null: also var->V = (P∘P)·S, see ConvVariance)
  void (*convForward)(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                      const float* Wt, int outCh, float* Y, const ConvVariance* var);
  void (*convWeightGrad)(const float* x, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                         const float* dY, int outCh, float* dW);
  // dx = col2im(dY·Wtᵀ) in row chunks (the same bits as gemm(0, 1, …) followed by col2im)
  void (*convInputGrad)(const float* dY, int N, int H, int W, int C, int kh, int kw, int stride, int pad,
                        const float* Wt, int outCh, float* dx);
  // y[i] = a[i] + b[i] (float32; the residual block's sum and its input gradient); relu ≠ 0: then
  // y[i] = y[i] > 0 ? y[i] : 0 (the ReLU after the block, fused)
  void (*addArrays)(const float* a, const float* b, float* y, long len, int relu);
  // batch normalisation over rows x C (batch_norm_impl.h; the bits of src/nn/batch_norm.ts)
  void (*batchNormForward)(const float* x, float* y, float* xhat, long rows, int C, int training, const float* gamma,
                           const float* beta, float* runMean, float* runVar, double rho, double eps, double* mean,
                           double* inv, int relu);
  void (*batchNormBackward)(const float* dy, const float* xhat, float* dx, long rows, int C, int training,
                            const float* gamma, const double* inv, float* gammaGrad, float* betaGrad,
                            const float* mask);
  // open-loop / mixed-precision pulses on the differential mapping (pulse_impl.h): out = [write
  // events, clipped, pulses, reads (0), touched (0/1)]
  void (*pulseCounted)(const PulseArgs& a, double* out);
};

// the table in use (addon.cc: the best instruction set of this CPU, or the one `setIsa` chose)
const KernelTable* activeKernelTable();

const KernelTable* table_base();
#if defined(__x86_64__) || defined(_M_X64)
const KernelTable* table_avx2();
const KernelTable* table_avx512();
#endif
