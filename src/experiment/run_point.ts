/**
 * `runPoint(point, ctx)`: check the method exists (UserError listing the available ones), run it
 * (a point with a `lifetime` section: the lifetime experiment of its method, src/experiment/lifetime_point.ts),
 * and refuse non-finite results: a NaN/∞ accuracy or loss (a diverged retraining, e.g. a too
 * large `retrain.lr`) is an Error naming the method, the metric and the learning rates, never a
 * silently wrong record. `point.evalLimit` (optional) evaluates on the first evalLimit examples of
 * the eval split (a view, no copy): every method's evaluate() sees that subset.
 */
import { UserError } from '../util/errors.js';
import type { PointSpec } from './point.js';
import { runLifetimePoint } from './lifetime_point.js';
import { readsLifetime } from '../methods/lifetime_spec.js';
import { methods, type RunContext } from './method_registry.js';
import { runOnTrainedBase, withArtifacts } from './method_runners.js';
import { methodFunction, methodFunctionNames } from '../methods/method_functions.js';
import type { PointMetrics } from './result.js';

export async function runPoint(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  // a method registered only as a library function runs on the point's trained base
  const fn = methodFunction(point.method);
  const run = methods[point.method] ?? (fn ? runOnTrainedBase(fn) : undefined);
  if (!run) {
    const names = [...new Set([...Object.keys(methods), ...methodFunctionNames()])];
    throw new UserError(`method must be one of ${names.join(', ')} (got '${String(point.method)}')`, 'method');
  }
  // a point with a lifetime section runs the lifetime loop of its method (src/experiment/lifetime_point.ts)
  const c = withEvalLimit(ctx, point.evalLimit);
  const m = point.lifetime && readsLifetime(point.method) ? await withArtifacts(c, (cc) => runLifetimePoint(point, cc)) : await run(point, c);
  for (const k of ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) {
      throw new Error(`method ${point.method}: ${k} is ${String(m[k])} (training diverged? train.lr = ${point.train.lr}, retrain.lr = ${point.retrain.lr})`);
    }
  }
  return m;
}

/** The context with its data set's eval split cut to the first `limit` examples (0/absent = unchanged). */
export function withEvalLimit(ctx: RunContext, limit: number | undefined): RunContext {
  const ev = ctx.dataset.eval;
  if (!limit || limit >= ev.n) return ctx;
  const d = ev.x.length / ev.n;
  const eval_ = { ...ev, n: limit, x: ev.x.subarray(0, limit * d), y: ev.y.subarray(0, limit) };
  return { ...ctx, dataset: { ...ctx.dataset, eval: eval_ } };
}
