/**
 * Continual learning on one defective chip: tasks arrive in sequence, the
 * base network is deployed ONCE on its defective crossbars, and after each task every task seen
 * so far is evaluated.
 *
 *   a[j][i] = accuracy on task i's eval split after training task j (i ≤ j; i > j is null)
 *   ACC, forgetting F, BWT from a (src/tasks/metrics.ts, Chaudhry et al. 2018)
 *   W_j     = cumulative cell writes after task j: every write to any array (base and adapter
 *             arrays) after the base's deployment programming, INCLUDING the programming of adapter
 *             arrays created for a task (adding a task's arrays is part of its cost; LoRI's shared
 *             A is programmed once, with the first task). The base programming is `programWrites`.
 *
 * Every task has its own output head (task_heads.ts; the output layer's base crossbar is
 * unused), trained with the task: digital (`heads` 'digital', the default), or its weight H_k on
 * its own defective crossbar array `<out>/head/task<k>` (`heads` 'crossbar'; range ±2·wMax of the
 * output layer's base array (HEAD_RANGE_GAIN), trained through the array like every on-chip weight; its programming
 * and every update are writes counted in W_j, its cells in `headCells`, per task in `headArrays`,
 * and under the array kind 'head'). The other weight layers ("body") are handled per method:
 *   fat   the body's on-chip weights are retrained for every task (stuck cells frozen): the base
 *         IS reprogrammed; one body shared by all tasks (forgetting expected).
 *   lora  per task k: A_k, B_k on their own arrays (task_adapters.ts); body frozen. Evaluating
 *         task i selects its adapters and head, so F = 0 exactly (nothing of task i changes later).
 *   lori  shared frozen A per layer (programmed once); per task a sparse B_k: calibration of B_k
 *         in host memory (digital, no writes), one global magnitude mask (lori_mask.ts), B_k reset
 *         to 0 on its own array and retrained under the mask. F = 0 exactly, as for lora.
 *   crab  one routed multi-head adapter per body layer (router_lora.ts) with K = T heads, attached
 *         before the first task; for each task all of A, B_1..B_T, R, b_R and the task's head are
 *         trained (sequentially, so the shared parts can forget). The mean routing weights per
 *         task and layer are reported (over the first ≤ 1000 eval examples).
 * `merge` (lora, lori): after the last task, all tasks' adapters are merged per layer (merge.ts):
 * 'linear' = lori: the shared-A merge (one rank-r adapter, one new B array), lora: into the base
 * (W0 += Σ s·A_k·B_k, base cells rewritten); 'concatenated' = one adapter of rank T·r on two new
 * arrays. Every task is then evaluated with the merged layers and its own head (`merged`).
 *
 * Adapter arrays (crossbar factory below): A, crab A and router R range ±h/√rows with h = 2 when
 * trained (lora, crab) and 1 when frozen (lori); B arrays the base layer's range; crossbar heads
 * twice the output layer's range (HEAD_RANGE_GAIN); merged arrays the default range (max |w|). Stream names: arrays per array_factory.ts; shuffling
 * `multitask/<method>/task<j>/epoch<e>` (lori calibration `multitask/lori/task<j>/calib/epoch<e>`).
 */
import { makeCrossbarOp } from '../../crossbar/crossbar_op_factory.js';
import { mapNetwork } from '../../crossbar/map_network.js';
import { splitRange } from '../../data/split_rows.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import type { Network } from '../../nn/network.js';
import type { Param } from '../../nn/param.js';
import type { EpochReport } from '../method_context.js';
import { trainableCount } from '../cost.js';
import { evaluate, train } from '../../nn/train.js';
import type { TrainSpec } from '../../nn/train_spec.js';
import { continualMetrics, type ContinualMetrics } from '../../tasks/metrics.js';
import type { Task } from '../../tasks/task.js';
import { UserError } from '../../util/errors.js';
import { selectLayers } from '../lora/attach.js';
import { applyLoriMask, loriMask } from '../lora/lori_mask.js';
import type { LoraMatrixOp } from '../lora/lora_matrix_op.js';
import type { CrossbarPoint } from '../method_options.js';
import { digitalArrays, distinctCost, syncNow, type ArrayOpFactory } from './array_factory.js';
import { mergeConcatenated, mergeLinearIntoBase, mergeLinearSharedA } from './merge.js';
import { attachRouted, type RoutedLoraMatrixOp } from './router_lora.js';
import { TaskAdapterSet } from './task_adapters.js';
import { TaskHeads } from './task_heads.js';
import { trainJoint } from './joint_train.js';
import { MULTITASK_METHODS, type MultitaskMethod } from './multitask_spec.js';
import { defectSeed } from '../../crossbar/defect_spec.js';

