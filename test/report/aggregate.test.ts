import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mean, std } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { pointHash, type PointSpec } from '../../src/experiment/point.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { aggregate } from '../../sim/report/aggregate.js';
import { loadArtifact, parseResultsJsonl, readSweepDir } from '../../sim/report/sweep_dir.js';
import { defectFigures } from '../../sim/report/figures.js';
import { basePoint } from '../../sim/report/synthetic_sweep.js';
import { tQuantile975 } from '../../sim/report/stats.js';
import { UserError } from '../../src/util/errors.js';

function point(method: PointSpec['method'], rate: number, seed: number, tweak?: (p: PointSpec) => void): PointSpec {
  const p = basePoint();
  p.method = method;
  p.defects.rate = rate;
  p.seed = seed;
  tweak?.(p);
  return p;
}
function ok(p: PointSpec, accuracy: number, cellWrites = 1000): ResultRecord {
  return {
    pointHash: pointHash(p), configHash: 'c', status: 'ok', point: p, wallSeconds: 1, startedAt: '', finishedAt: '',
    metrics: { accuracy, loss: 1 - accuracy, evalSplit: 'test', cellWrites, trainableParams: 10, cellsUsed: 20, extraMacsPerImage: 0 },
  };
}
function failed(p: PointSpec, error = 'boom'): ResultRecord {
  return { pointHash: pointHash(p), configHash: 'c', status: 'failed', point: p, error, wallSeconds: 1, startedAt: '', finishedAt: '' };
}

describe('aggregate over seeds', () => {
  it('groups by everything but the seed and matches mathjs on hand-made results', () => {
    const accs = { 1: 0.9, 2: 0.86, 3: 0.95, 4: 0.91 } as Record<number, number>;
    const recs = [1, 2, 3, 4].map((s) => ok(point('fat', 0.1, s), accs[s], 1000 * s));
    recs.push(ok(point('fat', 0.2, 1), 0.7), ok(point('unaware', 0.1, 1), 0.6), ok(point('unaware', 0.1, 2), 0.64));
    const agg = aggregate(recs);
    expect(agg.groups.map((g) => `${g.fields.method}@${g.fields['defects.rate']}:${g.nOk}`)).toEqual(['unaware@0.1:2', 'fat@0.1:4', 'fat@0.2:1']);
    const g = agg.groups[1];
    const xs = Object.values(accs);
    expect(g.stats.accuracy.mean).toBeCloseTo(mean(xs) as number, 14);
    expect(g.stats.accuracy.std).toBeCloseTo(std(xs) as unknown as number, 14);
    expect(g.stats.accuracy.ci95).toBeCloseTo((tQuantile975(3) * (std(xs) as unknown as number)) / 2, 12);
    expect(g.stats.cellWrites.mean).toBe(2500);
    // cellsWritten is absent from these records (older results): no values, not zeros
    expect(g.stats.cellsWritten.n).toBe(0);
    const withDistinct = recs.slice(0, 4).map((r, i) => ({ ...r, metrics: { ...r.metrics!, cellsWritten: 100 * (i + 1) } }));
    expect(aggregate(withDistinct).groups[0].stats.cellsWritten.mean).toBe(250);
    expect(g.seeds).toEqual([1, 2, 3, 4]);
    expect(g.panel).toBe('mlp · mnist');
    expect(agg.extraFields).toEqual([]);
  });

  it('failed and missing points are counted, listed and kept out of the statistics', () => {
    const expected = [1, 2, 3].map((s) => point('ittrna', 0.05, s));
    const recs = [ok(expected[0], 0.9), failed(expected[1], 'out of memory')];
    const agg = aggregate(recs, expected.map((p) => ({ pointHash: pointHash(p), point: p })));
    expect(agg.groups).toHaveLength(1);
    expect(agg.groups[0]).toMatchObject({ nOk: 1, nFailed: 1, nMissing: 1 });
    expect(agg.groups[0].stats.accuracy.mean).toBe(0.9);
    expect(agg.failed.map((p) => [p.point.seed, p.error])).toEqual([[2, 'out of memory']]);
    expect(agg.missing.map((p) => p.point.seed)).toEqual([3]);
  });

  it('an older record holding a whole stack trace is shown as its first line, without file:// paths of the machine that ran it', () => {
    const p = point('fat', 0.1, 1);
    const trace = "RangeError: label 8 of row 0 is outside 0..6 at file:///home/someone/rramsim/dist/src/nn/softmax_cross_entropy.js:37\n" +
      '    at softmaxCrossEntropy (file:///home/someone/rramsim/dist/src/nn/softmax_cross_entropy.js:37:35)\n    at train (file:///home/someone/rramsim/dist/src/nn/train.js:170:9)';
    const agg = aggregate([failed(p, trace)]);
    expect(agg.failed[0].error).toBe('RangeError: label 8 of row 0 is outside 0..6 at softmax_cross_entropy.js:37');
    expect(aggregate([failed(p, '')]).failed[0].error).toBe('(no error message recorded)');
    expect(aggregate([failed(p, 'x'.repeat(5000))]).failed[0].error).toHaveLength(1000);
  });

  it('duplicates: the last ok record wins and a later failure never hides an ok result', () => {
    const p = point('remap', 0.1, 1);
    const q = point('remap', 0.1, 2);
    const agg = aggregate([failed(p), ok(p, 0.8), failed(p), ok(q, 0.7), ok(q, 0.75)]);
    expect(agg.duplicates).toBe(3);
    expect(agg.failed).toHaveLength(0);
    expect(agg.groups[0].stats.accuracy.min).toBe(0.75);
    expect(agg.groups[0].stats.accuracy.max).toBe(0.8);
  });

  it('fields that vary beyond the standard ones become label fields (and split groups)', () => {
    const recs = [ok(point('fat', 0.1, 1, (p) => (p.retrain.epochs = 1)), 0.8), ok(point('fat', 0.1, 1, (p) => (p.retrain.epochs = 3)), 0.9)];
    const agg = aggregate(recs);
    expect(agg.extraFields).toEqual(['retrain.epochs']);
    expect(agg.groups.map((g) => g.fields['retrain.epochs'])).toEqual([1, 3]);
  });
});

