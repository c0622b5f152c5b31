// The report's multi-task panels (sim/report/multitask_figures.ts): the accuracy-matrix heatmap
// (mean over seeds of a[j][i]) and average accuracy / forgetting vs cumulative writes per method,
// merged adapters as their own series with the merge's writes added; checked against hand values
// on records written by hand.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import type { MultitaskMetrics, ResultRecord } from '../../src/experiment/result.js';
import { forgettingWith } from '../../sim/report/multitask_figures.js';
import { writeReport } from '../../sim/report/write_report.js';

type Fig = { id: string; section: string; traces: { type: string; name: string; x: unknown; y: unknown; z?: (number | null)[][] }[] };

function mt(a: (number | null)[][], writes: number[], merged?: number[]): MultitaskMetrics {
  const T = a.length, last = a[T - 1] as number[];
  const acc = last.reduce((s, v) => s + v, 0) / T;
  const out: MultitaskMetrics = {
    tasks: ['mnist', 'fashion-mnist'], training: 'sequential', baseIdealAccuracy: [0.9, 0.1],
    accuracyMatrix: a, acc, forgetting: forgettingWith(a, last), bwt: null, forgettingPerTask: [],
    cumulativeWrites: writes, baseWrites: writes.map(() => 0), programWrites: 1000, baseCells: 500, adapterCells: 50, arrays: {},
  };
  if (merged) {
    out.merges = [{ kind: 'linear-shared-A', accuracy: merged, single: last, delta: merged.map((m, i) => m - last[i]), acc: (merged[0] + merged[1]) / 2, maxDrop: 0, writes: 100, cells: 10 }];
  }
  return out;
}

