// Node-API glue of the native kernel backend (loaded by src/kernels/native.ts). Every function
// takes Float32Arrays (any ArrayBuffer, including the kernels' wasm memory: the data pointer comes
// from napi_get_typedarray_info, nothing is copied) plus integer sizes, checks that every operand
// is long enough (RangeError otherwise: the kernels write by pointer), and calls the kernel table
// of the instruction set picked at load time:
//   AVX-512 (F, BW, DQ, VL) if the CPU has it, else AVX2, else the baseline build
// (__builtin_cpu_supports; `setIsa(name)` switches, e.g. for tests comparing the ISAs).
// Formulas and summation orders: kernels_impl.h (bit-identical to src/kernels/wasm/kernels.as).
#include <node_api.h>

#include <atomic>
#include <cstring>
#include <string>

#include "kernels.h"
#include "parallel.h"

// the pulsed update schemes' pass (pulse_kernel.cc)
napi_value PulseProgram(napi_env env, napi_callback_info info);

namespace {

std::atomic<const KernelTable*> g_table{nullptr};

bool cpuHas(const char* isa) {
#if defined(__x86_64__) || defined(_M_X64)
  __builtin_cpu_init();
  if (std::strcmp(isa, "avx512") == 0) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  }
  if (std::strcmp(isa, "avx2") == 0) return __builtin_cpu_supports("avx2");
#endif
  return std::strcmp(isa, "base") == 0;
}

const KernelTable* tableFor(const char* isa) {
  if (!cpuHas(isa)) return nullptr;
#if defined(__x86_64__) || defined(_M_X64)
  if (std::strcmp(isa, "avx512") == 0) return table_avx512();
  if (std::strcmp(isa, "avx2") == 0) return table_avx2();
#endif
  if (std::strcmp(isa, "base") == 0) return table_base();
  return nullptr;
}

const KernelTable* best() {
  for (const char* isa : {"avx512", "avx2", "base"}) {
    if (const KernelTable* t = tableFor(isa)) return t;
  }
  return table_base();
}

// ---- argument helpers (throw a JS error and return false on failure)
struct Args {
  napi_env env;
  napi_value argv[24];
  size_t argc = 24;
  bool ok = true;

  Args(napi_env e, napi_callback_info info, size_t want) : env(e) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc < want) fail("wrong number of arguments");
  }
  void fail(const char* msg) {
    if (ok) napi_throw_range_error(env, nullptr, msg);
    ok = false;
  }
  int i32(size_t k) {
    int32_t v = 0;
    if (ok && napi_get_value_int32(env, argv[k], &v) != napi_ok) fail("expected an integer");
    return v;
  }
  double f64(size_t k) {
    double v = 0;
    if (ok && napi_get_value_double(env, argv[k], &v) != napi_ok) fail("expected a number");
    return v;
  }
  bool isNull(size_t k) {
    napi_valuetype t;
    napi_typeof(env, argv[k], &t);
    return t == napi_null || t == napi_undefined;
  }
  // Float32Array with at least `need` elements (need < 0: unchecked negative size → error)
  float* f32(size_t k, double need) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, argv[k], &is);
    if (!is) { fail("expected a Float32Array"); return nullptr; }
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, argv[k], &type, &length, &data, nullptr, nullptr);
    if (type != napi_float32_array) { fail("expected a Float32Array"); return nullptr; }
    if (need < 0 || double(length) < need) { fail("operand shorter than its dimensions"); return nullptr; }
    return static_cast<float*>(data);
  }
  // typed array of `type` with at least `need` elements (null/undefined allowed when `nullable`)
  void* typed(size_t k, napi_typedarray_type want, const char* what, double need, size_t* lenOut = nullptr) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, argv[k], &is);
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    if (is) napi_get_typedarray_info(env, argv[k], &type, &length, &data, nullptr, nullptr);
    if (!is || type != want) { fail(what); return nullptr; }
    if (need < 0 || double(length) < need) { fail("operand shorter than its dimensions"); return nullptr; }
    if (lenOut) *lenOut = length;
    return data;
  }
  // Int32Array with at least `need` elements
  int32_t* i32a(size_t k, double need) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, argv[k], &is);
    if (!is) { fail("expected an Int32Array"); return nullptr; }
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, argv[k], &type, &length, &data, nullptr, nullptr);
    if (type != napi_int32_array) { fail("expected an Int32Array"); return nullptr; }
    if (need < 0 || double(length) < need) { fail("operand shorter than its dimensions"); return nullptr; }
    return static_cast<int32_t*>(data);
  }
};

