/**
 * Run one point through a runner and turn the outcome into a ResultRecord: status 'ok' with the
 * metrics, or 'failed' with the error when the runner throws or a metric is not finite (a
 * diverged run gives NaN loss). Every record carries `env` (backend, Node, rramsim version:
 * sim/sweep/run_env.ts), not part of any hash.
 *
 * The stored error is one line (stored_error.ts: no stack trace, no absolute path); with a sweep
 * directory the full trace is appended to DIR/errors.log with the point's hash.
 *
 * Throws only when the disk is full (ENOSPC/EDQUOT, `isDiskFull`), wherever the point wrote (an
 * artefact, a cache file, errors.log): that is no property of the point, every later point would
 * fail the same way, so the sweep stops at once (exit 5) instead of recording it as failed.
 */
import type { PointSpec } from '../../src/experiment/point.js';
import type { PointMetrics, ResultRecord } from '../../src/experiment/result.js';
import { fsErrorCode } from '../../src/util/fs_errors.js';
import type { PointEnv, RunPointFn } from './point_runner.js';
import { recordEnvSafe } from './run_env.js';
import { appendErrorLog, fullError, storedError } from './stored_error.js';

/** A full disk or an exceeded quota: stops the sweep. */
export function isDiskFull(e: unknown): boolean {
  const code = fsErrorCode(e);
  return code === 'ENOSPC' || code === 'EDQUOT';
}

export async function executePoint(
  run: RunPointFn,
  point: PointSpec,
  hash: string,
  configHash: string,
  env: PointEnv,
  /** sweep directory whose errors.log receives the full trace of a failure (none: not logged) */
  errorLogDir?: string,
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
    if (isDiskFull(e)) throw e;
    error = storedError(e);
    if (errorLogDir !== undefined) error += logFailure(errorLogDir, hash, e);
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

/** Append the full trace to DIR/errors.log: '' when written, else a note for the stored error (a full disk throws). */
export function logFailure(dir: string, hash: string, e: unknown): string {
  try {
    appendErrorLog(dir, hash, fullError(e));
    return '';
  } catch (w) {
    if (isDiskFull(w)) throw w;
    return ` [errors.log not written: ${storedError(w)}]`;
  }
}

function nonFinite(m: PointMetrics | undefined): string | undefined {
  if (!m || typeof m !== 'object') return 'accuracy';
  for (const k of ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) return k;
  }
  return undefined;
}
