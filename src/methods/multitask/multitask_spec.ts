/**
 * MultitaskSpec: the multi-task options of the library runner `runContinual`, and
 * MultitaskPointSpec (below): the `multitask` section of a sweep point of the mt-* methods, its
 * defaults, bounds and checks, the ONE place (src/config/fields.ts composes it):
 *   tasks     task names in training order (src/tasks/registry.ts), 2..MAX_TASKS, each once
 *   merge     'none' | 'linear' | 'concatenated' (lora, lori only; merge.ts):
 *             lori linear = the shared-A merge A·ΣB_k (one rank-r adapter, one new B array);
 *             lora linear = into the base (W0 += Σ s·A_k·B_k, base cells rewritten);
 *             concatenated = one adapter of rank Σr on two new arrays
 *   router    'none' | 'softmax' — the Crab router over K adapter heads; only the method with
 *             heads (crab) may have one, and crab needs it
 * Heads are digital or each on its own crossbar array (MultitaskPointSpec.heads below).
 */
import { z } from 'zod';
import { checkFields, defaultsOf, enumField, numField, section, valueField, type Leaf, type SpecOf, type SECTION } from '../../util/spec_field.js';
import { UserError } from '../../util/errors.js';
import { allowedTaskNames, checkTaskList, type ParsedTask } from '../../tasks/registry.js';

export interface MultitaskSpec {
  tasks: string[];
  merge: 'none' | 'linear' | 'concatenated';
  router: 'none' | 'softmax';
}

/**
 * Most tasks in one sequence. The permuted-MNIST continual-learning benchmarks run 10 (Kirkpatrick
 * et al. 2017, arXiv 1612.00796) or 20 tasks (Lopez-Paz & Ranzato 2017, arXiv 1706.08840); 100
 * covers them with room for the longer sequences of later work. Each task keeps its
 * adapters or head, its accuracy row (T² entries of the matrix) and T evaluations after every task
 * (T² evaluations in all), so the cost grows with T²; the data is shared (src/tasks/registry.ts).
 */
export const MAX_TASKS = 100;

export const DEFAULT_MULTITASK: Readonly<MultitaskSpec> = Object.freeze({ tasks: [], merge: 'none', router: 'none' });

export const MULTITASK_FIELDS = {
  merge: enumField(['none', 'linear', 'concatenated'] as const, "merge the task adapters after the last task (lora, lori; default 'none')"),
  router: enumField(['none', 'softmax'] as const, "Crab-style softmax router over the adapter heads (crab only; default 'none')"),
};

/** methods that train per-task adapters or heads on one chip (continual.ts) */
export const MULTITASK_METHODS = ['fat', 'lora', 'lori', 'crab'] as const;
export type MultitaskMethod = (typeof MULTITASK_METHODS)[number];

/**
 * Check a multi-task spec for `method` before any work: unknown method, bad field values, an
 * unknown task, fewer than 2 tasks, a router on a method without heads (or crab without one),
 * merging a method without adapters. Each is a UserError naming the field and the allowed values.
 */
export function checkMultitaskSpec(spec: MultitaskSpec, method: string, path = 'multitask'): ParsedTask[] {
  if (!(MULTITASK_METHODS as readonly string[]).includes(method)) {
    throw new UserError(`method: '${method}' is not a multi-task method; allowed: ${MULTITASK_METHODS.join(', ')}`, 'method');
  }
  checkFields(spec, MULTITASK_FIELDS, path);
  const parsed = checkTaskList(spec.tasks, `${path}.tasks`, 2, MAX_TASKS);
  if (spec.router !== 'none' && method !== 'crab') {
    throw new UserError(`${path}.router: '${spec.router}' needs a method with adapter heads; allowed for method '${method}': 'none' (a router needs method 'crab')`, `${path}.router`);
  }
  if (method === 'crab' && spec.router === 'none') {
    throw new UserError(`${path}.router: method 'crab' routes over its heads; allowed: 'softmax'`, `${path}.router`);
  }
  if (spec.merge !== 'none' && method !== 'lora' && method !== 'lori') {
    throw new UserError(`${path}.merge: '${spec.merge}' needs per-task adapters (lora, lori); allowed for method '${method}': 'none'`, `${path}.merge`);
  }
  return parsed;
}

/**
 * The `multitask` section of a sweep point (read only by the mt-* methods, absent from
 * every other point so existing point hashes stay):
 *   tasks      task names in training order (as MultitaskSpec.tasks; 2..MAX_TASKS)
 *   base       'first' = the base trained on tasks[0] (point.train, point.trainLimit; for a task
 *              without a transform this is the same cached base network as single-task points of
 *              its data set) | 'joint' = the base trained on every task's training data at once
 *              (round-robin batches, joint_train.ts, one shared output layer; no cache)
 *   training   'sequential' (tasks arrive one after another; every method) | 'joint' (mt-crab
 *              only: the router adapter and all heads trained jointly over all tasks)
 *   merge      as MultitaskSpec.merge, plus 'all' = every merge of the method, each evaluated on
 *              the same trained adapters (lori: linear shared-A and concatenated; lora:
 *              concatenated, then linear into the base, which rewrites the base last)
 *   router     as MultitaskSpec.router
 *   adapters   'crossbar' (every adapter array on its own defective crossbar) | 'digital'
 *   routerOn   'crossbar' | 'digital' (mt-crab: where the router matrix R sits)
 *   heads      'digital' (per-task output heads in float32) | 'crossbar' (each task's head weight
 *              on its own defective array `<out>/head/task<k>`, trained through it, cells and
 *              writes counted; task_heads.ts, continual.ts)
 *   evalLimit  evaluate on the first evalLimit examples of each task's eval split (0 = all)
 */
