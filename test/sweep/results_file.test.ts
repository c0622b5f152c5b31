// results.jsonl: whole-line appends, torn last line and garbage detection, latest-per-hash.
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { appendResult, latestByHash, readResults, rewriteResults } from '../../sim/sweep/results_file.js';

const pts = (await planSweep({ seed: [0, 1, 2] })).points;
function rec(i: number, status: 'ok' | 'failed' = 'ok'): ResultRecord {
  const t = new Date(0).toISOString();
  return { pointHash: pts[i].hash, configHash: 'c', status, point: pts[i].point, wallSeconds: 1, startedAt: t, finishedAt: t, ...(status === 'ok' ? { metrics: { accuracy: 0.5, loss: 1, evalSplit: 'heldout', cellWrites: 0, trainableParams: 1, cellsUsed: 1, extraMacsPerImage: 0 } } : { error: 'x' }) };
}

describe('results.jsonl', () => {
  it('appends one complete line per record and reads them back', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'rr-res-')), 'results.jsonl');
    appendResult(f, rec(0));
    appendResult(f, rec(1));
    const text = readFileSync(f, 'utf8');
    expect(text.split('\n')).toHaveLength(3);
    expect(text.endsWith('\n')).toBe(true);
    const r = readResults(f);
    expect(r.records.map((x) => x.pointHash)).toEqual([pts[0].hash, pts[1].hash]);
    expect(r.dropped).toEqual([]);
  });

  it('a torn last line (killed mid-write) is detected and dropped', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'rr-res-')), 'results.jsonl');
    appendResult(f, rec(0));
    const full = JSON.stringify(rec(1));
    appendFileSync(f, full.slice(0, full.length - 10));
    const r = readResults(f);
    expect(r.records).toHaveLength(1);
    expect(r.dropped).toEqual([{ line: 2, reason: expect.stringMatching(/^torn last line/) }]);
  });

  it('a complete line that is not a record is dropped with its line number', () => {
    const f = join(mkdtempSync(join(tmpdir(), 'rr-res-')), 'results.jsonl');
    writeFileSync(f, `${JSON.stringify(rec(0))}\n{"hello": 1}\nnot json\n${JSON.stringify(rec(2))}\n`);
    const r = readResults(f);
    expect(r.records.map((x) => x.pointHash)).toEqual([pts[0].hash, pts[2].hash]);
    expect(r.dropped.map((d) => d.line)).toEqual([2, 3]);
  });

  it('latestByHash prefers ok over failed, and rewriteResults replaces the file', () => {
    const m = latestByHash([rec(0, 'failed'), rec(0), rec(1), rec(1, 'failed')]);
    expect(m.get(pts[0].hash)!.status).toBe('ok');
    expect(m.get(pts[1].hash)!.status).toBe('ok');
    const f = join(mkdtempSync(join(tmpdir(), 'rr-res-')), 'results.jsonl');
    appendResult(f, rec(0, 'failed'));
    rewriteResults(f, [...m.values()]);
    expect(readResults(f).records.map((r) => r.status)).toEqual(['ok', 'ok']);
  });
});
