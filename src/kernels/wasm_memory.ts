/**
 * The WebAssembly side of the kernels: one linear memory, the instantiated SIMD module
 * (src/kernels/wasm/kernels.as, committed as base64 in kernels_wasm.ts), and the arena that
 * `allocF32` carves tensors from so `gemm` can work on them in place.
 *
 * Memory layout (byte addresses):
 *   [0, 64 KiB)                     reserved for the module's own statics (it has none today)
 *   [64 KiB, arenaTop)              allocF32 arena, bump allocator, 64-byte aligned; freed only
 *                                   explicitly, back to a mark (arenaMark / arenaRelease)
 *   [scratchBottom, memoryEnd)      gemm scratch (packed B block, copies of operands that are not
 *                                   in wasm memory); grows downwards on demand, reused every call
 *
 * Why one fixed-size memory: `memory.grow` detaches the ArrayBuffer, which would turn every
 * Float32Array handed out so far into a zero-length view. So the whole memory is reserved up front
 * (RRAMSIM_WASM_MEMORY_MB, default 1024 MiB; the OS commits pages only when touched, so unused
 * space costs address space, not RAM) and never grown. Limits: allocF32 never frees on its own
 * (buffers live for the whole process, as the contract says; a long-lived process can hand back
 * everything allocated since a mark with arenaRelease); once the arena would leave less than SCRATCH_RESERVE
 * (1/8 of memory, at least 16 MiB) for scratch, allocF32 returns ordinary Float32Arrays instead
 * (still correct: gemm copies such operands into scratch). If a single gemm call needs more
 * scratch than is left, gemm falls back to the TS backend for that call.
 * Caution for callers: views share one big ArrayBuffer, so `postMessage(view)` would copy the whole
 * buffer: post `view.slice()` instead.
 */
import { KERNELS_WASM_BASE64 } from './wasm/kernels_wasm.js';
import { UserError } from '../util/errors.js';

// Minimal typings: the project's tsconfig has lib ES2022 only, which does not declare WebAssembly.
interface WasmMemory { readonly buffer: ArrayBuffer }
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
  Memory: new (desc: { initial: number; maximum?: number }) => WasmMemory;
}
const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

interface KernelExports {
  gemm(transA: number, transB: number, M: number, N: number, K: number,
    A: number, B: number, C: number, accumulate: number, work: number): void;
  gemmScratchBytes(N: number, K: number): number;
  im2col(x: number, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, out: number): void;
  col2im(cols: number, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, dx: number): void;
  addBiasRows(Y: number, n: number, cols: number, bias: number): void;
  biasGrad(dY: number, n: number, cols: number, gb: number): void;
  reluForward(x: number, y: number, len: number): void;
  reluBackward(y: number, dy: number, dx: number, len: number): void;
}

export interface WasmKernels {
  memory: WasmMemory;
  buffer: ArrayBuffer;
  f32: Float32Array;
  exports: KernelExports;
}

const PAGE = 65536;
const ARENA_BASE = 65536;
const ALIGN = 64;

let state: WasmKernels | null | undefined; // undefined = not tried yet, null = unavailable
let unavailableReason = '';
let arenaTop = ARENA_BASE;
let scratchBottom = 0;
let memoryEnd = 0;
let scratchReserve = 0;

function memoryMiB(): number {
  const env = process.env.RRAMSIM_WASM_MEMORY_MB;
  if (env === undefined || env === '') return 1024;
  const v = Number(env);
  if (!Number.isInteger(v) || v < 16 || v > 4095) {
    throw new UserError(`RRAMSIM_WASM_MEMORY_MB must be an integer number of MiB in [16, 4095], got '${env}'`,
      'RRAMSIM_WASM_MEMORY_MB');
  }
  return v;
}

/** Instantiate the module once; null when WebAssembly SIMD is not available here. */
export function wasmKernels(): WasmKernels | null {
  if (state !== undefined) return state;
  const mib = memoryMiB();
  try {
    if (!WA) throw new Error('WebAssembly is not available');
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    const module = new WA.Module(bytes);
    let pages = mib * 16;
    let memory: WasmMemory | undefined;
    // the OS may refuse a very large reservation: halve until it works (down to 16 MiB)
    for (; pages >= 256; pages >>= 1) {
      try { memory = new WA.Memory({ initial: pages, maximum: pages }); break; } catch { /* smaller */ }
    }
    if (!memory) throw new Error('could not reserve WebAssembly memory');
    const instance = new WA.Instance(module, { env: { memory } });
    const buffer = memory.buffer;
    state = { memory, buffer, f32: new Float32Array(buffer), exports: instance.exports as unknown as KernelExports };
    memoryEnd = pages * PAGE;
    scratchBottom = memoryEnd;
    scratchReserve = Math.max(16 << 20, memoryEnd >> 3);
  } catch (e) {
    state = null;
    unavailableReason = (e as Error).message;
  }
  return state;
}

export function wasmUnavailableReason(): string {
  return unavailableReason;
}

/** True when `a` is a view into the kernels' wasm memory (so gemm can use it in place). */
export function inWasmMemory(a: Float32Array): boolean {
  return state != null && a.buffer === state.buffer;
}

/**
 * Allocate n zero-filled floats in the wasm arena, or null when the arena is full (or wasm is
 * unavailable). 64-byte aligned.
 */
export function arenaAlloc(n: number): Float32Array | null {
  const k = wasmKernels();
  if (!k) return null;
  const bytes = Math.ceil((n * 4) / ALIGN) * ALIGN;
  const limit = Math.min(scratchBottom, memoryEnd - scratchReserve);
  if (arenaTop + bytes > limit) return null;
  const view = new Float32Array(k.buffer, arenaTop, n);
  arenaTop += bytes;
  view.fill(0);
  return view;
}

/** Current top of the arena (an opaque mark for `arenaRelease`). */
export function arenaMark(): number {
  wasmKernels();
  return arenaTop;
}

/**
 * Give back everything allocated from the arena after `mark` (from `arenaMark`). Only safe when
 * no array allocated after the mark (nor any view of one) is used again: later allocations reuse
 * the space. Meant for long-lived processes (sweep workers) between independent runs.
 */
export function arenaRelease(mark: number): void {
  if (!(Number.isInteger(mark) && mark >= ARENA_BASE && mark <= arenaTop && mark % ALIGN === 0)) {
    throw new RangeError(`arenaRelease: ${mark} is not a mark of the current arena (base ${ARENA_BASE}, top ${arenaTop})`);
  }
  arenaTop = mark;
}

/**
 * Byte address of a scratch region of at least `bytes` bytes at the top of memory, or -1 if it
 * cannot be had without colliding with the arena. The region is reused by every call.
 */
export function scratch(bytes: number): number {
  const need = Math.ceil(bytes / ALIGN) * ALIGN;
  if (memoryEnd - scratchBottom < need) {
    const bottom = memoryEnd - need;
    if (bottom < arenaTop) return -1;
    scratchBottom = bottom;
  }
  return memoryEnd - need;
}

/** Arena statistics (bytes), for diagnostics and tests. */
export function arenaStats(): { memoryBytes: number; arenaUsed: number; scratchBytes: number } {
  wasmKernels();
  return { memoryBytes: memoryEnd, arenaUsed: arenaTop - ARENA_BASE, scratchBytes: memoryEnd - scratchBottom };
}
