/**
 * Report panels of the multi-task methods (records with `metrics.multitask`,
 * src/experiment/multitask.ts).
 *
 * Series: one per setting (the point without its seed) and, for a setting with merges, one more
 * per merge kind ("<method> merged <kind>"); heads on crossbars (multitask.heads 'crossbar') are
 * labelled "<method> [crossbar heads]". Per series and seed s:
 *   ACC_s  = (1/T)·Σ_i a_s[T−1][i]                     (merged: (1/T)·Σ_i m_s[i], m = merged accuracy)
 *   F_s    = (1/(T−1))·Σ_{i<T−1} (max_{j=i..T−2} a_s[j][i] − a_s[T−1][i])
 *            (merged: the same with the merged accuracies m_s[i] as the final row)
 *   W_s    = cumulative cell writes after the last task (merged: + the merge's writes)
 * and the panels show mean ± std over the seeds (std = sample std, n − 1).
 *
 *   1. Accuracy matrix heatmap per (model · dataset, task sequence, defect rate): one subplot per
 *      sequential series, cell (row j, column i) = mean over seeds of a[j][i] in % (after training
 *      task j, accuracy on task i; blank above the diagonal: task i not yet trained).
 *   2. Average accuracy and forgetting vs cumulative writes per (model · dataset, task sequence):
 *      two subplots (ACC, F) with log-scale writes, one marker per series and defect rate.
 */
import type { MultitaskMetrics, PointMetrics } from '../../src/experiment/result.js';
import { modelLabel } from '../../src/nn/model.js';
import { stableStringify } from '../../src/util/hash.js';
import type { Aggregate } from './aggregate.js';
import type { FigureSpec, Json } from './figures.js';
import { METHOD_COLOURS, TITLE_PLACEMENT, TOP_MARGIN_PX } from './figures.js';
import { summarise } from './stats.js';

interface SeriesRun {
  seed: number;
  acc: number;
  forgetting: number | null;
  writes: number;
  matrix: (number | null)[][] | null;
}

interface Series {
  panel: string;
  sequence: string;
  rate: number;
  label: string;
  method: string;
  merged: boolean;
  runs: SeriesRun[];
}

/** F with `final` as the last row (the standard definition when final = a[T−1]) */
export function forgettingWith(a: (number | null)[][], final: number[]): number | null {
  const T = a.length;
  if (T < 2 || a[0].length !== T) return null;
  let s = 0;
  for (let i = 0; i < T - 1; i++) {
    let best = -Infinity;
    for (let j = i; j < T - 1; j++) best = Math.max(best, a[j][i] as number);
    s += best - final[i];
  }
  return s / (T - 1);
}

function seqLabel(tasks: string[]): string {
  const perm = tasks.every((t) => t.startsWith('permuted-mnist/'));
  return perm ? `${tasks.length}-task permuted MNIST` : tasks.join(' → ');
}

