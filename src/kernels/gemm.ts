/**
 * Public GEMM entry point (row-major, contiguous operands):
 *
 *   C (M x N) = op(A) · op(B)          (accumulate = false)
 *   C (M x N) += op(A) · op(B)         (accumulate = true)
 *
 * op(A) is M x K: A is stored M x K, or K x M when transA.
 * op(B) is K x N: B is stored K x N, or N x K when transB.
 * Use `subarray` views for offsets. Must not allocate per call on the hot path.
 *
 * PLACEHOLDER: naive reference implementation; the kernels work replaces the body with the fast
 * backend dispatch (same signature).
 */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * M + i] : A[i * K + k];
        const b = transB ? B[j * K + k] : B[k * N + j];
        s += a * b;
      }
      C[i * N + j] = accumulate ? C[i * N + j] + s : s;
    }
  }
}