napi_value undef(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  Args a(env, info, 9);
  const int tA = a.i32(0), tB = a.i32(1), M = a.i32(2), N = a.i32(3), K = a.i32(4);
  if (a.ok && (M < 0 || N < 0 || K < 0)) a.fail("gemm: negative dimension");
  const float* A = a.f32(5, double(M) * K);
  const float* B = a.f32(6, double(K) * N);
  float* C = a.f32(7, double(M) * N);
  const int acc = a.i32(8);
  if (!a.ok) return nullptr;
  g_table.load()->gemm(tA, tB, M, N, K, A, B, C, acc);
  return undef(env);
}

// geometry of im2col/col2im: returns false (and throws) on nonsense sizes
bool convGeom(Args& a, int& N, int& H, int& W, int& C, int& kh, int& kw, int& stride, int& pad, double& xLen,
              double& colsLen) {
  N = a.i32(1); H = a.i32(2); W = a.i32(3); C = a.i32(4);
  kh = a.i32(5); kw = a.i32(6); stride = a.i32(7); pad = a.i32(8);
  if (!a.ok) return false;
  if (N < 0 || H < 1 || W < 1 || C < 1 || kh < 1 || kw < 1 || stride < 1 || pad < 0) {
    a.fail("conv geometry out of range");
    return false;
  }
  const int OH = (H + 2 * pad - kh) / stride + 1, OW = (W + 2 * pad - kw) / stride + 1;
  if (H + 2 * pad < kh || W + 2 * pad < kw) { a.fail("kernel larger than padded input"); return false; }
  xLen = double(N) * H * W * C;
  colsLen = double(N) * OH * OW * kh * kw * C;
  return true;
}

napi_value Im2col(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  int N, H, W, C, kh, kw, s, p;
  double xLen = 0, colsLen = 0;
  if (!convGeom(a, N, H, W, C, kh, kw, s, p, xLen, colsLen)) return nullptr;
  const float* x = a.f32(0, xLen);
  float* out = a.f32(9, colsLen);
  if (!a.ok) return nullptr;
  g_table.load()->im2col(x, N, H, W, C, kh, kw, s, p, out);
  return undef(env);
}

napi_value Col2im(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  int N, H, W, C, kh, kw, s, p;
  double xLen = 0, colsLen = 0;
  if (!convGeom(a, N, H, W, C, kh, kw, s, p, xLen, colsLen)) return nullptr;
  const float* cols = a.f32(0, colsLen);
  float* dx = a.f32(9, xLen);
  if (!a.ok) return nullptr;
  g_table.load()->col2im(cols, N, H, W, C, kh, kw, s, p, dx);
  return undef(env);
}

// convForward(x, N, H, W, C, kh, kw, stride, pad, Wt, outCh, Y): Y = im2col(x)·Wt
// convWeightGrad(x, N, H, W, C, kh, kw, stride, pad, dY, outCh, dW): dW += im2col(x)ᵀ·dY
napi_value ConvForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 12);
  int N, H, W, C, kh, kw, s, p;
  double xLen = 0, colsLen = 0;
  if (!convGeom(a, N, H, W, C, kh, kw, s, p, xLen, colsLen)) return nullptr;
  const int outCh = a.i32(10);
  if (a.ok && outCh < 0) a.fail("convForward: negative channel count");
  const double Kc = double(kh) * kw * C, rows = Kc > 0 ? colsLen / Kc : 0;
  if (a.ok && rows * Kc > 2147483647.0) a.fail("convForward: patch matrix too large");
  const float* x = a.f32(0, xLen);
  const float* Wt = a.f32(9, Kc * outCh);
  float* Y = a.f32(11, rows * outCh);
  // optional per-output read variance: uP, uN (Kc x outCh), aP, bP, aN, bN, V (rows x outCh)
  ConvVariance var{};
  const bool withVar = a.argc > 12 && !a.isNull(12);
  if (withVar) {
    var.uP = a.f32(12, Kc * outCh);
    var.uN = a.f32(13, Kc * outCh);
    var.aP = a.f64(14); var.bP = a.f64(15); var.aN = a.f64(16); var.bN = a.f64(17);
    var.V = a.f32(18, rows * outCh);
  }
  if (!a.ok) return nullptr;
  g_table.load()->convForward(x, N, H, W, C, kh, kw, s, p, Wt, outCh, Y, withVar ? &var : nullptr);
  return undef(env);
}

