/**
 * One line of results.jsonl: a finished (or failed) point. Its metrics are the method's
 * (src/methods/method_metrics.ts) plus what the experiment layer adds around the method
 * (run_point.ts), each absent in records written before it existed:
 *   curves        per-epoch training loss/accuracy of the base and of each retraining phase (curves.ts)
 *   evalRepeats   eval.repeats > 1: the N accuracies under fresh read noise and their statistics (eval_repeats.ts)
 *   analysis      analysis.layerSensitivity / analysis.histograms (layer_sensitivity.ts, histograms.ts)
 */
import type { PointSpec } from './point.js';
import type { PointMetrics } from '../methods/method_metrics.js';
import type { PointCurves } from './curves.js';
import type { EvalRepeats } from './eval_repeats.js';
import type { ArrayHistograms } from './histograms.js';
import type { LayerSensitivity } from './layer_sensitivity.js';

export type { MultitaskMetrics, PointMetrics } from '../methods/method_metrics.js';

export interface PointAnalysis {
  layerSensitivity?: LayerSensitivity;
  histograms?: ArrayHistograms[];
}

/** the metrics of a record: the method's and the experiment layer's additions (file comment) */
export interface RecordMetrics extends PointMetrics {
  curves?: PointCurves;
  evalRepeats?: EvalRepeats;
  analysis?: PointAnalysis;
}

export interface ResultRecord {
  pointHash: string;
  configHash: string;
  status: 'ok' | 'failed';
  point: PointSpec;
  metrics?: RecordMetrics;
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