/** = MULTITASK_METHODS (multitask_spec.ts) */
export const CONTINUAL_METHODS = MULTITASK_METHODS;
export type ContinualMethod = MultitaskMethod;

export interface ContinualOptions {
  method: ContinualMethod;
  tasks: Task[];
  /** the trained base network (ideal weights): cloned, never modified */
  base: Network;
  /** device, crossbar and defects of every array; seed = the run seed (defect maps, streams) */
  point: CrossbarPoint;
  /** SGD recipe per task (lori: per stage) */
  retrain: TrainSpec;
  /** adapter rank r (lora, lori, crab) */
  rank: number;
  /** α (0 ⇒ α = r) */
  alpha: number;
  /** lori: fraction of B_k pruned, [0, 1) */
  sparsity: number;
  /** merge all tasks' adapters after the last task (lora, lori; multitask_spec.ts), default 'none'; 'all' = every merge of the method */
  merge?: 'none' | 'linear' | 'concatenated' | 'all';
  /** where the adapter arrays sit (default 'crossbar'; 'digital' = float32, 0 cells) */
  adapters?: 'crossbar' | 'digital';
  /** crab: where the router matrix R sits (default 'crossbar'; with adapters 'digital' it is digital too) */
  routerOn?: 'crossbar' | 'digital';
  /** where the per-task output heads' weights sit (default 'digital'; 'crossbar' = each on its own defective array) */
  heads?: 'digital' | 'crossbar';
  /** train on the first `limit` examples of each task (0 = all) */
  limit?: number;
  /** evaluate on the first `evalLimit` examples (0 = all) */
  evalLimit?: number;
  /** body layers that get adapters (lora, lori, crab; fat retrains every body layer); [] or absent = every weight layer but the output layer */
  layers?: string[];
  log?: (msg: string) => void;
  /** the metrics of each training epoch, phase 'task <j> (<name>)' (and '… calibration' for LoRI's B calibration) */
  onEpoch?: (phase: string, e: EpochReport) => void;
}

export interface ContinualResult {
  method: ContinualMethod;
  tasks: string[];
  /** a[j][i]: accuracy on task i after training task j (null for i > j) */
  accuracy: (number | null)[][];
  metrics: ContinualMetrics;
  /** cumulative cell writes (all arrays) after each task */
  cumulativeWrites: number[];
  /** cumulative base-array cell writes after each task (0 for the adapter methods) */
  baseWrites: number[];
  /** programming of the deployed base (not in cumulativeWrites) */
  programWrites: number;
  baseCells: number;
  /** cells of every adapter array (a shared array once) */
  adapterCells: number;
  /** cells and writes per adapter array kind ('loraA', 'loraB', 'crabA', 'crabB', 'crabR'), summed over layers and tasks */
  arrays: Record<string, { cells: number; writes: number }>;
  /** crab: routing[i][l][k] = mean weight of head k in body layer l on task i's eval inputs */
  routing?: number[][][];
  /** heads 'crossbar': cells of the head arrays (all tasks), and per task k its array's name, cells and writes */
  headCells?: number;
  headArrays?: HeadArrayCost[];
  /** loss[j][i]: mean eval loss on task i after training task j (null for i > j) */
  loss: (number | null)[][];
  /** Σ over tasks of the entries trained for that task (update masks counted: LoRI's kept B entries) */
  trainableParams: number;
  /** merge: accuracy of each task with the merged adapter, cells and programming writes of the merged arrays (= merges[0]) */
  merged?: MergeResult;
  /** every merge done (merge 'all': lori linear-shared-A, concatenated; lora concatenated, linear-into-base) */
  merges?: MergeResult[];
}

export interface HeadArrayCost {
  array: string;
  cells: number;
  writes: number;
}

export interface MergeResult {
  kind: 'linear-shared-A' | 'linear-into-base' | 'concatenated';
  accuracy: number[];
  /** cell writes of the merge (new arrays programmed once, or the base cells rewritten) */
  writes: number;
  /** cells of the new arrays (0 into the base) */
  cells: number;
}

