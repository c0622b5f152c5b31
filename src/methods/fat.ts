/**
 * Method `fat` (fault-aware retraining, Liu et al., DAC 2017 style, no spare columns): start from
 * the `unaware` deployment and retrain with `point.retrain` through the defective crossbars in the
 * forward pass (straight-through gradients, crossbar_matrix_op.ts); weights whose cells are all
 * stuck are frozen (update mask 0), every other weight and every bias is trained.
 * Shuffle streams `retrain/shuffle/epoch<k>`.
 */
import type { Network } from '../nn/network.js';
import { train } from '../nn/train.js';
import { writeDefectTile } from './artifacts.js';
import { finishMetrics } from './deploy.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './registry.js';
import type { PointMetrics } from './result.js';
import { unawareDeployment } from './unaware.js';
import { defectSeed } from '../crossbar/defect_spec.js';

export const RETRAIN_SHUFFLE = 'retrain/shuffle';

export function retrainLog(ctx: RunContext, what: string) {
  return (e: { epoch: number; epochs: number; trainLoss: number; trainAccuracy: number; penalty?: number }) =>
    ctx.log?.(`${what} epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)}${e.penalty !== undefined ? ` penalty ${e.penalty.toExponential(3)}` : ''}`);
}

export async function runFat(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  const t0 = performance.now();
  const d = await unawareDeployment(point, ctx);
  await writeDefectTile(ctx, d.xbar[0]);
  const net: Network = d.net;
  train(net, ctx.dataset.train, point.retrain, {
    seed: defectSeed(point), limit: point.retrainLimit || point.trainLimit, shuffleStream: RETRAIN_SHUFFLE, onEpoch: retrainLog(ctx, 'fat'),
  });
  return finishMetrics(net, ctx, { t0, deployment: d, extra: { retrainEpochs: point.retrain.epochs } });
}