/** the series of every ok multi-task record (sorted: panel, sequence, method order, label) */
export function multitaskSeries(agg: Aggregate): Series[] {
  const map = new Map<string, Series>();
  const add = (key: string, s: Omit<Series, 'runs'>, run: SeriesRun) => {
    let e = map.get(key);
    if (!e) { e = { ...s, runs: [] }; map.set(key, e); }
    e.runs.push(run);
  };
  for (const p of agg.points) {
    const m: PointMetrics | undefined = p.record?.metrics;
    const mt: MultitaskMetrics | undefined = m?.multitask;
    if (p.status !== 'ok' || !m || !mt) continue;
    const { seed, ...rest } = p.point;
    const key = stableStringify(rest);
    const panel = `${modelLabel(p.point.model)} · ${p.point.dataset}`;
    const sequence = seqLabel(mt.tasks);
    const rate = p.point.defects.rate;
    // heads on crossbars (multitask.heads 'crossbar') are a series of their own, labelled apart
    const label = p.point.method + (p.point.multitask?.heads === 'crossbar' ? ' [crossbar heads]' : '') + (mt.training === 'joint' ? ' (joint)' : '');
    const writes = mt.cumulativeWrites[mt.cumulativeWrites.length - 1];
    const seq = mt.training === 'sequential';
    add(key, { panel, sequence, rate, label, method: p.point.method, merged: false }, {
      seed, acc: mt.acc, forgetting: mt.forgetting, writes, matrix: seq ? mt.accuracyMatrix : null,
    });
    for (const g of mt.merges ?? []) {
      add(`${key}\u0000${g.kind}`, { panel, sequence, rate, label: `${label} merged ${g.kind}`, method: p.point.method, merged: true }, {
        seed, acc: g.acc, forgetting: forgettingWith(mt.accuracyMatrix, g.accuracy), writes: writes + g.writes, matrix: null,
      });
    }
  }
  return [...map.values()];
}

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(x);
  }
  return m;
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** mean over seeds of a[j][i] (null above the diagonal), in % */
function meanMatrix(runs: SeriesRun[]): (number | null)[][] {
  const ms = runs.map((r) => r.matrix!).filter(Boolean);
  const T = ms[0].length;
  return Array.from({ length: T }, (_, j) => Array.from({ length: T }, (_, i) => {
    const v = ms.map((m) => m[j][i]).filter((x): x is number => typeof x === 'number');
    return v.length ? Number((100 * mean(v)).toFixed(2)) : null;
  }));
}

function heatmapFigure(panel: string, sequence: string, rate: number, series: Series[]): FigureSpec {
  const n = series.length;
  const gap = 0.04;
  const w = (1 - gap * (n - 1)) / n;
  const traces: Record<string, Json>[] = [];
  const layout: Record<string, Json> = {
    title: { text: `${panel}, ${sequence}, ${Math.round(rate * 1000) / 10} % defects: accuracy matrix a[j][i] (%)`, ...TITLE_PLACEMENT },
    height: 400, margin: { l: 110, r: 20, t: TOP_MARGIN_PX, b: 60 }, annotations: [],
  };
  const T = series[0].runs[0].matrix!.length;
  const ticks = Array.from({ length: T }, (_, i) => `task ${i}`);
  series.forEach((s, k) => {
    const ax = k === 0 ? '' : String(k + 1);
    const z = meanMatrix(s.runs);
    traces.push({
      type: 'heatmap', name: s.label, z, x: ticks, y: ticks.map((t) => `after ${t}`),
      xaxis: `x${ax}`, yaxis: `y${ax}`, zmin: 0, zmax: 100, colorscale: 'Viridis', showscale: k === n - 1,
      texttemplate: '%{z:.1f}', hovertemplate: `<b>${s.label}</b><br>%{y}, accuracy on %{x}: %{z:.2f} % (mean of ${s.runs.length} seed(s))<extra></extra>`,
    });
    const x0 = k * (w + gap);
    layout[`xaxis${ax}`] = { domain: [x0, x0 + w], title: { text: 'evaluated task i' }, anchor: `y${ax}` };
    layout[`yaxis${ax}`] = { autorange: 'reversed', anchor: `x${ax}`, ...(k === 0 ? { title: { text: 'after training task j' } } : { showticklabels: false }) };
    (layout.annotations as Json[]).push({ text: `<b>${s.label}</b>`, x: x0 + w / 2, y: 1.02, xref: 'paper', yref: 'paper', showarrow: false, xanchor: 'center', yanchor: 'bottom' });
  });
  return {
    id: `mt-matrix-${slug(`${panel}-${sequence}-${rate}`)}`,
    section: 'multitask', traces, layout, errors: [],
    caption: 'Row j, column i: accuracy on task i after training task j, mean over seeds. The diagonal is each task right after it was learned; a column fading downwards is forgetting. Per-task adapters (lora, lori) keep their columns constant by construction.',
  };
}

/** the method's colour; a jointly trained series (mt-crab joint) in black */
function colourOf(s: Series): string {
  return s.label.endsWith('(joint)') ? '#000000' : METHOD_COLOURS[s.method] ?? '#7f7f7f';
}

