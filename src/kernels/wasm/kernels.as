// AssemblyScript source of the WebAssembly SIMD (f32x4) GEMM backend. Built by `npm run build:wasm`
// (src/kernels/wasm/build.mjs) into kernels_wasm.ts (base64). Memory is imported from JS
// (env.memory); every pointer below is a byte address into it. Nothing here allocates.
//
// gemm computes C (M x N) (+)= op(A) · op(B), row-major:
//   op(A)[i, k] = A[i·K + k]  (transA = 0)   or  A[k·M + i]  (transA = 1)
//   op(B)[k, j] = B[k·N + j]  (transB = 0)   or  B[j·K + k]  (transB = 1)
//
// Blocking (BLIS-like, sized for a 32-48 KiB L1 and >= 1 MiB L2):
//   K is cut into nb = ceil(K/KC) blocks of kb = ceil(K/nb) (the last one possibly shorter);
//   for each k-block [k0, k0+kc) and column block [j0, j0+nc) (nc <= NC):
//     pack op(B)[k-block, col-block] into panels of NR = 8 columns, zero-padded:
//        packed[(p·kc + k)·8 + jj] = op(B)[k0 + k, j0 + 8p + jj]   (0 beyond N)
//     (when B is stored K x N, full 8-column panels are instead read in place, row stride N:
//      same values, same order, so the same bits; only the last partial panel is packed)
//     for each group of MR = 4 rows of C, for each panel p:
//        micro-kernel: 4 x 8 tile held in 8 f32x4 registers,
//          acc[r][:] = Σ_{k in block} op(A)[i+r, k0+k] · packed[p, k, :]   (k ascending)
//        written as C = acc (first k-block and !accumulate) or C = C + acc.
//   op(A) is read in place (no packing): the 4 row pointers advance by aks bytes per k
//   (4 when A is M x K, 4·M when transA); rows past M are clamped to row M-1 (computed, not stored).
// Summation order per C element is fixed by (K, KC): the result is bit-for-bit deterministic and
// does not depend on where the operands sit in memory.

const KC: i32 = 256;
const NC: i32 = 1024;

// store the transpose of the 4x4 block whose rows are r0..r3: t_k = (r0[k], r1[k], r2[k], r3[k])
// goes to d + 32·k (one row of an 8-wide packed panel; the caller fills the other half)
@inline
function transpose4(r0: v128, r1: v128, r2: v128, r3: v128, d: usize): void {
  const a = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const b = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const c = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const e = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(d, i32x4.shuffle(a, b, 0, 1, 4, 5));
  v128.store(d, i32x4.shuffle(a, b, 2, 3, 6, 7), 32);
  v128.store(d, i32x4.shuffle(c, e, 0, 1, 4, 5), 64);
  v128.store(d, i32x4.shuffle(c, e, 2, 3, 6, 7), 96);
}

