/**
 * The native kernel backend: a Node-API addon built from src/native by node-gyp during `npm ci`
 * (src/native/build.mjs). Its kernels compute exactly what the WebAssembly ones compute, with the
 * same float32 operations in the same order per element (src/native/kernels_impl.h), so the
 * 'native' and 'wasm' backends give identical bits; only speed differs (AVX-512 / AVX2 / baseline
 * vector code picked at load time from the CPU's features).
 *
 * Loading: `nativeKernels()` tries once, on first use, `src/native/build/Release/rramsim_native.node`
 * (relative to this module: the same path from src/ under vitest and from dist/ after tsc) and
 * returns null when it cannot (env RRAMSIM_NATIVE=0, not built, failed build, load error);
 * `nativeStatus()` says which and why (for `rramsim doctor`). Env RRAMSIM_NATIVE_ISA=avx512|avx2|base
 * forces an instruction set (UserError when this CPU or build lacks it). Env RRAMSIM_THREADS = n gives
 * the loading JavaScript thread n kernel threads (src/kernels/threads.ts; default 1).
 * The addon's base build is portable C++ (x64 adds AVX2 / AVX-512 variants): on x64 and arm64 it
 * is expected to load, so src/kernels/backend.ts `backendNotice()` says so when it does not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors.js';

export interface NativeKernels {
  gemm(transA: number, transB: number, M: number, N: number, K: number,
    A: Float32Array, B: Float32Array, C: Float32Array, accumulate: number): void;
  im2col(x: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, out: Float32Array): void;
  col2im(cols: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, dx: Float32Array): void;
  addBiasRows(Y: Float32Array, n: number, cols: number, bias: Float32Array): void;
  biasGrad(dY: Float32Array, n: number, cols: number, gb: Float32Array): void;
  reluForward(x: Float32Array, y: Float32Array, len: number): void;
  reluBackward(y: Float32Array, dy: Float32Array, dx: Float32Array, len: number): void;
  sgd(w: Float32Array, g: Float32Array, v: Float32Array, mask: Float32Array | null, len: number,
    lr: number, mu: number, wd: number): void;
  maxPoolForward(x: Float32Array, y: Float32Array, arg: Int32Array, n: number, H: number, W: number, C: number,
    k: number, s: number): void;
  maxPoolBackward(dy: Float32Array, arg: Int32Array, dx: Float32Array, len: number, dxLen: number): void;
  gatherRows(src: Float32Array, perm: Int32Array, start: number, b: number, d: number, dst: Float32Array): void;
  /** per-output read-noise variance S[s] = fround(dP² + dN²), dP = aP + bP·uP[s], dN = aN + bN·uN[s] (optional: older builds lack it) */
  readVariance?(uP: Float32Array, uN: Float32Array, S: Float32Array, len: number, aP: number, bP: number, aN: number, bN: number): void;
  /**
   * crossbar cell programming (src/native/program_impl.h; the same bits as src/crossbar/wasm/program.as
   * and src/crossbar/program_kernels.ts): out ← [cells written, weights clipped]; with counter-based
   * programming variation also the targets tP, tN, noise = [σ, g₀, b] (float32 σ, g₀; b the pass's base word) and the lognormal quantile table (prog_noise_counter.ts)
   * (src/crossbar/program_noisy.ts has the formulas) (optional: older builds lack it)
   */
  program?(val: Float32Array, kind: Uint8Array, uP: Float32Array, uN: Float32Array, wP: Uint32Array, wN: Uint32Array,
    wEff: Float32Array, rows: number, cols: number, permR: Int32Array | null, permC: Int32Array | null,
    wMaxF: number, levels: number, special: Int32Array, slot: Int32Array, wMax: number, two: number, full: number,
    out: Float64Array, tP?: Float32Array, tN?: Float32Array, noise?: Float64Array | null, table?: Float32Array): void;
  /**
   * Y = im2col(x)·Wt and dW += im2col(x)ᵀ·dY in L2-sized row chunks (src/kernels/conv_gemm.ts; optional:
   * older builds lack them); with uP … V also V = (P∘P)·S per chunk (per-output read noise, gemmVariance)
   */
  convForward?(x: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, Wt: Float32Array, outCh: number, Y: Float32Array,
    uP?: Float32Array, uN?: Float32Array, aP?: number, bP?: number, aN?: number, bN?: number, V?: Float32Array): void;
  convWeightGrad?(x: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, dY: Float32Array, outCh: number, dW: Float32Array): void;
  /** dx = col2im(dY·Wtᵀ) in row chunks, the same bits as gemm(0, 1, …) then col2im (src/kernels/conv_gemm.ts) */
  convInputGrad(dY: Float32Array, N: number, H: number, W: number, C: number, kh: number, kw: number,
    stride: number, pad: number, Wt: Float32Array, outCh: number, dx: Float32Array): void;
  /** y[i] = a[i] + b[i] (float32); relu = 1: then y[i] = y[i] > 0 ? y[i] : 0 (the fused ReLU after it) */
  addArrays(a: Float32Array, b: Float32Array, y: Float32Array, len: number, relu?: number): void;
  /**
   * batch normalisation over rows x C, the bits of src/nn/batch_norm.ts (src/native/batch_norm_impl.h);
   * relu = 1: the output passes the ReLU after the layer (fused); mask (the fused forward's output):
   * dy passes that ReLU's backward first (src/nn/relu_fusion.ts)
   */
  batchNormForward(x: Float32Array, y: Float32Array, xhat: Float32Array, rows: number, C: number, training: number,
    gamma: Float32Array, beta: Float32Array, runMean: Float32Array, runVar: Float32Array, rho: number, eps: number,
    mean: Float64Array, inv: Float64Array, relu?: number): void;
  batchNormBackward(dy: Float32Array, xhat: Float32Array, dx: Float32Array | null, rows: number, C: number,
    training: number, gamma: Float32Array, inv: Float64Array, gammaGrad: Float32Array | null, betaGrad: Float32Array | null,
    mask?: Float32Array | null): void;
  /** the calling thread's kernel thread count (src/native/parallel.h; 1 = no helper threads) */
  setThreads(n: number): void;
  threads(): number;
  /** per-output read noise y[k] += √v[k]·z(b, e0 + k) (src/native/noise_f32.h; counter_normal.ts formulas) */
  outputNoise(y: Float32Array, v: Float32Array, len: number, b: number, e0: number): void;
  /**
   * V = A·S with S[k, j] = fround((aP + bP·uP)² + (aN + bN·uN)²) computed while packing (the same bits
   * as readVariance + gemm); squareA = 1: the product uses A∘A (the same bits as squares first)
   */
  gemmVariance(M: number, N: number, K: number, A: Float32Array, uP: Float32Array, uN: Float32Array,
    aP: number, bP: number, aN: number, bN: number, C: Float32Array, squareA?: number): void;
  /** y[i] = x[i]·x[i] (float32) */
  squares(x: Float32Array, y: Float32Array, len: number): void;
  /**
   * the pulsed update schemes' pass over a matrix (src/native/pulse_kernel.cc; the bits of
   * src/crossbar/update/pulse_programmer.ts for the constant and linear pulse shapes):
   * p = [rows, cols, wMax, scheme, two, full, mapping, shape, dwUp, dwDown, dwMin, mid, invH,
   * gammaUp, gammaDown, uMin, uMax, ctoc, k0, k1, tolerance, maxPulses],
   * out ← [write events, clipped, pulses, reads, touched]
   */
  pulseProgram?(val: Float32Array, slotKind: Uint8Array, stateP: Uint8Array, stateN: Uint8Array,
    uP: Float32Array, uN: Float32Array, writesP: Uint32Array, writesN: Uint32Array, wEff: Float32Array,
    last: Float32Array, aimP: Float32Array, aimN: Float32Array, accP: Float32Array, accN: Float32Array,
    countP: Uint32Array, countN: Uint32Array, gains: Float64Array, quantiles: Float64Array,
    permR: Int32Array | null, permC: Int32Array | null, p: Float64Array, out: Float64Array): void;
  /** the addon's interface version (NATIVE_ABI) */
  abi?(): number;
  /** instruction set in use: 'avx512' | 'avx2' | 'base' */
  isa(): string;
  /** switch instruction set; false when this CPU/build lacks it */
  setIsa(name: string): boolean;
  /** instruction sets this CPU and build support, best first */
  isas(): string[];
}

