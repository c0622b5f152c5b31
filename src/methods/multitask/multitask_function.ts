/**
 * The many-tasks-on-one-chip methods as a library function (no PointSpec, no files):
 *
 *   multitask(base, tasks, options) = runContinual(o)          training 'sequential' (default):
 *                                                               fat, lora, lori, crab; one task
 *                                                               after the other on one chip
 *                                   = runJointRouted(o)        crab with training 'joint'
 *
 * where o = { method, tasks, base, point: crossbarOptions(options) (device, crossbar, defects and
 * seed with their defaults, as one sweep point resolves them), retrain: the declared retraining
 * recipe overlaid with options.retrain, rank/alpha/sparsity/layers from the lora section
 * (methodOptions), merge/adapters/routerOn/heads/limit/evalLimit as given }. The result holds the
 * accuracy matrix a[j][i] (accuracy on task i after task j), ACC, forgetting, BWT, cumulative cell
 * writes per task and the per-array cells (continual.ts). `base` is cloned, never modified. The
 * sweep's mt-* points (src/experiment/multitask.ts) call the same two functions with the point's
 * sections, so a point and this call with the same options give the same bits.
 */
import type { Network } from '../../nn/network.js';
import type { Task } from '../../tasks/task.js';
import { UserError } from '../../util/errors.js';
import { methodOptions, type PartialMethodOptions } from '../method_defaults.js';
import { runContinual, runJointRouted, type ContinualMethod, type ContinualOptions, type ContinualResult, type JointRoutedResult } from './continual.js';

export interface MultitaskOptions extends PartialMethodOptions {
  /** 'fat' (retrain the body per task), 'lora', 'lori' (one adapter per task), 'crab' (shared A, B heads, a router) */
  method: ContinualMethod;
  /** 'sequential' (default) or 'joint' (crab only: every task at once with the router) */
  training?: 'sequential' | 'joint';
  merge?: ContinualOptions['merge'];
  adapters?: ContinualOptions['adapters'];
  routerOn?: ContinualOptions['routerOn'];
  heads?: ContinualOptions['heads'];
  /** evaluate on the first evalLimit examples of each task (0 = all) */
  evalLimit?: number;
  log?: (msg: string) => void;
}

const METHODS: readonly ContinualMethod[] = ['fat', 'lora', 'lori', 'crab'];

/** run a task sequence on one defective chip (file header) */
export function multitask(base: Network, tasks: Task[], options: MultitaskOptions): ContinualResult | JointRoutedResult {
  const { method, training = 'sequential', merge, adapters, routerOn, heads, evalLimit, log, ...partial } = options;
  if (!METHODS.includes(method)) throw new UserError(`method: got ${JSON.stringify(method)}; allowed: ${METHODS.join(', ')}`, 'method');
  if (training !== 'sequential' && training !== 'joint') throw new UserError(`training: got ${JSON.stringify(training)}; allowed: sequential, joint`, 'training');
  if (training === 'joint' && method !== 'crab') throw new UserError(`training: 'joint' is for method crab only (got method '${method}')`, 'training');
  if (tasks.length < 1) throw new UserError('tasks: got an empty list; allowed: one task or more', 'tasks');
  const o = methodOptions(partial);
  const { device, crossbar, defects, seed } = o;
  const common = {
    tasks, base, point: { device, crossbar, defects, seed }, retrain: o.retrain,
    rank: o.lora.rank, alpha: o.lora.alpha, limit: o.trainLimit, evalLimit,
    layers: o.lora.layers, adapters, routerOn, heads, log,
  };
  if (training === 'joint') return runJointRouted(common);
  return runContinual({ ...common, method, sparsity: o.lora.sparsity, merge });
}