napi_value ConvWeightGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 12);
  int N, H, W, C, kh, kw, s, p;
  double xLen = 0, colsLen = 0;
  if (!convGeom(a, N, H, W, C, kh, kw, s, p, xLen, colsLen)) return nullptr;
  const int outCh = a.i32(10);
  if (a.ok && outCh < 0) a.fail("convWeightGrad: negative channel count");
  const double Kc = double(kh) * kw * C, rows = Kc > 0 ? colsLen / Kc : 0;
  if (a.ok && rows * Kc > 2147483647.0) a.fail("convWeightGrad: patch matrix too large");
  const float* x = a.f32(0, xLen);
  const float* dY = a.f32(9, rows * outCh);
  float* dW = a.f32(11, Kc * outCh);
  if (!a.ok) return nullptr;
  g_table.load()->convWeightGrad(x, N, H, W, C, kh, kw, s, p, dY, outCh, dW);
  return undef(env);
}

// convInputGrad(dY, N, H, W, C, kh, kw, stride, pad, Wt, outCh, dx): dx = col2im(dY·Wtᵀ)
napi_value ConvInputGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 12);
  int N, H, W, C, kh, kw, s, p;
  double xLen = 0, colsLen = 0;
  if (!convGeom(a, N, H, W, C, kh, kw, s, p, xLen, colsLen)) return nullptr;
  const int outCh = a.i32(10);
  if (a.ok && outCh < 0) a.fail("convInputGrad: negative channel count");
  const double Kc = double(kh) * kw * C, rows = Kc > 0 ? colsLen / Kc : 0;
  if (a.ok && (rows * Kc > 2147483647.0 || rows * outCh > 2147483647.0)) a.fail("convInputGrad: patch matrix too large");
  const float* dY = a.f32(0, rows * outCh);
  const float* Wt = a.f32(9, Kc * outCh);
  float* dx = a.f32(11, xLen);
  if (!a.ok) return nullptr;
  g_table.load()->convInputGrad(dY, N, H, W, C, kh, kw, s, p, Wt, outCh, dx);
  return undef(env);
}

// batchNormForward(x, y, xhat, rows, C, training, gamma, beta, runMean, runVar, rho, eps, mean, inv[, relu])
// (mean, inv: Float64Array of C, written; relu = 1: y passes the following ReLU, fused)
napi_value BatchNormForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 14);
  const double rows = a.f64(3);
  const int C = a.i32(4), training = a.i32(5);
  if (a.ok && (!(rows >= 1) || rows != double(long(rows)) || C < 1)) a.fail("batchNormForward: size out of range");
  const double len = rows * C;
  const float* x = a.f32(0, len);
  float* y = a.f32(1, len);
  float* xhat = a.f32(2, len);
  const float* g = a.f32(6, C);
  const float* b = a.f32(7, C);
  float* rm = a.f32(8, C);
  float* rv = a.f32(9, C);
  const double rho = a.f64(10), eps = a.f64(11);
  double* mean = static_cast<double*>(a.typed(12, napi_float64_array, "expected a Float64Array", C));
  double* inv = static_cast<double*>(a.typed(13, napi_float64_array, "expected a Float64Array", C));
  const int relu = a.argc > 14 && !a.isNull(14) ? a.i32(14) : 0;
  if (!a.ok) return nullptr;
  g_table.load()->batchNormForward(x, y, xhat, long(rows), C, training, g, b, rm, rv, rho, eps, mean, inv, relu);
  return undef(env);
}

