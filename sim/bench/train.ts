/**
 * Training and inference throughput of the MLP and LeNet-5 presets (single thread, batch 64) on
 * random MNIST-shaped data (speed does not depend on the values), side by side with the PyTorch
 * peer (sim/bench/peer.ts) run in the same invocation.
 *
 * Rows: train (plain digital), train-crossbar (every weight layer on differential crossbars with
 * 10 % stuck cells, continuous levels, no noise: src/crossbar/map_network.ts; the peer's `saf` mode
 * is the matching PyTorch run: a fixed 10 % stuck-at map), inference (forward, batch 64).
 * Training: one call of the real trainer (src/nn/train.ts) over warm-up + CHUNKS·stepsPerChunk
 * steps; the `onStep` hook timestamps chunk boundaries after the warm-up and the rate is the median
 * over chunks of 64·stepsPerChunk / chunk time. Inference: `net.forward(x, 64, false)` likewise.
 *
 * Alternation: ROUNDS rounds; in each, every (model, mode) is measured on rramsim and then on the
 * peer (rramsim, peer, rramsim, peer, …), so drifting load from other jobs hits both sides alike.
 * Reported per row: the medians over rounds of each side, `ratio` = median over rounds of the
 * per-round ratio rramsim ÷ peer, and `ratioMin`/`ratioMax` (the spread over rounds). Nothing is
 * compared with numbers from another run or machine; without the peer the ratio columns say
 * "peer not installed: ratio not measured".
 * `imagesPerCpuSec` is rramsim's rate per second of process CPU time, `peerImagesPerCpuSec` the
 * peer's per second of its process CPU time (sim/bench/peer.ts), and `cpuRatio` (median, min, max
 * over rounds) their ratio: on a machine shared with other jobs the wall-clock ratio swings with the
 * scheduler, the CPU-time ratio much less. Both sides run 1 thread.
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import type { Split } from '../../src/data/dataset.js';
import { splitRange } from '../../src/data/split_rows.js';
import { getBackend } from '../../src/kernels/gemm.js';
import type { PointSpec } from '../../src/experiment/point.js';
/** the presets this bench measures (the MNIST-sized ones) */
type ModelName = 'mlp' | 'lenet5';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { stream } from '../../src/util/rng.js';
import { peerStatus, runPeer, type PeerResult } from './peer.js';

export const BATCH = 64;
export const CHUNKS = 5;
export const ROUNDS = Number(process.env.RRAMSIM_BENCH_ROUNDS ?? 3);
export const NO_PEER = 'peer not installed: ratio not measured';

const CFG: Record<ModelName, { warm: number; perChunk: number; inferPerChunk: number; peerSteps: number }> = {
  mlp: { warm: 40, perChunk: 40, inferPerChunk: 120, peerSteps: 60 },
  lenet5: { warm: 15, perChunk: 15, inferPerChunk: 40, peerSteps: 30 },
};

/** the crossbar-mode rows: differential mapping, 10 % uniform stuck cells, continuous levels, no noise */
export const CROSSBAR_10PCT: Pick<PointSpec, 'device' | 'crossbar' | 'defects'> = {
  device: { gMin: 1e-6, gMax: 1e-4, levels: 0, progSigma: 0, readSigma: 0 },
  crossbar: { tileRows: 128, tileCols: 128, mapping: 'differential', range: { kind: 'percentile', percentile: 100 }, dacBits: 0, adcBits: 0 },
  defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
};

interface Measure { imagesPerSec: number; imagesPerCpuSec: number; chunkImagesPerSec: number[] }

