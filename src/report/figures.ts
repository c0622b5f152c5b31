/**
 * Plotly figure specifications (plain JSON: traces + layout) built from the aggregate, so all the
 * plotting logic runs and is tested in Node; the page only hands them to Plotly.newPlot.
 *
 * Figures:
 * - per model × dataset panel: accuracy (%) vs stuck cells (% of cells = defect rate · 100), one line
 *   per method (and per variant: LRS share, distribution, LoRA rank, …), points = mean over seeds,
 *   error bars switchable between sample std and the Student-t 95% CI half-width; `ideal`
 *   (defect-free) is a dashed reference line at the mean of all its ok runs in the panel.
 * - panels with LoRA/LoRI runs: accuracy vs LoRA rank, and accuracy vs cell writes (mean per group,
 *   all methods on crossbars, log x axis) — the cost/benefit picture.
 * - defect maps from artefacts: one tile's stuck-cell map per distribution (0 healthy, 1 stuck at
 *   HRS = stuck-off, 2 stuck at LRS = stuck-on), and the importance of the weight on each physical
 *   cell before/after the ITT-RNA mapping, faulty cells marked. The share of importance on faulty
 *   cells is  Σ_{c faulty} I(c) / Σ_c I(c).
 */
import type { PointSpec } from '../methods/point.js';
import type { Aggregate, FieldValue, GroupStats } from './aggregate.js';
import type { Summary } from './stats.js';
import type { SweepArtifacts } from './sweep_dir.js';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface ErrorSet {
  /** index of the trace in `traces` */
  trace: number;
  /** error-bar half-lengths in the trace's y units; null = not defined (n < 2) */
  std: (number | null)[];
  ci: (number | null)[];
}

export interface FigureSpec {
  id: string;
  section: 'accuracy' | 'lora' | 'defects';
  traces: Record<string, Json>[];
  layout: Record<string, Json>;
  errors: ErrorSet[];
  /** one-line caption under the plot */
  caption: string;
}

export const METHOD_COLOURS: Record<string, string> = {
  ideal: '#222222',
  unaware: '#d62728',
  remap: '#ff7f0e',
  fat: '#2ca02c',
  ittrna: '#1f77b4',
  lora: '#9467bd',
  lori: '#8c564b',
};
const DASHES = ['solid', 'dot', 'dash', 'longdash', 'dashdot', 'longdashdot'];

const SHORT: Record<string, string> = {
  'defects.lrsShare': 'LRS share',
  'defects.distribution': '',
  'lora.rank': 'r',
  'defects.rate': 'rate',
};

/** percent with float noise removed (0.07 → 7, not 7.000000000000001) */
export function pct(v: number): number {
  return Number((v * 100).toPrecision(12));
}
function pctOrNull(v: number | null): number | null {
  return v === null ? null : pct(v);
}
function fmt(v: number | null, digits = 2): string {
  return v === null ? '—' : v.toFixed(digits);
}

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const isLora = (m: FieldValue) => m === 'lora' || m === 'lori';

/** Fields that distinguish lines within a panel (beyond model, dataset, method and `exclude`). */
function variantFields(groups: GroupStats[], exclude: string[]): string[] {
  if (groups.length === 0) return [];
  const skip = new Set(['model', 'dataset', 'method', ...exclude]);
  return Object.keys(groups[0].fields).filter((f) => {
    if (skip.has(f)) return false;
    const vals = new Set(groups.filter((g) => !f.startsWith('lora.') || isLora(g.fields.method)).map((g) => JSON.stringify(g.fields[f])));
    return vals.size > 1;
  });
}

function lineLabel(g: GroupStats, variants: string[]): string {
  const parts = [String(g.fields.method)];
  for (const f of variants) {
    if (f.startsWith('lora.') && !isLora(g.fields.method)) continue;
    const name = f in SHORT ? SHORT[f] : f;
    const v = g.fields[f];
    parts.push(name ? `${name}=${v}` : String(v));
  }
  return parts.join(' · ');
}

/** Hover data per point: n, std, CI half-width, min, max (all in % points), failed+missing. */
function customData(g: GroupStats): Json[] {
  const a = g.stats.accuracy;
  return [a.n, fmt(pctOrNull(a.std)), fmt(pctOrNull(a.ci95)), fmt(pctOrNull(a.min)), fmt(pctOrNull(a.max)), g.nFailed + g.nMissing];
}
const HOVER_ACC =
  'accuracy %{y:.2f}% (mean of n=%{customdata[0]})<br>std %{customdata[1]} · 95% CI ±%{customdata[2]}' +
  '<br>min %{customdata[3]} · max %{customdata[4]}<br>failed or missing: %{customdata[5]}';

