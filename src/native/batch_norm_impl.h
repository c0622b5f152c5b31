// Batch normalisation over NHWC activations (src/nn/batch_norm.ts has the formulas), included by
// kernels_impl.h. x is rows x C (rows = n·H·W), channel c = column c. Every value is computed in
// float64 from the float32 inputs with the operations and order of the TypeScript loop (JavaScript
// numbers are float64; -ffp-contract=off keeps every multiply and add separate), with one float32
// rounding where the TS code stores into a Float32Array, so the bits equal the TS layer's:
//   training:  s_c = Σ_i x_ic (i ascending, from +0),  μ_c = s_c / rows
//              v_c = Σ_i (x_ic − μ_c)² (i ascending),  σ²_c = v_c / rows
//              μ_run ← f32((1 − ρ)·μ_run + ρ·μ_c)
//              σ²_run ← f32((1 − ρ)·σ²_run + ρ·(rows > 1 ? σ²_c·rows / (rows − 1) : σ²_c))
//              inv_c = 1 / √(σ²_c + ε)
//   inference: μ_c = μ_run,c,  inv_c = 1 / √(σ²_run,c + ε)
//   x̂_ic = f32(h),  y_ic = f32(γ_c·h + β_c),  h = (x_ic − μ_c)·inv_c     (h in float64)
// relu = 1 (the ReLU that follows the layer, fused): y_ic = r(f32(γ_c·h + β_c)), r(v) = v > 0 ? v : 0,
//   the value reluForward would store from y (NaN and −0 become 0).
// backward (x̂ and inv from the forward):
//   (mask ≠ null, the fused ReLU's backward: mask = the fused forward's output y; every dy_ic below
//   is then g_ic = mask_ic > 0 ? dy_ic : 0, the value reluBackward would have stored)
//   S1_c = Σ_i dy_ic,  S2_c = Σ_i dy_ic·x̂_ic  (i ascending, float64)
//   ∂β_c ← f32(∂β_c + S1_c),  ∂γ_c ← f32(∂γ_c + S2_c)   (only when that parameter is trainable)
//   dx_ic = f32(k_c·((dy_ic − a_c) − x̂_ic·b_c)),  k_c = γ_c·inv_c,
//   a_c = S1_c / rows, b_c = S2_c / rows (training forward) or a_c = b_c = 0 (inference forward)
// The per-channel sums run row by row with one accumulator per channel (the channels of a row in
// vector lanes), so each channel's sum is still the ascending sequence of additions; no sum is split.
// Work is divided over threads (parallel.h) by channel ranges for the sums and by row ranges for
// the elementwise passes, never inside one channel's sum: the bits do not depend on the thread count.

// channel ranges for the sums: whole 8-channel groups (one float64 vector) per part
static inline void channelPart(int C, int part, int parts, int& c0, int& c1) {
  const int groups = (C + 7) / 8;
  c0 = std::min(C, 8 * int(long(groups) * part / parts));
  c1 = std::min(C, 8 * int(long(groups) * (part + 1) / parts));
}

static void bnSums(const float* __restrict x, long rows, int C, int c0, int c1, const double* mean,
                   double* __restrict out) {
  // out[c] = Σ_i x_ic (mean = null) or Σ_i (x_ic − mean_c)², c in [c0, c1)
  const int w = c1 - c0;
  for (int c = 0; c < w; c++) out[c] = 0.0;
  const float* __restrict p = x + c0;
  if (!mean) {
    for (long i = 0; i < rows; i++, p += C)
      for (int c = 0; c < w; c++) out[c] = out[c] + double(p[c]);
  } else {
    const double* __restrict mu = mean + c0;
    for (long i = 0; i < rows; i++, p += C)
      for (int c = 0; c < w; c++) {
        const double d = double(p[c]) - mu[c];
        out[c] = out[c] + d * d;
      }
  }
}

