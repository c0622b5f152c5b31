/**
 * Memory and time estimate of one point, from the point alone (no data read, nothing built beyond
 * the layer shapes), for planning: sim/sweep/preflight.ts refuses or warns, `rramsim list` shows it.
 *
 *   M(point) = M_data + M_model + M_act + M_tasks + M_line        bytes one worker holds at its peak
 *   (the process itself, PROCESS_BASE_BYTES, is added once per process by the caller)
 *
 *   M_data  = Σ_sources N·(D + 1) + N·D·RAW_BYTES_PER_VALUE
 *             every split of a source held whole as 8-bit pixels (labels uint8), whatever trainLimit,
 *             plus the file bytes held besides it while it loads; a multitask point counts each source
 *             once (its tasks share the examples, src/tasks/registry.ts)
 *   M_model = Σ_weight layers w_l·(BYTES_PER_PARAM + BYTES_PER_CELL·cpw·pad_l)
 *             w_l = rows·cols weights, cpw = cells per weight (2 differential, 1 offset),
 *             pad_l = cells of the whole tiles / cells used (a layer takes whole tiles)
 *   M_act   = max over the phases (each phase's network and buffers are gone before the next):
 *             base training   4·b_train·ACT_COPIES·Σ_l a_l        (digital; im2col in chunks)
 *             evaluation      4·b_eval·Σ_l (a_l + t_l·p_l)
 *             retraining      4·b_retrain·Σ_l (ACT_COPIES·a_l + 2·t_l·p_l)   (methods training on the crossbar)
 *             a_l = output values per example (the input included), p_l = im2col values per example
 *             (conv: OH·OW·k²·C), t_l = 1 when the layer spans several tiles (then the conv layer
 *             holds the whole im2col matrix, src/nn/conv2d.ts), b_eval = defaultEvalBatch (train.ts);
 *             models this walk does not know (transformer layers, imported models) count their
 *             weight shapes only, with 64 activation values per output column (rough)
 *   M_tasks = T·(the adapter or head parameters of one task)·(BYTES_PER_PARAM + BYTES_PER_CELL·cpw)
 *   M_line  = 4·(LINE_FLOATS_PER_CELL·Σ_tiles nr·ncc + max_tiles (nr² + nr·ncc))
 *             nr, ncc = the rows and cells (columns) a tile uses: the solver, its conductances, the
 *             reference copy and ΔW per tile; the unit inputs and deviations of the largest tile
 *
 * The constants were measured (docs/DESIGN.md, "Memory and time estimates": commands, estimates,
 * measured peak RSS for the MLP, LeNet-5, ResNet-20 and a 5-task multitask point).
 *
 * Time: the cost model's CPU-seconds of the point with its base training (src/experiment/cost_model.ts),
 * divided by this machine's cores (a point alone uses them all): seconds = (base + method) / cores.
 * timeField names what dominates: the line-resistance solver (S / solve rate) against the MACs
 *   MACs = 3·F·(training examples) + F·(evaluated examples), training examples = trainLimit·train.epochs
 *   (+ per task, for the methods that retrain, retrainLimit·retrain.epochs); evaluated: 2 evaluations,
 *   or T(T+1)/2 + T for T tasks; S per crossbar forward example Σ_tiles nr·ncc·sweeps, transfer mode
 *   Σ_tiles nr²·ncc·sweeps per rebuild, one rebuild per transferEvery retraining steps and two per task
 */
import type { DatasetName } from '../data/dataset.js';
import { datasetExamples, datasetShape } from '../data/dataset_shapes.js';
import { modelDescOf, type LayerSpec, type ModelDesc } from '../nn/model.js';
import { modelLayers } from '../config/model_layers.js';
import { lineResistanceOn } from '../crossbar/crossbar_spec.js';
import { parseTaskName } from '../tasks/registry.js';
import { METHOD_INFO } from '../methods/method_info.js';
import { availableParallelism } from 'node:os';
import { pointCost, RATES } from './cost_model.js';
import type { PointSpec } from './point.js';

/** resident memory of a worker process before it loads anything (node, the modules, the native addon) */
export const PROCESS_BASE_BYTES = 90e6;
/** bytes per parameter: value, gradient, momentum, the base and deployed copies */
export const BYTES_PER_PARAM = 24;
/** bytes per physical cell: state (2 × uint8), conductance and target (float32), write counter (uint32), slot kind */
export const BYTES_PER_CELL = 20;
/** activation copies per layer: output, its gradient, the read path's quantised input */
export const ACT_COPIES = 3;
/**
 * file bytes per value held besides the split while a data set loads (the IDX split is a view of
 * the decompressed file; the compressed bytes, or one CIFAR file at a time, come on top)
 */
