/**
 * The crossbar's WebAssembly SIMD programming loops (wasm/program.as, committed as base64 in
 * wasm/program_wasm.ts), instantiated on the kernels' memory (src/kernels/wasm_memory.ts) so they
 * work in place on arrays allocated with allocF32. Used when the GEMM backend is 'wasm', or 'native'
 * with an addon that lacks `program` (RRAMSIM_BACKEND=ts selects the pure-TS loops of
 * program_kernels.ts); `programNative()` gives the native addon's pass (src/native/program_impl.h)
 * when the backend is 'native'. All three give the same bits.
 */
import { getBackend } from '../kernels/backend.js';
import { nativeKernels, type NativeKernels } from '../kernels/native.js';
import { wasmKernels } from '../kernels/wasm_memory.js';
import { PROGRAM_WASM_BASE64 } from './wasm/program_wasm.js';

export interface ProgramWasm {
  programDifferential(val: number, kind: number, uP: number, uN: number, wP: number, wN: number, wEff: number,
    n: number, wMax: number, levels: number): number;
  programOffset(val: number, kind: number, uP: number, wP: number, wEff: number, n: number, wMax: number, levels: number): number;
  programSpecial(val: number, special: number, slot: number, n: number, kind: number,
    uP: number, uN: number, wP: number, wN: number, wEff: number,
    wMax: number, two: number, full: number, levels: number): number;
  programIdentity(val: number, kind: number, uP: number, uN: number, wP: number, wN: number, wEff: number,
    n: number, wMaxF: number, levels: number,
    special: number, slot: number, nSpecial: number, wMax: number, two: number, full: number): number;
  programRows(val: number, kind: number, uP: number, uN: number, wP: number, wN: number, wEff: number,
    rows: number, cols: number, permR: number, wMaxF: number, levels: number,
    special: number, slot: number, nSpecial: number, wMax: number, two: number, full: number): number;
  lastClipped(): number;
}

interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let inst: ProgramWasm | null | undefined;
let buffer: ArrayBufferLike | null = null;

function load(): ProgramWasm | null {
  if (inst !== undefined) return inst;
  inst = null;
  try {
    const k = wasmKernels();
    const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
    if (k && WA) {
      const m = new WA.Module(Buffer.from(PROGRAM_WASM_BASE64, 'base64'));
      inst = new WA.Instance(m, { env: { memory: k.memory } }).exports as unknown as ProgramWasm;
      buffer = k.buffer;
    }
  } catch {
    inst = null;
  }
  return inst;
}

export type NativeProgram = NativeKernels & Required<Pick<NativeKernels, 'program'>>;

/** the native programming pass when the backend is 'native' and the addon has it, else null */
export function programNative(): NativeProgram | null {
  if (getBackend() !== 'native') return null;
  const k = nativeKernels();
  return k?.program ? (k as NativeProgram) : null;
}

/** the wasm loops when the backend is 'wasm' and every view lives in the kernels' memory, else null */
export function programWasmFor(views: ArrayBufferView[]): ProgramWasm | null {
  if (getBackend() === 'ts') return null; // 'wasm' and 'native' both use the wasm loops
  const w = load();
  if (!w) return null;
  for (const v of views) if (v.buffer !== buffer) return null;
  return w;
}
