/**
 * GEMM benchmark: GFLOP/s (2·M·N·K flops per call) per backend for 1024³ and the batch-64
 * MLP 784-300-100-10 and LeNet-5 (NHWC im2col) shapes, forward and both backward forms.
 * Operands are allocated with allocF32 (in wasm memory, as the layers do). For each shape and
 * backend: warm-up calls, then `RUNS` timed runs of enough calls to take >= ~40 ms; reported:
 * `gflops` = median over runs of wall-clock GFLOP/s, `gflopsBest` = the fastest run, and
 * `gflopsCpu` = median of flops / process CPU time (user + system), which is less sensitive to
 * other processes competing for the cores (the wall-clock figures are the honest ones on an idle
 * machine). Called by sim/bench/main.ts (`npm run bench`); run alone with
 * `node dist/sim/bench/gemm.js`.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { allocF32 } from '../../src/kernels/alloc.js';
import { availableBackends, gemm, getBackend, setBackend } from '../../src/kernels/gemm.js';

interface Shape { name: string; transA: boolean; transB: boolean; M: number; N: number; K: number }

export const GEMM_BENCH_SHAPES: Shape[] = [
  { name: 'square 1024', transA: false, transB: false, M: 1024, N: 1024, K: 1024 },
  { name: 'mlp fc1 fwd', transA: false, transB: false, M: 64, N: 300, K: 784 },
  { name: 'mlp fc1 dW', transA: true, transB: false, M: 784, N: 300, K: 64 },
  { name: 'mlp fc2 fwd', transA: false, transB: false, M: 64, N: 100, K: 300 },
  { name: 'mlp fc2 dW', transA: true, transB: false, M: 300, N: 100, K: 64 },
  { name: 'mlp fc2 dX', transA: false, transB: true, M: 64, N: 300, K: 100 },
  { name: 'mlp fc3 fwd', transA: false, transB: false, M: 64, N: 10, K: 100 },
  { name: 'mlp fc3 dW', transA: true, transB: false, M: 100, N: 10, K: 64 },
  { name: 'mlp fc3 dX', transA: false, transB: true, M: 64, N: 100, K: 10 },
  { name: 'mlp fc1 dX', transA: false, transB: true, M: 64, N: 784, K: 300 },
  { name: 'lenet conv1 fwd', transA: false, transB: false, M: 50176, N: 6, K: 25 },
  { name: 'lenet conv1 dW', transA: true, transB: false, M: 25, N: 6, K: 50176 },
  { name: 'lenet conv2 fwd', transA: false, transB: false, M: 6400, N: 16, K: 150 },
  { name: 'lenet conv2 dW', transA: true, transB: false, M: 150, N: 16, K: 6400 },
  { name: 'lenet conv2 dX', transA: false, transB: true, M: 6400, N: 150, K: 16 },
];

const RUNS = 7;
const MIN_RUN_MS = 40;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function benchGemm(): Promise<Array<Record<string, unknown>>> {
  const before = getBackend();
  const rows: Array<Record<string, unknown>> = [];
  try {
    for (const sh of GEMM_BENCH_SHAPES) {
      const { M, N, K, transA, transB } = sh;
      const A = allocF32(M * K), B = allocF32(K * N), C = allocF32(M * N);
      for (let i = 0; i < A.length; i++) A[i] = ((i * 7919) % 1000) / 1000 - 0.5;
      for (let i = 0; i < B.length; i++) B[i] = ((i * 104729) % 1000) / 1000 - 0.5;
      const flops = 2 * M * N * K;
      for (const backend of availableBackends()) {
        setBackend(backend);
        // warm-up (JIT tiers, caches) and calibration of calls per run
        let calls = 1;
        for (;;) {
          const t0 = performance.now();
          for (let c = 0; c < calls; c++) gemm(transA, transB, M, N, K, A, B, C, false);
          const dt = performance.now() - t0;
          if (dt >= MIN_RUN_MS) break;
          calls = Math.ceil(calls * Math.min(8, Math.max(2, (1.2 * MIN_RUN_MS) / Math.max(dt, 0.01))));
        }
        const gflops: number[] = [];
        const gflopsCpu: number[] = [];
        for (let r = 0; r < RUNS; r++) {
          const c0 = process.cpuUsage();
          const t0 = performance.now();
          for (let c = 0; c < calls; c++) gemm(transA, transB, M, N, K, A, B, C, false);
          const dt = (performance.now() - t0) / 1000;
          const cu = process.cpuUsage(c0);
          gflops.push((flops * calls) / dt / 1e9);
          gflopsCpu.push((flops * calls) / Math.max((cu.user + cu.system) / 1e6, 1e-9) / 1e9);
        }
        const med = median(gflops);
        rows.push({
          bench: 'gemm', shape: sh.name, backend, transA, transB, M, N, K,
          gflops: Number(med.toFixed(2)), msPerCall: Number(((flops / med) / 1e6).toFixed(4)),
          gflopsBest: Number(Math.max(...gflops).toFixed(2)),
          gflopsCpu: Number(median(gflopsCpu).toFixed(2)),
          runs: RUNS, callsPerRun: calls,
        });
      }
    }
  } finally {
    setBackend(before);
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const rows = await benchGemm();
  console.table(rows.map((r) => ({
    shape: r.shape, backend: r.backend, M: r.M, N: r.N, K: r.K,
    'GFLOP/s': r.gflops, best: r.gflopsBest, 'per CPU-s': r.gflopsCpu, 'ms/call': r.msPerCall,
  })));
}
