/**
 * The report's statistics that fit n and its control panel, against values computed here from the
 * records themselves (not from the aggregate):
 *  - with 2 seeds the default band is the seeds' min–max, every seed drawn, the legend says so, and
 *    the y axis follows the data (not 0–100); with 3 seeds it is the Student-t 95% CI;
 *  - the accuracy-loss panel is accuracy(method) − accuracy(control) of the same seed;
 *  - old results with one ideal record per rate count n per network (seeds), not per record;
 *  - a defect tile is cropped to the cells its layer uses (LeNet-5 conv1: 25 × 6 weights = 25 × 12
 *    cells of a differential 128 × 128 tile).
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jstat from 'jstat';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../../sim/report/aggregate.js';
import { buildFigures, defectFigures, type FigureSpec } from '../../sim/report/figures.js';
import { readSweepDir } from '../../sim/report/sweep_dir.js';
import { basePoint, writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { pointHash } from '../../src/experiment/point.js';
import type { ResultRecord } from '../../src/experiment/result.js';

const pc = (v: number) => Number((v * 100).toPrecision(12));
const listed = (f: FigureSpec) => f.traces.filter((t) => t.showlegend !== false);

function sweep(opts: Parameters<typeof writeSyntheticSweep>[1]) {
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-bands-'));
  writeSyntheticSweep(dir, opts);
  const s = readSweepDir(dir);
  return { records: s.records, figs: buildFigures(aggregate(s.records, s.manifest?.expectedPoints), s.artifacts) };
}

/** accuracies of the ok records of a method at a rate, by seed */
function accOf(records: ResultRecord[], method: string, rate: number): Map<number, number> {
  return new Map(records.filter((r) => r.status === 'ok' && r.point.method === method && r.point.defects.rate === rate).map((r) => [r.point.seed, r.metrics!.accuracy]));
}

describe('bands by n', () => {
  it('2 seeds: the seed range and the seeds; the y axis follows the data', () => {
    const { records, figs } = sweep({ methods: ['ideal', 'unaware', 'fat'], rates: [0.05, 0.2], seeds: [1, 2] });
    const f = figs.find((x) => x.id === 'acc-mlp-mnist')!;
    const unaware = listed(f).find((t) => t.name === 'unaware')!;
    const i = f.traces.indexOf(unaware);
    [0.05, 0.2].forEach((rate, j) => {
      const v = [...accOf(records, 'unaware', rate).values()].map(pc);
      const mean = pc((accOf(records, 'unaware', rate).get(1)! + accOf(records, 'unaware', rate).get(2)!) / 2);
      expect(unaware.y as number[]).toContainEqual(mean);
      const ey = unaware.error_y as { array: number[]; arrayminus: number[] };
      expect(ey.array[j]).toBeCloseTo(Math.max(...v) - mean, 9);
      expect(ey.arrayminus[j]).toBeCloseTo(mean - Math.min(...v), 9);
    });
    // the seed markers: every seed's accuracy at its rate
    const seeds = f.traces[i + 1];
    expect(seeds.showlegend).toBe(false);
    const want = [0.05, 0.2].flatMap((rate) => [...accOf(records, 'unaware', rate).values()].map((a) => [pc(rate), pc(a)]));
    expect((seeds.x as number[]).map((x, k) => [x, (seeds.y as number[])[k]]).sort()).toEqual(want.sort());
    expect((f.layout.legend as { title: { text: string } }).title.text).toContain('seed min–max');
    // y range: the data (every seed, padded), far from 0–100
    const all = records.filter((r) => r.status === 'ok').map((r) => pc(r.metrics!.accuracy));
    const [lo, hi] = (f.layout.yaxis as { range: [number, number] }).range;
    expect(lo).toBeLessThanOrEqual(Math.min(...all));
    expect(hi).toBeGreaterThanOrEqual(Math.max(...all.filter((a) => a <= 100)));
    expect(hi - lo).toBeLessThan(2 * (Math.max(...all) - Math.min(...all)) + 2);
    // the CI view of the switch: t_{0.975,1} · s / √2 (12.7 × the half range)
    const ci = f.views!.ci.traces[String(i)].error_y as { array: number[] };
    const v = [...accOf(records, 'unaware', 0.2).values()].map(pc);
    const s = Math.abs(v[0] - v[1]) / Math.SQRT2;
    expect(ci.array[1]).toBeCloseTo((jstat.jStat.studentt.inv(0.975, 1) * s) / Math.SQRT2, 6);
  });

  it('3 seeds: the 95% CI of the mean; no seed markers by default', () => {
    const { records, figs } = sweep({ methods: ['unaware'], rates: [0.1], seeds: [1, 2, 3] });
    const f = figs.find((x) => x.id === 'acc-mlp-mnist')!;
    const v = [...accOf(records, 'unaware', 0.1).values()].map(pc);
    const mean = (v[0] + v[1] + v[2]) / 3;
    const sd = Math.sqrt(v.reduce((a, x) => a + (x - mean) ** 2, 0) / 2);
    const half = (jstat.jStat.studentt.inv(0.975, 2) * sd) / Math.sqrt(3);
    expect((f.traces[0].error_y as { array: number[] }).array[0]).toBeCloseTo(half, 6);
    expect(f.traces[1].x).toEqual([]);
    expect(f.views!.range.traces['1'].x).toHaveLength(3);
  });
});