// pack op(B)[k0..k0+kc, j0..j0+nc] into NR=8 panels at dst (see header)
function packB(transB: i32, B: usize, N: i32, K: i32, k0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  const panels = (nc + 7) >> 3;
  for (let p = 0; p < panels; p++) {
    const jb = j0 + (p << 3);
    const w = min(8, j0 + nc - jb);
    let d = dst + (<usize>(p * kc) << 5);
    if (transB == 0) {
      let s = B + ((<usize>k0 * <usize>N + <usize>jb) << 2);
      const ls = <usize>N << 2;
      if (w == 8) {
        // full panels are read in place by the micro-kernel: nothing to pack
      } else {
        for (let k = 0; k < kc; k++) {
          let jj = 0;
          for (; jj < w; jj++) store<f32>(d + (<usize>jj << 2), load<f32>(s + (<usize>jj << 2)));
          for (; jj < 8; jj++) store<f32>(d + (<usize>jj << 2), 0);
          s += ls; d += 32;
        }
      }
    } else {
      // B stored N x K: column j of op(B) is row j of B (contiguous in k)
      const base = B + ((<usize>jb * <usize>K + <usize>k0) << 2);
      const ls = <usize>K << 2;
      let k = 0;
      if (w == 8) {
        // 8 rows x 4 k at a time: two 4x4 transposes with shuffles
        const r0p = base, r1p = base + ls, r2p = base + 2 * ls, r3p = base + 3 * ls;
        const r4p = base + 4 * ls, r5p = base + 5 * ls, r6p = base + 6 * ls, r7p = base + 7 * ls;
        for (; k + 4 <= kc; k += 4) {
          const o = <usize>k << 2;
          transpose4(v128.load(r0p + o), v128.load(r1p + o), v128.load(r2p + o), v128.load(r3p + o), d);
          transpose4(v128.load(r4p + o), v128.load(r5p + o), v128.load(r6p + o), v128.load(r7p + o), d + 16);
          d += 128;
        }
      }
      for (; k < kc; k++) {
        const s = base + (<usize>k << 2);
        let jj = 0;
        for (; jj < w; jj++) store<f32>(d + (<usize>jj << 2), load<f32>(s + <usize>jj * ls));
        for (; jj < 8; jj++) store<f32>(d + (<usize>jj << 2), 0);
        d += 32;
      }
    }
  }
}

// store w (1..4) lanes of v at pc: C[0..w) = (beta ? C : 0) + v[0..w). Partial widths use lane
// loads/stores so nothing outside C is read or written.
@inline
function storePart(pc: usize, v: v128, w: i32, beta: i32): void {
  if (w == 4) {
    if (beta != 0) v = f32x4.add(v128.load(pc), v);
    v128.store(pc, v);
  } else if (w == 2) {
    if (beta != 0) v = f32x4.add(v128.load64_zero(pc), v);
    v128.store64_lane(pc, v, 0);
  } else if (w == 1) {
    if (beta != 0) v = f32x4.add(v128.load32_zero(pc), v);
    v128.store32_lane(pc, v, 0);
  } else {
    if (beta != 0) v = f32x4.add(v128.load32_lane(pc + 8, v128.load64_zero(pc), 2), v);
    v128.store64_lane(pc, v, 0);
    v128.store32_lane(pc + 8, v, 2);
  }
}

// store one row of a 4x8 tile: C[row, 0..nw) = (beta ? C : 0) + (c0|c1)
@inline
function storeRow(pc: usize, c0: v128, c1: v128, nw: i32, beta: i32): void {
  if (nw >= 4) {
    storePart(pc, c0, 4, beta);
    if (nw > 4) storePart(pc + 16, c1, nw - 4, beta);
  } else {
    storePart(pc, c0, nw, beta);
  }
}

// 4 x 8 micro-kernel over kc steps
function kernel4x8(a0: usize, a1: usize, a2: usize, a3: usize, aks: usize, pb: usize, bks: usize, kc: i32,
                   pc: usize, ldc: usize, mr: i32, nw: i32, beta: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let off: usize = 0;
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0 + off);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(a1 + off);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(a2 + off);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(a3 + off);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    pb += bks;
    off += aks;
  }
  storeRow(pc, c00, c01, nw, beta);
  if (mr > 1) storeRow(pc + ldc, c10, c11, nw, beta);
  if (mr > 2) storeRow(pc + 2 * ldc, c20, c21, nw, beta);
  if (mr > 3) storeRow(pc + 3 * ldc, c30, c31, nw, beta);
}

/** bytes of scratch gemm needs at `work` (packed B block + a 32-byte edge buffer) */
export function gemmScratchBytes(N: i32, K: i32): i32 {
  const kc = min(KC, K);
  const nc = min(NC, N);
  return (((nc + 7) >> 3) * kc << 5) + 32;
}