interface Line {
  label: string;
  method: string;
  groups: GroupStats[];
}

function linesBy(groups: GroupStats[], xField: string, variants: string[]): Line[] {
  const lines = new Map<string, Line>();
  for (const g of groups) {
    if (g.stats.accuracy.n === 0) continue; // only failed/missing: listed in the warnings, not plotted
    const label = lineLabel(g, variants.filter((f) => f !== xField));
    if (!lines.has(label)) lines.set(label, { label, method: String(g.fields.method), groups: [] });
    lines.get(label)!.groups.push(g);
  }
  for (const l of lines.values()) l.groups.sort((a, b) => Number(a.fields[xField]) - Number(b.fields[xField]));
  return [...lines.values()];
}

function lineTraces(lines: Line[], xOf: (g: GroupStats) => number, hoverX: string, errors: ErrorSet[], traces: Record<string, Json>[]): void {
  const dashIndex = new Map<string, number>();
  for (const l of lines) {
    const k = dashIndex.get(l.method) ?? 0;
    dashIndex.set(l.method, k + 1);
    const acc = l.groups.map((g) => g.stats.accuracy);
    errors.push({ trace: traces.length, std: acc.map((s) => pctOrNull(s.std)), ci: acc.map((s) => pctOrNull(s.ci95)) });
    traces.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: l.label,
      x: l.groups.map(xOf),
      y: acc.map((s) => pct(s.mean!)),
      customdata: l.groups.map(customData),
      line: { color: METHOD_COLOURS[l.method] ?? '#7f7f7f', dash: DASHES[k % DASHES.length], width: 2 },
      marker: { size: 7 },
      error_y: { type: 'data', array: acc.map((s) => pctOrNull(s.ci95)), visible: true, thickness: 1.2, width: 4 },
      hovertemplate: `<b>${l.label}</b><br>${hoverX}<br>${HOVER_ACC}<extra></extra>`,
    });
  }
}

function baseLayout(title: string, xTitle: string, yTitle: string): Record<string, Json> {
  return {
    title: { text: title, font: { size: 15 } },
    xaxis: { title: { text: xTitle }, zeroline: false },
    yaxis: { title: { text: yTitle }, zeroline: false },
    legend: { orientation: 'v' },
    margin: { l: 60, r: 20, t: 50, b: 55 },
    height: 430,
    hovermode: 'closest',
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif', size: 12 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#fafafa',
  };
}

function pooled(groups: GroupStats[], ideal: Summary[]): { n: number; mean: number | null } {
  let n = 0, sum = 0;
  for (let i = 0; i < groups.length; i++) {
    if (ideal[i].n > 0) { n += ideal[i].n; sum += ideal[i].mean! * ideal[i].n; }
  }
  return { n, mean: n > 0 ? sum / n : null };
}

function accuracyVsRate(panel: string, groups: GroupStats[]): FigureSpec {
  const defective = groups.filter((g) => g.fields.method !== 'ideal');
  const variants = variantFields(defective, ['defects.rate']);
  const lines = linesBy(defective, 'defects.rate', variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, (g) => pct(Number(g.fields['defects.rate'])), 'stuck cells %{x}%', errors, traces);
  const ideal = groups.filter((g) => g.fields.method === 'ideal');
  const ref = pooled(ideal, ideal.map((g) => g.stats.accuracy));
  if (ref.mean !== null) {
    const rates = defective.map((g) => pct(Number(g.fields['defects.rate'])));
    const xMax = rates.length ? Math.max(...rates) : 1;
    const y = pct(ref.mean);
    traces.push({
      type: 'scatter',
      mode: 'lines',
      name: `ideal (no defects, n=${ref.n})`,
      x: [0, xMax],
      y: [y, y],
      line: { color: METHOD_COLOURS.ideal, dash: 'dash', width: 1.5 },
      hovertemplate: `<b>ideal</b> (digital, no defects)<br>accuracy ${y.toFixed(2)}% (mean of n=${ref.n})<extra></extra>`,
    });
  }
  return {
    id: `acc-${slug(panel)}`,
    section: 'accuracy',
    traces,
    layout: baseLayout(`${panel}: accuracy vs defect rate`, 'stuck cells (% of all cells)', 'accuracy (%)'),
    errors,
    caption: `Mean over seeds per point; error bars switch between sample std and 95% CI (Student t). ${lines.length} line(s); dashed: ideal (defect-free) reference.`,
  };
}