export const MULTITASK_POINT_FIELDS = section({
  tasks: valueField<string[], { check: Leaf['check'] }>('stringList', z.array(z.string().min(1)), `a list of task names in training order (at least 2 for a multi-task method; a list of such lists sweeps it); task names: ${allowedTaskNames()}`, 'mt-* methods: the tasks, in training order', {
    check: (v, at) => { checkTaskList(v, at, 1); },
  }),
  base: enumField(['first', 'joint'] as const, "base network trained on the first task or jointly on all tasks (default '{default}')", { default: 'first' }),
  training: enumField(['sequential', 'joint'] as const, "tasks in sequence (continual) or jointly (mt-crab only) (default '{default}')", { default: 'sequential' }),
  merge: enumField(['none', 'linear', 'concatenated', 'all'] as const, "merge the task adapters after the last task (mt-lora, mt-lori; 'all' = every merge of the method; default '{default}')", { default: 'none' }),
  router: { ...MULTITASK_FIELDS.router, default: 'none' as const },
  adapters: enumField(['crossbar', 'digital'] as const, "where the adapter arrays sit (default '{default}')", { default: 'crossbar' }),
  routerOn: enumField(['crossbar', 'digital'] as const, "where the Crab router matrix sits (mt-crab; default '{default}')", { default: 'crossbar' }),
  heads: enumField(['digital', 'crossbar'] as const, "where the per-task output heads sit: float32, or each on its own defective crossbar array (default '{default}')", { default: 'digital' }),
  evalLimit: numField({ min: 0, int: true }, 'evaluate each task on the first N eval examples, 0 = all (default {default})', { default: 0 }),
}, { optional: true, describe: 'many tasks on one chip (read by the mt-* methods only; absent from every other point)' });

/** MultitaskPointSpec (derived from MULTITASK_POINT_FIELDS) */
export type MultitaskPointSpec = SpecOf<typeof MULTITASK_POINT_FIELDS>;

export const DEFAULT_MULTITASK_POINT: Readonly<Omit<MultitaskPointSpec, 'tasks'>> = Object.freeze(defaultsOf(MULTITASK_POINT_FIELDS, true));

/** sweep method name → the continual runner's method ('mt-lora' → 'lora') */
export const SWEEP_MULTITASK_METHODS = ['mt-fat', 'mt-lora', 'mt-lori', 'mt-crab'] as const;
export type SweepMultitaskMethod = (typeof SWEEP_MULTITASK_METHODS)[number];

export function isMultitaskMethod(m: string): m is SweepMultitaskMethod {
  return (SWEEP_MULTITASK_METHODS as readonly string[]).includes(m);
}

export function libraryMethod(m: SweepMultitaskMethod): MultitaskMethod {
  return m.slice(3) as MultitaskMethod;
}

/**
 * Check the `multitask` section of a point of sweep method `method` (mt-*), `src` mapping a field
 * to its config location. One UserError each (the field's config path and the allowed values):
 * an unknown task, fewer than 2 or more than MAX_TASKS tasks, a router on a method without heads (or mt-crab without
 * one), merging without adapters, joint training on a method other than mt-crab.
 */
export function checkMultitaskPoint(spec: MultitaskPointSpec, method: SweepMultitaskMethod, src: (field: string) => string = (f) => f): ParsedTask[] {
  const { tasks: _tasks, ...fields } = MULTITASK_POINT_FIELDS; // the task list is checked by checkTaskList
  checkFields(spec, fields, 'multitask');
  const parsed = checkTaskList(spec.tasks, src('multitask.tasks'), 2, MAX_TASKS);
  const lib = libraryMethod(method);
  const at = (f: string) => src(`multitask.${f}`);
  if (spec.router !== 'none' && lib !== 'crab') {
    throw new UserError(`${at('router')}: '${spec.router}' needs a method with adapter heads; allowed for method '${method}': 'none' (a router needs method 'mt-crab')`, at('router'));
  }
  if (lib === 'crab' && spec.router === 'none') {
    throw new UserError(`${at('router')}: method 'mt-crab' routes over its heads; allowed: 'softmax'`, at('router'));
  }
  if (spec.merge !== 'none' && lib !== 'lora' && lib !== 'lori') {
    throw new UserError(`${at('merge')}: '${spec.merge}' needs per-task adapters (mt-lora, mt-lori); allowed for method '${method}': 'none'`, at('merge'));
  }
  if (spec.training === 'joint' && lib !== 'crab') {
    throw new UserError(`${at('training')}: 'joint' trains the router adapter of method 'mt-crab'; allowed for method '${method}': 'sequential'`, at('training'));
  }
  return parsed;
}
