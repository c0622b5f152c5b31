/**
 * MultitaskSpec: the multi-task part of a point (issue 18), its defaults and bounds, the ONE place
 * (not yet composed into the sweep config: the runner `runContinual` and its tests use it; the
 * sweep integration comes with the multi-task methods):
 *   tasks     task names in training order (src/tasks/registry.ts), at least 2, each once
 *   merge     'none' | 'linear' | 'concatenated' (lora, lori only; merge.ts):
 *             lori linear = the shared-A merge A·ΣB_k (one rank-r adapter, one new B array);
 *             lora linear = into the base (W0 += Σ s·A_k·B_k, base cells rewritten);
 *             concatenated = one adapter of rank Σr on two new arrays
 *   router    'none' | 'softmax' — the Crab router over K adapter heads; only the method with
 *             heads (crab) may have one, and crab needs it
 * Heads are digital (a crossbar head is not implemented yet). The base is trained on the first
 * task (joint base training is not implemented yet).
 */
import { checkFields, enumField } from '../../util/spec_field.js';
import { UserError } from '../../util/errors.js';
import { checkTaskList, type ParsedTask } from '../../tasks/registry.js';

export interface MultitaskSpec {
  tasks: string[];
  merge: 'none' | 'linear' | 'concatenated';
  router: 'none' | 'softmax';
}

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
  const parsed = checkTaskList(spec.tasks, `${path}.tasks`, 2);
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
