/**
 * The sweep methods of many tasks on one chip: `mt-fat`, `mt-lora`, `mt-lori`, `mt-crab`.
 * One point = one task sequence (point.multitask.tasks) on one defective chip:
 *
 *   tasks      loadTask(name, point.seed) for each name (permutations per seed; the source data
 *              sets through ctx.loadDataset, the worker's cache)
 *   base       'first': the ideal base of the point's model trained on tasks[0] with point.train,
 *              first point.trainLimit examples, seed point.seed (trainedBase, base.ts: a task
 *              without a transform shares the cache entry of its data set's single-task points;
 *              a transformed first task gets its own key); 'joint': trained on every task at once
 *              (joint_train.ts, round-robin batches, one shared output layer, stream
 *              `multitask/base-joint/task<t>/epoch<e>`, not cached)
 *   run        runContinual (continual.ts; training 'sequential') or runJointRouted (mt-crab,
 *              training 'joint'), retrain = point.retrain per task, limit = point.trainLimit,
 *              rank/alpha/layers/sparsity from point.lora, evalLimit from point.multitask
 *
 * Record (PointMetrics):
 *   accuracy            ACC = (1/T)·Σ_i a[T−1][i] (continual.ts / metrics.ts; joint: mean over tasks)
 *   loss                mean eval loss over the tasks after the last task
 *   cellWrites          W_{T−1}: cumulative cell writes of every array after the base programming
 *                       (adapter and crossbar-head programming included, merges not)
 *   cellsUsed           base cells + adapter cells (+ head cells with multitask.heads 'crossbar';
 *                       merged arrays not included)
 *   trainableParams     Σ over tasks of the entries trained for that task
 *   extraMacsPerImage   Σ_adapted layers r·(rows + cols)·rowsPerImage (lora, lori; the rank-r
 *                       adapter of one task at inference), crab K·r·cols + r·rows + rows·K; fat 0
 *   multitask           MultitaskMetrics below: the accuracy matrix a[j][i], ACC, forgetting F, BWT,
 *                       cumulative writes per task, adapter cells, per-array cells/writes, merges
 *                       (per task: merged vs single-adapter accuracy a[T−1][i]), crab routing
 */
import type { Dataset, DatasetName } from '../data/dataset.js';
import { loadDataset } from '../data/load.js';
import { buildModel, modelDescOf } from '../nn/model.js';
import type { Network } from '../nn/network.js';
import { evaluate } from '../nn/train.js';
import type { Task } from '../tasks/task.js';
import { makeTask, parseTaskName } from '../tasks/registry.js';
import { trainedBase } from './base.js';
import { rowsPerImage } from '../methods/cost.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './method_registry.js';
import type { MultitaskMetrics, PointMetrics } from './result.js';
import { runContinual, runJointRouted, type ContinualOptions } from '../methods/multitask/continual.js';
import { trainJoint } from '../methods/multitask/joint_train.js';
import { DEFAULT_MULTITASK_POINT, isMultitaskMethod, libraryMethod, type MultitaskPointSpec } from '../methods/multitask/multitask_spec.js';
import { selectLayers } from '../methods/lora/attach.js';

/** identity transforms: the task IS its data set (shares the single-task base cache entry) */
function isPlain(t: Task): boolean {
  return t.transform === 'none' || /^pixel permutation π_0 /.test(t.transform);
}

async function loadTasks(point: PointSpec, spec: MultitaskPointSpec, ctx: RunContext): Promise<Task[]> {
  // the worker's loader knows --data-dir and keeps each data set loaded once
  const load = ctx.loadDataset ?? ((n: DatasetName) => loadDataset(n));
  const tasks: Task[] = [];
  for (const [i, name] of spec.tasks.entries()) {
    const field = `multitask.tasks[${i}]`;
    const src = parseTaskName(name, field).source;
    tasks.push(makeTask(name, src === ctx.dataset.name ? ctx.dataset : await load(src), point.seed, field));
  }
  return tasks;
}

async function baseNetwork(point: PointSpec, spec: MultitaskPointSpec, tasks: Task[], ctx: RunContext): Promise<Network> {
  const first = tasks[0];
  if (spec.base === 'first') {
    const d: Dataset = ctx.dataset;
    const ds: Dataset = isPlain(first) && d.name === first.source
      ? d
      : { ...d, train: first.train, eval: first.eval, checksums: { ...d.checksums, 'multitask-task': first.name } };
    return trainedBase(point, { ...ctx, dataset: ds });
  }
  const net = buildModel(modelDescOf(point.model, { pool: point.pool, input: ctx.dataset.shape }), point.seed);
  ctx.log?.(`base: joint training on ${tasks.length} tasks (${point.train.epochs} epochs)`);
  trainJoint(net, tasks.map((t) => t.train), point.train, {
    seed: point.seed, limit: point.trainLimit, shuffleStream: 'multitask/base-joint',
    select: () => undefined, shared: net.params(), own: tasks.map(() => []),
  });
  return net;
}

