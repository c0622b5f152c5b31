// The issue-15 report panels: accuracy vs time after programming, vs wire resistance, and accuracy and
// worn-out cells vs adaptation round, built from hand-made records (means checked by hand) and rendered.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { pointHash } from '../../src/experiment/point.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { aggregate } from '../../sim/report/aggregate.js';
import { buildFigures } from '../../sim/report/figures.js';
import { writeReport } from '../../sim/report/write_report.js';

function rec(point: PointSpec, accuracy: number, extra: Record<string, number | string> = {}): ResultRecord {
  return {
    pointHash: pointHash(point), configHash: 'c', status: 'ok', point, wallSeconds: 1, startedAt: '', finishedAt: '',
    metrics: { accuracy, loss: 0.1, evalSplit: 'test', cellWrites: 0, trainableParams: 0, cellsUsed: 1, extraMacsPerImage: 0, extra },
  };
}
const base = (o: Partial<PointSpec>): PointSpec => structuredClone({ ...DEFAULTS, ...o });

function driftRecords(): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (const t of [1, 3600, 86400]) for (const seed of [0, 1]) {
    const p = base({ seed, device: { ...DEFAULTS.device, drift: { nuMean: 0.05, nuStd: 0.02, t0: 1, t } } });
    out.push(rec(p, 0.9 - 0.01 * Math.log10(t) - 0.01 * seed));
  }
  return out;
}

function wireRecords(): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (const method of ['unaware', 'fat'] as const) for (const r of [0, 1, 5]) for (const seed of [0, 1, 2]) {
    const crossbar = { ...DEFAULTS.crossbar, ...(r > 0 ? { lineResistance: { rWire: r, rDriver: 0, rSense: 0, sweeps: 3, transferEvery: 50 } } : {}) };
    out.push(rec(base({ method, seed, crossbar }), 0.95 - 0.02 * r + (method === 'fat' ? 0.01 : 0) + 0.001 * seed));
  }
  return out;
}

function lifetimeRecords(): ResultRecord[] {
  const out: ResultRecord[] = [];
  for (const method of ['fat', 'lora'] as const) for (const seed of [0, 1, 2]) {
    const p = base({ method, seed, lifetime: { rounds: 3, faultRate: 0.01, examples: 100, detectEvery: 1, detectFraction: 1, mergeEvery: 0, threshold: 0.95 } });
    const accuracy = [0.97, 0.96, 0.95 - 0.01 * seed, 0.94].map((a) => a + (method === 'lora' ? 0.005 : 0));
    const wornOutCells = [0, 10 * (seed + 1), 20 * (seed + 1), 30 * (seed + 1)];
    out.push(rec(p, accuracy[3], { lifetimeCurve: JSON.stringify({ accuracy, wornOutCells }), lifetimeRoundsAbove: seed === 0 ? 2 : 1, lifetimeThreshold: 0.95 }));
  }
  return out;
}

describe('device report panels', () => {
  it('accuracy vs time after programming: one line, means over seeds at each t, log axis', () => {
    const figs = buildFigures(aggregate(driftRecords()), []);
    const f = figs.find((x) => x.id.startsWith('drift-'))!;
    expect(f.section).toBe('device');
    expect(f.layout.xaxis).toMatchObject({ type: 'log' });
    // one line (its seed markers are a second trace, not in the legend)
    expect(f.traces.filter((t) => t.showlegend !== false)).toHaveLength(1);
    expect(f.traces[0].x).toEqual([1, 3600, 86400]);
    (f.traces[0].y as number[]).forEach((y, i) => expect(y).toBeCloseTo(100 * (0.9 - 0.01 * [0, Math.log10(3600), Math.log10(86400)][i] - 0.005), 9));
  });

  it('accuracy vs wire resistance: r = 0 (no lineResistance field) joins the line of each method', () => {
    const figs = buildFigures(aggregate(wireRecords()), []);
    const f = figs.find((x) => x.id.startsWith('rwire-'))!;
    const lines = f.traces.filter((t) => t.showlegend !== false);
    expect(lines.map((t) => t.name)).toEqual(['unaware', 'fat']);
    for (const t of lines) expect(t.x).toEqual([0, 1, 5]);
    const fat = lines[1].y as number[];
    [0, 1, 5].forEach((r, i) => expect(fat[i]).toBeCloseTo(100 * (0.95 - 0.02 * r + 0.01 + 0.001), 9));
  });

  it('lifetime: accuracy and worn-out cells vs round (means per round), threshold line, rounds-above in the legend', () => {
    const figs = buildFigures(aggregate(lifetimeRecords()), []);
    const acc = figs.find((x) => x.id.startsWith('lifetime-acc-'))!;
    const worn = figs.find((x) => x.id.startsWith('lifetime-worn-'))!;
    expect(acc.traces).toHaveLength(3); // fat, lora, threshold
    expect(acc.traces[0].x).toEqual([0, 1, 2, 3]);
    expect((acc.traces[0].y as number[])[2]).toBeCloseTo(100 * (0.95 - 0.01), 9); // mean of 0.95, 0.94, 0.93
    expect(String(acc.traces[0].name)).toContain('rounds ≥ threshold: 1.3');
    expect(acc.traces[2].y).toEqual([95, 95]);
    expect((worn.traces[1].y as number[])[3]).toBeCloseTo(60, 9); // mean of 30, 60, 90
  });

  it('render into report.html (a section of its own)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-device-report-'));
    const recs = [...driftRecords(), ...lifetimeRecords()];
    writeFileSync(join(dir, 'results.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const out = await writeReport(dir);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<section id="device">');
    expect(html).toContain('lifetime-acc-');
    expect(html).toContain('drift-');
  });
});