/** the adapter-array factory of a run: crossbar arrays (router per `routerOn`) or all digital */
function adapterArrays(o: ContinualOptions, baseWMax: (layer: string) => number, aGain: number): ArrayOpFactory {
  if ((o.adapters ?? 'crossbar') === 'digital') return digitalArrays;
  const x = crossbarArrays(o.point, baseWMax, aGain);
  if ((o.routerOn ?? 'crossbar') === 'crossbar') return x;
  return (array, p) => (array.split('/')[1] === 'crabR' ? digitalArrays(array, p) : x(array, p));
}

/**
 * A crossbar head's range: ±HEAD_RANGE_GAIN·wMax of the output layer's base array. The heads of
 * the later tasks start from the base's head and grow while they learn a new task (on the
 * synthetic tasks of test/multitask/crossbar_heads.test.ts max |H_k| reaches ≈ 1.7·wMax in 3
 * epochs); at 1x they would be clipped.
 */
export const HEAD_RANGE_GAIN = 2;

/** adapter arrays on their own defective crossbars (ranges in the file header) */
export function crossbarArrays(point: ContinualOptions['point'], baseWMax: (layer: string) => number, aGain: number): ArrayOpFactory {
  return (array, p) => {
    const [layer, kind] = array.split('/');
    let range: { kind: 'fixed'; wMax: number } | undefined;
    if (kind === 'loraA' || kind === 'crabA' || kind === 'crabR') range = { kind: 'fixed', wMax: aGain / Math.sqrt(p.rows) };
    else if (kind === 'loraB' || kind === 'crabB') range = { kind: 'fixed', wMax: baseWMax(layer) };
    else if (kind === 'head') range = { kind: 'fixed', wMax: HEAD_RANGE_GAIN * baseWMax(layer) };
    return makeCrossbarOp(p, array, point, range ? { crossbar: { range } } : {});
  };
}

function checkOptions(o: ContinualOptions, bodyLayers: number): void {
  if (!(CONTINUAL_METHODS as readonly string[]).includes(o.method)) {
    throw new UserError(`method: '${String(o.method)}' is not a continual-learning method; allowed: ${CONTINUAL_METHODS.join(', ')}`, 'method');
  }
  if (o.tasks.length < 2) throw new UserError(`tasks: a multi-task method needs at least 2 tasks (got ${o.tasks.length})`, 'tasks');
  const c = o.tasks[0].classes;
  o.tasks.forEach((t, i) => {
    if (t.classes !== o.base.classes || t.classes !== c) {
      throw new UserError(`tasks[${i}]: task '${t.name}' has ${t.classes} classes, the network ${o.base.classes}`, `tasks[${i}]`);
    }
  });
  if (o.method !== 'fat' && bodyLayers < 1) throw new UserError('model: adapters need at least one weight layer before the output layer', 'model');
  if ((o.merge ?? 'none') !== 'none' && o.method !== 'lora' && o.method !== 'lori') {
    throw new UserError(`merge: only lora and lori adapters can be merged (method '${o.method}')`, 'merge');
  }
}

/**
 * The base deployed once for a multi-task run: a clone of o.base mapped onto its (defective)
 * crossbars, every parameter frozen, the programming writes counted and the per-phase counters
 * reset; `body` = the adapted layers (all weight layers before the output layer, or o.layers).
 */
function deployBase(o: ContinualOptions) {
  const net = o.base.clone();
  const all = net.weightLayers();
  const head = all[all.length - 1];
  const body = selectLayers(all.slice(0, -1), o.layers ?? []);
  checkOptions(o, body.length);
  const T = o.tasks.length;
  const alpha = o.alpha > 0 ? o.alpha : o.rank;
  const xbar = mapNetwork(net, o.point, defectSeed(o.point));
  const programWrites = xbar.reduce((s, x) => s + x.cellWrites(), 0);
  for (const x of xbar) x.resetWriteCounts();
  for (const p of net.params()) p.trainable = false;
  const baseWMax = (layer: string) => xbar[all.findIndex((l) => l.name === layer)].wMax;
  return { net, all, head, body, T, alpha, xbar, programWrites, baseWMax };
}

/** the per-task heads of a run: digital, or each head's weight on its own crossbar array (range ±HEAD_RANGE_GAIN·wMax of the output layer's base array) */
function makeHeads(o: Pick<ContinualOptions, 'heads' | 'point'>, head: ReturnType<typeof deployBase>['head'], baseWMax: (layer: string) => number, rec: ArrayRecorder): TaskHeads {
  return (o.heads ?? 'digital') === 'crossbar' ? new TaskHeads(head, rec.wrap(crossbarArrays(o.point, baseWMax, 1))) : new TaskHeads(head);
}

