import { describe, expect, it } from 'vitest';
import { compareRecords } from '../../sim/sweep/compare_records.js';
import type { ResultRecord } from '../../src/experiment/result.js';

function rec(metrics: Record<string, unknown>): ResultRecord {
  return {
    pointHash: 'p', configHash: 'c', status: 'ok', point: {} as ResultRecord['point'],
    metrics: metrics as unknown as ResultRecord['metrics'], wallSeconds: 1, startedAt: '', finishedAt: '',
  };
}

describe('compareRecords (rramsim reproduce)', () => {
  const base = { accuracy: 0.9, loss: 0.3, cellWrites: 10, extra: { methodSeconds: 1, mergedAccuracy: 0.8 } };

  it('equal metrics match; timings are ignored', () => {
    expect(compareRecords(rec(base), rec({ ...base, extra: { methodSeconds: 99, mergedAccuracy: 0.8 } }))).toBeUndefined();
  });

  it('names the first differing field, down to the last bit', () => {
    const m = compareRecords(rec(base), rec({ ...base, accuracy: 0.9 + 2 ** -52 }));
    expect(m?.field).toBe('metrics.accuracy');
    expect(compareRecords(rec(base), rec({ ...base, extra: { methodSeconds: 1, mergedAccuracy: 0.7 } }))?.field)
      .toBe('metrics.extra.mergedAccuracy');
  });

  it('a metric added after the record was written is not compared; a recorded metric that disappears is a mismatch', () => {
    expect(compareRecords(rec(base), rec({ ...base, cellsWritten: 7 }))).toBeUndefined();
    const { cellWrites: _gone, ...fewer } = base;
    expect(compareRecords(rec(base), rec(fewer))?.field).toBe('metrics.cellWrites');
  });
});
