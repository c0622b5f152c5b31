/**
 * Method `ideal`: the trained network, evaluated digitally without defects (the upper bound).
 * No crossbar: cellsUsed = cellWrites = 0; trainableParams = every parameter (it is trained).
 */
import type { Network } from '../nn/network.js';
import { trainableCount } from './cost.js';
import { finishMetrics } from './deploy.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';

export function ideal(net: Network, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  return finishMetrics(net, ctx, { t0, trainableParams: trainableCount(net.params()) });
}