export const RAW_BYTES_PER_VALUE = 0.2;
/** fast line-resistance solver floats per cell and tile (G, d, b, line states, the reference G) */
export const LINE_FLOATS_PER_CELL = 8;


export interface EstimatePart {
  /** what it is ('data', 'weights and cells', 'activations', 'tasks', 'line resistance') */
  name: string;
  bytes: number;
  /** the config field that drives it, e.g. `model.layers[2].out`, `multitask.tasks`, `crossbar.tileRows` */
  field: string;
}

export interface PointEstimate {
  /** peak bytes of one worker running the point, without PROCESS_BASE_BYTES */
  bytes: number;
  parts: EstimatePart[];
  /** the field of the largest part */
  field: string;
  /** rough seconds */
  seconds: number;
  /** the field that drives the time */
  timeField: string;
}

export interface LayerCost {
  /** config path of the layer ('model.layers[3].body[0]'; presets: 'model (<layer>)') */
  path: string;
  /** output values per example */
  act: number;
  /** im2col values per example (conv) */
  patch: number;
  /** weights (rows·cols) and the matrix shape */
  rows: number;
  cols: number;
  /** output positions per example (MACs per example = rows·cols·positions) */
  positions: number;
  /** the field that sets this layer's fan-in (the last `out` before it, or 'dataset') */
  inField: string;
}

/** walk a description's layers: output shape, im2col size and weight shape per layer */
function walk(desc: ModelDesc, preset: boolean): LayerCost[] | null {
  const out: LayerCost[] = [];
  const counts: Record<string, number> = {};
  let inField = 'dataset';
  const label = (s: LayerSpec, at: string, kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
    return preset ? `model (layer ${s.name ?? `${kind}${counts[kind]}`})` : at;
  };
  const chain = (specs: readonly LayerSpec[], shape: number[], at: string): number[] | null => {
    for (const [i, s] of specs.entries()) {
      const here = `${at}[${i}]`;
      const size = shape.reduce((a, b) => a * b, 1);
      switch (s.type) {
        case 'dense':
          out.push({ path: label(s, `${here}.out`, 'fc'), act: s.out, patch: 0, rows: size, cols: s.out, positions: 1, inField });
          inField = out[out.length - 1].path;
          shape = [s.out];
          break;
        case 'conv2d': case 'pool': {
          if (shape.length !== 3) return null;
          const [H, W, C] = shape, k = s.kernel, st = s.stride ?? (s.type === 'pool' ? k : 1), p = s.type === 'conv2d' ? s.pad ?? 0 : 0;
          const OH = Math.floor((H + 2 * p - k) / st) + 1, OW = Math.floor((W + 2 * p - k) / st) + 1;
          if (!(OH >= 1 && OW >= 1)) return null;
          if (s.type === 'conv2d') {
            out.push({ path: label(s, `${here}.out`, 'conv'), act: OH * OW * s.out, patch: OH * OW * k * k * C, rows: k * k * C, cols: s.out, positions: OH * OW, inField });
            inField = out[out.length - 1].path;
            shape = [OH, OW, s.out];
          } else {
            shape = [OH, OW, C];
            out.push({ path: here, act: OH * OW * C, patch: 0, rows: 0, cols: 0, positions: 0, inField });
          }
          break;
        }
        case 'flatten': shape = [size]; break;
        case 'globalavgpool': if (shape.length !== 3) return null; shape = [shape[2]]; break;
        case 'residual': {
          const o = chain(s.body, shape, `${here}.body`);
          if (!o) return null;
          if (s.shortcut && !chain(s.shortcut, shape, `${here}.shortcut`)) return null;
          shape = o;
          out.push({ path: here, act: o.reduce((a, b) => a * b, 1), patch: 0, rows: 0, cols: 0, positions: 0, inField });
          break;
        }
        case 'relu': case 'batchnorm':
          out.push({ path: here, act: size, patch: 0, rows: 0, cols: 0, positions: 0, inField });
          break;
        default: return null; // transformer layers: the fallback below
      }
    }
    return shape;
  };
  const [C, H, W] = desc.input;
  return chain(desc.layers, [H, W, C], 'model.layers') ? out : null;
}

/** the layer costs of a point's model; transformer and imported models: weight shapes only, activations from the largest one */
export function layerCosts(p: PointSpec): LayerCost[] {
  const input = datasetShape(p.dataset);
  let desc: ModelDesc | undefined;
  try { desc = modelDescOf(p.model, { pool: p.pool, ...(input ? { input: [...input] as [number, number, number] } : {}) }); } catch { desc = undefined; }
  const preset = typeof p.model === 'string';
  const walked = desc ? walk(desc, preset) : null;
  if (walked) return walked;
  // rough: every weight layer once per example position (tokens for a transformer), output cols
  const [C, H, W] = input ?? [1, 28, 28];
  return modelLayers(p.model, p.pool, p.dataset).map((l) => ({
    path: `model (layer ${l.name})`, act: l.cols * 64, patch: 0, rows: l.rows, cols: l.cols, positions: Math.max(1, Math.round((C * H * W) / Math.max(1, l.rows))), inField: `model (layer ${l.name})`,
  }));
}