// batchNormBackward(dy, xhat, dx | null, rows, C, training, gamma, inv, gammaGrad | null, betaGrad | null[, mask | null])
// (mask: the fused forward's output y; dy passes the fused ReLU's backward first)
napi_value BatchNormBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 10);
  const double rows = a.f64(3);
  const int C = a.i32(4), training = a.i32(5);
  if (a.ok && (!(rows >= 1) || rows != double(long(rows)) || C < 1)) a.fail("batchNormBackward: size out of range");
  const double len = rows * C;
  const float* dy = a.f32(0, len);
  const float* xhat = a.f32(1, len);
  float* dx = a.isNull(2) ? nullptr : a.f32(2, len);
  const float* g = a.f32(6, C);
  const double* inv = static_cast<const double*>(a.typed(7, napi_float64_array, "expected a Float64Array", C));
  float* gg = a.isNull(8) ? nullptr : a.f32(8, C);
  float* bg = a.isNull(9) ? nullptr : a.f32(9, C);
  const float* mask = a.argc > 10 && !a.isNull(10) ? a.f32(10, len) : nullptr;
  if (!a.ok) return nullptr;
  g_table.load()->batchNormBackward(dy, xhat, dx, long(rows), C, training, g, inv, gg, bg, mask);
  return undef(env);
}

// setThreads(n): the calling thread's kernels use n threads from now on (parallel.h); threads() → n
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  const int n = a.i32(0);
  if (a.ok && (n < 1 || n > 256)) a.fail("setThreads: thread count must be 1..256");
  if (!a.ok) return nullptr;
  poolSetThreads(n);
  return undef(env);
}

napi_value Threads(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, poolThreads(), &v);
  return v;
}

napi_value AddBiasRows(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int n = a.i32(1), cols = a.i32(2);
  if (a.ok && (n < 0 || cols < 0)) a.fail("negative size");
  float* Y = a.f32(0, double(n) * cols);
  const float* b = a.f32(3, cols);
  if (!a.ok) return nullptr;
  g_table.load()->addBiasRows(Y, n, cols, b);
  return undef(env);
}

napi_value BiasGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int n = a.i32(1), cols = a.i32(2);
  if (a.ok && (n < 0 || cols < 0)) a.fail("negative size");
  const float* dY = a.f32(0, double(n) * cols);
  float* gb = a.f32(3, cols);
  if (!a.ok) return nullptr;
  g_table.load()->biasGrad(dY, n, cols, gb);
  return undef(env);
}

napi_value ReluForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const int len = a.i32(2);
  const float* x = a.f32(0, len);
  float* y = a.f32(1, len);
  if (!a.ok) return nullptr;
  g_table.load()->reluForward(x, y, len);
  return undef(env);
}

// addArrays(a, b, y, len[, relu]): y = a + b (relu = 1: then y = max(y, 0), the ReLU after it fused)
napi_value AddArrays(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const double len = a.f64(3);
  if (a.ok && (!(len >= 0) || len != double(long(len)))) a.fail("addArrays: length out of range");
  const float* x = a.f32(0, len);
  const float* y = a.f32(1, len);
  float* out = a.f32(2, len);
  const int relu = a.argc > 4 && !a.isNull(4) ? a.i32(4) : 0;
  if (!a.ok) return nullptr;
  g_table.load()->addArrays(x, y, out, long(len), relu);
  return undef(env);
}

napi_value ReluBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const int len = a.i32(3);
  const float* y = a.f32(0, len);
  const float* dy = a.f32(1, len);
  float* dx = a.f32(2, len);
  if (!a.ok) return nullptr;
  g_table.load()->reluBackward(y, dy, dx, len);
  return undef(env);
}

// sgd(w, g, v, mask | null, len, lr, mu, wd)
napi_value Sgd(napi_env env, napi_callback_info info) {
  Args a(env, info, 8);
  const int len = a.i32(4);
  float* w = a.f32(0, len);
  const float* g = a.f32(1, len);
  float* v = a.f32(2, len);
  const float* mask = a.isNull(3) ? nullptr : a.f32(3, len);
  const double lr = a.f64(5), mu = a.f64(6), wd = a.f64(7);
  if (!a.ok) return nullptr;
  g_table.load()->sgd(w, g, v, mask, len, lr, mu, wd);
  return undef(env);
}

// readVariance(uP, uN, S, len, aP, bP, aN, bN)
napi_value ReadVariance(napi_env env, napi_callback_info info) {
  Args a(env, info, 8);
  const int len = a.i32(3);
  const float* uP = a.f32(0, len);
  const float* uN = a.f32(1, len);
  float* S = a.f32(2, len);
  const double aP = a.f64(4), bP = a.f64(5), aN = a.f64(6), bN = a.f64(7);
  if (!a.ok) return nullptr;
  g_table.load()->readVariance(uP, uN, S, len, aP, bP, aN, bN);
  return undef(env);
}