describe('multi-task report panels', () => {
  it('forgetting of a hand matrix (and with a merged final row)', () => {
    const a = [[0.9, null, null], [0.8, 0.7, null], [0.6, 0.65, 0.5]];
    expect(forgettingWith(a, [0.6, 0.65, 0.5])).toBeCloseTo(((0.9 - 0.6) + (0.7 - 0.65)) / 2, 12);
    expect(forgettingWith(a, [0.9, 0.7, 0.5])).toBeCloseTo(0, 12);
  });

  it('renders the accuracy-matrix heatmap and the accuracy/forgetting vs writes panel', async () => {
    const plan = await planSweep({ method: ['mt-fat', 'mt-lori'], seed: [1, 2], lora: { rank: 2 }, defects: { rate: 0.1 }, multitask: { tasks: ['mnist', 'fashion-mnist'], merge: 'linear' } });
    const mats: Record<string, { a: (number | null)[][]; w: number[]; merged?: number[] }> = {
      'mt-fat/1': { a: [[0.9, null], [0.5, 0.8]], w: [1000, 3000] },
      'mt-fat/2': { a: [[0.8, null], [0.6, 0.7]], w: [1000, 5000] },
      'mt-lori/1': { a: [[0.9, null], [0.9, 0.6]], w: [100, 200], merged: [0.88, 0.6] },
      'mt-lori/2': { a: [[0.7, null], [0.7, 0.5]], w: [100, 400], merged: [0.7, 0.46] },
    };
    const recs: ResultRecord[] = plan.points.map((p) => {
      const m = mats[`${p.point.method}/${p.point.seed}`];
      const t = mt(m.a, m.w, m.merged);
      return {
        pointHash: p.hash, configHash: plan.configHash, status: 'ok', point: p.point, wallSeconds: 1,
        startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
        metrics: { accuracy: t.acc, loss: 1, evalSplit: 'test', cellWrites: m.w[1], trainableParams: 1, cellsUsed: 550, extraMacsPerImage: 0, multitask: t },
      };
    });
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-mt-report-'));
    writeFileSync(join(dir, 'results.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const html = readFileSync(await writeReport(dir), 'utf8');
    expect(html).toContain('<section id="multitask">');
    expect(html).toContain('<a href="#multitask">Many tasks</a>');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]) as { figures: Fig[] };
    const figs = data.figures.filter((f) => f.section === 'multitask');
    expect(figs.map((f) => f.id).sort()).toEqual(['mt-matrix-mlp-mnist-mnist-fashion-mnist-0-1', 'mt-tradeoff-mlp-mnist-mnist-fashion-mnist']);
    for (const f of figs) expect(html).toContain(`id="${f.id}"`);

    // heatmap: one subplot per sequential method, z = mean over seeds in %, null above the diagonal
    const heat = figs.find((f) => f.id.startsWith('mt-matrix'))!;
    expect(heat.traces.map((t) => [t.type, t.name])).toEqual([['heatmap', 'mt-fat'], ['heatmap', 'mt-lori']]);
    expect(heat.traces[0].z).toEqual([[85, null], [55, 75]]);
    expect(heat.traces[1].z).toEqual([[80, null], [80, 55]]);

    // trade-off: ACC (first subplot) and F (second) per series, x = mean cumulative writes
    const tr = figs.find((f) => f.id.startsWith('mt-tradeoff'))!;
    const pt = (name: string, axis: string) => tr.traces.find((t) => t.name === name && (t as unknown as { yaxis: string }).yaxis === axis)!;
    const fatAcc = pt('mt-fat, 10 %', 'y');
    expect(fatAcc.x).toEqual([4000]);
    expect((fatAcc.y as number[])[0]).toBeCloseTo(100 * ((0.5 + 0.8) / 2 + (0.6 + 0.7) / 2) / 2, 10);
    expect((pt('mt-fat, 10 %', 'y2').y as number[])[0]).toBeCloseTo(100 * ((0.9 - 0.5) + (0.8 - 0.6)) / 2, 10);
    expect((pt('mt-lori, 10 %', 'y2').y as number[])[0]).toBeCloseTo(0, 10);
    const merged = pt('mt-lori merged linear-shared-A, 10 %', 'y');
    expect(merged.x).toEqual([(200 + 100 + 400 + 100) / 2]); // the merge's writes added
    expect((merged.y as number[])[0]).toBeCloseTo(100 * ((0.88 + 0.6) / 2 + (0.7 + 0.46) / 2) / 2, 10);
    expect((pt('mt-lori merged linear-shared-A, 10 %', 'y2').y as number[])[0]).toBeCloseTo(100 * ((0.9 - 0.88) + (0.7 - 0.7)) / 2, 10);
  });

  it("heads on crossbars are a series of their own, labelled '[crossbar heads]'", async () => {
    const plan = await planSweep({ method: ['mt-lori', 'mt-crab'], seed: 1, lora: { rank: 2 }, defects: { rate: 0.1 }, multitask: { tasks: ['mnist', 'fashion-mnist'], heads: ['digital', 'crossbar'], training: ['sequential', 'joint'] } });
    const recs: ResultRecord[] = plan.points.map((p, k) => {
      const t = mt([[0.9, null], [0.9, 0.5 + 0.01 * k]], [100, 200 + k]);
      return {
        pointHash: p.hash, configHash: plan.configHash, status: 'ok', point: p.point, wallSeconds: 1,
        startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z',
        metrics: { accuracy: t.acc, loss: 1, evalSplit: 'test', cellWrites: 200 + k, trainableParams: 1, cellsUsed: 550, extraMacsPerImage: 0, multitask: { ...t, training: p.point.multitask!.training } },
      };
    });
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-mt-report-'));
    writeFileSync(join(dir, 'results.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const html = readFileSync(await writeReport(dir), 'utf8');
    const data = JSON.parse(/<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)![1]) as { figures: Fig[] };
    const tr = data.figures.find((f) => f.id.startsWith('mt-tradeoff'))!;
    const names = tr.traces.filter((t) => (t as unknown as { yaxis: string }).yaxis === 'y').map((t) => t.name).sort();
    expect(names).toEqual(['mt-crab (joint), 10 %', 'mt-crab [crossbar heads] (joint), 10 %', 'mt-crab [crossbar heads], 10 %', 'mt-crab, 10 %', 'mt-lori [crossbar heads], 10 %', 'mt-lori, 10 %']);
  });
});
