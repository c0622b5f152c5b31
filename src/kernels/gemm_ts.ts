/**
 * Pure-TypeScript GEMM backend (the fallback when WebAssembly SIMD is unavailable, and the
 * reference the WASM backend is compared with). Same contract as `gemm` (src/kernels/gemm.ts):
 *
 *   C (M x N) = op(A)·op(B)   or   C += op(A)·op(B)
 *   op(A)[i, k] = A[i·K + k] (transA false) | A[k·M + i] (transA true)
 *   op(B)[k, j] = B[k·N + j] (transB false) | B[j·K + k] (transB true)
 *
 * Cache blocking: K is cut into blocks of KC = 256; for each block, op(B)[k-block, :] is packed
 * into panels of NR = 4 columns (packed[(p·kc + k)·4 + jj], zero-padded past N) so the inner loop
 * reads B contiguously. Register tiling: a 4 x 4 tile of C is accumulated in 16 local doubles,
 *   acc[r][jj] = Σ_{k in block, ascending} op(A)[i+r, k] · op(B)[k, j+jj]
 * then C = acc (first block, !accumulate) or C = C + acc, rounded to float32 on store.
 * op(A) is read in place through strides; rows past M are clamped to row M-1 (computed, never
 * stored). The summation order is fixed, so results are deterministic.
 *
 * The pack buffer is a module-level Float32Array that only grows (no allocation per call once
 * the largest shape has been seen).
 */
const KC = 256;
const NR = 4;
let packBuf = new Float32Array(0);

export function gemmTs(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0) {
    if (!accumulate) C.fill(0, 0, M * N);
    return;
  }
  const panels = (N + NR - 1) >> 2;
  const need = panels * Math.min(KC, K) * NR;
  if (packBuf.length < need) packBuf = new Float32Array(need);
  const pk = packBuf;
  const rs = transA ? 1 : K; // elements between rows of op(A)
  const ks = transA ? M : 1; // elements between k steps of op(A)

  for (let k0 = 0; k0 < K; k0 += KC) {
    const kc = Math.min(KC, K - k0);
    const beta = k0 > 0 || accumulate;
    // ---- pack op(B)[k0..k0+kc, 0..N) into NR-wide panels
    for (let p = 0; p < panels; p++) {
      const jb = p * NR;
      const w = Math.min(NR, N - jb);
      let d = p * kc * NR;
      for (let k = 0; k < kc; k++) {
        const kk = k0 + k;
        for (let jj = 0; jj < NR; jj++) {
          const j = jb + jj;
          pk[d++] = jj < w ? (transB ? B[j * K + kk] : B[kk * N + j]) : 0;
        }
      }
    }
    // ---- 4 x 4 register tiles
    for (let i = 0; i < M; i += 4) {
      const mr = Math.min(4, M - i);
      const last = M - 1;
      const r0 = i * rs + k0 * ks;
      const d1 = (Math.min(i + 1, last) - i) * rs;
      const d2 = (Math.min(i + 2, last) - i) * rs;
      const d3 = (Math.min(i + 3, last) - i) * rs;
      for (let p = 0; p < panels; p++) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
        let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
        let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let q = p * kc * NR;
        let o = r0;
        for (let k = 0; k < kc; k++) {
          const b0 = pk[q], b1 = pk[q + 1], b2 = pk[q + 2], b3 = pk[q + 3];
          q += 4;
          const a0 = A[o], a1 = A[o + d1], a2 = A[o + d2], a3 = A[o + d3];
          o += ks;
          c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
          c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
          c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
          c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
        }
        const j = p * NR;
        const w = Math.min(NR, N - j);
        storeRow(C, i * N + j, w, beta, c00, c01, c02, c03);
        if (mr > 1) storeRow(C, (i + 1) * N + j, w, beta, c10, c11, c12, c13);
        if (mr > 2) storeRow(C, (i + 2) * N + j, w, beta, c20, c21, c22, c23);
        if (mr > 3) storeRow(C, (i + 3) * N + j, w, beta, c30, c31, c32, c33);
      }
    }
  }
}

function storeRow(C: Float32Array, o: number, w: number, beta: boolean,
  v0: number, v1: number, v2: number, v3: number): void {
  if (beta) {
    C[o] += v0;
    if (w > 1) C[o + 1] += v1;
    if (w > 2) C[o + 2] += v2;
    if (w > 3) C[o + 3] += v3;
  } else {
    C[o] = v0;
    if (w > 1) C[o + 1] = v1;
    if (w > 2) C[o + 2] = v2;
    if (w > 3) C[o + 3] = v3;
  }
}
