/**
 * Bit-identity check for `rramsim reproduce`: the re-run metrics must equal the recorded ones
 * exactly (numbers compared with Object.is after the JSON round trip, which preserves every
 * float64 bit; strings/booleans by value). Returns the first differing field, or undefined.
 * Timings are not results: fields named *Seconds or *Ms (e.g. metrics.extra.methodSeconds) are
 * skipped. A field absent from the recorded metrics but present in the re-run (a metric added
 * to rramsim after the record was written, e.g. metrics.cellsWritten) is not compared; every
 * recorded field must be reproduced.
 */
const TIMING = /(Seconds|Ms)$/;
import type { ResultRecord } from '../../src/experiment/result.js';

export interface Mismatch {
  field: string;
  recorded: unknown;
  rerun: unknown;
}

export function compareRecords(recorded: ResultRecord, rerun: ResultRecord): Mismatch | undefined {
  if (recorded.status !== rerun.status) {
    return { field: 'status', recorded: recorded.status, rerun: rerun.status === 'failed' ? `failed: ${rerun.error?.split('\n')[0]}` : rerun.status };
  }
  return diff('metrics', recorded.metrics, JSON.parse(JSON.stringify(rerun.metrics ?? null)));
}

function diff(path: string, a: unknown, b: unknown): Mismatch | undefined {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const k of keys) {
      if (TIMING.test(k)) continue;
      if (!(k in (a as object))) continue; // added after the record was written
      const d = diff(`${path}.${k}`, (a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]);
      if (d) return d;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : { field: path, recorded: a, rerun: b };
}

/** Metrics without timing fields (*Seconds, *Ms, at any depth): what must agree between two runs of one point. */
export function resultMetrics(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(resultMetrics);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([k]) => !TIMING.test(k)).map(([k, x]) => [k, resultMetrics(x)]));
  }
  return v;
}
