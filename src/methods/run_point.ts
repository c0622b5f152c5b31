/**
 * `runPoint(point, ctx)`: check the method exists (UserError listing the available ones), run it
 * (a point with a `lifetime` section: the lifetime experiment of its method, src/methods/lifetime.ts),
 * and refuse non-finite results: a NaN/∞ accuracy or loss (a diverged retraining, e.g. a too
 * large `retrain.lr`) is an Error naming the method, the metric and the learning rates, never a
 * silently wrong record.
 */
import { UserError } from '../util/errors.js';
import type { PointSpec } from './point.js';
import { runLifetimePoint } from './lifetime.js';
import { readsLifetime } from './lifetime_spec.js';
import { methods, type RunContext } from './registry.js';
import type { PointMetrics } from './result.js';

export async function runPoint(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  const run = methods[point.method];
  if (!run) {
    throw new UserError(`method must be one of ${Object.keys(methods).join(', ')} (got '${String(point.method)}')`, 'method');
  }
  // a point with a lifetime section runs the lifetime loop of its method (src/methods/lifetime.ts)
  const m = point.lifetime && readsLifetime(point.method) ? await runLifetimePoint(point, ctx) : await run(point, ctx);
  for (const k of ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) {
      throw new Error(`method ${point.method}: ${k} is ${String(m[k])} (training diverged? train.lr = ${point.train.lr}, retrain.lr = ${point.retrain.lr})`);
    }
  }
  return m;
}
