/**
 * Expected CPU-seconds of a sweep point, from the point alone (no data read, nothing built beyond
 * the layer shapes), split into the kinds of work a sweep calibrates separately (sim/sweep/eta.ts):
 *
 *   cost(point) = { base, method }                      CPU-seconds at the rates k (RATES by default)
 *   base   = 3·F·m·train.epochs / k.train + 3·A·m·train.epochs / k.act
 *            digital base training (forward + the two backward products per MAC; A the element-wise
 *            values); paid once per base network (the points sharing model, data set, seed, train
 *            and trainLimit share it: sim/sweep/schedule.ts baseKey); 0 for imported (ONNX) models
 *            and for the multi-task methods (their joint training is in `method`)
 *   method = k.point
 *          + (3·F / k.device + 3·A / k.act)·T·r·E_m     retraining on the crossbar; E_m = retrain.epochs
 *            (fat, lora, lori; T tasks for mt-*), ittrna with compensation: L·ittrna.epochsPerStage +
 *            ittrna.finalEpochs, without: retrain.epochs; 0 for the methods that do not retrain
 *          + 3·F·calibrationBatches·retrain.batch / k.train    importance (remap, ittrna)
 *          + (F / k.eval + A / k.act)·e·P_m             evaluations: P_m = 1 (ideal: digital, at k.train),
 *            2 (every other method: the digital base and the deployed network), T(T+1)/2 + T for T tasks
 *          + C·cpw·(T + steps) / k.program              programming the used cells at deployment and
 *            after every on-device training step (steps = ⌈T·r·E_m / retrain.batch⌉); not for ideal
 *          + S / k.solve                                line resistance (crossbar.lineResistance):
 *            S = (crossbar images)·Σ_tiles nr·ncc·sweeps, or with transferEvery the rebuilds
 *            ⌈steps/transferEvery⌉ + 2 per task, each Σ_tiles nr²·ncc·sweeps
 *          + (mt-*) the base term above                 the joint base training of the tasks
 *   F = forward MACs per image (Σ over weight layers rows·cols·positions: the layer walk of
 *   memory_estimate.ts counts the network description's convolutions and dense layers; transformer
 *   and imported models only their weight shapes, so their estimate is rough), A = activation values
 *   per image (every layer's output), m = train images per epoch (trainLimit or the whole split),
 *   r = retrainLimit or m, e = evalLimit or the whole eval split, L = weight layers, C = weights,
 *   cpw = 2 (differential) or 1, T = multitask.tasks (1 otherwise).
 *
 * RATES are CPU rates of one core of this project's reference machine (a shared 2-core x86-64 with
 * AVX2, native backend), stated constants fitted on the committed reports' measured point times
 * (`node dist/sim/cost_check.js --fit reports/…`: least squares on log(predicted/measured) per
 * report and method; measured = wallSeconds × kernel threads per point). A point on t kernel
 * threads takes about cost / t wall seconds; a running sweep rescales each kind from the points it
 * has finished (sim/sweep/eta.ts).
 */
import type { DatasetName } from '../data/dataset.js';
import { datasetEntries } from '../data/sets/registry.js';
import { lineResistanceOn } from '../crossbar/crossbar_spec.js';
import { METHOD_INFO } from '../methods/method_info.js';
import { isOnnxRef } from '../nn/model.js';
import { layerCosts } from './memory_estimate.js';
import type { PointSpec } from './point.js';

/** the machine constants (CPU rates of one core); RATES: the reference machine's (file header) */
export interface CostRates {
  /** MACs per CPU-second of digital training and evaluation (native GEMM, im2col) */
  train: number;
  /** MACs per CPU-second of training through the crossbar model (quantised reads, programmed writes) */
  device: number;
  /** MACs per CPU-second of evaluation through the deployed crossbar network */
  eval: number;
  /** activation values per CPU-second of the element-wise work (ReLU, BatchNorm, pooling, copies) */
  act: number;
  /** cell updates per CPU-second of programming (deployment, and every on-device training step) */
  program: number;
  /** cell sweeps per CPU-second of the line-resistance solver */
  solve: number;
  /** CPU-seconds every point costs besides its work (start, data set views, deployment, records) */
  point: number;
}

export const RATES: CostRates = { train: 8.7e9, device: 1.1e10, eval: 2.6e9, act: 3.6e9, program: 6.2e7, solve: 6e7, point: 0.07 };

const SPLITS = Object.fromEntries(datasetEntries().map((e) => [e.name, { train: e.splits.train, eval: e.splits.eval.n }])) as Record<DatasetName, { train: number; eval: number }>;

export interface PointCost {
  /** CPU-seconds of the point's base network training (shared by the points of one base) */
  base: number;
  /** CPU-seconds of the rest of the point */
  method: number;
  /** images per epoch of base training and of retraining (for images/s in progress lines) */
  trainImages: number;
  retrainImages: number;
}

