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

/** the network (changed in place) on its defective crossbars after fault-aware retraining */
export function fatOnNetwork(net: Network, o: FatOptions, ctx: MethodContext): Deployment {
  const d = new Deployment(net, o, true);
  ctx.onArtifact?.({ name: 'defect_tile.json', value: d.xbar[0].defectMapJSON()[0] });
  train(net, ctx.dataset.train, o.retrain, {
    seed: defectSeed(o), limit: retrainExamples(o), shuffleStream: RETRAIN_SHUFFLE, onEpoch: epochReporter(ctx, 'fat'),
  });
  return d;
}

/** fat on a trained network, evaluated on ctx.dataset's eval split */
export function fat(net: Network, o: FatOptions, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const d = fatOnNetwork(net, o, ctx);
  return finishMetrics(d.net, ctx, { t0, deployment: d, extra: { retrainEpochs: o.retrain.epochs } });
}
