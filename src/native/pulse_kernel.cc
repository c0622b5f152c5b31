// Native pass of the pulsed update schemes (src/crossbar/update/pulse_programmer.ts has the
// formulas; that TypeScript loop is the fallback, RRAMSIM_NATIVE=0, and this pass gives its bits):
// for each weight w of the matrix (slot s through the permutations), t = ±1 beyond ±wMax else w/wMax,
// the cell targets u* = f32(targetP / targetN) of the mapping (differential or offset), and per
// free cell
//   open-loop         n = round(Δ/dwMin)                     (Math.round: halves towards +∞)
//   mixed-precision   acc = f32(acc + f32(Δ)), n = trunc(acc/dwMin), acc = f32(acc − n·dwMin)
//   verify-pulses     pulse towards u*, re-read, until |u − u*| ≤ tol or maxPulses
// pulse p of cell c: z = Φ⁻¹ by the 4096-bin inverse-CDF table of word mix32(b_c + count·φ),
//   b_c = mix32(k0 ⊕ mix32(c ⊕ k1)) (exact AS241 tail in the outer bins: quantile_f64.h)
//   u' = f32(clamp(u ± dw±·g_c·F±(u)·(1 + σc·z), uMin, uMax))
// for the shapes constant (F = 1) and linear (soft bounds included); the exp and pow shapes use
// V8's Math.exp / Math.pow, which C's libm does not reproduce bit for bit, so they stay in the
// TypeScript loop. Every operation is float64 in the TypeScript order, rounded to float32 where the
// TypeScript calls Math.fround (-ffp-contract=off: no FMA). No allocation, no call per pulse.
// Open-loop and mixed-precision on the differential mapping (the training case) run in the kernel
// table's `pulseCounted` (pulse_impl.h: compiled per instruction set, vectorised, over the kernel
// threads); this file keeps the argument checks, verify-pulses and the offset mapping.
#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "kernels.h"
#include "quantile_f64.h"

namespace {

constexpr uint32_t PHI = 0x9e3779b9u;

inline uint32_t mix32(uint32_t x) {
  x ^= x >> 16;
  x *= 0x21f0aaadu;
  x ^= x >> 15;
  x *= 0x735a2d97u;
  x ^= x >> 15;
  return x;
}

// JavaScript Math.round: the nearest integer, halves towards +∞
inline double jsRound(double x) {
  double r = std::ceil(x);
  if (r - 0.5 > x) r -= 1.0;
  return r;
}

struct Pulse {
  int code;  // 0 constant, 1 linear
  double dwUp, dwDown, mid, invH, gammaUp, gammaDown, uMin, uMax, ctoc, dwMin;
  uint32_t k0, k1;
  const double* Z;  // Z[j] = Φ⁻¹(j/4096)
  const double* gains;

  double normalOfWord(uint32_t h) const {
    const uint32_t j = h >> 20;
    if (j == 0u) return -qf64::tail((2.0 * double(h) + 1.0) * 0x1p-33);
    if (j == 4095u) return qf64::tail((2.0 * (4294967295.0 - double(h)) + 1.0) * 0x1p-33);
    const double z0 = Z[j];
    return z0 + (double(h & 0xfffffu) * 2.0 + 1.0) * 0x1p-21 * (Z[j + 1] - z0);
  }

  double response(double u, int dir, double g, double z) const {
    double F = 1.0;
    if (code == 1) {
      const double x = (u - mid) * invH;
      const double v = dir > 0 ? 1.0 - gammaUp * x : 1.0 + gammaDown * x;
      F = v > 0 ? v : 0.0;
    }
    const double dw = (dir > 0 ? dwUp : dwDown) * g * F * (1.0 + ctoc * z);
    double v = dir > 0 ? u + dw : u - dw;
    v = v < uMin ? uMin : v > uMax ? uMax : v;
    return double(float(v));
  }

