/**
 * Run one point through a runner and turn the outcome into a ResultRecord: status 'ok' with the
 * metrics, or 'failed' with the error when the runner throws or a metric is not finite (a
 * diverged run gives NaN loss). Never throws. Every record carries `env` (backend, Node, rramsim
 * version: sim/sweep/run_env.ts), not part of any hash.
 */
import type { PointSpec } from '../../src/methods/point.js';
import type { PointMetrics, ResultRecord } from '../../src/methods/result.js';
import { UserError } from '../../src/util/errors.js';
import type { PointEnv, RunPointFn } from './point_runner.js';
import { recordEnvSafe } from './run_env.js';

export async function executePoint(
  run: RunPointFn,
  point: PointSpec,
  hash: string,
  configHash: string,
  env: PointEnv,
): Promise<ResultRecord> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  let metrics: PointMetrics | undefined;
  let error: string | undefined;
  try {
    metrics = await run(point, env);
    const bad = nonFinite(metrics);
    if (bad) {
      error = `diverged: metrics.${bad} is ${String((metrics as unknown as Record<string, unknown>)[bad])}`;
      metrics = undefined;
    }
  } catch (e) {
    error = e instanceof UserError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  }
  const rec: ResultRecord = {
    pointHash: hash,
    configHash,
    status: error === undefined ? 'ok' : 'failed',
    point,
    wallSeconds: (performance.now() - t0) / 1000,
    startedAt,
    finishedAt: new Date().toISOString(),
    env: recordEnvSafe(),
  };
  if (metrics) rec.metrics = metrics;
  if (error !== undefined) rec.error = error;
  return rec;
}

function nonFinite(m: PointMetrics | undefined): string | undefined {
  if (!m || typeof m !== 'object') return 'accuracy';
  for (const k of ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) return k;
  }
  return undefined;
}