describe('accuracy loss against the control', () => {
  it('Δ = accuracy(method) − accuracy(control) of the same seed, mean over seeds', () => {
    const { records, figs } = sweep({ methods: ['ideal', 'unaware', 'fat', 'control'], rates: [0.05, 0.2], seeds: [1, 2] });
    const f = figs.find((x) => x.id === 'loss-mlp-mnist')!;
    expect((f.layout.title as { text: string }).text).toBe('mlp · mnist: accuracy loss vs control (same budget)');
    const control = accOf(records, 'control', 0);
    expect(control.size).toBe(2);
    const fat = listed(f).find((t) => t.name === 'fat')!;
    [0.05, 0.2].forEach((rate, j) => {
      const m = accOf(records, 'fat', rate);
      const d = [1, 2].map((s) => m.get(s)! - control.get(s)!);
      expect((fat.y as number[])[j]).toBeCloseTo(pc((d[0] + d[1]) / 2), 9);
    });
    // the accuracy panel draws control as a reference line, not as a method line
    const acc = figs.find((x) => x.id === 'acc-mlp-mnist')!;
    expect(listed(acc).map((t) => t.name)).toEqual(['unaware', 'fat', 'ideal (no defects, n=2 seeds)', 'control (same budget, no defects, n=2 seeds)']);
  });

  it('without control points the panel says so and uses ideal, labelled not same-budget', () => {
    const { figs } = sweep({ methods: ['ideal', 'unaware'], rates: [0.1], seeds: [1, 2] });
    const f = figs.find((x) => x.id === 'loss-mlp-mnist')!;
    expect((f.layout.title as { text: string }).text).toContain('ideal (not same-budget)');
    expect(f.caption).toMatch(/^No control points in this sweep/);
    const none = sweep({ methods: ['unaware'], rates: [0.1], seeds: [1, 2] }).figs.find((x) => x.id === 'loss-mlp-mnist')!;
    expect(none.traces).toEqual([]);
    expect(none.caption).toMatch(/^No control points in this sweep/);
  });
});

describe('old results with one ideal record per rate', () => {
  it('count n per network: the ideal line has n = seeds', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-olddup-'));
    writeSyntheticSweep(dir, { methods: ['ideal', 'unaware'], rates: [0.05, 0.1, 0.2], seeds: [1, 2] });
    const s = readSweepDir(dir);
    // what sweeps planned before the reset recorded: ideal at every rate, same accuracy, other hashes
    const dups: ResultRecord[] = [];
    for (const r of s.records.filter((x) => x.point.method === 'ideal')) {
      for (const rate of [0.05, 0.1, 0.2]) {
        const point = { ...r.point, defects: { ...r.point.defects, rate } };
        dups.push({ ...r, point, pointHash: pointHash(point) });
      }
    }
    const agg = aggregate([...s.records, ...dups]);
    expect(agg.collapsed).toBe(6);
    const ideal = agg.groups.filter((g) => g.fields.method === 'ideal');
    expect(ideal).toHaveLength(1);
    expect(ideal[0].stats.accuracy.n).toBe(2);
    const acc = buildFigures(agg, []).find((x) => x.id === 'acc-mlp-mnist')!;
    expect(listed(acc).map((t) => t.name)).toContain('ideal (no defects, n=2 seeds)');
  });
});

describe('the ideal reference line', () => {
  it('counts one network per base: ideal points differing in a field ideal does not read count once', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-idealbase-'));
    writeSyntheticSweep(dir, { methods: ['ideal', 'unaware'], rates: [0.1], seeds: [1, 2] });
    const s = readSweepDir(dir);
    // the same base networks planned once more under another programming variation (ideal reads no device)
    const twins = s.records.filter((r) => r.point.method === 'ideal').map((r) => {
      const point = { ...r.point, device: { ...r.point.device, progSigma: 0.2 } };
      return { ...r, point, pointHash: pointHash(point) };
    });
    const agg = aggregate([...s.records, ...twins]);
    expect(agg.groups.filter((g) => g.fields.method === 'ideal')).toHaveLength(2);
    const acc = buildFigures(agg, []).find((x) => x.id === 'acc-mlp-mnist')!;
    expect(listed(acc).map((t) => t.name)).toContain('ideal (no defects, n=2 seeds)');
  });
});

describe('defect tiles', () => {
  it('a tile is cropped to the rows × cols its layer uses, and the title says the tile size', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-crop-'));
    const rows = 128, cols = 128;
    const state = Array.from({ length: rows * cols }, (_, i) => (i % 5 === 0 ? 1 : i % 7 === 0 ? 2 : 0));
    mkdirSync(join(dir, 'h1'));
    writeFileSync(join(dir, 'h1', 'defect_tile.json'), JSON.stringify({ layer: 'conv1', tileRow: 0, tileCol: 0, rows, cols, distribution: 'uniform', state }));
    const p = basePoint();
    p.model = 'lenet5';
    p.crossbar.tileRows = 128;
    p.crossbar.tileCols = 128;
    const [f] = defectFigures([{ pointHash: 'h1', defectTilePath: join(dir, 'h1', 'defect_tile.json') }], new Map([['h1', p]]));
    const z = f.traces[0].z as number[][];
    expect([z.length, z[0].length]).toEqual([25, 12]);
    expect(z[3]).toEqual(state.slice(3 * cols, 3 * cols + 12));
    expect((f.layout.title as { text: string }).text).toContain('of 128×128, 25×12 used');
  });
});