const SYMBOLS = ['circle', 'diamond', 'square', 'triangle-up', 'x', 'cross'];

function tradeoffFigure(panel: string, sequence: string, series: Series[]): FigureSpec {
  const rates = [...new Set(series.map((s) => s.rate))].sort((a, b) => a - b);
  const traces: Record<string, Json>[] = [];
  const errors: FigureSpec['errors'] = [];
  for (const [yi, which] of (['acc', 'forgetting'] as const).entries()) {
    const ax = yi === 0 ? '' : '2';
    for (const s of series) {
      const ys = s.runs.map((r) => (which === 'acc' ? r.acc : r.forgetting)).filter((v): v is number => typeof v === 'number');
      if (ys.length === 0) continue;
      const ySum = summarise(ys.map((v) => 100 * v));
      const wSum = summarise(s.runs.map((r) => r.writes));
      errors.push({ trace: traces.length, std: [ySum.std], ci: [ySum.ci95] });
      traces.push({
        type: 'scatter', mode: 'markers', name: `${s.label}, ${Math.round(s.rate * 1000) / 10} %`,
        legendgroup: s.label, showlegend: yi === 0,
        x: [wSum.mean!], y: [ySum.mean!], xaxis: `x${ax}`, yaxis: `y${ax}`,
        marker: { color: colourOf(s), size: 10, symbol: SYMBOLS[rates.indexOf(s.rate) % SYMBOLS.length] + (s.merged ? '-open' : ''), line: { width: 2, color: colourOf(s) } },
        error_y: { type: 'data', array: [ySum.ci95], visible: true, thickness: 1, width: 3 },
        hovertemplate: `<b>${s.label}</b>, ${Math.round(s.rate * 1000) / 10} % defects<br>cumulative writes %{x:,.0f} (mean of ${s.runs.length})<br>${which === 'acc' ? 'average accuracy' : 'forgetting'} %{y:.2f} %<extra></extra>`,
      });
    }
  }
  const layout: Record<string, Json> = {
    title: { text: `${panel}, ${sequence}: average accuracy and forgetting vs cumulative writes`, ...TITLE_PLACEMENT },
    height: 480, margin: { l: 70, r: 20, t: TOP_MARGIN_PX, b: 60 }, legend: { orientation: 'h', y: -0.25 },
    xaxis: { domain: [0, 0.47], type: 'log', title: { text: 'cumulative cell writes after the last task' }, anchor: 'y' },
    yaxis: { title: { text: 'average accuracy ACC (%)' }, anchor: 'x' },
    xaxis2: { domain: [0.53, 1], type: 'log', title: { text: 'cumulative cell writes after the last task' }, anchor: 'y2' },
    yaxis2: { title: { text: 'forgetting F (%)' }, anchor: 'x2' },
  };
  return {
    id: `mt-tradeoff-${slug(`${panel}-${sequence}`)}`,
    section: 'multitask', traces, layout, errors,
    caption: 'One marker per method and defect rate (marker shape = rate; open = a merge of the adapters, its writes added), mean over seeds; up and to the left is better for ACC, down and to the left for F. Writes count every cell programmed after the base deployment, adapter programming included.',
  };
}

export function multitaskFigures(agg: Aggregate): FigureSpec[] {
  const series = multitaskSeries(agg);
  const figs: FigureSpec[] = [];
  for (const [, ss] of groupBy(series, (s) => `${s.panel}\u0000${s.sequence}`)) {
    figs.push(tradeoffFigure(ss[0].panel, ss[0].sequence, ss));
    const seq = ss.filter((s) => !s.merged && s.runs.some((r) => r.matrix));
    for (const [, byRate] of groupBy(seq, (s) => String(s.rate))) {
      figs.push(heatmapFigure(byRate[0].panel, byRate[0].sequence, byRate[0].rate, byRate.map((s) => ({ ...s, runs: s.runs.filter((r) => r.matrix) }))));
    }
  }
  return figs;
}
