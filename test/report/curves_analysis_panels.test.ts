// The report panels of the per-epoch curves, the repeated-evaluation spread and the analysis, built
// from hand-made records whose means are checked by hand; records without these fields draw nothing.
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { pointHash } from '../../src/experiment/point.js';
import type { RecordMetrics, ResultRecord } from '../../src/experiment/result.js';
import { aggregate } from '../../sim/report/aggregate.js';
import { analysisFigures } from '../../sim/report/analysis_figures.js';
import { curveFigures } from '../../sim/report/curves_figures.js';
import { buildFigures } from '../../sim/report/figures.js';
import { repeatFigures } from '../../sim/report/repeats_figures.js';

const point = (o: Partial<PointSpec>): PointSpec => structuredClone({ ...DEFAULTS, ...o });
function rec(p: PointSpec, more: Partial<RecordMetrics> = {}): ResultRecord {
  return {
    pointHash: pointHash(p), configHash: 'c', status: 'ok', point: p, wallSeconds: 1, startedAt: '', finishedAt: '',
    metrics: { accuracy: 0.9, loss: 0.1, evalSplit: 'test', cellWrites: 0, trainableParams: 0, cellsUsed: 1, extraMacsPerImage: 0, ...more },
  };
}
const rate = (r: number) => ({ ...DEFAULTS.defects, rate: r });

describe('curve panels', () => {
  const recs: ResultRecord[] = [];
  for (const seed of [0, 1]) {
    const base = { loss: [2 - seed, 1 - seed / 2], accuracy: [0.5 + seed / 10, 0.8 + seed / 10] };
    recs.push(rec(point({ method: 'unaware', seed, defects: rate(0.1) }), { curves: { baseKey: `b${seed}`, base, phases: [] } }));
    recs.push(rec(point({ method: 'fat', seed, defects: rate(0.1) }), {
      curves: { baseKey: `b${seed}`, base, phases: [{ phase: 'fat', loss: [0.6 + seed, 0.4 + seed], accuracy: [0.7, 0.9 - seed / 10] }] },
    }));
  }
  it('base: one line per base setting, each base key once, mean over seeds; retraining per method and rate', () => {
    const figs = curveFigures(aggregate(recs));
    expect(figs.map((f) => f.id)).toEqual(['curves-base-mlp-mnist-embedded', 'curves-retrain-mlp-mnist-embedded']);
    const [base, retrain] = figs;
    expect(base.traces).toHaveLength(2); // loss and accuracy of the one base setting
    const near0 = (v: unknown) => (v as number[]).map((x) => Number(x.toFixed(9)));
    expect(near0(base.traces[0].y)).toEqual([1.5, 0.75]); // (2 + 1)/2, (1 + 0.5)/2
    expect(near0(base.traces[1].y)).toEqual([55, 85]); // %: (0.5 + 0.6)/2, (0.8 + 0.9)/2
    expect(base.traces[0].name).toContain('n=2');
    expect(retrain.traces.map((t) => t.name)).toEqual(['fat @ 10%, n=2', 'fat @ 10%, n=2']);
    const near = (v: unknown) => (v as number[]).map((x) => Number(x.toFixed(9)));
    expect(near(retrain.traces[0].y)).toEqual([1.1, 0.9]); // (0.6 + 1.6)/2, (0.4 + 1.4)/2
    expect(near(retrain.traces[1].y)).toEqual([70, 85]);
  });
  it('records without curves give no panel, and the figures are registered in the report', () => {
    expect(curveFigures(aggregate([rec(point({}))]))).toEqual([]);
    expect(buildFigures(aggregate(recs), []).some((f) => f.id.startsWith('curves-retrain'))).toBe(true);
  });
});

describe('repeat spread and analysis panels', () => {
  const acc = (seed: number) => Array.from({ length: 4 }, (_, k) => 0.8 + 0.01 * k + 0.1 * seed);
  const hist = (n: number) => ({ edges: [0, 0.5, 1], counts: [n, 0] });
  const recs = [0, 1].flatMap((seed) => [0.1, 0.2].map((r) => rec(point({ method: 'unaware', seed, defects: rate(r) }), {
    evalRepeats: { n: 4, mean: 0, std: 0, q05: 0.8 + 0.1 * seed, q50: 0, q95: 0.83 + 0.1 * seed, accuracies: acc(seed), streams: 'read/<array>/repeat<k>' },
    analysis: {
      layerSensitivity: { idealAccuracy: 0.9, layers: [{ layer: 'fc1', accuracy: 0.9 - r - 0.1 * seed, loss: 1 }, { layer: 'fc2', accuracy: 0.9 - r / 2, loss: 1 }] },
      histograms: [{ array: 'fc1', weights: hist(4 + seed), cells: { edgesSiemens: [1e-6, 5e-5, 1e-4], gPlus: hist(3), gMinus: hist(2), stuck: hist(r * 10), unprogrammed: 0, cellsPerWeight: 2 } }],
    },
  })));
  it('one box per method over every repeat of every seed at each rate', () => {
    const [f] = repeatFigures(aggregate(recs));
    expect(f.traces).toHaveLength(1);
    expect((f.traces[0].y as number[]).length).toBe(2 * 2 * 4);
    expect(f.caption).toContain('unaware @ 10%: 5–95 % 85.00–88.00%');
  });
  it('sensitivity: drop per layer, mean over chips; histograms of the highest rate, lowest seed', () => {
    const figs = analysisFigures(aggregate(recs));
    const s = figs.find((f) => f.id.startsWith('sensitivity'))!;
    expect(s.traces.map((t) => t.name)).toEqual(['10% stuck, n=2', '20% stuck, n=2']);
    // fc1 at 10 %: drops 0.1 and 0.2 → 15 points; fc2: 5 points
    expect((s.traces[0].y as number[]).map((v) => Number(v.toFixed(9)))).toEqual([15, 5]);
    const g = figs.find((f) => f.id.startsWith('hist-g'))!;
    expect(g.layout.title).toMatchObject({ text: expect.stringContaining('20% · seed 0') });
    expect(g.traces.map((t) => (t.y as number[])[0])).toEqual([3, 2, 2]);
    const w = figs.find((f) => f.id.startsWith('hist-w'))!;
    expect(w.traces[0].y).toEqual([4, 0]);
  });
});