function accuracyVsRank(panel: string, groups: GroupStats[]): FigureSpec {
  const lora = groups.filter((g) => isLora(g.fields.method));
  const variants = variantFields(lora, ['lora.rank']);
  // the defect rate always labels a rank line (one line per rate)
  if (!variants.includes('defects.rate')) variants.unshift('defects.rate');
  const lines = linesBy(lora, 'lora.rank', variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, (g) => Number(g.fields['lora.rank']), 'rank %{x}', errors, traces);
  const ranks = [...new Set(lora.map((g) => Number(g.fields['lora.rank'])))].sort((a, b) => a - b);
  const layout = baseLayout(`${panel}: LoRA accuracy vs rank`, 'LoRA rank r', 'accuracy (%)');
  layout.xaxis = { title: { text: 'LoRA rank r' }, type: 'log', tickvals: ranks, ticktext: ranks.map(String), zeroline: false };
  return {
    id: `rank-${slug(panel)}`,
    section: 'lora',
    traces,
    layout,
    errors,
    caption: 'Mean accuracy over seeds per LoRA/LoRI rank, one line per method and defect rate (log-scaled rank axis).',
  };
}

function accuracyVsWrites(panel: string, groups: GroupStats[]): FigureSpec {
  const onChip = groups.filter((g) => g.fields.method !== 'ideal' && g.stats.accuracy.n > 0 && g.stats.cellWrites.n > 0);
  const byMethod = new Map<string, GroupStats[]>();
  for (const g of onChip) {
    const m = String(g.fields.method);
    if (!byMethod.has(m)) byMethod.set(m, []);
    byMethod.get(m)!.push(g);
  }
  const variants = variantFields(onChip, []);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  for (const [method, gs] of byMethod) {
    const acc = gs.map((g) => g.stats.accuracy);
    errors.push({ trace: traces.length, std: acc.map((s) => pctOrNull(s.std)), ci: acc.map((s) => pctOrNull(s.ci95)) });
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: method,
      x: gs.map((g) => g.stats.cellWrites.mean!),
      y: acc.map((s) => pct(s.mean!)),
      text: gs.map((g) => lineLabel(g, variants)),
      customdata: gs.map(customData),
      marker: { color: METHOD_COLOURS[method] ?? '#7f7f7f', size: 9, opacity: 0.85 },
      error_y: { type: 'data', array: acc.map((s) => pctOrNull(s.ci95)), visible: true, thickness: 1, width: 3 },
      hovertemplate: `<b>%{text}</b><br>cell writes %{x:,.0f} (mean)<br>${HOVER_ACC}<extra></extra>`,
    });
  }
  const allPositive = onChip.every((g) => (g.stats.cellWrites.mean ?? 0) > 0);
  const layout = baseLayout(`${panel}: accuracy vs cell writes`, 'cell writes during training/adaptation (mean per setting)', 'accuracy (%)');
  layout.xaxis = { title: { text: 'cell writes during training/adaptation (mean per setting)' }, type: allPositive ? 'log' : 'linear', zeroline: false };
  return {
    id: `writes-${slug(panel)}`,
    section: 'lora',
    traces,
    layout,
    errors,
    caption: 'Each marker is one setting (method, defect rate, rank, …) averaged over seeds: up and to the left is better.',
  };
}

function rows2d(values: number[], rows: number, cols: number): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(values.slice(r * cols, (r + 1) * cols));
  return out;
}

function describe(p: PointSpec | undefined): string {
  return p ? `${p.model}/${p.dataset} · ${p.method} · ${pct(p.defects.rate)}% target · seed ${p.seed}` : 'point not in results';
}

