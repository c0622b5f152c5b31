/**
 * One line of results.jsonl: a finished (or failed) point.
 */
import type { PointSpec } from './point.js';
import type { PointMetrics } from '../methods/method_metrics.js';

export type { MultitaskMetrics, PointMetrics } from '../methods/method_metrics.js';

export interface ResultRecord {
  pointHash: string;
  configHash: string;
  status: 'ok' | 'failed';
  point: PointSpec;
  metrics?: PointMetrics;
  error?: string;
  /** seconds */
  wallSeconds: number;
  /**
   * where it ran (additive, not hashed; sim/sweep/run_env.ts): the GEMM backend, Node and rramsim
   * versions. Absent in records written before it was added (those ran on 'wasm').
   */
  env?: { backend: string; node: string; rramsim?: string };
  startedAt: string;
  finishedAt: string;
}
