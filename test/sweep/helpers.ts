// Shared test helpers: a temp dir, the fake runner's URL, reading a sweep directory.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResultRecord } from '../../src/experiment/result.js';

export const FAKE_RUNNER = pathToFileURL(join(import.meta.dirname, 'fixtures', 'fake_runner.mjs')).href;

export function tmp(prefix = 'rramsim-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function readRecords(dir: string): ResultRecord[] {
  return readFileSync(join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as ResultRecord);
}

/**
 * pointHash -> canonical JSON of status, point and metrics, for set comparisons. Timing fields
 * (metrics.extra.*Seconds / *Ms, e.g. methodSeconds) are wall-clock measurements, not results:
 * left out, exactly as `rramsim reproduce` does.
 */
export function metricsByHash(recs: ResultRecord[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of recs) {
    const extra = Object.fromEntries(Object.entries(r.metrics?.extra ?? {}).filter(([k]) => !/(Seconds|Ms)$/.test(k)));
    const metrics = r.metrics ? { ...r.metrics, extra } : undefined;
    out[r.pointHash] = JSON.stringify({ status: r.status, metrics, point: r.point });
  }
  return out;
}
