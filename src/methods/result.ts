/**
 * One line of results.jsonl: a finished (or failed) point.
 */
import type { PointSpec } from './point.js';

export interface PointMetrics {
  /** accuracy on the evaluation split (the official test set, or the held-out part of the embedded set) */
  accuracy: number;
  loss: number;
  /** name of the evaluation split, e.g. 'test' or 'heldout' */
  evalSplit: string;
  /** cells programmed during training/adaptation (write-counter sum) */
  cellWrites: number;
  /**
   * distinct cells written at least once during training/adaptation (the wear footprint; each
   * counts once however often it was written). Absent in results written before it was added.
   */
  cellsWritten?: number;
  /** trainable parameters of the method */
  trainableParams: number;
  /** crossbar cells occupied (all arrays, both cells of a differential pair) */
  cellsUsed: number;
  /** extra MVM multiply-accumulates per inference image relative to the base network */
  extraMacsPerImage: number;
  /** method-specific extras (e.g. penalty, merged accuracy, clipped weights) */
  extra?: Record<string, number | string | boolean | null>;
}

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