/** heads 'crossbar': headCells and per-task head arrays for the record (nothing when digital, so digital records are unchanged) */
function headRecord(heads: TaskHeads, rec: ArrayRecorder): { headCells?: number; headArrays?: HeadArrayCost[] } {
  const ops = heads.arrayOps();
  if (ops.length === 0) return {};
  return {
    headCells: distinctCost(ops).cellsUsed,
    headArrays: ops.map((op) => { const c = distinctCost([op]); return { array: rec.nameOf(op), cells: c.cellsUsed, writes: c.cellWrites }; }),
  };
}

export function runContinual(o: ContinualOptions): ContinualResult {
  const { net, all, head, body, T, alpha, xbar, programWrites, baseWMax } = deployBase(o);
  const rec = new ArrayRecorder();
  const heads = makeHeads(o, head, baseWMax, rec);
  const bodyXbar = xbar.slice(0, -1);
  const evalLimit = o.evalLimit ?? 0;
  const common = { seed: defectSeed(o.point), limit: o.limit ?? 0 };

  let set: TaskAdapterSet | undefined;
  let routed: RoutedLoraMatrixOp[] = [];
  if (o.method === 'lora' || o.method === 'lori') {
    set = new TaskAdapterSet(body, { variant: o.method, rank: o.rank, alpha }, defectSeed(o.point),
      rec.wrap(adapterArrays(o, baseWMax, o.method === 'lora' ? 2 : 1)));
  } else if (o.method === 'crab') {
    const f = rec.wrap(adapterArrays(o, baseWMax, 2));
    routed = body.map((l) => attachRouted(l, { rank: o.rank, alpha, heads: T }, defectSeed(o.point), f));
  } else {
    for (const l of all.slice(0, -1)) { l.op.weight.trainable = true; l.bias.trainable = true; }
  }

  const adapterOps = (): MatrixOp[] => (set ? set.adapterOps() : routed.flatMap((r) => [r.opA, ...r.opBs, r.opR]));
  const select = (i: number) => { set?.select(i); heads.select(i); };
  const accuracy: (number | null)[][] = [];
  const loss: (number | null)[][] = [];
  let trainableParams = 0;
  const cumulativeWrites: number[] = [];
  const baseWrites: number[] = [];
  const routing: number[][][] = [];

  for (let j = 0; j < T; j++) {
    const task = o.tasks[j];
    heads.addTask();
    const stream = `multitask/${o.method}/task${j}`;
    if (set) {
      set.addTask(o.method === 'lori' ? digitalArrays : set.factory);
      select(j);
    } else {
      heads.select(j);
    }
    const headParams = heads.trainableParams(j);
    let params: Param[];
    if (set && o.method === 'lori') {
      const Bs = set.taskOps[j].map((op) => op.B);
      train(net, task.train, o.retrain, { ...common, shuffleStream: `${stream}/calib`, params: [...Bs, ...headParams], onEpoch: (e) => o.onEpoch?.(`task ${j} (${task.name}) calibration`, e) });
      const mask = loriMask(Bs, o.sparsity);
      for (const b of Bs) b.value.fill(0);
      set.placeB(j, rec.wrap(set.factory)); // B_k = 0 programmed on its array (sets its stuck mask)
      applyLoriMask(Bs, mask);
      o.log?.(`lori task ${j}: kept ${mask.kept}/${mask.total} B entries`);
      params = [...Bs, ...headParams];
    } else if (set) {
      params = [...set.trainableParams(j), ...headParams];
    } else if (o.method === 'crab') {
      params = [...routed.flatMap((r) => r.adapterParams()), ...headParams];
    } else {
      params = [...all.slice(0, -1).flatMap((l) => [l.op.weight, l.bias]), ...headParams];
    }
    train(net, task.train, o.retrain, { ...common, shuffleStream: stream, params, onEpoch: (e) => o.onEpoch?.(`task ${j} (${task.name})`, e) });
    trainableParams += trainableCount(params);
    // program the last update now (a crossbar op would otherwise program it on its next forward)
    for (const op of [...bodyXbar, ...adapterOps(), ...heads.arrayOps()]) syncNow(op, true);
    const row: (number | null)[] = [];
    const lrow: (number | null)[] = [];
    for (let i = 0; i < T; i++) {
      if (i > j) { row.push(null); lrow.push(null); continue; }
      select(i);
      const ev = evaluate(net, o.tasks[i].eval, 1000, evalLimit);
      row.push(ev.accuracy);
      lrow.push(ev.loss);
    }
    accuracy.push(row);
    loss.push(lrow);
    cumulativeWrites.push(distinctCost([...xbar, ...adapterOps(), ...heads.arrayOps()]).cellWrites);
    baseWrites.push(distinctCost(xbar).cellWrites);
    o.log?.(`${o.method} after task ${j} (${task.name}): accuracies ${row.slice(0, j + 1).map((a) => (a as number).toFixed(4)).join(' ')}, writes ${cumulativeWrites[j]}`);
  }

  if (o.method === 'crab') routing.push(...routingPerTask(net, o.tasks, heads, routed, evalLimit));

  const result: ContinualResult = {
    method: o.method, tasks: o.tasks.map((t) => t.name), accuracy,
    metrics: continualMetrics(accuracy), loss, trainableParams, cumulativeWrites, baseWrites, programWrites,
    baseCells: distinctCost(xbar).cellsUsed, adapterCells: distinctCost(adapterOps()).cellsUsed,
    arrays: rec.byKind([...adapterOps(), ...heads.arrayOps()]),
    ...(o.method === 'crab' ? { routing } : {}),
    ...headRecord(heads, rec),
  };

  const merge = o.merge ?? 'none';
  if (merge !== 'none' && set) {
    const s = set;
    const f = (o.adapters ?? 'crossbar') === 'digital' ? digitalArrays : crossbarArrays(o.point, baseWMax, 1);
    const linear = o.method === 'lori' ? 'linear-shared-A' as const : 'linear-into-base' as const;
    // 'all': the non-destructive merges first; lora's linear merge into the base rewrites the base, so it is last
    const kinds: MergeResult['kind'][] = merge === 'all'
      ? (o.method === 'lori' ? [linear, 'concatenated'] : ['concatenated', linear])
      : [merge === 'concatenated' ? 'concatenated' : linear];
    result.merges = kinds.map((kind) => {
      let writes = 0, cells = 0;
      body.forEach((l, li) => {
        const ops: LoraMatrixOp[] = s.taskOps.map((t) => t[li]);
        if (kind === 'linear-into-base') {
          // W0 += Σ s·A_k·B_k on the base arrays (layer.op becomes the base again)
          writes += mergeLinearIntoBase(l, ops).writes;
          return;
        }
        const m = kind === 'linear-shared-A' ? mergeLinearSharedA(l.name, ops, undefined, f) : mergeConcatenated(l.name, ops, undefined, f);
        writes += m.writes; cells += m.cells;
        l.op = m.op;
      });
      const acc = o.tasks.map((t, i) => { heads.select(i); return evaluate(net, t.eval, 1000, evalLimit).accuracy; });
      if (kind !== 'linear-into-base') s.select(T - 1); // back to the per-task adapters (the merged arrays stay apart)
      return { kind, accuracy: acc, writes, cells };
    });
    result.merged = result.merges[0];
  }
  return result;
}

