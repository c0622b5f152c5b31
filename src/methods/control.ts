/**
 * Method `control` (the same-budget defect-free control): the trained network deployed on crossbars
 * WITHOUT stuck cells (same device levels, programming and read noise, tiles and mapping as the
 * point; defect rate 0 whatever the point says) and retrained exactly as `fat` retrains: the
 * `retrain` spec (epochs, lr, momentum, batch, optimizer), the same examples (retrainLimit ||
 * trainLimit), the same shuffle streams `retrain/shuffle/epoch<k>` seeded by defects.seed (else the
 * seed). Every retraining method is compared with it: accuracy(method) − accuracy(control) is the
 * loss the defects leave after the method, with the retraining budget itself factored out.
 */
import type { Network } from '../nn/network.js';
import type { Deployment } from './deploy.js';
import { retrainedMetrics, retrainOnCrossbars } from './fat.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { FatOptions } from './method_options.js';

/** `o` without stuck cells: the rate 0 and the placement fields at their defaults do not matter then */
export function withoutDefects(o: FatOptions): FatOptions {
  return { ...o, defects: { ...o.defects, rate: 0 } };
}

/** the network (changed in place) on its defect-free crossbars after fat's retraining */
export function controlOnNetwork(net: Network, o: FatOptions, ctx: MethodContext): Deployment {
  return retrainOnCrossbars(net, withoutDefects(o), ctx, 'control');
}

/** control on a trained network, evaluated on ctx.dataset's eval split */
export function control(net: Network, o: FatOptions, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  return retrainedMetrics(controlOnNetwork(net, o, ctx), o, ctx, t0);
}
