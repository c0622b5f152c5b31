/**
 * Report panel of repeated evaluation (`eval.repeats`, records with metrics.evalRepeats,
 * src/experiment/eval_repeats.ts): per model · dataset panel, accuracy (%) against stuck-cell rate,
 * one box per method and rate over every repeat of every seed (N·S values: the spread of one chip
 * under fresh read-noise draws, pooled over the seeds' chips): the box spans the quartiles, the
 * whiskers the range, the line inside is the median. Below the plot: per method and rate the mean
 * of the per-seed 5 % and 95 % quantiles.
 */
import { modelLabel } from '../../src/nn/model.js';
import type { Aggregate } from './aggregate.js';
import { baseLayout, METHOD_COLOURS, pct, type FigureSpec, type Json } from './figures.js';

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

export function repeatFigures(agg: Aggregate): FigureSpec[] {
  // panel → method → rate → { accuracies, q05s, q95s, n }
  const panels = new Map<string, Map<string, Map<number, { acc: number[]; q05: number[]; q95: number[]; repeats: number }>>>();
  for (const p of agg.points) {
    const e = p.record?.metrics?.evalRepeats;
    if (p.status !== 'ok' || !e) continue;
    const panel = `${modelLabel(p.point.model)} · ${p.point.dataset}`;
    const byM = panels.get(panel) ?? new Map();
    panels.set(panel, byM);
    const byR = byM.get(p.point.method) ?? new Map();
    byM.set(p.point.method, byR);
    const cell = byR.get(p.point.defects.rate) ?? { acc: [], q05: [], q95: [], repeats: e.n };
    byR.set(p.point.defects.rate, cell);
    cell.acc.push(...e.accuracies);
    cell.q05.push(e.q05);
    cell.q95.push(e.q95);
  }
  const figs: FigureSpec[] = [];
  for (const [panel, byM] of panels) {
    const traces: Record<string, Json>[] = [];
    const lines: string[] = [];
    for (const [method, byR] of byM) {
      const rates = [...byR.keys()].sort((a, b) => a - b);
      const x: string[] = [], y: number[] = [];
      for (const r of rates) {
        const c = byR.get(r)!;
        for (const a of c.acc) { x.push(`${pct(r)}%`); y.push(pct(a)); }
        const m = (v: number[]) => v.reduce((s, t) => s + t, 0) / v.length;
        lines.push(`${method} @ ${pct(r)}%: 5–95 % ${pct(m(c.q05)).toFixed(2)}–${pct(m(c.q95)).toFixed(2)}% (${c.repeats} repeats × ${c.q05.length} seeds)`);
      }
      traces.push({ type: 'box', name: method, x, y, boxpoints: 'outliers', marker: { color: METHOD_COLOURS[method] ?? '#7f7f7f', size: 3 }, line: { width: 1 } });
    }
    const layout = baseLayout(`${panel}: accuracy over repeated reads (read noise)`, 'stuck cells (% of cells)', 'accuracy (%)');
    layout.boxmode = 'group';
    layout.xaxis = { title: { text: 'stuck cells (% of cells)' }, type: 'category' };
    figs.push({
      id: `repeats-${slug(panel)}`, section: 'accuracy', traces, layout, errors: [],
      caption: `Each box: the accuracies of every repeated evaluation (fresh read-noise draws, streams read/<array>/repeat<k>) of every seed of one method and rate. ${lines.join('; ')}.`,
    });
  }
  return figs;
}
