/**
 * Method `fat` (fault-aware retraining, Liu et al., DAC 2017 style, no spare columns): the trained
 * network deployed on its defective crossbars (identity mapping, as `unaware`), then retrained with
 * `retrain` through the defective crossbars in the forward pass (straight-through gradients,
 * crossbar_matrix_op.ts); weights whose cells are all stuck are frozen (update mask 0), every other
 * weight and every bias is trained, on the first (retrainLimit || trainLimit) training examples.
 * Shuffle streams `retrain/shuffle/epoch<k>`. Emits defect_tile.json before retraining.
 */
import { defectSeed } from '../crossbar/defect_spec.js';
import type { Network } from '../nn/network.js';
import { train } from '../nn/train.js';
import { Deployment, finishMetrics } from './deploy.js';
import { epochReporter, type MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import { retrainExamples, type FatOptions } from './method_options.js';

export const RETRAIN_SHUFFLE = 'retrain/shuffle';

/**
 * The network (changed in place) deployed with `o` and retrained through its crossbars with
 * `o.retrain` (the epochs reported as `phase`); `beforeRetrain` sees the deployment first. fat and
 * the defect-free control (control.ts) are this with their own options.
 */
export function retrainOnCrossbars(net: Network, o: FatOptions, ctx: MethodContext, phase: string, beforeRetrain?: (d: Deployment) => void): Deployment {
  const d = new Deployment(net, o, true);
  beforeRetrain?.(d);
  train(net, ctx.dataset.train, o.retrain, {
    seed: defectSeed(o), limit: retrainExamples(o), shuffleStream: RETRAIN_SHUFFLE, onEpoch: epochReporter(ctx, phase),
  });
  return d;
}

/** the metrics of a retrained deployment (fat, control), evaluated on ctx.dataset's eval split */
export function retrainedMetrics(d: Deployment, o: FatOptions, ctx: MethodContext, t0: number): PointMetrics {
  return finishMetrics(d.net, ctx, { t0, deployment: d, extra: { retrainEpochs: o.retrain.epochs } });
}

/** the network (changed in place) on its defective crossbars after fault-aware retraining */
export function fatOnNetwork(net: Network, o: FatOptions, ctx: MethodContext): Deployment {
  return retrainOnCrossbars(net, o, ctx, 'fat', (d) => ctx.onArtifact?.({ name: 'defect_tile.json', value: d.xbar[0].defectMapJSON()[0] }));
}

/** fat on a trained network, evaluated on ctx.dataset's eval split */
export function fat(net: Network, o: FatOptions, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  return retrainedMetrics(fatOnNetwork(net, o, ctx), o, ctx, t0);
}