export function gemm(transA: i32, transB: i32, M: i32, N: i32, K: i32,
                     A: usize, B: usize, C: usize, accumulate: i32, work: usize): void {
  if (M <= 0 || N <= 0) return;
  const ldc = <usize>N << 2;
  if (K <= 0) {
    if (accumulate == 0) memory.fill(C, 0, <usize>M * ldc);
    return;
  }
  const rs: usize = transA != 0 ? 4 : <usize>K << 2;          // bytes between rows of op(A)
  const aks: usize = transA != 0 ? <usize>M << 2 : 4;         // bytes between k steps of op(A)
  const packed = work + 32;
  // K is cut into ceil(K/KC) blocks of (nearly) equal length kb (no short tail block)
  const kb = (K + (K + KC - 1) / KC - 1) / ((K + KC - 1) / KC);
  for (let k0 = 0; k0 < K; k0 += kb) {
    const kc = min(kb, K - k0);
    const beta = (k0 > 0 || accumulate != 0) ? 1 : 0;
    const aoff: usize = <usize>k0 * aks;
    for (let j0 = 0; j0 < N; j0 += NC) {
      const nc = min(NC, N - j0);
      packB(transB, B, N, K, k0, kc, j0, nc, packed);
      const panels = (nc + 7) >> 3;
      for (let i = 0; i < M; i += 4) {
        const mr = min(4, M - i);
        const last = <usize>(M - 1);
        const a0 = A + aoff + <usize>i * rs;
        const a1 = A + aoff + <usize>min(<usize>i + 1, last) * rs;
        const a2 = A + aoff + <usize>min(<usize>i + 2, last) * rs;
        const a3 = A + aoff + <usize>min(<usize>i + 3, last) * rs;
        const crow = C + <usize>i * ldc + (<usize>j0 << 2);
        for (let p = 0; p < panels; p++) {
          const nw = min(8, nc - (p << 3));
          // full panels of a K x N B are read in place (row stride N); others come packed
          const direct = transB == 0 && nw == 8;
          const pb = direct ? B + ((<usize>k0 * <usize>N + <usize>(j0 + (p << 3))) << 2)
                            : packed + (<usize>(p * kc) << 5);
          kernel4x8(a0, a1, a2, a3, aks, pb, direct ? <usize>N << 2 : 32, kc,
                    crow + (<usize>p << 5), ldc, mr, nw, beta);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Elementwise / layout kernels (same formulas as the TS versions in src/kernels/*.ts, which
// document them; every float result is bit-identical to the TS version: copies are exact and
// each sum is one f32 addition in the same order).

// dst[0..n) = src[0..n) (dst and src do not overlap). For n >= 4 the last group of 4 is copied
// from n-4, overlapping the previous group (same values written twice), so there is no scalar tail.
@inline
function copyRun(dst: usize, src: usize, n: i32): void {
  if (n >= 4) {
    const tail = <usize>(n - 4) << 2;
    for (let i: usize = 0; i < tail; i += 16) v128.store(dst + i, v128.load(src + i));
    v128.store(dst + tail, v128.load(src + tail));
  } else {
    for (; n > 0; n--) { store<f32>(dst, load<f32>(src)); dst += 4; src += 4; }
  }
}

// dst[0..n) = 0
@inline
function zeroRun(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  for (; n >= 4; n -= 4) { v128.store(dst, z); dst += 16; }
  for (; n > 0; n--) { store<f32>(dst, 0); dst += 4; }
}

// dst[0..n) += src[0..n)
@inline
function addRun(dst: usize, src: usize, n: i32): void {
  for (; n >= 4; n -= 4) { v128.store(dst, f32x4.add(v128.load(dst), v128.load(src))); dst += 16; src += 16; }
  for (; n > 0; n--) { store<f32>(dst, load<f32>(dst) + load<f32>(src)); dst += 4; src += 4; }
}

export function im2col(x: usize, N: i32, H: i32, W: i32, C: i32, kh: i32, kw: i32,
                       stride: i32, pad: i32, out: usize): void {
  const OH = (H + 2 * pad - kh) / stride + 1;
  const OW = (W + 2 * pad - kw) / stride + 1;
  let o = out;
  for (let n = 0; n < N; n++) {
    const xn = x + ((<usize>n * <usize>H * <usize>W * <usize>C) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const kxLo = ix0 < 0 ? min(kw, -ix0) : 0;
        const kxHi = max(kxLo, min(kw, W - ix0));
        const zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        if (zl == 0 && zr == 0 && iy0 >= 0 && iy0 + kh <= H) {
          // interior patch (no padding): kh runs of kw·C floats, one image row apart
          let src = xn + (<usize>((iy0 * W + ix0) * C) << 2);
          const rowBytes = <usize>(W * C) << 2, runBytes = <usize>run << 2;
          for (let ky = 0; ky < kh; ky++) { copyRun(o, src, run); o += runBytes; src += rowBytes; }
          continue;
        }
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) { zeroRun(o, kw * C); o += <usize>(kw * C) << 2; continue; }
          zeroRun(o, zl); o += <usize>zl << 2;
          copyRun(o, xn + (<usize>((iy * W + ix0 + kxLo) * C) << 2), run); o += <usize>run << 2;
          zeroRun(o, zr); o += <usize>zr << 2;
        }
      }
    }
  }
}

export function col2im(cols: usize, N: i32, H: i32, W: i32, C: i32, kh: i32, kw: i32,
                       stride: i32, pad: i32, dx: usize): void {
  const OH = (H + 2 * pad - kh) / stride + 1;
  const OW = (W + 2 * pad - kw) / stride + 1;
  zeroRun(dx, N * H * W * C);
  let o = cols;
  for (let n = 0; n < N; n++) {
    const xn = dx + ((<usize>n * <usize>H * <usize>W * <usize>C) << 2);
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const kxLo = ix0 < 0 ? min(kw, -ix0) : 0;
        const kxHi = max(kxLo, min(kw, W - ix0));
        const zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) { o += <usize>(kw * C) << 2; continue; }
          o += <usize>zl << 2;
          addRun(xn + (<usize>((iy * W + ix0 + kxLo) * C) << 2), o, run); o += <usize>run << 2;
          o += <usize>zr << 2;
        }
      }
    }
  }
}

export function addBiasRows(Y: usize, n: i32, cols: i32, bias: usize): void {
  const row = <usize>cols << 2;
  for (let i = 0; i < n; i++) { addRun(Y, bias, cols); Y += row; }
}

export function biasGrad(dY: usize, n: i32, cols: i32, gb: usize): void {
  const row = <usize>cols << 2;
  for (let i = 0; i < n; i++) { addRun(gb, dY, cols); dY += row; }
}

// y = x > 0 ? x : 0 (NaN -> 0, -0 -> 0), via a compare mask so it matches the TS version bit for bit
export function reluForward(x: usize, y: usize, len: i32): void {
  const z = f32x4.splat(0);
  let n = len;
  for (; n >= 4; n -= 4) {
    const v = v128.load(x);
    v128.store(y, v128.and(v, f32x4.gt(v, z)));
    x += 16; y += 16;
  }
  for (; n > 0; n--) { const v = load<f32>(x); store<f32>(y, v > 0 ? v : 0); x += 4; y += 4; }
}

// dx = y > 0 ? dy : 0
export function reluBackward(y: usize, dy: usize, dx: usize, len: i32): void {
  const z = f32x4.splat(0);
  let n = len;
  for (; n >= 4; n -= 4) {
    v128.store(dx, v128.and(v128.load(dy), f32x4.gt(v128.load(y), z)));
    y += 16; dy += 16; dx += 16;
  }
  for (; n > 0; n--) { store<f32>(dx, load<f32>(y) > 0 ? load<f32>(dy) : 0); y += 4; dy += 4; dx += 4; }
}
