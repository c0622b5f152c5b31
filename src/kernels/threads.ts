/**
 * Threads for one point's kernels: the native addon's thread pool (src/native/parallel.h). With T
 * threads the convolution, GEMM, col2im and batch-norm kernels cut their work into T parts over
 * output rows, columns, images or channel groups, never inside one sum, so every result has the
 * same bits as with 1 thread. The count belongs to the calling JavaScript thread (each sweep worker
 * sets its own); 1 (the default) starts no helper threads. Other backends run on one thread and
 * ignore the setting.
 *
 *   defaultThreads(workers, cores) = max(1, ⌊cores / workers⌋)    (workers × threads ≤ cores)
 *
 * The CLI's --threads (sim/main.ts) sets env RRAMSIM_THREADS, which every JavaScript thread applies
 * when it loads the addon (src/kernels/native.ts); without it a sweep gives each of its n running
 * workers defaultThreads(n) (threadsPerPoint) and `rramsim train` / `run` use every core.
 */
import { availableParallelism } from 'node:os';
import { nativeKernels, parseThreads } from './native.js';

/** sets the calling thread's kernel thread count (1..256); returns the count in effect */
export function setKernelThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new RangeError(`kernel threads must be an integer in 1..256, got ${n}`);
  const nk = nativeKernels();
  if (!nk) return 1;
  nk.setThreads(n);
  return nk.threads();
}

/** the calling thread's kernel thread count (1 without the native addon) */
export function kernelThreads(): number {
  return nativeKernels()?.threads() ?? 1;
}

/** threads per point when `workers` points run at once on `cores` cores (default: this machine's) */
export function defaultThreads(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / Math.max(1, workers)));
}

/** kernel threads for each of `running` points at once: env RRAMSIM_THREADS if set, else the default */
export function threadsPerPoint(running: number): number {
  const env = process.env.RRAMSIM_THREADS;
  return env !== undefined && env !== '' ? parseThreads(env, 'RRAMSIM_THREADS') : defaultThreads(running);
}