  // |n| pulses of sign n on cell c from u (count: its pulses so far, advanced)
  float train(float u0, int64_t n, uint32_t c, uint32_t& count) const {
    const double g = gains[c];
    const int dir = n > 0 ? 1 : -1;
    const int64_t m = n > 0 ? n : -n;
    double u = u0;
    uint32_t cnt = count;
    if (ctoc == 0.0) {
      for (int64_t p = 0; p < m; p++) u = response(u, dir, g, 0.0);
    } else {
      const uint32_t b = mix32(k0 ^ mix32(c ^ k1));
      for (int64_t p = 0; p < m; p++) u = response(u, dir, g, normalOfWord(mix32(b + (cnt + uint32_t(p)) * PHI)));
    }
    count = cnt + uint32_t(m);
    return float(u);
  }
};

struct Args {
  napi_env env;
  napi_value argv[24];
  size_t argc = 24;
  bool ok = true;
  Args(napi_env e, napi_callback_info info, size_t want) : env(e) {
    napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
    if (argc < want) fail("pulseProgram: wrong number of arguments");
  }
  void fail(const char* msg) {
    if (ok) napi_throw_range_error(env, nullptr, msg);
    ok = false;
  }
  bool isNull(size_t k) {
    napi_valuetype t;
    napi_typeof(env, argv[k], &t);
    return t == napi_null || t == napi_undefined;
  }
  // typed array of type `want` with at least `need` elements
  void* typed(size_t k, napi_typedarray_type want, double need) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, argv[k], &is);
    if (!is) { fail("pulseProgram: expected a typed array"); return nullptr; }
    napi_typedarray_type type;
    size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, argv[k], &type, &length, &data, nullptr, nullptr);
    if (type != want) { fail("pulseProgram: typed array of the wrong type"); return nullptr; }
    if (double(length) < need) { fail("pulseProgram: operand shorter than its dimensions"); return nullptr; }
    return data;
  }
};

bool allBelow(const int32_t* v, int len, uint32_t bound) {
  uint32_t bad = 0;
  for (int i = 0; i < len; i++) bad |= uint32_t(uint32_t(v[i]) >= bound);
  return bad == 0;
}

}  // namespace

