/**
 * Crossbar-mode training throughput (`npm run bench` section 'crossbar'; exports benchCrossbar()).
 *
 * The MLP preset (784-300-100-10; one noise row: LeNet-5) is trained with the real trainer (src/nn/train.ts, batch 64,
 * lr 0.01, momentum 0.9) on random MNIST-shaped data, once with plain digital ops and once with
 * every weight layer on crossbars (src/crossbar/map_network.ts) for several crossbar configs.
 * Rates are the median over chunks of 64·stepsPerChunk / chunk time after warm-up steps (the
 * trainer's onStep hook timestamps chunk boundaries), both in wall-clock time (`imagesPerSec`)
 * and in process CPU time (`cpuImagesPerSec`, process.cpuUsage(): robust when other jobs share
 * the cores). `timeRatio` = plain ÷ crossbar CPU-time rate, i.e. the crossbar path's cost
 * relative to plain training (the bar: ≤ 1.5, set when plain training ran on wasm at ≈ 21k
 * images/s; native plain training is ≈ 6× faster while the memory-bound programming pass is not, so
 * the 10 %-defect rows now read ≈ 1.6–1.75: README, session 7; the same-run comparison with the
 * PyTorch peer's `saf` mode is the train-crossbar row of the 'train' section);
 * `wallTimeRatio` the same from wall-clock rates. Plain and crossbar runs alternate per config so
 * drift from other load on the machine affects both alike. Configs with programming variation or
 * read noise are also timed against the same crossbar without noise, alternating
 * noisy, noiseless, noisy, noiseless, noisy, noiseless: `noiseRatio` = noiseless ÷ noisy CPU-time
 * rate (medians of the three runs each; noiseless = the same point with σp = σr = 0, so the
 * 16-level noise row is compared with 16-level noiseless training), the issue-14 bar `noiseBar` = 1.5 (noise at most 1.5× the time of the same
 * run without noise). Env RRAMSIM_BENCH_CROSSBAR = a comma-separated
 * list of config names runs only those.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import type { Split } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { getBackend } from '../../src/kernels/gemm.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { median, randomSplit } from './train.js';

const BATCH = 64;
const WARM = 30;
const PER_CHUNK = 30;
const CHUNKS = 7;
export const CROSSBAR_TIME_BAR = 1.5;
export const NOISE_TIME_BAR = 1.5;
/** noiseless / noisy runs per noise config (alternating; the first noisy run is the row's own) */
const NOISE_ROUNDS = 3;

type XbarPoint = Pick<PointSpec, 'device' | 'crossbar' | 'defects'>;

const BASE: XbarPoint = {
  device: { gMin: 1e-6, gMax: 1e-4, levels: 0, progSigma: 0, readSigma: 0 },
  crossbar: { tileRows: 128, tileCols: 128, mapping: 'differential', range: { kind: 'percentile', percentile: 100 }, dacBits: 0, adcBits: 0 },
  defects: { rate: 0, lrsShare: 0.5, distribution: 'uniform' },
};

type BenchModel = 'mlp' | 'lenet5';