/** mean routing weights per task i, routed layer l, head k over the first ≤ 1000 (≤ evalLimit) eval examples of task i */
function routingPerTask(net: Network, tasks: Task[], heads: TaskHeads, routed: RoutedLoraMatrixOp[], evalLimit: number): number[][][] {
  return tasks.map((t, i) => {
    heads.select(i);
    const m = Math.min(t.eval.n, 1000, evalLimit > 0 ? evalLimit : Infinity);
    const d = net.inputSize;
    net.forward(splitRange(t.eval, 0, m, d), m, false);
    return routed.map((r) => {
      const w = r.lastRouting(), rowsN = w.length / r.heads;
      const mean = new Array<number>(r.heads).fill(0);
      for (let q = 0; q < rowsN; q++) for (let k = 0; k < r.heads; k++) mean[k] += w[q * r.heads + k] / rowsN;
      return mean;
    });
  });
}

export interface JointRoutedResult {
  tasks: string[];
  /** accuracy on each task after joint training */
  accuracy: number[];
  /** mean accuracy */
  acc: number;
  /** mean eval loss on each task */
  evalLoss: number[];
  /** shared adapter entries + every task's head */
  trainableParams: number;
  /** cell writes (all arrays) after the base programming, adapter programming included */
  writes: number;
  baseWrites: number;
  programWrites: number;
  baseCells: number;
  adapterCells: number;
  arrays: Record<string, { cells: number; writes: number }>;
  /** routing[i][l][k] as in ContinualResult */
  routing: number[][][];
  /** heads 'crossbar' (as in ContinualResult) */
  headCells?: number;
  headArrays?: HeadArrayCost[];
  /** per epoch, per task mean training loss */
  loss: number[][];
}