export interface TrainBenchRecord {
  bench: 'train' | 'train-crossbar' | 'inference';
  model: ModelName;
  backend: string;
  batch: number;
  /** median over rounds of rramsim's median-over-chunks rate */
  imagesPerSec: number;
  imagesPerCpuSec: number;
  eachRound: number[];
  peer: string;
  peerImagesPerSec?: number;
  peerEachRound?: number[];
  ratio?: number | string;
  ratioMin?: number;
  ratioMax?: number;
  /** the same per CPU-second of each side (rramsim: this process; peer: its process, 1 thread) */
  peerImagesPerCpuSec?: number;
  cpuRatio?: number;
  cpuRatioMin?: number;
  cpuRatioMax?: number;
  loadAvg1m: number;
  rounds: number;
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

function measureTrain(model: ModelName, crossbar: boolean): Measure {
  const { warm, perChunk } = CFG[model];
  const steps = warm + CHUNKS * perChunk;
  const split = randomSplit(steps * BATCH);
  const net = buildModel(presetDesc(model), 0);
  if (crossbar) mapNetwork(net, CROSSBAR_10PCT, 0);
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
  return {
    imagesPerSec: median(rates),
    imagesPerCpuSec: (BATCH * perChunk * rates.length) / ((cpu.user + cpu.system) / 1e6),
    chunkImagesPerSec: rates.map(Math.round),
  };
}

function measureInfer(model: ModelName): Measure {
  const { inferPerChunk } = CFG[model];
  const split = randomSplit(BATCH * 8);
  const net = buildModel(presetDesc(model), 0);
  const run = (k: number) => {
    for (let i = 0; i < k; i++) {
      net.forward(splitRange(split, (i % 8) * BATCH, BATCH, 784), BATCH, false);
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
    imagesPerSec: median(rates),
    imagesPerCpuSec: (BATCH * inferPerChunk * CHUNKS) / ((cpu.user + cpu.system) / 1e6),
    chunkImagesPerSec: rates.map(Math.round),
  };
}

type RowKey = `${TrainBenchRecord['bench']}/${ModelName}`;

export async function benchTrain(): Promise<TrainBenchRecord[]> {
  const peer = peerStatus();
  if (!peer.available) process.stderr.write(`bench train: ${NO_PEER} (${peer.reason})\n`);
  const ours = new Map<RowKey, Measure[]>();
  const theirs = new Map<RowKey, Array<{ wall: number; cpu: number }>>();
  const push = <T>(m: Map<RowKey, T[]>, k: RowKey, v: T) => { if (!m.has(k)) m.set(k, []); m.get(k)!.push(v); };
  let torch = '';
  for (let r = 0; r < ROUNDS; r++) {
    for (const model of ['mlp', 'lenet5'] as const) {
      // plain: rramsim train + inference, then the peer's plain run (train + inference)
      push(ours, `train/${model}`, measureTrain(model, false));
      push(ours, `inference/${model}`, measureInfer(model));
      if (peer.available) {
        const p: PeerResult = runPeer(model, 'plain', CFG[model].peerSteps);
        torch = p.torch ?? torch;
        push(theirs, `train/${model}`, { wall: p.trainImagesPerSec, cpu: p.trainImagesPerCpuSec });
        push(theirs, `inference/${model}`, { wall: p.inferImagesPerSec, cpu: p.inferImagesPerCpuSec });
      }
      // crossbar mode vs the peer's saf mode
      push(ours, `train-crossbar/${model}`, measureTrain(model, true));
      if (peer.available) {
        const p = runPeer(model, 'saf', CFG[model].peerSteps);
        push(theirs, `train-crossbar/${model}`, { wall: p.trainImagesPerSec, cpu: p.trainImagesPerCpuSec });
      }
      process.stderr.write(`bench train: round ${r + 1}/${ROUNDS} ${model} done\n`);
    }
  }
  const out: TrainBenchRecord[] = [];
  const load = Number(loadavg()[0].toFixed(2));
  for (const [key, ms] of ours) {
    const [bench, model] = key.split('/') as [TrainBenchRecord['bench'], ModelName];
    const rec: TrainBenchRecord = {
      bench, model, backend: getBackend(), batch: BATCH,
      imagesPerSec: Math.round(median(ms.map((m) => m.imagesPerSec))),
      imagesPerCpuSec: Math.round(median(ms.map((m) => m.imagesPerCpuSec))),
      eachRound: ms.map((m) => Math.round(m.imagesPerSec)),
      peer: peer.available ? `torch ${torch}, 1 thread${bench === 'train-crossbar' ? ', saf mode' : ''}` : NO_PEER,
      loadAvg1m: load, rounds: ms.length,
    };
    const ps = theirs.get(key);
    if (ps && ps.length === ms.length) {
      const ratios = ms.map((m, i) => m.imagesPerSec / ps[i].wall);
      const cpuRatios = ms.map((m, i) => m.imagesPerCpuSec / ps[i].cpu);
      rec.peerImagesPerSec = Math.round(median(ps.map((p) => p.wall)));
      rec.peerEachRound = ps.map((p) => Math.round(p.wall));
      rec.ratio = Number(median(ratios).toFixed(3));
      rec.ratioMin = Number(Math.min(...ratios).toFixed(3));
      rec.ratioMax = Number(Math.max(...ratios).toFixed(3));
      rec.peerImagesPerCpuSec = Math.round(median(ps.map((p) => p.cpu)));
      rec.cpuRatio = Number(median(cpuRatios).toFixed(3));
      rec.cpuRatioMin = Number(Math.min(...cpuRatios).toFixed(3));
      rec.cpuRatioMax = Number(Math.max(...cpuRatios).toFixed(3));
    } else {
      rec.ratio = NO_PEER;
    }
    out.push(rec);
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await benchTrain()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
