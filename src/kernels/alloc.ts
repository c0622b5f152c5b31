/**
 * Buffer allocation for tensors used by kernels. Layers allocate activations, gradients and
 * parameters through `allocF32` so the WebAssembly GEMM backend can use them in place, without
 * copies: the returned array is a zero-filled view into the kernels' wasm memory
 * (src/kernels/wasm_memory.ts: a fixed reservation, RRAMSIM_WASM_MEMORY_MB, default 1024 MiB,
 * never grown so views are never detached). Buffers stay valid for the life of the process and are
 * never freed, except explicitly: `arenaRelease(arenaMark())` around an independent run (e.g. one
 * sweep point in a worker) hands back everything allocated inside it; use it only when none of
 * those arrays is used afterwards. When the arena is full, or WebAssembly is unavailable, it returns an ordinary
 * zero-filled Float32Array (gemm still works on it, copying it into wasm scratch when needed).
 */
import { arenaAlloc } from './wasm_memory.js';

export { arenaMark, arenaRelease, arenaStats } from './wasm_memory.js';

export function allocF32(n: number): Float32Array {
  if (!(n >= 0 && Number.isInteger(n))) throw new RangeError(`allocF32: length must be a non-negative integer, got ${n}`);
  return arenaAlloc(n) ?? new Float32Array(n);
}

/**
 * `n` zero-filled int32s in the same wasm arena as allocF32 (for index lists that wasm loops
 * read in place, e.g. the crossbar's special-slot lists), or a plain Int32Array when it is full.
 */
export function allocI32(n: number): Int32Array {
  if (!(n >= 0 && Number.isInteger(n))) throw new RangeError(`allocI32: length must be a non-negative integer, got ${n}`);
  const f = arenaAlloc(n);
  return f ? new Int32Array(f.buffer, f.byteOffset, n) : new Int32Array(n);
}
