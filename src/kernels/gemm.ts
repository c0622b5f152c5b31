/**
 * Public GEMM entry point (row-major, contiguous operands):
 *
 *   C (M x N) = op(A) · op(B)          (accumulate = false)
 *   C (M x N) += op(A) · op(B)         (accumulate = true)
 *
 * op(A) is M x K: A is stored M x K, or K x M when transA.
 * op(B) is K x N: B is stored K x N, or N x K when transB.
 * Use `subarray` views for offsets. C must not overlap A or B. Does not allocate per call.
 *
 * Dispatches to the current backend (src/kernels/backend.ts: setBackend/getBackend, env
 * RRAMSIM_BACKEND; default the native addon when it loaded, else WebAssembly SIMD). Every backend
 * is deterministic (same inputs ⇒ same bits); 'native' and 'wasm' give identical bits (same
 * blocking of K and float32 summation order per element), 'ts' differs from them by rounding.
 * Throws (a bug, not a UserError) when a dimension is not a non-negative integer or an operand is
 * shorter than its dimensions say.
 */
import { getBackend } from './backend.js';
import { gemmTs } from './gemm_ts.js';
import { gemmWasm } from './gemm_wasm.js';
import { nativeKernels } from './native.js';

export { getBackend, setBackend, availableBackends, backendReason } from './backend.js';
export type { BackendName } from './backend.js';

export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean,
): void {
  if (!(M >= 0 && N >= 0 && K >= 0 && Number.isInteger(M) && Number.isInteger(N) && Number.isInteger(K))) {
    throw new RangeError(`gemm: dimensions must be non-negative integers, got M=${M} N=${N} K=${K}`);
  }
  if (A.length < M * K || B.length < K * N || C.length < M * N) {
    throw new RangeError(`gemm: operand too short for M=${M} N=${N} K=${K}: ` +
      `A has ${A.length} (needs ${M * K}), B has ${B.length} (needs ${K * N}), C has ${C.length} (needs ${M * N})`);
  }
  if (overlaps(C, M * N, A, M * K) || overlaps(C, M * N, B, K * N)) {
    throw new RangeError('gemm: C must not overlap A or B');
  }
  const backend = getBackend();
  if (backend === 'native') {
    nativeKernels()!.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, A, B, C, accumulate ? 1 : 0);
    return;
  }
  if (backend === 'wasm' && gemmWasm(transA, transB, M, N, K, A, B, C, accumulate)) return;
  gemmTs(transA, transB, M, N, K, A, B, C, accumulate);
}

/** true when the first `n` elements of x and the first `m` of y share bytes */
function overlaps(x: Float32Array, n: number, y: Float32Array, m: number): boolean {
  if (x.buffer !== y.buffer || n === 0 || m === 0) return false;
  const x0 = x.byteOffset, y0 = y.byteOffset;
  return x0 < y0 + 4 * m && y0 < x0 + 4 * n;
}