// outputNoise(y, v, len, b, e0): y[k] += √v[k]·z(b, e0 + k) (per-output read noise; b, e0 as
// uint32 values, e0 even)
napi_value OutputNoise(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  const int len = a.i32(2);
  float* y = a.f32(0, len);
  const float* v = a.f32(1, len);
  const double b = a.f64(3), e0 = a.f64(4);
  if (a.ok && !(b >= 0 && b < 4294967296.0 && e0 >= 0 && e0 < 4294967296.0)) a.fail("outputNoise: b, e0 out of range");
  if (!a.ok) return nullptr;
  g_table.load()->outputNoise(y, v, len, uint32_t(b), uint32_t(e0));
  return undef(env);
}

// gemmVariance(M, N, K, A, uP, uN, aP, bP, aN, bN, C[, squareA]): C = A·S (A∘A·S when squareA) with S the per-output read
// variance of the cells (K x N, row-major like uP / uN), computed while packing
napi_value GemmVariance(napi_env env, napi_callback_info info) {
  Args a(env, info, 11);
  const int M = a.i32(0), N = a.i32(1), K = a.i32(2);
  if (a.ok && (M < 0 || N < 0 || K < 0)) a.fail("gemmVariance: negative size");
  const float* A = a.f32(3, double(M) * K);
  const float* uP = a.f32(4, double(K) * N);
  const float* uN = a.f32(5, double(K) * N);
  const double aP = a.f64(6), bP = a.f64(7), aN = a.f64(8), bN = a.f64(9);
  float* C = a.f32(10, double(M) * N);
  const int squareA = a.argc > 11 && !a.isNull(11) ? a.i32(11) : 0;
  if (!a.ok) return nullptr;
  g_table.load()->gemmVariance(M, N, K, A, uP, uN, aP, bP, aN, bN, C, squareA);
  return undef(env);
}

// squares(x, y, len): y[i] = x[i]·x[i]
napi_value Squares(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const int len = a.i32(2);
  const float* x = a.f32(0, len);
  float* y = a.f32(1, len);
  if (!a.ok) return nullptr;
  g_table.load()->squares(x, y, len);
  return undef(env);
}

// maxPoolForward(x, y, arg, n, H, W, C, k, s)
napi_value MaxPoolForward(napi_env env, napi_callback_info info) {
  Args a(env, info, 9);
  const int n = a.i32(3), H = a.i32(4), W = a.i32(5), C = a.i32(6), k = a.i32(7), s = a.i32(8);
  if (a.ok && (n < 0 || C < 1 || k < 1 || s < 1 || H < k || W < k)) a.fail("maxPoolForward: geometry out of range");
  const int OH = a.ok ? (H - k) / s + 1 : 0, OW = a.ok ? (W - k) / s + 1 : 0;
  const float* x = a.f32(0, double(n) * H * W * C);
  float* y = a.f32(1, double(n) * OH * OW * C);
  int32_t* arg = a.i32a(2, double(n) * OH * OW * C);
  if (a.ok && double(n) * H * W * C > 2147483647.0) a.fail("maxPoolForward: input too large");
  if (!a.ok) return nullptr;
  g_table.load()->maxPoolForward(x, y, arg, n, H, W, C, k, s, OH, OW);
  return undef(env);
}

// maxPoolBackward(dy, arg, dx, len, dxLen): every arg[i] < dxLen is checked
napi_value MaxPoolBackward(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  const int len = a.i32(3), dxLen = a.i32(4);
  if (a.ok && (len < 0 || dxLen < 0)) a.fail("negative size");
  const float* dy = a.f32(0, len);
  const int32_t* arg = a.i32a(1, len);
  float* dx = a.f32(2, dxLen);
  if (!a.ok) return nullptr;
  for (int i = 0; i < len; i++) {
    if (arg[i] < 0 || arg[i] >= dxLen) { a.fail("maxPoolBackward: arg index out of range"); return nullptr; }
  }
  g_table.load()->maxPoolBackward(dy, arg, dx, len, dxLen);
  return undef(env);
}