export interface NativeStatus {
  loaded: boolean;
  /** the addon file looked for */
  path: string;
  /** why it is not loaded (empty when loaded) */
  reason: string;
  isa?: string;
  isas?: string[];
}

const SRC_NATIVE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', ...(
  // dist/src/kernels → repo root is three levels up; src/kernels → two
  fileURLToPath(import.meta.url).includes(`${join('dist', 'src', 'kernels')}`) ? ['..', 'src', 'native'] : ['src', 'native']));
/**
 * The addon file: the one `npm ci` builds, or env RRAMSIM_NATIVE_ADDON (another build of the same
 * sources; tests point it at a missing file to see what a user with an unfinished build sees).
 */
export const NATIVE_ADDON_PATH = process.env.RRAMSIM_NATIVE_ADDON || join(SRC_NATIVE, 'build', 'Release', 'rramsim_native.node');
const BUILD_ERROR_FILE = join(SRC_NATIVE, 'build', 'error.txt');
/** the package directory holding src/native (where `npm run build:native` runs) */
export const PACKAGE_ROOT = resolve(SRC_NATIVE, '..', '..');

/** the interface version this code expects of the addon (addon.cc `abi`); an older build is not loaded */
export const NATIVE_ABI = 7;

let state: NativeKernels | null | undefined;
let reason = '';

