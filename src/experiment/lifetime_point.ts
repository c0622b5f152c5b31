/**
 * A sweep point with a `lifetime` section: the lifetime loop of its method (src/methods/lifetime.ts)
 * on the point's trained base (base.ts; a new copy each time round 0 asks for one), with the point
 * as the options. `runLifetime` returns the rounds (tests, sim/lifetime_summary.ts);
 * `runLifetimePoint` the point's metrics.
 */
import { lifetime, lifetimeRounds, type LifetimeMethodOptions, type LifetimeOptions, type LifetimeRound } from '../methods/lifetime.js';
import type { PointMetrics } from '../methods/method_metrics.js';
import { trainedBase } from './base.js';
import type { RunContext } from './method_registry.js';
import type { PointSpec } from './point.js';

function lifetimeOptions(point: PointSpec): LifetimeMethodOptions {
  if (!point.lifetime) throw new Error(`lifetime: point of method ${point.method} has no lifetime section`);
  return { ...point, lifetime: point.lifetime };
}

export function runLifetime(point: PointSpec, ctx: RunContext, o: LifetimeOptions = {}): ReturnType<typeof lifetimeRounds> {
  return lifetimeRounds(() => trainedBase(point, ctx), point.method, lifetimeOptions(point), ctx, o);
}

export function runLifetimePoint(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return lifetime(() => trainedBase(point, ctx), point.method, lifetimeOptions(point), ctx);
}

export type { LifetimeRound };
