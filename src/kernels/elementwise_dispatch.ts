/**
 * Shared helpers of the im2col / col2im / bias / ReLU kernels: pick the native version when the
 * backend is 'native' (any Float32Array), the WebAssembly version when the backend is 'wasm' and
 * every operand is a view into wasm memory (allocF32 arrays), else the TS loop. All give the same
 * bits (exact copies; each sum is one float32 addition in the same order). `need` checks operand
 * lengths up front: the wasm code writes by address, so a too-short view must be refused rather
 * than let it write past its end (the native addon checks lengths again itself).
 */
import { getBackend } from './backend.js';
import { nativeKernels, type NativeKernels } from './native.js';
import { inWasmMemory, wasmKernels, type WasmKernels } from './wasm_memory.js';

export function wasmFor(...arrays: Float32Array[]): WasmKernels['exports'] | null {
  if (getBackend() !== 'wasm') return null;
  const k = wasmKernels();
  if (!k) return null;
  for (const a of arrays) if (!inWasmMemory(a)) return null;
  return k.exports;
}

/** the native kernels when the backend is 'native', else null */
export function nativeFor(): NativeKernels | null {
  return getBackend() === 'native' ? nativeKernels() : null;
}

export function need(kernel: string, what: string, a: Float32Array, n: number): void {
  if (a.length < n) throw new RangeError(`${kernel}: ${what} has ${a.length} elements, needs ${n}`);
}
