/**
 * Training and inference throughput of the MLP and LeNet-5 presets (single thread, batch 64),
 * on random MNIST-shaped data (speed does not depend on the values).
 *
 * Training: one call of the real trainer (src/nn/train.ts: gather, forward, softmax-CE, backward,
 * SGD step) over warm-up + CHUNKS·stepsPerChunk steps; the `onStep` hook timestamps chunk
 * boundaries after the warm-up steps, and the reported rate is the median over chunks of
 * 64·stepsPerChunk / chunk time. Inference: `net.forward(x, 64, false)` the same way.
 * Peer numbers: PyTorch on the CPU, 1 thread, same models and batch (../shared/peers/README.md).
 *
 * The machine is shared, so each record also gives `imagesPerCpuSec`: images per second of CPU
 * time of this process (process.cpuUsage, user + system, over all timed chunks; includes V8's GC
 * threads, so it is a slight under-estimate of single-thread speed) and the 1-minute load average.
 * On an idle machine the two rates agree; under load the wall-clock rate is the pessimistic one.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Split } from '../../src/data/dataset.js';
import { getBackend } from '../../src/kernels/gemm.js';
/** the presets this bench measures (the MNIST-sized ones) */
type ModelName = 'mlp' | 'lenet5';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { stream } from '../../src/util/rng.js';

export const BATCH = 64;
export const CHUNKS = 7;
/** PyTorch, 1 thread, train images/s (../shared/peers/README.md) */
export const PEER_TRAIN_1T: Record<ModelName, number> = { mlp: 55_900, lenet5: 13_500 };
/** issue 2 acceptance bar, train images/s */
export const TRAIN_BAR: Record<ModelName, number> = { mlp: 10_000, lenet5: 3_000 };

const CFG: Record<ModelName, { warm: number; perChunk: number; inferPerChunk: number }> = {
  mlp: { warm: 40, perChunk: 40, inferPerChunk: 120 },
  lenet5: { warm: 15, perChunk: 15, inferPerChunk: 40 },
};

export interface TrainBenchRecord {
  bench: 'train' | 'inference';
  model: ModelName;
  backend: string;
  batch: number;
  imagesPerSec: number;
  imagesPerCpuSec: number;
  loadAvg1m: number;
  chunkImagesPerSec: number[];
  stepsPerChunk: number;
  chunks: number;
  peerTrainImagesPerSec1T?: number;
  ratioToPeer?: number;
  /** imagesPerCpuSec / peer */
  cpuRatioToPeer?: number;
  bar?: number;
  meetsBar?: boolean;
  meetsBarCpu?: boolean;
}

/** median of a non-empty list (shared by the bench sections) */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** n random MNIST-shaped examples from stream 'bench/data' (speed only: the values do not matter) */
export function randomSplit(n: number): Split {
  const r = stream(0, 'bench/data');
  const x = new Float32Array(n * 784);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = r.int(10);
  return { name: 'bench', x, y, n };
}

function benchTrainModel(model: ModelName): TrainBenchRecord {
  const { warm, perChunk } = CFG[model];
  const steps = warm + CHUNKS * perChunk;
  const split = randomSplit(steps * BATCH);
  const net = buildModel(presetDesc(model), 0);
  const marks: number[] = [];
  let cpu0 = process.cpuUsage();
  train(net, split, { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: BATCH }, {
    seed: 0,
    onStep: (s) => {
      if (s >= warm && (s - warm) % perChunk === 0) {
        if (s === warm) cpu0 = process.cpuUsage();
        marks.push(performance.now());
      }
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const rates: number[] = [];
  for (let c = 1; c < marks.length; c++) rates.push((BATCH * perChunk) / ((marks[c] - marks[c - 1]) / 1000));
  const med = median(rates);
  const perCpu = (BATCH * perChunk * rates.length) / ((cpu.user + cpu.system) / 1e6);
  return {
    bench: 'train', model, backend: getBackend(), batch: BATCH,
    imagesPerSec: Math.round(med),
    imagesPerCpuSec: Math.round(perCpu),
    loadAvg1m: Number(loadavg()[0].toFixed(2)),
    chunkImagesPerSec: rates.map(Math.round), stepsPerChunk: perChunk, chunks: rates.length,
    peerTrainImagesPerSec1T: PEER_TRAIN_1T[model], ratioToPeer: Number((med / PEER_TRAIN_1T[model]).toFixed(3)),
    cpuRatioToPeer: Number((perCpu / PEER_TRAIN_1T[model]).toFixed(3)),
    bar: TRAIN_BAR[model], meetsBar: med >= TRAIN_BAR[model], meetsBarCpu: perCpu >= TRAIN_BAR[model],
  };
}

function benchInferModel(model: ModelName): TrainBenchRecord {
  const { inferPerChunk } = CFG[model];
  const split = randomSplit(BATCH * 8);
  const net = buildModel(presetDesc(model), 0);
  const run = (k: number) => {
    for (let i = 0; i < k; i++) {
      const o = (i % 8) * BATCH * 784;
      net.forward(split.x.subarray(o, o + BATCH * 784), BATCH, false);
    }
  };
  run(inferPerChunk); // warm-up
  const rates: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let c = 0; c < CHUNKS; c++) {
    const t0 = performance.now();
    run(inferPerChunk);
    rates.push((BATCH * inferPerChunk) / ((performance.now() - t0) / 1000));
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    bench: 'inference', model, backend: getBackend(), batch: BATCH,
    imagesPerSec: Math.round(median(rates)),
    imagesPerCpuSec: Math.round((BATCH * inferPerChunk * CHUNKS) / ((cpu.user + cpu.system) / 1e6)),
    loadAvg1m: Number(loadavg()[0].toFixed(2)),
    chunkImagesPerSec: rates.map(Math.round), stepsPerChunk: inferPerChunk, chunks: CHUNKS,
  };
}

export async function benchTrain(): Promise<TrainBenchRecord[]> {
  const out: TrainBenchRecord[] = [];
  for (const m of ['mlp', 'lenet5'] as const) {
    out.push(benchTrainModel(m));
    out.push(benchInferModel(m));
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await benchTrain()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