/** largest eval batch the point's evaluations use (src/nn/train.ts defaultEvalBatch) */
function evalBatch(layers: LayerCost[], input: number): number {
  const a = Math.max(input, ...layers.map((l) => l.act));
  return a > 16383 ? Math.max(1, Math.min(1000, Math.floor(2 ** 21 / a))) : 1000;
}

function sources(p: PointSpec): { names: DatasetName[]; field: string } {
  const names = new Set<DatasetName>([p.dataset]);
  for (const [i, t] of (p.multitask?.tasks ?? []).entries()) names.add(parseTaskName(t, `multitask.tasks[${i}]`).source);
  return { names: [...names], field: names.size > 1 ? 'multitask.tasks' : 'dataset' };
}

function ceilDiv(a: number, b: number): number { return Math.ceil(a / b); }

export function estimatePoint(p: PointSpec): PointEstimate {
  const parts: EstimatePart[] = [];
  const input = datasetShape(p.dataset) ?? [1, 28, 28];
  const D = input[0] * input[1] * input[2];
  // data
  const src = sources(p);
  let dataBytes = 0;
  for (const s of src.names) {
    const sh = datasetShape(s) ?? input, d = sh[0] * sh[1] * sh[2], n = datasetExamples(s)!;
    dataBytes += n * (d + 1) + n * d * RAW_BYTES_PER_VALUE;
  }
  parts.push({ name: 'data', bytes: dataBytes, field: src.field });

  // weights and cells
  const layers = layerCosts(p);
  const cpw = p.crossbar.mapping === 'differential' ? 2 : 1;
  const tr = p.crossbar.tileRows, tc = p.crossbar.tileCols;
  let modelBytes = 0, biggest = { bytes: -1, field: 'model' }, cellsAll = 0, usedCells = 0, F = 0;
  // Σ over tiles of nr·ncc (used cells) and nr²·ncc (a transfer rebuild: nr unit inputs), the largest nr²
  let tileCells = 0, tileRebuild = 0, maxV = 0;
  for (const l of layers) {
    if (l.rows === 0) continue;
    const gridR = ceilDiv(l.rows, tr), gridC = ceilDiv(l.cols * cpw, tc);
    const cells = gridR * gridC * tr * tc;
    const b = l.rows * l.cols * BYTES_PER_PARAM + cells * BYTES_PER_CELL;
    modelBytes += b;
    cellsAll += cells;
    usedCells += l.rows * l.cols * cpw;
    for (let r = 0; r < gridR; r++) {
      const nr = Math.min(tr, l.rows - r * tr);
      for (let c = 0; c < gridC; c++) {
        const ncc = Math.min(tc, l.cols * cpw - c * tc);
        tileCells += nr * ncc;
        tileRebuild += nr * nr * ncc;
        maxV = Math.max(maxV, nr * nr + nr * ncc);
      }
    }
    F += l.rows * l.cols * l.positions;
    // a wide fan-in is set by the layer before (a dense layer after a wide convolution)
    if (b > biggest.bytes) biggest = { bytes: b, field: l.rows > l.cols && l.inField !== 'dataset' ? l.inField : l.path };
  }
  // tiles larger than the default and mostly empty: the tile size drives it, else the largest layer
  const tileField = tr >= tc ? 'crossbar.tileRows' : 'crossbar.tileCols';
  const tileDriven = tr * tc > 128 * 128 && cellsAll > 2 * usedCells;
  parts.push({ name: 'weights and cells', bytes: modelBytes, field: tileDriven ? tileField : biggest.field });

  // activations: the peak of the phases (a phase's network and buffers are gone before the next)
  const tiled = (l: LayerCost) => l.rows > tr || l.cols * cpw > tc;
  const nEvalB = evalBatch(layers, D);
  const sumA = D + layers.reduce((s2, l) => s2 + l.act, 0);
  const trainBase = 4 * ACT_COPIES * p.train.batch * sumA;
  const evalPhase = 4 * nEvalB * (sumA + layers.reduce((s2, l) => s2 + (tiled(l) ? l.patch : 0), 0));
  const retrainPhase = trainsOnDeviceOf(p)
    ? 4 * p.retrain.batch * (ACT_COPIES * sumA + 2 * layers.reduce((s2, l) => s2 + (tiled(l) ? l.patch : 0), 0)) : 0;
  const actBytes = Math.max(trainBase, evalPhase, retrainPhase);
  let act = { bytes: -1, field: 'train.batch' };
  for (const l of layers) {
    const b = l.act + (tiled(l) ? l.patch : 0);
    if (b > act.bytes) act = { bytes: b, field: l.path };
  }
  // a batch far above the usual (≤ 256) is what the user changed: name it rather than the widest layer
  if (actBytes === trainBase && p.train.batch > 256) act.field = 'train.batch';
  else if (actBytes === retrainPhase && p.retrain.batch > 256) act.field = 'retrain.batch';
  parts.push({ name: 'activations', bytes: actBytes, field: act.field });

  // tasks: per task, its adapters (rank r on every body layer) or its own copy of the trained weights (fat)
  const T = p.multitask?.tasks.length ?? 0;
  if (T > 0) {
    const body = layers.filter((l) => l.rows > 0);
    const perTask = p.method === 'mt-fat'
      ? body[body.length - 1].rows * body[body.length - 1].cols
      : body.reduce((s, l) => s + p.lora.rank * (l.rows + l.cols), 0) + body[body.length - 1].rows * body[body.length - 1].cols;
    parts.push({ name: 'tasks', bytes: T * perTask * (BYTES_PER_PARAM + BYTES_PER_CELL * cpw), field: 'multitask.tasks' });
  }

  // line resistance: solver state per tile, transfer matrices
  const lr = p.crossbar.lineResistance;
  const lineOn = lineResistanceOn(lr);
  if (lineOn) {
    parts.push({ name: 'line resistance', bytes: 4 * (tileCells * LINE_FLOATS_PER_CELL + maxV), field: tr >= tc ? 'crossbar.tileRows' : 'crossbar.tileCols' });
  }

  const bytes = parts.reduce((s, q) => s + q.bytes, 0);
  const top = parts.reduce((a, q) => (q.bytes > a.bytes ? q : a));

  // time
  const m = p.trainLimit > 0 ? Math.min(p.trainLimit, datasetExamples(p.dataset)!) : datasetExamples(p.dataset)!;
  const nEval = p.evalLimit && p.evalLimit > 0 ? p.evalLimit : 10000;
  const tasks = Math.max(1, T);
  const retrain = usesRetrainOf(p);
  const rm = p.retrainLimit || m;
  const trainEx = m * p.train.epochs + (retrain ? tasks * rm * p.retrain.epochs : 0);
  const evalEx = nEval * (T > 0 ? (T * (T + 1)) / 2 + T : 2);
  const macs = 3 * F * trainEx + F * evalEx;
  let solve = 0;
  if (lineOn) {
    const sweeps = lr!.sweeps ?? 3;
    const crossbarTrainEx = retrain ? tasks * rm * p.retrain.epochs : 0;
    if (lr!.transferEvery !== undefined) {
      const steps = Math.ceil(crossbarTrainEx / Math.max(1, p.retrain.batch));
      const rebuilds = Math.ceil(steps / lr!.transferEvery) + 2 * tasks;
      solve = rebuilds * tileRebuild * sweeps;
    } else {
      solve = (crossbarTrainEx + evalEx) * tileCells * sweeps;
    }
  }
  const tMac = macs / RATES.train, tSolve = solve / RATES.solve;
  const cost = pointCost(p);
  const seconds = (cost.base + cost.method) / availableParallelism();
  const timeField = tSolve > tMac
    ? (lr!.transferEvery !== undefined ? 'crossbar.lineResistance.transferEvery' : 'crossbar.lineResistance')
    : T > 0 ? 'multitask.tasks' : retrain && tasks * rm * p.retrain.epochs > m * p.train.epochs ? 'retrain.epochs' : p.trainLimit > 0 ? 'trainLimit' : 'train.epochs';
  return { bytes, parts, field: top.field, seconds, timeField };
}

function trainsOnDeviceOf(p: PointSpec): boolean {
  return METHOD_INFO[p.method]?.trainsOnDevice ?? false;
}

function usesRetrainOf(p: PointSpec): boolean {
  return METHOD_INFO[p.method]?.reads.retrain ?? false;
}

/** '1.2 GB', '350 MB' (decimal units, as the estimate is rough) */
export function formatBytes(b: number): string {
  if (b >= 1e9) return `${(b / 1e9).toFixed(1)} GB`;
  return `${Math.max(1, Math.round(b / 1e6))} MB`;
}

/** '45 s', '12 min', '3.5 h' */
export function formatSeconds(s: number): string {
  if (s < 90) return `${Math.max(1, Math.round(s))} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
