/**
 * Kernel backend selection. 'native' = the Node-API addon built from src/native (AVX-512 / AVX2 /
 * baseline vector code, src/kernels/native.ts), 'wasm' = WebAssembly SIMD
 * (src/kernels/gemm_wasm.ts), 'ts' = pure TypeScript (src/kernels/gemm_ts.ts).
 * Default: env RRAMSIM_BACKEND if set, else the fastest available: 'native' when the addon
 * loaded (env RRAMSIM_NATIVE=0 disables it), else 'wasm' when WebAssembly SIMD instantiates, else
 * 'ts'. `backendReason()` says why the current one was chosen (for `rramsim doctor`).
 *
 * Numeric contract (docs/DESIGN.md, "Kernel backends"): 'native' and 'wasm' are bit-identical
 * (same float32 operations in the same order per element); 'ts' differs from them only by float
 * rounding in GEMM (it accumulates in float64). Each backend is deterministic.
 */
import { UserError } from '../util/errors.js';
import { nativeKernels, nativeStatus, PACKAGE_ROOT } from './native.js';
import { wasmKernels, wasmUnavailableReason } from './wasm_memory.js';

export type BackendName = 'ts' | 'wasm' | 'native';
export const BACKENDS: readonly BackendName[] = ['ts', 'wasm', 'native'];

/**
 * The numeric contract a backend belongs to: backends of one contract give identical bits.
 * 'native' and 'wasm' share 'simd-order'; 'ts' is its own. Unknown names are their own contract.
 */
export function numericContract(backend: string): string {
  return backend === 'native' || backend === 'wasm' ? 'simd-order' : backend;
}

let current: BackendName | undefined;
let why = '';

export function availableBackends(): BackendName[] {
  const out: BackendName[] = ['ts'];
  if (wasmKernels()) out.push('wasm');
  if (nativeKernels()) out.push('native');
  return out;
}

function check(name: unknown, field: string): BackendName {
  if (name !== 'ts' && name !== 'wasm' && name !== 'native') {
    throw new UserError(`${field} must be one of 'ts', 'wasm', 'native', got '${String(name)}'`, field);
  }
  if (name === 'wasm' && !wasmKernels()) {
    throw new UserError(`${field}: the 'wasm' backend is not available here (${wasmUnavailableReason()}); use 'ts'`, field);
  }
  if (name === 'native' && !nativeKernels()) {
    throw new UserError(`${field}: the 'native' backend is not available here (${nativeStatus().reason}); use 'wasm' or 'ts'`, field);
  }
  return name;
}

export function setBackend(name: BackendName): void {
  current = check(name, 'backend');
  why = 'set by setBackend()';
}

export function getBackend(): BackendName {
  if (current === undefined) {
    const env = process.env.RRAMSIM_BACKEND;
    if (env !== undefined && env !== '') {
      current = check(env, 'RRAMSIM_BACKEND');
      why = `RRAMSIM_BACKEND=${env}`;
    } else if (nativeKernels()) {
      current = 'native';
      why = 'default: the native addon loaded';
    } else if (wasmKernels()) {
      current = 'wasm';
      why = `default: native addon unavailable (${nativeStatus().reason})`;
    } else {
      current = 'ts';
      why = `default: native addon unavailable (${nativeStatus().reason}); WebAssembly unavailable (${wasmUnavailableReason()})`;
    }
  }
  return current;
}

/** why the current backend was chosen */
export function backendReason(): string {
  getBackend();
  return why;
}

/** CPU architectures the native addon builds for (portable base code everywhere; AVX2 / AVX-512 on x64) */
const NATIVE_ARCHES = ['x64', 'arm64'];

/**
 * One line for the start of a sweep, `run` or `train` when the default backend is not the native
 * addon although this CPU can run it (an unfinished or failed `npm ci` build, a stale build): why,
 * what runs instead, and the command that builds it. Undefined when native is active, or when the
 * user chose another backend (RRAMSIM_BACKEND set, RRAMSIM_NATIVE=0), or the CPU has no build.
 */
export function backendNotice(): string | undefined {
  const backend = getBackend();
  if (backend === 'native') return undefined;
  if ((process.env.RRAMSIM_BACKEND ?? '') !== '' || process.env.RRAMSIM_NATIVE === '0') return undefined;
  if (!NATIVE_ARCHES.includes(process.arch)) return undefined;
  return `note: the native kernel addon is not active (${nativeStatus().reason}); running on the '${backend}' backend ` +
    `(the same bits, several times slower). Build it with: npm run build:native (in ${PACKAGE_ROOT}); \`rramsim doctor\` says more`;
}