/** extra MACs per image of the adapters at inference (file header) */
function adapterMacs(base: Network, point: PointSpec, method: string, T: number): number {
  if (method === 'fat') return 0;
  const all = base.weightLayers();
  const body = selectLayers(all.slice(0, -1), point.lora.layers);
  const r = point.lora.rank;
  let s = 0;
  for (const l of body) {
    const rows = l.op.rows, cols = l.op.cols;
    const per = method === 'crab' ? T * r * cols + r * rows + rows * T : r * (rows + cols);
    s += per * rowsPerImage(l);
  }
  return s;
}

/** heads 'crossbar': the head arrays' cells and per-task cells/writes (absent for digital heads: their records stay as they were) */
function headFields(r: { headCells?: number; headArrays?: { array: string; cells: number; writes: number }[] }): Pick<MultitaskMetrics, 'headCells' | 'headArrays'> {
  return r.headCells === undefined ? {} : { headCells: r.headCells, headArrays: r.headArrays };
}

export async function runMultitask(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  if (!isMultitaskMethod(point.method)) throw new Error(`runMultitask: '${point.method}' is not a multi-task method`);
  const spec: MultitaskPointSpec = { ...DEFAULT_MULTITASK_POINT, ...(point.multitask as MultitaskPointSpec) };
  const method = libraryMethod(point.method);
  const t0 = performance.now();
  const tasks = await loadTasks(point, spec, ctx);
  const base = await baseNetwork(point, spec, tasks, ctx);
  const baseAccuracy = tasks.map((t) => evaluate(base, t.eval, 1000, spec.evalLimit).accuracy);
  const opts: ContinualOptions = {
    method, tasks, base, point, retrain: point.retrain,
    rank: point.lora.rank, alpha: point.lora.alpha, sparsity: point.lora.sparsity,
    merge: spec.merge, limit: point.trainLimit, evalLimit: spec.evalLimit,
    layers: point.lora.layers, adapters: spec.adapters, routerOn: spec.routerOn, heads: spec.heads, log: ctx.log, onEpoch: ctx.onEpoch,
  };
  const T = tasks.length;
  const evalSplit = tasks[0].eval.name;
  const macs = adapterMacs(base, point, method, T);
  let mt: MultitaskMetrics;
  let loss: number, trainableParams: number, cellsUsed: number;
  if (method === 'crab' && spec.training === 'joint') {
    const r = runJointRouted(opts);
    mt = {
      tasks: r.tasks, training: 'joint', baseIdealAccuracy: baseAccuracy,
      accuracyMatrix: [r.accuracy], acc: r.acc, forgetting: null, bwt: null, forgettingPerTask: [],
      cumulativeWrites: [r.writes], baseWrites: [r.baseWrites], programWrites: r.programWrites,
      baseCells: r.baseCells, adapterCells: r.adapterCells, arrays: r.arrays, routing: r.routing,
      ...headFields(r),
    };
    loss = r.evalLoss.reduce((a, b) => a + b, 0) / T;
    trainableParams = r.trainableParams;
    cellsUsed = r.baseCells + r.adapterCells + (r.headCells ?? 0);
  } else {
    const r = runContinual(opts);
    const last = r.accuracy[T - 1] as number[];
    mt = {
      tasks: r.tasks, training: 'sequential', baseIdealAccuracy: baseAccuracy,
      accuracyMatrix: r.accuracy, acc: r.metrics.acc, forgetting: r.metrics.forgetting, bwt: r.metrics.bwt,
      forgettingPerTask: r.metrics.forgettingPerTask,
      cumulativeWrites: r.cumulativeWrites, baseWrites: r.baseWrites, programWrites: r.programWrites,
      baseCells: r.baseCells, adapterCells: r.adapterCells, arrays: r.arrays,
      ...(r.routing ? { routing: r.routing } : {}),
      ...headFields(r),
      ...(r.merges ? {
        merges: r.merges.map((m) => {
          const delta = m.accuracy.map((a, i) => a - last[i]);
          return {
            kind: m.kind, accuracy: m.accuracy, single: last, delta,
            acc: m.accuracy.reduce((a, b) => a + b, 0) / T,
            maxDrop: Math.max(0, ...delta.map((x) => -x)), writes: m.writes, cells: m.cells,
          };
        }),
      } : {}),
    };
    loss = (r.loss[T - 1] as number[]).reduce((a, b) => a + b, 0) / T;
    trainableParams = r.trainableParams;
    cellsUsed = r.baseCells + r.adapterCells + (r.headCells ?? 0);
  }
  const wallMethod = (performance.now() - t0) / 1000;
  const extra: Record<string, number | string | boolean | null> = {
    tasks: spec.tasks.join(' → '),
    forgetting: mt.forgetting,
    programWrites: mt.programWrites,
    adapterCells: mt.adapterCells,
    baseCells: mt.baseCells,
    methodSeconds: wallMethod,
  };
  // heads on crossbars only (digital records unchanged)
  if (mt.headCells !== undefined) extra.headCells = mt.headCells;
  for (const m of mt.merges ?? []) {
    extra[`merged_${m.kind}_acc`] = m.acc;
    extra[`merged_${m.kind}_maxDrop`] = m.maxDrop;
    extra[`merged_${m.kind}_writes`] = m.writes;
  }
  return {
    accuracy: mt.acc, loss, evalSplit,
    cellWrites: mt.cumulativeWrites[mt.cumulativeWrites.length - 1],
    trainableParams, cellsUsed, extraMacsPerImage: macs, extra, multitask: mt,
  };
}