// gatherRows(src, perm, start, b, d, dst): dst row i = src row perm[start + i] (d floats), i < b;
// every row index is checked against src's length (exact copies: any ISA)
napi_value GatherRows(napi_env env, napi_callback_info info) {
  Args a(env, info, 6);
  const int start = a.i32(2), b = a.i32(3), d = a.i32(4);
  if (a.ok && (start < 0 || b < 0 || d < 0)) a.fail("gatherRows: negative size");
  const float* src = a.f32(0, 0);
  const int32_t* perm = a.i32a(1, double(start) + b);
  float* dst = a.f32(5, double(b) * d);
  if (!a.ok) return nullptr;
  size_t srcLen = 0;
  napi_get_typedarray_info(env, a.argv[0], nullptr, &srcLen, nullptr, nullptr, nullptr);
  for (int i = 0; i < b; i++) {
    const int32_t r = perm[start + i];
    if (r < 0 || (double(r) + 1) * d > double(srcLen)) { a.fail("gatherRows: row index out of range"); return nullptr; }
  }
  for (int i = 0; i < b; i++) {
    std::memcpy(dst + size_t(i) * d, src + size_t(perm[start + i]) * d, size_t(d) * sizeof(float));
  }
  return undef(env);
}

// whether every v[i] (i < len) is in [0, bound)
static bool allBelow(const int32_t* v, int len, uint32_t bound) {
  uint32_t bad = 0;
  for (int i = 0; i < len; i++) bad |= uint32_t(uint32_t(v[i]) >= bound);
  return bad == 0;
}

// program(val, kind, uP, uN, wP, wN, wEff, rows, cols, permR | null, permC | null, wMaxF, levels,
//         special, slot, wMax, two, full, out[, tP, tN, noise]): crossbar cell programming
// (program_impl.h); out (Float64Array) ← [cells written, weights clipped]. With programming
// variation: tP, tN (Float32Array targets), noise = Float64Array [σ, g₀, b] (σ, g₀ float32
// values, b the pass's base word as a uint32 value) and table = Float32Array T[0..4096], the
// lognormal quantile table (prog_noise_counter.ts). Every index the kernel follows
// (permutations, special list, slots) is checked first: the kernel writes by pointer.
napi_value Program(napi_env env, napi_callback_info info) {
  Args a(env, info, 19);
  ProgramArgs p{};
  p.rows = a.i32(7);
  p.cols = a.i32(8);
  if (a.ok && (p.rows < 0 || p.cols < 0 || double(p.rows) * p.cols > 2147483647.0)) a.fail("program: size out of range");
  const double n = double(p.rows) * p.cols;
  p.val = a.f32(0, n);
  p.kind = static_cast<const uint8_t*>(a.typed(1, napi_uint8_array, "expected a Uint8Array", n));
  p.uP = a.f32(2, n);
  p.uN = a.f32(3, n);
  p.wP = static_cast<uint32_t*>(a.typed(4, napi_uint32_array, "expected a Uint32Array", n));
  p.wN = static_cast<uint32_t*>(a.typed(5, napi_uint32_array, "expected a Uint32Array", n));
  p.wEff = a.f32(6, n);
  p.permR = a.isNull(9) ? nullptr : a.i32a(9, p.rows);
  p.permC = a.isNull(10) ? nullptr : a.i32a(10, p.cols);
  p.wMaxF = float(a.f64(11));
  p.levels = a.i32(12);
  size_t nSpecial = 0, nSlot = 0;
  p.special = static_cast<const int32_t*>(a.typed(13, napi_int32_array, "expected an Int32Array", 0, &nSpecial));
  p.slot = static_cast<const int32_t*>(a.typed(14, napi_int32_array, "expected an Int32Array", double(nSpecial), &nSlot));
  p.nSpecial = int(nSpecial);
  p.wMax = a.f64(15);
  p.two = a.i32(16);
  p.full = a.i32(17);
  double* out = static_cast<double*>(a.typed(18, napi_float64_array, "expected a Float64Array", 2));
  if (a.ok && (p.levels < 0 || p.levels > 65536)) a.fail("program: levels out of range");
  if (a.ok && a.argc >= 23 && !a.isNull(21)) {
    const double* nz = static_cast<const double*>(a.typed(21, napi_float64_array, "expected a Float64Array", 3));
    p.tP = a.f32(19, n);
    p.tN = a.f32(20, n);
    p.table = a.f32(22, 4097);
    if (a.ok) {
      p.noise = 1;
      p.sigmaF = float(nz[0]);
      p.offF = float(nz[1]);
      p.b = uint32_t(int64_t(nz[2]));
    }
  }
  if (!a.ok) return nullptr;
  // index checks as branch-free reductions (unsigned compares: negative values are out of range
  // too), so they vectorise: they run on every pass
  if (p.permR && !allBelow(p.permR, p.rows, uint32_t(p.rows))) { a.fail("program: row permutation out of range"); return nullptr; }
  if (p.permC && !allBelow(p.permC, p.cols, uint32_t(p.cols))) { a.fail("program: column permutation out of range"); return nullptr; }
  if (!allBelow(p.special, p.nSpecial, uint32_t(n)) || !allBelow(p.slot, p.nSpecial, uint32_t(n))) {
    a.fail("program: special slot out of range");
    return nullptr;
  }
  g_table.load()->program(p, out);
  return undef(env);
}

