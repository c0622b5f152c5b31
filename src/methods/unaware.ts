/**
 * Method `unaware`: the ideal base weights deployed unchanged on the defective crossbars (identity
 * mapping), evaluated. No on-device training: trainableParams = 0, cellWrites = 0 (the deployment
 * programming is in extra.programWrites).
 */
import { writeDefectTile } from './artifacts.js';
import { trainedBase } from './base.js';
import { Deployment, finishMetrics } from './deploy.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './registry.js';
import type { PointMetrics } from './result.js';

/** the base network with every weight layer on its defective crossbar (identity mapping) */
export async function unawareDeployment(point: PointSpec, ctx: RunContext): Promise<Deployment> {
  const net = await trainedBase(point, ctx);
  return new Deployment(net, point, true);
}

export async function runUnaware(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  const t0 = performance.now();
  const d = await unawareDeployment(point, ctx);
  await writeDefectTile(ctx, d.xbar[0]);
  return finishMetrics(d.net, ctx, { t0, trainableParams: 0, deployment: d });
}