static void batchNormForward(const float* x, float* y, float* xhat, long rows, int C, int training,
                             const float* gamma, const float* beta, float* runMean, float* runVar, double rho,
                             double eps, double* mean, double* inv, int relu) {
  if (training) {
    static thread_local std::vector<double> sv;
    if (sv.size() < size_t(C)) sv.resize(size_t(C));
    double* s = sv.data();
    parallelFor(parallelParts(long(C) * rows, 8 * rows, (C + 7) / 8), [&](int part, int parts) {
      int c0, c1;
      channelPart(C, part, parts, c0, c1);
      if (c0 >= c1) return;
      bnSums(x, rows, C, c0, c1, nullptr, s + c0);
      for (int c = c0; c < c1; c++) mean[c] = s[c] / double(rows);
      bnSums(x, rows, C, c0, c1, mean, s + c0);
    });
    const double r = double(rows);
    for (int c = 0; c < C; c++) {
      const double mu = mean[c];
      const double v = s[c] / r;
      runMean[c] = float((1 - rho) * double(runMean[c]) + rho * mu);
      runVar[c] = float((1 - rho) * double(runVar[c]) + rho * (r > 1 ? v * r / (r - 1) : v));
      inv[c] = 1 / std::sqrt(v + eps);
    }
  } else {
    for (int c = 0; c < C; c++) {
      mean[c] = double(runMean[c]);
      inv[c] = 1 / std::sqrt(double(runVar[c]) + eps);
    }
  }
  parallelFor(parallelParts(long(C) * rows, 16384, rows), [&](int part, int parts) {
    const long i0 = rows * part / parts, i1 = rows * (part + 1) / parts;
    for (long i = i0; i < i1; i++) {
      const float* __restrict p = x + i * C;
      float* __restrict h32 = xhat + i * C;
      float* __restrict q = y + i * C;
      if (relu) {
        for (int c = 0; c < C; c++) {
          const double h = (double(p[c]) - mean[c]) * inv[c];
          h32[c] = float(h);
          const float v = float(double(gamma[c]) * h + double(beta[c]));
          q[c] = v > 0.f ? v : 0.f;
        }
      } else {
        for (int c = 0; c < C; c++) {
          const double h = (double(p[c]) - mean[c]) * inv[c];
          h32[c] = float(h);
          q[c] = float(double(gamma[c]) * h + double(beta[c]));
        }
      }
    }
  });
}

// dx = null: parameter gradients only; mask ≠ null: dy passes the fused ReLU first (see above)
static void batchNormBackward(const float* dy, const float* xhat, float* dx, long rows, int C, int training,
                              const float* gamma, const double* inv, float* gammaGrad, float* betaGrad,
                              const float* mask) {
  static thread_local std::vector<double> sv;
  if (sv.size() < size_t(2 * C)) sv.resize(size_t(2 * C));
  double* s1 = sv.data();
  double* s2 = s1 + C;
  parallelFor(parallelParts(long(C) * rows, 8 * rows, (C + 7) / 8), [&](int part, int parts) {
    int c0, c1;
    channelPart(C, part, parts, c0, c1);
    const int w = c1 - c0;
    if (w <= 0) return;
    double* __restrict a1 = s1 + c0;
    double* __restrict a2 = s2 + c0;
    for (int c = 0; c < w; c++) a1[c] = a2[c] = 0.0;
    const float* __restrict d = dy + c0;
    const float* __restrict h = xhat + c0;
    if (mask) {
      const float* __restrict m = mask + c0;
      for (long i = 0; i < rows; i++, d += C, h += C, m += C)
        for (int c = 0; c < w; c++) {
          const float g = d[c];
          const double v = double(m[c] > 0.f ? g : 0.f);
          a1[c] = a1[c] + v;
          a2[c] = a2[c] + v * double(h[c]);
        }
    } else {
      for (long i = 0; i < rows; i++, d += C, h += C)
        for (int c = 0; c < w; c++) {
          const double v = double(d[c]);
          a1[c] = a1[c] + v;
          a2[c] = a2[c] + v * double(h[c]);
        }
    }
  });
  for (int c = 0; c < C; c++) {
    if (betaGrad) betaGrad[c] = float(double(betaGrad[c]) + s1[c]);
    if (gammaGrad) gammaGrad[c] = float(double(gammaGrad[c]) + s2[c]);
  }
  if (!dx) return;
  static thread_local std::vector<double> kv;
  if (kv.size() < size_t(3 * C)) kv.resize(size_t(3 * C));
  double* k = kv.data();
  double* a = k + C;
  double* b = a + C;
  const double r = double(rows);
  for (int c = 0; c < C; c++) {
    k[c] = double(gamma[c]) * inv[c];
    a[c] = training ? s1[c] / r : 0;
    b[c] = training ? s2[c] / r : 0;
  }
  parallelFor(parallelParts(long(C) * rows, 16384, rows), [&](int part, int parts) {
    const long i0 = rows * part / parts, i1 = rows * (part + 1) / parts;
    for (long i = i0; i < i1; i++) {
      const float* __restrict d = dy + i * C;
      const float* __restrict h = xhat + i * C;
      float* __restrict o = dx + i * C;
      if (mask) {
        const float* __restrict m = mask + i * C;
        for (int c = 0; c < C; c++) {
          const float g = d[c];
          const float gm = m[c] > 0.f ? g : 0.f;
          o[c] = float(k[c] * ((double(gm) - a[c]) - double(h[c]) * b[c]));
        }
      } else {
        for (int c = 0; c < C; c++) o[c] = float(k[c] * ((double(d[c]) - a[c]) - double(h[c]) * b[c]));
      }
    }
  });
}
