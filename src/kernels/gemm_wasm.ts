/**
 * WebAssembly SIMD GEMM backend: runs the f32x4 kernel of src/kernels/wasm/kernels.as (4 x 8
 * register tile; K cut into ceil(K/256) equal blocks; op(B) packed in zero-padded 8-wide panels,
 * except full panels of an untransposed B which are read in place; op(A) read in place; see the
 * header of kernels.as for the exact blocking and summation order). Per C element:
 *   C = Σ_blocks (Σ_{k in block, ascending} a·b)   summed block by block onto C (or onto 0).
 *
 * Operands that are views into the kernels' wasm memory (everything `allocF32` returned from the
 * arena, and subarrays of it) are used in place. Any other Float32Array is copied into the scratch
 * region first (A: M·K floats, B: K·N floats, C: M·N floats, C copied in only when accumulating
 * and copied back after), so the result is the same bits wherever the operands live.
 * Returns false (nothing written) when the scratch region cannot hold what the call needs; the
 * dispatcher then uses the TS backend for that call.
 */
import { inWasmMemory, scratch, wasmKernels } from './wasm_memory.js';

const KC = 256; // must match kernels.as
const NC = 1024;

export function gemmWasm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C: Float32Array, accumulate: boolean,
): boolean {
  const k = wasmKernels();
  if (!k) return false;
  if (M <= 0 || N <= 0) return true;
  const lenA = M * K, lenB = K * N, lenC = M * N;
  const aIn = inWasmMemory(A), bIn = inWasmMemory(B), cIn = inWasmMemory(C);
  // scratch layout: [work | A copy | B copy | C copy], each 64-byte aligned
  const work = K > 0 ? (((Math.min(NC, N) + 7) >> 3) * Math.min(KC, K) * 32 + 32) : 0;
  const al = (b: number) => Math.ceil(b / 64) * 64;
  const sizeWork = al(work);
  const sizeA = aIn ? 0 : al(lenA * 4);
  const sizeB = bIn ? 0 : al(lenB * 4);
  const sizeC = cIn ? 0 : al(lenC * 4);
  const base = scratch(sizeWork + sizeA + sizeB + sizeC);
  if (base < 0) return false;
  const f32 = k.f32;
  let pA = A.byteOffset, pB = B.byteOffset, pC = C.byteOffset;
  let o = base + sizeWork;
  if (!aIn) { pA = o; f32.set(A.subarray(0, lenA), o >> 2); o += sizeA; }
  if (!bIn) { pB = o; f32.set(B.subarray(0, lenB), o >> 2); o += sizeB; }
  if (!cIn) { pC = o; if (accumulate) f32.set(C.subarray(0, lenC), o >> 2); }
  k.exports.gemm(transA ? 1 : 0, transB ? 1 : 0, M, N, K, pA, pB, pC, accumulate ? 1 : 0, base);
  if (!cIn) C.set(f32.subarray(pC >> 2, (pC >> 2) + lenC));
  return true;
}
