/**
 * Method `ideal`: the trained base network, evaluated digitally without defects (the upper bound).
 * No crossbar: cellsUsed = cellWrites = 0; trainableParams = every parameter (it is trained).
 */
import { trainedBase } from './base.js';
import { trainableCount } from './cost.js';
import { finishMetrics } from './deploy.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './registry.js';
import type { PointMetrics } from './result.js';

export async function runIdeal(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  const t0 = performance.now();
  const net = await trainedBase(point, ctx);
  return finishMetrics(net, ctx, { t0, trainableParams: trainableCount(net.params()) });
}