/** epochs of on-device retraining a method runs (file header: E_m) */
export function retrainEpochs(p: PointSpec, weightLayers: number): number {
  const info = METHOD_INFO[p.method];
  if (!info?.reads.retrain || p.method === 'remap') return 0;
  if (p.method === 'ittrna' && p.ittrna.compensation) return weightLayers * p.ittrna.epochsPerStage + p.ittrna.finalEpochs;
  return p.retrain.epochs;
}

export function pointCost(p: PointSpec, k: CostRates = RATES): PointCost {
  const all = layerCosts(p);
  const layers = all.filter((l) => l.rows > 0);
  const A = all.reduce((s, l) => s + l.act, 0);
  const F = layers.reduce((s, l) => s + l.rows * l.cols * l.positions, 0);
  const weights = layers.reduce((s, l) => s + l.rows * l.cols, 0);
  const split = SPLITS[p.dataset] ?? { train: 60000, eval: 10000 };
  const m = p.trainLimit > 0 ? Math.min(p.trainLimit, split.train) : split.train;
  const r = p.retrainLimit && p.retrainLimit > 0 ? Math.min(p.retrainLimit, split.train) : m;
  const e = p.evalLimit && p.evalLimit > 0 ? Math.min(p.evalLimit, split.eval) : split.eval;
  const info = METHOD_INFO[p.method];
  const multitask = Boolean((info?.reads as { multitask?: boolean } | undefined)?.multitask);
  const T = multitask ? Math.max(1, p.multitask?.tasks.length ?? 1) : 1;
  const baseWork = 3 * F * m * p.train.epochs;
  const baseSeconds = baseWork / k.train + (3 * A * m * p.train.epochs) / k.act;
  const base = multitask || isOnnxRef(p.model) ? 0 : baseSeconds;

  const E = retrainEpochs(p, layers.length);
  const retrainImages = T * r * E;
  let method = k.point + (3 * F * retrainImages) / k.device + (3 * A * retrainImages) / k.act;
  if (p.method === 'remap' || p.method === 'ittrna') method += (3 * F * p.ittrna.calibrationBatches * p.retrain.batch) / k.train;
  const passes = multitask ? (T * (T + 1)) / 2 + T : p.method === 'ideal' ? 1 : 2;
  method += (F * e * passes) / (p.method === 'ideal' ? k.train : k.eval) + (A * e * passes) / k.act;
  const cpw = p.crossbar.mapping === 'differential' ? 2 : 1;
  const steps = Math.ceil(retrainImages / Math.max(1, p.retrain.batch));
  if (p.method !== 'ideal') method += (weights * cpw * (T + steps)) / k.program;
  if (multitask) method += baseSeconds;
  method += solverSweeps(p, layers, retrainImages, e * passes, T) / k.solve;
  return { base, method, trainImages: m, retrainImages: r };
}

/** line-resistance solver cell sweeps (file header: S) */
function solverSweeps(p: PointSpec, layers: { rows: number; cols: number }[], crossbarTrainImages: number, evalImages: number, tasks: number): number {
  const lr = p.crossbar.lineResistance;
  if (!lineResistanceOn(lr) || p.method === 'ideal') return 0;
  const cpw = p.crossbar.mapping === 'differential' ? 2 : 1;
  const tr = p.crossbar.tileRows, tc = p.crossbar.tileCols;
  let tileCells = 0, tileRebuild = 0;
  for (const l of layers) {
    for (let r0 = 0; r0 < l.rows; r0 += tr) {
      const nr = Math.min(tr, l.rows - r0);
      for (let c0 = 0; c0 < l.cols * cpw; c0 += tc) {
        const ncc = Math.min(tc, l.cols * cpw - c0);
        tileCells += nr * ncc;
        tileRebuild += nr * nr * ncc;
      }
    }
  }
  const sweeps = lr!.sweeps ?? 3;
  if (lr!.transferEvery !== undefined) {
    const steps = Math.ceil(crossbarTrainImages / Math.max(1, p.retrain.batch));
    return (Math.ceil(steps / lr!.transferEvery) + 2 * tasks) * tileRebuild * sweeps;
  }
  return (crossbarTrainImages + evalImages) * tileCells * sweeps;
}

/**
 * expected CPU-seconds of a list of points: each base network counted once (keyOf: the base key);
 * byMethod holds the method parts, bases the base trainings (n of them)
 */
export function sweepCost(points: readonly PointSpec[], keyOf: (p: PointSpec) => string, k: CostRates = RATES): { total: number; byMethod: Map<string, number>; bases: number; nBases: number } {
  const seen = new Set<string>();
  const byMethod = new Map<string, number>();
  let total = 0, bases = 0;
  for (const p of points) {
    const c = pointCost(p, k);
    if (c.base > 0) {
      const k = keyOf(p);
      if (!seen.has(k)) {
        seen.add(k);
        bases += c.base;
      }
    }
    byMethod.set(p.method, (byMethod.get(p.method) ?? 0) + c.method);
    total += c.method;
  }
  return { total: total + bases, byMethod, bases, nBases: seen.size };
}