describe('reading results.jsonl and the sweep directory', () => {
  const line = (r: ResultRecord) => JSON.stringify(r);
  it('a torn last line is skipped and reported, earlier records kept', () => {
    const a = ok(point('fat', 0.1, 1), 0.9), b = ok(point('fat', 0.1, 2), 0.8);
    const text = `${line(a)}\n${line(b)}\n${line(b).slice(0, 57)}`;
    const { records, warnings } = parseResultsJsonl(text);
    expect(records).toHaveLength(2);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/last line \(line 3\) is incomplete/);
  });
  it('broken lines in the middle are skipped and named by line number', () => {
    const a = ok(point('fat', 0.1, 1), 0.9);
    const { records, warnings } = parseResultsJsonl(`${line(a)}\n{"not":"a record"}\nnot json\n${line(a)}\n`);
    expect(records).toHaveLength(2);
    expect(warnings).toEqual([expect.stringMatching(/2 line\(s\).*line 2, 3/)]);
  });
  it('a directory without results.jsonl is a UserError naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-report-'));
    expect(() => readSweepDir(dir)).toThrow(UserError);
    expect(() => readSweepDir(dir)).toThrow(/has no results\.jsonl/);
    expect(() => readSweepDir(join(dir, 'nope'))).toThrow(/is not a directory/);
  });
  it('an unreadable manifest is a UserError; a missing one is a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-report-'));
    writeFileSync(join(dir, 'results.jsonl'), line(ok(point('fat', 0.1, 1), 0.9)) + '\n');
    expect(readSweepDir(dir).warnings).toEqual([expect.stringMatching(/manifest\.json is missing/)]);
    writeFileSync(join(dir, 'manifest.json'), '{ "config": ');
    expect(() => readSweepDir(dir)).toThrow(/manifest\.json: .* is not valid JSON/);
    writeFileSync(join(dir, 'manifest.json'), '{ "expectedPoints": 3 }');
    expect(() => readSweepDir(dir)).toThrow(/expectedPoints must be an array/);
  });
  it('artefacts whose arrays do not match rows × cols are skipped with a warning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-report-'));
    writeFileSync(join(dir, 'results.jsonl'), '');
    writeFileSync(join(dir, 'manifest.json'), '{}');
    mkdirSync(join(dir, 'artifacts', 'abc'), { recursive: true });
    writeFileSync(join(dir, 'artifacts', 'abc', 'defect_tile.json'), JSON.stringify({ layer: 'fc1', tileRow: 0, tileCol: 0, rows: 2, cols: 2, distribution: 'uniform', state: [0, 1, 2] }));
    mkdirSync(join(dir, 'artifacts', 'def'), { recursive: true });
    writeFileSync(join(dir, 'artifacts', 'def', 'defect_tile.json'), JSON.stringify({ layer: 'fc1', tileRow: 0, tileCol: 0, rows: 2, cols: 2, distribution: 'uniform', state: [0, 1, 2, 0] }));
    const s = readSweepDir(dir);
    expect(s.artifacts.map((a) => a.pointHash)).toEqual(['abc', 'def']);
    const warnings: string[] = [];
    expect(loadArtifact(s.artifacts[0].defectTilePath!, 'defectTile', warnings)).toBeNull();
    expect(loadArtifact(s.artifacts[1].defectTilePath!, 'defectTile', warnings)).toMatchObject({ rows: 2, state: [0, 1, 2, 0] });
    expect(warnings).toEqual([expect.stringMatching(/artifacts\/abc\/defect_tile\.json: rows × cols/)]);
    // the figure builder skips the bad one and draws the good one, keeping the warning
    const figWarnings: string[] = [];
    const figs = defectFigures(s.artifacts, new Map(), figWarnings);
    expect(figs.map((f) => f.id)).toEqual(['tile-uniform']);
    expect(figWarnings).toHaveLength(1);
  });
});