// abi() → the interface version of this addon (src/kernels/native.ts NATIVE_ABI): bumped whenever
// a kernel's arguments or numeric definition change, so a stale build is refused, not misused
// 2: float32 Box–Muller counter noise (noise = [σ, g₀, b]), outputNoise
// 3: gemmVariance's squareA argument
// 4: convForward's optional read variance (uP, uN, aP, bP, aN, bN, V)
// 5: convInputGrad, addArrays, batchNormForward / batchNormBackward, setThreads / threads (thread pool)
// 6: the fused ReLU of batchNormForward (relu) / batchNormBackward (mask) and addArrays (relu)
// 7: pulseProgram (the pulsed update schemes, pulse_kernel.cc)
napi_value Abi(napi_env env, napi_callback_info) {
  napi_value v;
  napi_create_int32(env, 7, &v);
  return v;
}

napi_value Isa(napi_env env, napi_callback_info) {
  napi_value s;
  napi_create_string_utf8(env, g_table.load()->name, NAPI_AUTO_LENGTH, &s);
  return s;
}

// setIsa(name) → true when switched, false when this CPU/build lacks it
napi_value SetIsa(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  char buf[32] = {0};
  size_t n = 0;
  if (napi_get_value_string_utf8(env, a.argv[0], buf, sizeof buf, &n) != napi_ok) {
    napi_throw_type_error(env, nullptr, "setIsa: expected a string");
    return nullptr;
  }
  const KernelTable* t = tableFor(buf);
  if (t) g_table.store(t);
  napi_value r;
  napi_get_boolean(env, t != nullptr, &r);
  return r;
}

// isas() → the instruction sets this CPU and build support, best first
napi_value Isas(napi_env env, napi_callback_info) {
  napi_value arr;
  napi_create_array(env, &arr);
  uint32_t i = 0;
  for (const char* isa : {"avx512", "avx2", "base"}) {
    if (!tableFor(isa)) continue;
    napi_value s;
    napi_create_string_utf8(env, isa, NAPI_AUTO_LENGTH, &s);
    napi_set_element(env, arr, i++, s);
  }
  return arr;
}

}  // namespace

const KernelTable* activeKernelTable() { return g_table.load(); }

NAPI_MODULE_INIT() {
  if (!g_table.load()) g_table.store(best());
  const struct { const char* name; napi_callback fn; } fns[] = {
    {"gemm", Gemm}, {"im2col", Im2col}, {"col2im", Col2im}, {"addBiasRows", AddBiasRows},
    {"biasGrad", BiasGrad}, {"reluForward", ReluForward}, {"reluBackward", ReluBackward}, {"sgd", Sgd}, {"readVariance", ReadVariance}, {"outputNoise", OutputNoise}, {"squares", Squares}, {"gemmVariance", GemmVariance},
    {"maxPoolForward", MaxPoolForward}, {"gatherRows", GatherRows}, {"maxPoolBackward", MaxPoolBackward},
    {"program", Program}, {"convForward", ConvForward}, {"convWeightGrad", ConvWeightGrad},
    {"convInputGrad", ConvInputGrad}, {"addArrays", AddArrays}, {"batchNormForward", BatchNormForward}, {"batchNormBackward", BatchNormBackward},
    {"setThreads", SetThreads}, {"threads", Threads}, {"pulseProgram", PulseProgram},
    {"abi", Abi}, {"isa", Isa}, {"setIsa", SetIsa}, {"isas", Isas},
  };
  for (const auto& f : fns) {
    napi_value v;
    napi_create_function(env, f.name, NAPI_AUTO_LENGTH, f.fn, nullptr, &v);
    napi_set_named_property(env, exports, f.name, v);
  }
  return exports;
}