// pulseProgram(val, slotKind, stateP, stateN, uP, uN, writesP, writesN, wEff, last, aimP, aimN,
//   accP, accN, countP, countN, gains, Z, permR | null, permC | null, p, out):
//   p = Float64Array [rows, cols, wMax, scheme (0 open-loop, 1 mixed, 2 verify), two, full,
//       mapping (0 differential, 1 offset), shape code, dwUp, dwDown, dwMin, mid, invH, gammaUp,
//       gammaDown, uMin, uMax, ctoc, k0, k1 (uint32 values), tolerance, maxPulses]
//   out = Float64Array [write events, clipped, pulses, reads, touched (0/1)] (overwritten)
napi_value PulseProgram(napi_env env, napi_callback_info info) {
  Args a(env, info, 22);
  const double* p = static_cast<const double*>(a.typed(20, napi_float64_array, 22));
  double* out = static_cast<double*>(a.typed(21, napi_float64_array, 5));
  if (!a.ok) return nullptr;
  const int rows = int(p[0]), cols = int(p[1]);
  if (rows < 0 || cols < 0 || double(rows) * cols > 2147483647.0) { a.fail("pulseProgram: size out of range"); return nullptr; }
  const double n = double(rows) * cols;
  const int scheme = int(p[3]), two = int(p[4]), full = int(p[5]), offset = int(p[6]);
  if (scheme < 0 || scheme > 2 || int(p[7]) < 0 || int(p[7]) > 1) { a.fail("pulseProgram: scheme or shape out of range"); return nullptr; }
  const float* val = static_cast<const float*>(a.typed(0, napi_float32_array, n));
  const uint8_t* kind = static_cast<const uint8_t*>(a.typed(1, napi_uint8_array, n));
  const uint8_t* stP = static_cast<const uint8_t*>(a.typed(2, napi_uint8_array, n));
  const uint8_t* stN = static_cast<const uint8_t*>(a.typed(3, napi_uint8_array, n));
  float* uP = static_cast<float*>(a.typed(4, napi_float32_array, n));
  float* uN = static_cast<float*>(a.typed(5, napi_float32_array, n));
  uint32_t* wP = static_cast<uint32_t*>(a.typed(6, napi_uint32_array, n));
  uint32_t* wN = static_cast<uint32_t*>(a.typed(7, napi_uint32_array, n));
  float* wEff = static_cast<float*>(a.typed(8, napi_float32_array, n));
  float* last = static_cast<float*>(a.typed(9, napi_float32_array, n));
  float* aimP = static_cast<float*>(a.typed(10, napi_float32_array, n));
  float* aimN = static_cast<float*>(a.typed(11, napi_float32_array, n));
  float* accP = static_cast<float*>(a.typed(12, napi_float32_array, scheme == 1 ? n : 0));
  float* accN = static_cast<float*>(a.typed(13, napi_float32_array, scheme == 1 ? n : 0));
  uint32_t* cntP = static_cast<uint32_t*>(a.typed(14, napi_uint32_array, n));
  uint32_t* cntN = static_cast<uint32_t*>(a.typed(15, napi_uint32_array, n));
  const double* gains = static_cast<const double*>(a.typed(16, napi_float64_array, two ? 2 * n : n));
  const double* Z = static_cast<const double*>(a.typed(17, napi_float64_array, 4097));
  const int32_t* permR = a.isNull(18) ? nullptr : static_cast<const int32_t*>(a.typed(18, napi_int32_array, rows));
  const int32_t* permC = a.isNull(19) ? nullptr : static_cast<const int32_t*>(a.typed(19, napi_int32_array, cols));
  if (!a.ok) return nullptr;
  if ((permR && !allBelow(permR, rows, uint32_t(rows))) || (permC && !allBelow(permC, cols, uint32_t(cols)))) {
    a.fail("pulseProgram: permutation out of range");
    return nullptr;
  }
  const bool identity = permR == nullptr;
  if (!identity && permC == nullptr) { a.fail("pulseProgram: permR and permC go together"); return nullptr; }
  const double wMax = p[2], inv = 1.0 / wMax;
  Pulse k{int(p[7]), p[8], p[9], p[11], p[12], p[13], p[14], p[15], p[16], p[17], p[10],
          uint32_t(int64_t(p[18])), uint32_t(int64_t(p[19])), Z, gains};
  const double tol = p[20];
  const double maxPulses = p[21];
  double clipped = 0, events = 0, pulses = 0, reads = 0;
  bool touched = false;
  const double halfBelow = 0.49 * k.dwMin, oneBelow = 0.99 * k.dwMin;

  // open-loop / mixed-precision: the pulse count of one cell update (aim, acc advanced)
  auto countOf = [&](float tg, float* aim, float* acc, int s) -> int64_t {
    const float a0 = aim[s];
    if (tg == a0) return 0;
    aim[s] = tg;
    touched = true;
    // |Δ| ≤ 0.49·dwMin gives |Δ/dwMin| < ½ (rounded quotient: < 0.49·(1 + 2⁻⁵²)), so n = 0 without the
    // division; likewise |acc| ≤ 0.99·dwMin gives trunc(acc/dwMin) = 0
    if (scheme == 0) {
      const double d = double(tg) - double(a0);
      return std::fabs(d) <= halfBelow ? 0 : int64_t(jsRound(d / k.dwMin));
    }
    double ac = double(float(double(acc[s]) + double(float(double(tg) - double(a0)))));
    const double nn = std::fabs(ac) <= oneBelow ? 0.0 : std::trunc(ac / k.dwMin);
    if (nn != 0) ac = double(float(ac - nn * k.dwMin));
    acc[s] = float(ac);
    return int64_t(nn);
  };
  // verify-pulses on one cell: pulses applied (u advanced)
  auto verify = [&](float& u, float tg, float* aim, uint32_t& count, int s, uint32_t c) -> int64_t {
    if (tg == aim[s]) return 0;
    aim[s] = tg;
    reads += 1;
    const double g = gains[c];
    const uint32_t b = k.ctoc == 0.0 ? 0u : mix32(k.k0 ^ mix32(c ^ k.k1));
    uint32_t cnt = count;
    double v = u, t = tg;
    int64_t q = 0;
    while (std::fabs(v - t) > tol && double(q) < maxPulses) {
      const double z = k.ctoc == 0.0 ? 0.0 : k.normalOfWord(mix32(b + cnt * PHI));
      v = k.response(v, t > v ? 1 : -1, g, z);
      cnt++; q++;
      reads += 1;
    }
    count = cnt;
    u = float(v);
    return q;
  };
  auto tgtP = [&](double t, int kd, float uNs) -> float {
    if (offset) return float((t + 1) / 2);
    if (kd == 0) return float(t > 0 ? t : 0);
    const double q = double(uNs) + t;
    return float(q < 0 ? 0 : q > 1 ? 1 : q);
  };
  auto tgtN = [&](double t, int kd, float uPs) -> float {
    if (offset) return 0.0f;
    if (kd == 0) return float(t < 0 ? -t : 0);
    const double q = double(uPs) - t;
    return float(q < 0 ? 0 : q > 1 ? 1 : q);
  };

  // open-loop and mixed-precision on the differential mapping: the per-ISA pass (pulse_impl.h:
  // vectorised count sweep, pulse trains interleaved across cells, blocks over the kernel threads)
  if (scheme != 2 && two && !offset) {
    PulseArgs pa{val, kind, uP, uN, wP, wN, wEff, last, aimP, aimN, scheme == 1 ? accP : nullptr,
                 scheme == 1 ? accN : nullptr, cntP, cntN, gains, Z, permR, permC, rows, cols, scheme, k.code, full,
                 wMax, k.dwUp, k.dwDown, k.dwMin, k.mid, k.invH, k.gammaUp, k.gammaDown, k.uMin, k.uMax, k.ctoc,
                 k.k0, k.k1};
    activeKernelTable()->pulseCounted(pa, out);
    napi_value r;
    napi_get_undefined(env, &r);
    return r;
  }

  // open-loop and mixed-precision on the offset mapping in two sweeps: (1) every cell's pulse
  // count (the cells are independent: a partner a target reads is stuck), branch-free for healthy
  // differential slots,
  // the weights with a count or `full` listed; (2) the pulse trains and W_eff of the listed weights.
  // The same cells get the same pulses as the single sweep; the totals are sums of integers.
  if (scheme != 2) {
    static thread_local std::vector<int64_t> counts;
    static thread_local std::vector<int32_t> listed;
    if (counts.size() < size_t(2 * n)) counts.resize(size_t(2 * n));
    if (listed.size() < size_t(n)) listed.resize(size_t(n));
    int64_t* NB = counts.data();
    int32_t* L = listed.data();
    int nl = 0;
    uint32_t anyTouched = 0;
    // the count of a healthy differential cell, without data-dependent branches
    auto countFast = [&](float tg, float* aim, float* acc, int s) -> int64_t {
      const float a0 = aim[s];
      const bool same = tg == a0;
      aim[s] = same ? a0 : tg;  // an equal aim keeps its bits (−0 stays −0, as the loop leaves it)
      anyTouched |= uint32_t(!same);
      const double d = double(tg) - double(a0);
      if (scheme == 0) {
        const double q = d / k.dwMin;
        double r = std::ceil(q);
        r = r - 0.5 > q ? r - 1.0 : r;
        return int64_t(r);  // 0 when same (q = 0)
      }
      const double ac = double(float(double(acc[s]) + double(float(d))));
      const double nn = std::trunc(ac / k.dwMin);
      const float ac2 = nn != 0 ? float(ac - nn * k.dwMin) : float(ac);
      acc[s] = same ? acc[s] : ac2;
      return same ? 0 : int64_t(nn);
    };
    for (int i = 0; i < rows; i++) {
      const int pr = identity ? i * cols : permR[i] * cols, base = i * cols;
      for (int j = 0; j < cols; j++) {
        const int idx = base + j;
        const float w = val[idx];
        clipped += (w > wMax || w < -wMax) ? 1 : 0;
        if (w == last[idx] && !full) continue;
        last[idx] = w;
        const int s = identity ? idx : pr + permC[j];
        const double t = w > wMax ? 1.0 : w < -wMax ? -1.0 : double(w) * inv;
        const int kd = kind[s];
        int64_t nP = 0, nN = 0;
        if (kd == 0 && two) {
          nP = countFast(float(t > 0 ? t : 0), aimP, accP, s);
          nN = countFast(float(t < 0 ? -t : 0), aimN, accN, s);
        } else if (kd != 3) {
          if (kd != 1) nP = countOf(tgtP(t, kd, uN[s]), aimP, accP, s);
          if (two && kd != 2) nN = countOf(tgtN(t, kd, uP[s]), aimN, accN, s);
        }
        NB[2 * idx] = nP;
        NB[2 * idx + 1] = nN;
        L[nl] = idx;
        nl += (nP != 0 || nN != 0 || full) ? 1 : 0;
      }
    }
    if (anyTouched) touched = true;
    for (int q = 0; q < nl; q++) {
      const int idx = L[q], i = idx / cols, j = idx - i * cols;
      const int s = identity ? idx : permR[i] * cols + permC[j];
      const int64_t nP = NB[2 * idx], nN = NB[2 * idx + 1];
      if (nP != 0) { uP[s] = k.train(uP[s], nP, uint32_t(two ? 2 * s : s), cntP[s]); const int64_t m = nP > 0 ? nP : -nP; wP[s] += uint32_t(m); pulses += double(m); events += 1; }
      if (nN != 0) { uN[s] = k.train(uN[s], nN, uint32_t(2 * s + 1), cntN[s]); const int64_t m = nN > 0 ? nN : -nN; wN[s] += uint32_t(m); pulses += double(m); events += 1; }
      wEff[idx] = float(offset ? wMax * (2.0 * double(uP[s]) - 1.0) : wMax * (double(uP[s]) - double(uN[s])));
    }
    out[0] = events;
    out[1] = clipped;
    out[2] = pulses;
    out[3] = reads;
    out[4] = touched ? 1 : 0;
    napi_value r;
    napi_get_undefined(env, &r);
    return r;
  }

  for (int i = 0; i < rows; i++) {
    const int pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (int j = 0; j < cols; j++) {
      const int idx = base + j;
      const float w = val[idx];
      if (w > wMax || w < -wMax) clipped += 1;
      if (w == last[idx] && !full) continue;
      last[idx] = w;
      const int s = identity ? idx : pr + permC[j];
      const double t = w > wMax ? 1.0 : w < -wMax ? -1.0 : double(w) * inv;
      const int kd = kind[s];
      bool ch = false;
      if (scheme != 2) {
        if (kd == 0 && two) {
          const int64_t nP = countOf(float(t > 0 ? t : 0), aimP, accP, s);
          if (nP != 0) { uP[s] = k.train(uP[s], nP, uint32_t(2 * s), cntP[s]); const int64_t m = nP > 0 ? nP : -nP; wP[s] += uint32_t(m); pulses += double(m); events += 1; ch = true; }
          const int64_t nN = countOf(float(t < 0 ? -t : 0), aimN, accN, s);
          if (nN != 0) { uN[s] = k.train(uN[s], nN, uint32_t(2 * s + 1), cntN[s]); const int64_t m = nN > 0 ? nN : -nN; wN[s] += uint32_t(m); pulses += double(m); events += 1; ch = true; }
        } else if (kd != 3) {
          if (kd != 1) {
            const int64_t nP = countOf(tgtP(t, kd, uN[s]), aimP, accP, s);
            if (nP != 0) { uP[s] = k.train(uP[s], nP, uint32_t(two ? 2 * s : s), cntP[s]); const int64_t m = nP > 0 ? nP : -nP; wP[s] += uint32_t(m); pulses += double(m); events += 1; ch = true; }
          }
          if (two && kd != 2) {
            const int64_t nN = countOf(tgtN(t, kd, uP[s]), aimN, accN, s);
            if (nN != 0) { uN[s] = k.train(uN[s], nN, uint32_t(2 * s + 1), cntN[s]); const int64_t m = nN > 0 ? nN : -nN; wN[s] += uint32_t(m); pulses += double(m); events += 1; ch = true; }
          }
        }
      } else if (kd != 3) {
        if (stP[s] == 0 && kd != 1) {
          const int64_t q = verify(uP[s], tgtP(t, kd, uN[s]), aimP, cntP[s], s, uint32_t(two ? 2 * s : s));
          if (q > 0) { wP[s] += uint32_t(q); pulses += double(q); events += 1; ch = true; }
        }
        if (two && stN[s] == 0 && kd != 2) {
          const int64_t q = verify(uN[s], tgtN(t, kd, uP[s]), aimN, cntN[s], s, uint32_t(2 * s + 1));
          if (q > 0) { wN[s] += uint32_t(q); pulses += double(q); events += 1; ch = true; }
        }
      }
      if (ch || full) wEff[idx] = float(offset ? wMax * (2.0 * double(uP[s]) - 1.0) : wMax * (double(uP[s]) - double(uN[s])));
    }
  }
  out[0] = events;
  out[1] = clipped;
  out[2] = pulses;
  out[3] = reads;
  out[4] = touched ? 1 : 0;
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}