/** crossbar configs (model: the MLP unless named) */
const CONFIGS: { name: string; point: XbarPoint; model?: BenchModel }[] = [
  { name: 'differential ideal', point: BASE },
  { name: 'differential 10% defects', point: { ...BASE, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' } } },
  { name: 'offset 10% defects', point: { ...BASE, crossbar: { ...BASE.crossbar, mapping: 'offset' }, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' } } },
  { name: 'differential 16 levels', point: { ...BASE, device: { ...BASE.device, levels: 16 } } },
  { name: 'differential prog+read noise', point: { ...BASE, device: { ...BASE.device, progSigma: 0.05, readSigma: 0.02 } } },
  { name: 'differential read noise per-cell', point: { ...BASE, device: { ...BASE.device, readSigma: 0.02 } } },
  { name: 'differential read noise per-output', point: { ...BASE, device: { ...BASE.device, readSigma: 0.02, readNoiseModel: 'per-output' } } },
  { name: 'differential prog+read noise per-output', point: { ...BASE, device: { ...BASE.device, progSigma: 0.05, readSigma: 0.02, readNoiseModel: 'per-output' } } },
  { name: 'differential prog noise counter', point: { ...BASE, device: { ...BASE.device, progSigma: 0.05, progNoiseModel: 'counter' } } },
  { name: 'differential prog counter+read per-output', point: { ...BASE, device: { ...BASE.device, progSigma: 0.05, readSigma: 0.02, readNoiseModel: 'per-output', progNoiseModel: 'counter' } } },
  { name: 'differential 16 levels prog counter+read per-output', point: { ...BASE, device: { ...BASE.device, levels: 16, progSigma: 0.05, readSigma: 0.02, readNoiseModel: 'per-output', progNoiseModel: 'counter' } } },
  { name: 'lenet5 differential prog counter+read per-output', model: 'lenet5', point: { ...BASE, device: { ...BASE.device, progSigma: 0.05, readSigma: 0.02, readNoiseModel: 'per-output', progNoiseModel: 'counter' } } },
];

/** the same crossbar point without programming variation and read noise (the noise rows' reference) */
function noiseless(p: XbarPoint): XbarPoint {
  const { progNoiseModel: _p, readNoiseModel: _r, ...device } = p.device;
  return { ...p, device: { ...device, progSigma: 0, readSigma: 0 } };
}

export interface CrossbarBenchRecord {
  bench: 'crossbar-train';
  model: BenchModel;
  config: string;
  backend: string;
  batch: number;
  imagesPerSec: number;
  plainImagesPerSec: number;
  cpuImagesPerSec: number;
  plainCpuImagesPerSec: number;
  /** plain ÷ crossbar, CPU-time rates */
  timeRatio: number;
  wallTimeRatio: number;
  bar: number;
  meetsBar: boolean;
  /** noise configs: noiseless ÷ noisy crossbar CPU-time rate, alternated in the same run */
  noiseRatio?: number;
  noiselessCpuImagesPerSec?: number;
  noiseBar?: number;
  meetsNoiseBar?: boolean;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function trainRate(split: Split, point: XbarPoint | null, model: BenchModel = 'mlp'): { wall: number; cpu: number } {
  const net = buildModel(presetDesc(model), 0);
  if (point) mapNetwork(net, point, 0);
  const marks: number[] = [], cpuMarks: number[] = [];
  train(net, split, { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: BATCH }, {
    seed: 0,
    onStep: (s) => {
      if (s >= WARM && (s - WARM) % PER_CHUNK === 0) { marks.push(performance.now()); cpuMarks.push(cpuMs()); }
    },
  });
  const wall: number[] = [], cpu: number[] = [];
  for (let c = 1; c < marks.length; c++) {
    wall.push((BATCH * PER_CHUNK) / ((marks[c] - marks[c - 1]) / 1000));
    cpu.push((BATCH * PER_CHUNK) / ((cpuMarks[c] - cpuMarks[c - 1]) / 1000));
  }
  return { wall: median(wall), cpu: median(cpu) };
}

export async function benchCrossbar(): Promise<CrossbarBenchRecord[]> {
  const split = randomSplit((WARM + CHUNKS * PER_CHUNK + 1) * BATCH);
  const out: CrossbarBenchRecord[] = [];
  // env RRAMSIM_BENCH_CROSSBAR=name,name: only those configs (exact names), to keep a run short
  const only = process.env.RRAMSIM_BENCH_CROSSBAR?.split(',').map((x) => x.trim()).filter(Boolean);
  for (const c of CONFIGS) {
    if (only && !only.includes(c.name)) continue;
    const model = c.model ?? 'mlp';
    const plain = trainRate(split, null, model);
    const xbar = trainRate(split, c.point, model);
    const ratio = plain.cpu / xbar.cpu;
    const noisy = c.point.device.progSigma > 0 || c.point.device.readSigma > 0;
    let noise: Partial<CrossbarBenchRecord> = {};
    if (noisy) {
      const quiet: number[] = [], loud: number[] = [xbar.cpu];
      const reference = noiseless(c.point);
      for (let r = 0; r < NOISE_ROUNDS; r++) {
        quiet.push(trainRate(split, reference, model).cpu);
        if (r < NOISE_ROUNDS - 1) loud.push(trainRate(split, c.point, model).cpu);
      }
      const q = median(quiet), l = median(loud);
      const nr = Number((q / l).toFixed(3));
      noise = { noiseRatio: nr, noiselessCpuImagesPerSec: Math.round(q), noiseBar: NOISE_TIME_BAR, meetsNoiseBar: nr <= NOISE_TIME_BAR };
    }
    out.push({
      bench: 'crossbar-train', model, config: c.name, backend: getBackend(), batch: BATCH,
      imagesPerSec: Math.round(xbar.wall), plainImagesPerSec: Math.round(plain.wall),
      cpuImagesPerSec: Math.round(xbar.cpu), plainCpuImagesPerSec: Math.round(plain.cpu),
      timeRatio: Number(ratio.toFixed(3)), wallTimeRatio: Number((plain.wall / xbar.wall).toFixed(3)),
      bar: CROSSBAR_TIME_BAR, meetsBar: ratio <= CROSSBAR_TIME_BAR, ...noise,
    });
  }
  return out;
}

export interface DeployRecord {
  bench: 'crossbar-deploy';
  mapping: 'differential' | 'offset';
  rate: number;
  defectSeed: number;
  accuracy: number;
  digitalAccuracy: number;
  fullyStuckWeights: number;
  evalSplit: string;
}

/**
 * Accuracy of a normally trained MLP deployed on defective crossbars:
 * MLP preset, full MNIST train split, 3 epochs, seed 0, lr 0.01, momentum 0.9, batch 64, no
 * weight decay; then for each mapping and total defect rate (uniform, half stuck at HRS and half
 * at LRS; per-layer wMax = max |w|, continuous levels, no noise) the weights are mapped with
 * mapNetwork (defect seed = `defectSeeds`) and evaluated on the official MNIST test split.
 */
export async function deployCurve(opts: { rates?: number[]; defectSeeds?: number[]; epochs?: number; log?: (s: string) => void } = {}): Promise<DeployRecord[]> {
  const rates = opts.rates ?? [0, 0.01, 0.02, 0.05, 0.1, 0.2];
  const seeds = opts.defectSeeds ?? [0, 1, 2];
  const log = opts.log ?? (() => {});
  const ds = await loadDataset('mnist');
  const net = buildModel(presetDesc('mlp'), 0);
  train(net, ds.train, { epochs: opts.epochs ?? 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 }, {
    seed: 0, onEpoch: (e) => log(`epoch ${e.epoch}: train loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)}`),
  });
  const digital = evaluate(net, ds.eval).accuracy;
  log(`digital ${ds.eval.name} accuracy ${digital}`);
  const out: DeployRecord[] = [];
  for (const mapping of ['offset', 'differential'] as const) {
    for (const rate of rates) {
      for (const seed of seeds) {
        const c = net.clone();
        const ops = mapNetwork(c, {
          ...BASE, crossbar: { ...BASE.crossbar, mapping }, defects: { rate, lrsShare: 0.5, distribution: 'uniform' },
        }, seed);
        const acc = evaluate(c, ds.eval).accuracy;
        const rec: DeployRecord = {
          bench: 'crossbar-deploy', mapping, rate, defectSeed: seed, accuracy: acc, digitalAccuracy: digital,
          fullyStuckWeights: ops.reduce((s, o) => s + o.fullyStuckCount(), 0), evalSplit: ds.eval.name,
        };
        log(JSON.stringify(rec));
        out.push(rec);
      }
    }
  }
  return out;
}

// `node dist/sim/bench/crossbar.js` runs the throughput bench; `... crossbar.js deploy` the accuracy curve
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv[2] === 'deploy') await deployCurve({ log: (s) => console.log(s) });
  else for (const r of await benchCrossbar()) console.log(JSON.stringify(r));
}