export function nativeKernels(): NativeKernels | null {
  if (state !== undefined) return state;
  state = null;
  if (process.env.RRAMSIM_NATIVE === '0') {
    reason = 'disabled by RRAMSIM_NATIVE=0';
    return state;
  }
  if (!existsSync(NATIVE_ADDON_PATH)) {
    const err = existsSync(BUILD_ERROR_FILE) ? readFileSync(BUILD_ERROR_FILE, 'utf8').trim() : '';
    reason = err ? `build failed: ${err}` : 'not built (run `npm run build:native`)';
    return state;
  }
  let k: NativeKernels;
  try {
    k = createRequire(import.meta.url)(NATIVE_ADDON_PATH) as NativeKernels;
  } catch (e) {
    reason = `load error: ${(e as Error).message}`;
    return state;
  }
  const abi = typeof k.abi === 'function' ? k.abi() : 1;
  if (abi !== NATIVE_ABI) {
    reason = `stale build (interface ${abi}, this code needs ${NATIVE_ABI}): run \`npm run build:native\``;
    return state;
  }
  const want = process.env.RRAMSIM_NATIVE_ISA;
  if (want !== undefined && want !== '' && !k.setIsa(want)) {
    throw new UserError(`RRAMSIM_NATIVE_ISA must be one of ${k.isas().join(', ')} on this machine, got '${want}'`, 'RRAMSIM_NATIVE_ISA');
  }
  const threads = process.env.RRAMSIM_THREADS;
  if (threads !== undefined && threads !== '') k.setThreads(parseThreads(threads, 'RRAMSIM_THREADS'));
  state = k;
  return state;
}

/**
 * A kernel thread count given by the user (env RRAMSIM_THREADS, or --threads through the CLI, which
 * sets that variable for the sweep's workers): an integer in 1..256, else a UserError naming `what`.
 */
export function parseThreads(v: unknown, what: string): number {
  const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 256) {
    throw new UserError(`${what} must be an integer from 1 to 256 (kernel threads per point), got '${String(v)}'`, what);
  }
  return n;
}

export function nativeStatus(): NativeStatus {
  const k = nativeKernels();
  return k
    ? { loaded: true, path: NATIVE_ADDON_PATH, reason: '', isa: k.isa(), isas: k.isas() }
    : { loaded: false, path: NATIVE_ADDON_PATH, reason };
}
