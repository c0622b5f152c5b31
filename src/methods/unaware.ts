/**
 * Method `unaware`: the trained weights deployed unchanged on the defective crossbars (identity
 * mapping), evaluated. No on-device training: trainableParams = 0, cellWrites = 0 (the deployment
 * programming is in extra.programWrites). Emits defect_tile.json.
 */
import type { Network } from '../nn/network.js';
import { Deployment, finishMetrics } from './deploy.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { CrossbarPoint } from './method_options.js';

/** the network with every weight layer on its defective crossbar (identity mapping) */
export function unawareDeployment(net: Network, o: CrossbarPoint): Deployment {
  return new Deployment(net, o, true);
}

export function unaware(net: Network, o: CrossbarPoint, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const d = unawareDeployment(net, o);
  ctx.onArtifact?.({ name: 'defect_tile.json', value: d.xbar[0].defectMapJSON()[0] });
  return finishMetrics(d.net, ctx, { t0, trainableParams: 0, deployment: d });
}
