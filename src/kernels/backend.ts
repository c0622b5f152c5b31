/**
 * GEMM backend selection. 'wasm' = WebAssembly SIMD (src/kernels/gemm_wasm.ts), 'ts' = pure
 * TypeScript (src/kernels/gemm_ts.ts). Default: env RRAMSIM_BACKEND if set, else the fastest
 * available ('wasm' when WebAssembly SIMD instantiates, else 'ts'). Both are deterministic; they
 * differ from each other only by float rounding (different summation order / precision).
 */
import { UserError } from '../util/errors.js';
import { wasmKernels, wasmUnavailableReason } from './wasm_memory.js';

export type BackendName = 'ts' | 'wasm';
export const BACKENDS: readonly BackendName[] = ['ts', 'wasm'];

let current: BackendName | undefined;

export function availableBackends(): BackendName[] {
  return wasmKernels() ? ['ts', 'wasm'] : ['ts'];
}

function check(name: unknown, field: string): BackendName {
  if (name !== 'ts' && name !== 'wasm') {
    throw new UserError(`${field} must be one of 'ts', 'wasm', got '${String(name)}'`, field);
  }
  if (name === 'wasm' && !wasmKernels()) {
    throw new UserError(`${field}: the 'wasm' backend is not available here (${wasmUnavailableReason()}); use 'ts'`, field);
  }
  return name;
}

export function setBackend(name: BackendName): void {
  current = check(name, 'backend');
}

export function getBackend(): BackendName {
  if (current === undefined) {
    const env = process.env.RRAMSIM_BACKEND;
    current = env !== undefined && env !== '' ? check(env, 'RRAMSIM_BACKEND') : (wasmKernels() ? 'wasm' : 'ts');
  }
  return current;
}
