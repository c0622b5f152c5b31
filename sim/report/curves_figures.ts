/**
 * Report panels of the per-epoch training curves a record holds (metrics.curves,
 * src/experiment/curves.ts), per model · dataset panel:
 *
 *   1. base training: loss and training accuracy (%) against epoch, one line per distinct base
 *      setting (bases are shared by every method of a seed: each base key counts once), the mean over
 *      the seeds' bases:  ȳ_e = (1/S_e)·Σ_s y_{s,e}  (S_e = seeds whose curve has epoch e)
 *   2. retraining / adaptation: per method and defect rate, the phases of the method in order
 *      concatenated into one epoch axis (e = 1..Σ phase epochs; ITT-RNA's stages follow each other),
 *      loss and training accuracy (%), mean over seeds as above.
 * Two stacked subplots each (loss on top, accuracy below, one shared epoch axis). Records without
 * curves (written before they were stored) are left out; a panel without curves draws nothing.
 */
import type { ResultRecord } from '../../src/experiment/result.js';
import type { EpochCurve } from '../../src/experiment/curves.js';
import { modelLabel } from '../../src/nn/model.js';
import { stableStringify } from '../../src/util/hash.js';
import type { Aggregate } from './aggregate.js';
import { baseLayout, METHOD_COLOURS, pct, type FigureSpec, type Json } from './figures.js';

/** per-epoch mean over curves of possibly different lengths */
export function meanCurve(curves: readonly EpochCurve[]): EpochCurve & { n: number[] } {
  const len = Math.max(0, ...curves.map((c) => c.loss.length));
  const out = { loss: [] as number[], accuracy: [] as number[], n: [] as number[] };
  for (let e = 0; e < len; e++) {
    const have = curves.filter((c) => e < c.loss.length);
    out.loss.push(have.reduce((s, c) => s + c.loss[e], 0) / have.length);
    out.accuracy.push(have.reduce((s, c) => s + c.accuracy[e], 0) / have.length);
    out.n.push(have.length);
  }
  return out;
}

/** the method's phases one after another on one epoch axis */
export function concatenatedPhases(rec: ResultRecord): EpochCurve | undefined {
  const ph = rec.metrics?.curves?.phases ?? [];
  if (ph.length === 0) return undefined;
  return { loss: ph.flatMap((p) => p.loss), accuracy: ph.flatMap((p) => p.accuracy) };
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

function stackedLayout(title: string): Record<string, Json> {
  const l = baseLayout(title, 'epoch', 'loss');
  l.yaxis = { title: { text: 'training loss' }, domain: [0.55, 1], zeroline: false };
  l.yaxis2 = { title: { text: 'training accuracy (%)' }, domain: [0, 0.45], zeroline: false };
  l.xaxis = { title: { text: 'epoch' }, anchor: 'y2', dtick: 1, zeroline: false };
  l.height = 520;
  return l;
}

function curveTraces(name: string, c: ReturnType<typeof meanCurve>, colour: string, dash: string, group: string): Record<string, Json>[] {
  const x = c.loss.map((_, i) => i + 1);
  const common = { type: 'scatter', mode: 'lines+markers', legendgroup: group, line: { color: colour, dash }, marker: { size: 5 } };
  return [
    { ...common, name, x, y: c.loss, customdata: c.n, hovertemplate: `<b>${name}</b><br>epoch %{x}: loss %{y:.4f} (mean of %{customdata})<extra></extra>` },
    { ...common, name, x, y: c.accuracy.map(pct), yaxis: 'y2', showlegend: false, customdata: c.n, hovertemplate: `<b>${name}</b><br>epoch %{x}: accuracy %{y:.2f}% (mean of %{customdata})<extra></extra>` },
  ];
}

const DASHES = ['solid', 'dot', 'dash', 'longdash', 'dashdot'];

export function curveFigures(agg: Aggregate): FigureSpec[] {
  const panels = new Map<string, ResultRecord[]>();
  for (const p of agg.points) {
    if (p.status !== 'ok' || !p.record?.metrics?.curves) continue;
    const panel = `${modelLabel(p.point.model)} · ${p.point.dataset}`;
    if (!panels.has(panel)) panels.set(panel, []);
    panels.get(panel)!.push(p.record);
  }
  const figs: FigureSpec[] = [];
  for (const [panel, recs] of panels) {
    // 1. bases: one curve per base key, grouped by the base's setting without its seed
    const bases = new Map<string, { label: string; curves: Map<string, EpochCurve> }>();
    for (const r of recs) {
      const c = r.metrics!.curves!;
      if (!c.base || !c.baseKey) continue;
      const setting = stableStringify({ train: r.point.train, trainLimit: r.point.trainLimit, pool: r.point.pool, model: r.point.model });
      if (!bases.has(setting)) bases.set(setting, { label: `base (${r.point.train.epochs} epochs, lr ${r.point.train.lr})`, curves: new Map() });
      bases.get(setting)!.curves.set(c.baseKey, c.base);
    }
    if (bases.size > 0) {
      const traces: Record<string, Json>[] = [];
      [...bases.values()].forEach((b, i) => traces.push(...curveTraces(`${b.label}, n=${b.curves.size}`, meanCurve([...b.curves.values()]), '#444444', DASHES[i % DASHES.length], `base${i}`)));
      figs.push({
        id: `curves-base-${slug(panel)}`, section: 'accuracy', traces, layout: stackedLayout(`${panel}: base training curve`), errors: [],
        caption: 'Training loss and training accuracy of the base network per epoch (running values over each epoch\'s batches), mean over the seeds\' bases; every method of a seed starts from the same base.',
      });
    }
    // 2. retraining: per method and defect rate
    const series = new Map<string, { method: string; rate: number; curves: EpochCurve[] }>();
    for (const r of recs) {
      const c = concatenatedPhases(r);
      if (!c) continue;
      const { seed: _s, ...rest } = r.point;
      const key = stableStringify(rest);
      if (!series.has(key)) series.set(key, { method: r.point.method, rate: r.point.defects.rate, curves: [] });
      series.get(key)!.curves.push(c);
    }
    if (series.size === 0) continue;
    const rates = [...new Set([...series.values()].map((s) => s.rate))].sort((a, b) => a - b);
    const traces: Record<string, Json>[] = [];
    for (const s of [...series.values()].sort((a, b) => (a.method === b.method ? a.rate - b.rate : a.method < b.method ? -1 : 1))) {
      const dash = DASHES[rates.indexOf(s.rate) % DASHES.length];
      traces.push(...curveTraces(`${s.method} @ ${pct(s.rate)}%, n=${s.curves.length}`, meanCurve(s.curves), METHOD_COLOURS[s.method] ?? '#7f7f7f', dash, `${s.method}${s.rate}`));
    }
    figs.push({
      id: `curves-retrain-${slug(panel)}`, section: 'accuracy', traces, layout: stackedLayout(`${panel}: retraining / adaptation curves`), errors: [],
      caption: 'Training loss and accuracy per epoch of each method\'s retraining on the defective crossbars (phases one after another, e.g. ITT-RNA\'s stages), mean over seeds; line style = stuck-cell rate.',
    });
  }
  return figs;
}