/**
 * Crab's setting: the base deployed once; one routed multi-head adapter per body layer with
 * K = T heads; A, B_1..B_T, R, b_R (shared) and every task's head (own) trained JOINTLY over all
 * tasks with round-robin batches (joint_train.ts, streams `multitask/crab-joint/task<t>/epoch<e>`),
 * then each task evaluated with its head, and the mean routing weights per task reported.
 */
export function runJointRouted(o: Omit<ContinualOptions, 'method' | 'sparsity' | 'merge'>): JointRoutedResult {
  const { net, all, head, body, T, alpha, xbar, programWrites, baseWMax } = deployBase({ ...o, method: 'crab', sparsity: 0 });
  const rec = new ArrayRecorder();
  const f = rec.wrap(adapterArrays({ ...o, method: 'crab', sparsity: 0 }, baseWMax, 2));
  const routed = body.map((l) => attachRouted(l, { rank: o.rank, alpha, heads: T }, defectSeed(o.point), f));
  const heads = makeHeads(o, head, baseWMax, rec);
  for (let t = 0; t < T; t++) heads.addTask();
  const { loss } = trainJoint(net, o.tasks.map((t) => t.train), o.retrain, {
    seed: defectSeed(o.point), limit: o.limit ?? 0, shuffleStream: 'multitask/crab-joint',
    select: (t) => heads.select(t),
    shared: routed.flatMap((r) => r.adapterParams()),
    own: o.tasks.map((_, t) => heads.trainableParams(t)),
  });
  const adapterOps = routed.flatMap((r) => [r.opA, ...r.opBs, r.opR]);
  for (const op of [...adapterOps, ...heads.arrayOps()]) syncNow(op, true);
  const evalLimit = o.evalLimit ?? 0;
  const evals = o.tasks.map((t, i) => { heads.select(i); return evaluate(net, t.eval, 1000, evalLimit); });
  const accuracy = evals.map((e) => e.accuracy);
  const shared = routed.flatMap((r) => r.adapterParams());
  return {
    tasks: o.tasks.map((t) => t.name), accuracy, acc: accuracy.reduce((a, b) => a + b, 0) / T,
    evalLoss: evals.map((e) => e.loss),
    trainableParams: trainableCount(shared) + o.tasks.reduce((s, _t, i) => s + trainableCount(heads.trainableParams(i)), 0),
    writes: distinctCost([...xbar, ...adapterOps, ...heads.arrayOps()]).cellWrites, baseWrites: distinctCost(xbar).cellWrites,
    programWrites, baseCells: distinctCost(xbar).cellsUsed, adapterCells: distinctCost(adapterOps).cellsUsed,
    arrays: rec.byKind([...adapterOps, ...heads.arrayOps()]),
    routing: routingPerTask(net, o.tasks, heads, routed, evalLimit), loss,
    ...headRecord(heads, rec),
  };
}

/** remembers the array name of every op a factory made, to break cells and writes down by array kind ('head' for `<out>/head/task<k>`) */
class ArrayRecorder {
  private readonly names = new Map<MatrixOp, string>();
  wrap(f: ArrayOpFactory): ArrayOpFactory {
    return (array, p) => { const op = f(array, p); this.names.set(op, array); return op; };
  }
  nameOf(op: MatrixOp): string {
    return this.names.get(op) ?? 'unnamed';
  }
  /** kind = the second path segment of the array name (`<layer>/<kind>/…`) */
  byKind(ops: MatrixOp[]): Record<string, { cells: number; writes: number }> {
    const out: Record<string, { cells: number; writes: number }> = {};
    for (const op of new Set(ops)) {
      const kind = (this.names.get(op) ?? 'unnamed/unnamed').split('/')[1];
      const c = op.cost?.();
      const e = (out[kind] ??= { cells: 0, writes: 0 });
      if (c) { e.cells += c.cellsUsed; e.writes += c.cellWrites; }
    }
    return out;
  }
}