function heatLayout(title: string, rows: number, cols: number): Record<string, Json> {
  const l = baseLayout(title, 'bit line (column)', 'word line (row)');
  l.yaxis = { title: { text: 'word line (row)' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' };
  l.xaxis = { title: { text: 'bit line (column)' }, constrain: 'domain' };
  l.height = Math.min(560, Math.max(360, 14 * rows + 120));
  l.legend = { orientation: 'h', y: -0.2 };
  void cols;
  return l;
}

export function defectFigures(artifacts: SweepArtifacts[], pointOf: Map<string, PointSpec>): FigureSpec[] {
  const figs: FigureSpec[] = [];
  // one tile per distribution: the artefact of the point with the highest defect rate
  const byDist = new Map<string, SweepArtifacts>();
  const rate = (a: SweepArtifacts) => pointOf.get(a.pointHash)?.defects.rate ?? -1;
  for (const a of artifacts) {
    if (!a.defectTile) continue;
    const d = a.defectTile.distribution;
    const prev = byDist.get(d);
    if (!prev || rate(a) > rate(prev)) byDist.set(d, a);
  }
  for (const d of [...byDist.keys()].sort((a, b) => (a === 'uniform' ? -1 : b === 'uniform' ? 1 : a.localeCompare(b)))) {
    const a = byDist.get(d)!;
    const t = a.defectTile!;
    const hrs = t.state.filter((s) => s === 1).length;
    const lrs = t.state.filter((s) => s === 2).length;
    const total = t.rows * t.cols;
    figs.push({
      id: `tile-${slug(d)}`,
      section: 'defects',
      traces: [{
        type: 'heatmap',
        z: rows2d(t.state, t.rows, t.cols),
        zmin: 0,
        zmax: 2,
        colorscale: [[0, '#eeeeee'], [0.3333, '#eeeeee'], [0.3334, '#2c7bb6'], [0.6666, '#2c7bb6'], [0.6667, '#d7191c'], [1, '#d7191c']],
        colorbar: { tickvals: [0.33, 1, 1.67], ticktext: ['healthy', 'stuck at HRS (off)', 'stuck at LRS (on)'], len: 0.6 },
        hovertemplate: 'row %{y}, col %{x}: %{z}<extra>0 healthy, 1 stuck at HRS, 2 stuck at LRS</extra>',
        xgap: 0.5,
        ygap: 0.5,
      }],
      layout: heatLayout(`Defect map (${d}): layer ${t.layer}, tile (${t.tileRow}, ${t.tileCol})`, t.rows, t.cols),
      errors: [],
      caption: `${describe(pointOf.get(a.pointHash))}. ${t.rows}×${t.cols} cells: ${hrs + lrs} stuck (${((100 * (hrs + lrs)) / total).toFixed(1)}%): ${hrs} at HRS (stuck-off), ${lrs} at LRS (stuck-on).`,
    });
  }
  // importance before/after ITT-RNA mapping: prefer an ittrna point, then the highest defect rate
  const imps = artifacts.filter((a) => a.importanceMap);
  imps.sort((x, y) => Number(pointOf.get(y.pointHash)?.method === 'ittrna') - Number(pointOf.get(x.pointHash)?.method === 'ittrna') || rate(y) - rate(x));
  if (imps.length > 0) {
    const a = imps[0];
    const m = a.importanceMap!;
    const zmax = Math.max(...m.before, ...m.after);
    const fx: number[] = [], fy: number[] = [];
    m.faulty.forEach((f, i) => { if (f) { fx.push(i % m.cols); fy.push(Math.floor(i / m.cols)); } });
    for (const which of ['before', 'after'] as const) {
      const imp = m[which];
      let onFaulty = 0, total = 0;
      imp.forEach((v, i) => { total += v; if (m.faulty[i]) onFaulty += v; });
      const share = total > 0 ? (100 * onFaulty) / total : 0;
      figs.push({
        id: `importance-${which}`,
        section: 'defects',
        traces: [
          {
            type: 'heatmap',
            z: rows2d(imp, m.rows, m.cols),
            zmin: 0,
            zmax,
            colorscale: 'Viridis',
            colorbar: { title: { text: 'importance' }, len: 0.6 },
            hovertemplate: 'row %{y}, col %{x}: importance %{z:.3g}<extra></extra>',
          },
          {
            type: 'scatter',
            mode: 'markers',
            name: 'faulty cell',
            x: fx,
            y: fy,
            marker: { symbol: 'x-thin-open', size: 6, color: '#ff3030', line: { width: 1.5, color: '#ff3030' } },
            hovertemplate: 'faulty cell row %{y}, col %{x}<extra></extra>',
          },
        ],
        layout: heatLayout(`Importance ${which} ITT-RNA mapping (layer ${m.layer}): ${share.toFixed(1)}% on faulty cells`, m.rows, m.cols),
        errors: [],
        caption: `${describe(pointOf.get(a.pointHash))}. Importance of the weight sitting on each physical cell ${which} the mapping; × = faulty cell. Share on faulty cells = Σ_faulty I / Σ I = ${share.toFixed(2)}%.`,
      });
    }
  }
  return figs;
}

export function buildFigures(agg: Aggregate, artifacts: SweepArtifacts[]): FigureSpec[] {
  const panels = new Map<string, GroupStats[]>();
  for (const g of agg.groups) {
    if (!panels.has(g.panel)) panels.set(g.panel, []);
    panels.get(g.panel)!.push(g);
  }
  const figs: FigureSpec[] = [];
  for (const [panel, groups] of panels) figs.push(accuracyVsRate(panel, groups));
  for (const [panel, groups] of panels) {
    if (groups.some((g) => isLora(g.fields.method) && g.stats.accuracy.n > 0)) {
      figs.push(accuracyVsRank(panel, groups));
      figs.push(accuracyVsWrites(panel, groups));
    }
  }
  const pointOf = new Map(agg.points.map((p) => [p.pointHash, p.point]));
  figs.push(...defectFigures(artifacts, pointOf));
  return figs;
}
