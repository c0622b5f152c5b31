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
import { multitaskFigures } from './multitask_figures.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { METHOD_INFO, METHOD_NAMES } from '../../src/methods/method_info.js';
import { modelLabel } from '../../src/nn/model.js';
import { STANDARD_FIELDS, type Aggregate, type FieldValue, type GroupStats } from './aggregate.js';
import type { Summary } from './stats.js';
import { deviceFigures } from './device_figures.js';
import { curveFigures } from './curves_figures.js';
import { repeatFigures } from './repeats_figures.js';
import { analysisFigures } from './analysis_figures.js';
import { loadArtifact, type DefectTileArtifact, type SweepArtifacts } from './sweep_dir.js';
import { baseKey } from '../sweep/schedule.js';

import { autoBand, bandViews, errorSetOf, errorY, yRangeOf, type BandMode, type ErrorSet, type Json } from './bands.js';
import { cropToUsedCells } from './tile_crop.js';
import { lossVsControl } from './control_figures.js';

export type { ErrorSet, Json } from './bands.js';

/** what a figure changes when the page switches the band: per trace a patch, and the y range / legend title */
export interface BandView {
  traces: Record<string, Record<string, Json>>;
  range?: [number, number];
  title: string;
}

/**
 * The write axes' scale switch: log (default) or linear. On the log axis a mean of 0 writes (a
 * method that programs once and never writes during training) sits at `zero`, one decade below the
 * smallest positive value, at a tick labelled 0; the linear axis puts it at 0. The page maps
 * x = zero ↔ 0 when it switches (no real value is below the smallest positive one).
 */
export interface XScaleSwitch {
  zero: number;
  log: Record<string, Json>;
  linear: Record<string, Json>;
}

export interface FigureSpec {
  id: string;
  section: 'accuracy' | 'lora' | 'multitask' | 'defects' | 'device';
  traces: Record<string, Json>[];
  layout: Record<string, Json>;
  errors: ErrorSet[];
  /** one-line caption under the plot */
  caption: string;
  /** per band mode (sim/report/bands.ts): what to change; absent without error bars */
  views?: Record<BandMode, BandView>;
  /** the write axes: log (default) and linear */
  xScale?: XScaleSwitch;
}

/** line colour per method, from the method registry (src/methods/method_info.ts) */
export const METHOD_COLOURS: Record<string, string> = Object.fromEntries(METHOD_NAMES.map((m) => [m, METHOD_INFO[m].colour]));
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

/** Per method: the fields that distinguish its lines (beyond model, dataset, method and `exclude`). */
export type Variants = Map<string, string[]>;

/**
 * A field labels a method's lines only if it takes more than one value among that method's groups,
 * so a setting that differs between methods (e.g. ittrna.calibrationBatches only set for ittrna)
 * does not clutter every label.
 */
export function variantFields(groups: GroupStats[], exclude: string[]): Variants {
  const out: Variants = new Map();
  if (groups.length === 0) return out;
  const skip = new Set(['model', 'dataset', 'method', ...exclude]);
  const fields = Object.keys(groups[0].fields).filter((f) => !skip.has(f));
  for (const m of new Set(groups.map((g) => String(g.fields.method)))) {
    const mine = groups.filter((g) => String(g.fields.method) === m);
    const varying = fields.filter((f) => {
      if (f.startsWith('lora.') && !isLora(m)) return false;
      return new Set(mine.map((g) => JSON.stringify(g.fields[f]))).size > 1;
    });
    // drop a field whose value follows from the others and the x field (e.g. lora.alpha set
    // equal to the rank): it would only lengthen labels, or split a rank line into single points.
    // Only non-standard fields are dropped (model/dataset/method/defect settings/rank always label).
    const keep = [...varying];
    for (let i = keep.length - 1; i >= 0; i--) {
      const f = keep[i];
      if ((STANDARD_FIELDS as readonly string[]).includes(f)) continue;
      const others = [...keep.filter((x) => x !== f), ...exclude.filter((x) => x in groups[0].fields)];
      const seen = new Map<string, string>();
      let determined = true;
      for (const g of mine) {
        const k = JSON.stringify(others.map((o) => g.fields[o]));
        const v = JSON.stringify(g.fields[f]);
        if (seen.has(k) && seen.get(k) !== v) { determined = false; break; }
        seen.set(k, v);
      }
      if (determined) keep.splice(i, 1);
    }
    out.set(m, keep);
  }
  return out;
}

export function lineLabel(g: GroupStats, variants: Variants, drop?: string): string {
  const parts = [String(g.fields.method)];
  for (const f of variants.get(String(g.fields.method)) ?? []) {
    if (f === drop) continue;
    const name = f in SHORT ? SHORT[f] : f;
    const v = g.fields[f];
    parts.push(name ? `${name}=${v}` : String(v));
  }
  return parts.join(' · ');
}

/**
 * y range (accuracy %) of the default band (bands.ts yRangeOf 'auto'): every plotted mean, its
 * bar (seed range for n < 3, 95% CI from 3) and the seed markers, padded and clamped to [0, 100].
 * The page switches to each mode's own range with the band (FigureSpec.views).
 */
export function accuracyRange(traces: Record<string, Json>[], errors: ErrorSet[]): [number, number] {
  return yRangeOf(traces, errors, 'auto', [0, 100]);
}

/** Hover data per point: n, std, CI half-width, min, max (all in % points), failed+missing, default band. */
export function customData(g: GroupStats): Json[] {
  const a = g.stats.accuracy;
  const band = autoBand(a.n) === 'range' ? `seed min–max (n=${a.n} < 3)` : '95% CI of the mean';
  return [a.n, fmt(pctOrNull(a.std)), fmt(pctOrNull(a.ci95)), fmt(pctOrNull(a.min)), fmt(pctOrNull(a.max)), g.nFailed + g.nMissing, band];
}
/** hover text of a mean; `what` names the y value */
export function hoverStats(what = 'accuracy', unit = '%'): string {
  return `${what} %{y:.2f}${unit} (mean of n=%{customdata[0]})<br>std %{customdata[1]} · 95% CI ±%{customdata[2]}` +
    '<br>min %{customdata[3]} · max %{customdata[4]}<br>default band: %{customdata[6]}<br>failed or missing: %{customdata[5]}';
}
const HOVER_ACC = hoverStats();

export interface Line {
  label: string;
  method: string;
  groups: GroupStats[];
}

export function linesBy(groups: GroupStats[], xField: string, variants: Variants): Line[] {
  const lines = new Map<string, Line>();
  for (const g of groups) {
    if (g.stats.accuracy.n === 0) continue; // only failed/missing: listed in the warnings, not plotted
    const label = lineLabel(g, variants, xField);
    if (!lines.has(label)) lines.set(label, { label, method: String(g.fields.method), groups: [] });
    lines.get(label)!.groups.push(g);
  }
  for (const l of lines.values()) l.groups.sort((a, b) => Number(a.fields[xField]) - Number(b.fields[xField]));
  return [...lines.values()];
}

/**
 * One mean trace per line (bars in the default band) and one trace of its individual seeds
 * (hollow markers, same legend group; shown where the band is the seed range).
 */
export function lineTraces(lines: Line[], xOf: (g: GroupStats) => number, hoverX: string, errors: ErrorSet[], traces: Record<string, Json>[], hover = HOVER_ACC): void {
  const dashIndex = new Map<string, number>();
  for (const l of lines) {
    const k = dashIndex.get(l.method) ?? 0;
    dashIndex.set(l.method, k + 1);
    const acc = l.groups.map((g) => g.stats.accuracy);
    const colour = METHOD_COLOURS[l.method] ?? '#7f7f7f';
    const e = errorSetOf(l.groups, xOf, 100, traces.length);
    e.seedTrace = traces.length + 1;
    errors.push(e);
    traces.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: l.label,
      legendgroup: l.label,
      x: l.groups.map(xOf),
      y: acc.map((s) => pct(s.mean!)),
      customdata: l.groups.map(customData),
      line: { color: colour, dash: DASHES[k % DASHES.length], width: 2 },
      marker: { size: 7 },
      error_y: errorY(e, 'auto', 1.2, 4),
      hovertemplate: `<b>${l.label}</b><br>${hoverX}<br>${hover}<extra></extra>`,
    });
    traces.push(seedTrace(l.label, colour, e, hoverX));
  }
}

/** the individual seeds of a line (default band: those of its n < 3 points) */
function seedTrace(label: string, colour: string, e: ErrorSet, hoverX: string): Record<string, Json> {
  const s = e.seedsAuto ?? { x: [], y: [], text: [] };
  return {
    type: 'scatter',
    mode: 'markers',
    name: `${label}: seeds`,
    legendgroup: label,
    showlegend: false,
    x: s.x,
    y: s.y,
    text: s.text,
    marker: { symbol: 'circle-open', size: 6, color: colour, line: { width: 1.2, color: colour } },
    hovertemplate: `<b>${label}</b> · %{text}<br>${hoverX}<br>%{y:.2f}<extra></extra>`,
  };
}

/**
 * The per-mode views of a figure with error sets (the page's band switch): each mean trace's
 * error_y, each seed trace's markers, the y range (when the figure sets one) and the legend title.
 */
export function attachBandViews(f: FigureSpec, clamp: [number, number]): void {
  if (f.errors.length === 0) return;
  const views = bandViews(f.traces, f.errors, clamp);
  const yaxis = f.layout.yaxis as Record<string, Json> | undefined;
  const hasRange = yaxis !== undefined && Array.isArray(yaxis.range);
  const out = {} as Record<BandMode, BandView>;
  for (const [mode, v] of Object.entries(views) as [BandMode, { range: [number, number]; title: string }][]) {
    const traces: BandView['traces'] = {};
    for (const e of f.errors) {
      const ey = f.traces[e.trace].error_y as Record<string, Json> | undefined;
      traces[e.trace] = { error_y: errorY(e, mode, Number(ey?.thickness ?? 1.2), Number(ey?.width ?? 4)) };
      if (e.seedTrace !== undefined) {
        const s = mode === 'range' ? e.seedsAll : mode === 'auto' ? e.seedsAuto : undefined;
        traces[e.seedTrace] = { x: s?.x ?? [], y: s?.y ?? [], text: s?.text ?? [] };
      }
    }
    out[mode] = { traces, title: v.title, ...(hasRange ? { range: v.range } : {}) };
  }
  f.views = out;
  if (hasRange) yaxis.range = out.auto.range!;
  const legend = (f.layout.legend ?? {}) as Record<string, Json>;
  legend.title = { text: out.auto.title, font: { size: 11 } };
  f.layout.legend = legend;
}

/**
 * Layout shared by the figures. The title sits below the plotly toolbar (which floats over the top
 * 32 px of the plot's box at the right): container-anchored, 40 px down, left-aligned, and the top
 * margin leaves room for both.
 */
export const TITLE_PAD_PX = 40;
export const TOP_MARGIN_PX = 84;
export const TITLE_PLACEMENT = { x: 0.01, xanchor: 'left', xref: 'container', y: 1, yanchor: 'top', yref: 'container', pad: { t: TITLE_PAD_PX, l: 8 } } as const;

export function baseLayout(title: string, xTitle: string, yTitle: string): Record<string, Json> {
  return {
    title: { text: title, font: { size: 15 }, ...TITLE_PLACEMENT },
    xaxis: { title: { text: xTitle }, zeroline: false },
    yaxis: { title: { text: yTitle }, zeroline: false },
    legend: { orientation: 'v' },
    margin: { l: 60, r: 20, t: TOP_MARGIN_PX, b: 55 },
    height: 450,
    hovermode: 'closest',
    font: { family: 'system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif', size: 12 },
    paper_bgcolor: '#ffffff',
    plot_bgcolor: '#fafafa',
  };
}

/**
 * The reference level of a panel: the mean accuracy over its distinct networks. For `ideal` (the
 * trained base, evaluated digitally) a network is one base, keyed like the sweep's base cache
 * (sim/sweep/schedule.ts baseKey: model, pool, dataset, seed, train, trainLimit), so ideal points
 * that differ only in fields ideal does not read (a device setting, say) count once; for other
 * methods every ok run counts. n = the number of networks (the seeds, for one base recipe).
 */
function pooled(groups: GroupStats[], method: string): { n: number; mean: number | null } {
  const seen = new Map<string, number>();
  for (const g of groups) {
    g.seeds.forEach((seed, i) => {
      const a = g.accuracies[i];
      if (a === null || a === undefined) return;
      const key = method === 'ideal' ? baseKey({ ...g.point, seed }) : `${g.key}|${seed}`;
      if (!seen.has(key)) seen.set(key, a);
    });
  }
  let sum = 0;
  for (const a of seen.values()) sum += a;
  return { n: seen.size, mean: seen.size > 0 ? sum / seen.size : null };
}

function accuracyVsRate(panel: string, groups: GroupStats[]): FigureSpec {
  const defective = groups.filter((g) => g.fields.method !== 'ideal' && g.fields.method !== 'control');
  const variants = variantFields(defective, ['defects.rate']);
  const lines = linesBy(defective, 'defects.rate', variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, (g) => pct(Number(g.fields['defects.rate'])), 'stuck cells %{x}%', errors, traces);
  // reference lines: ideal (digital, no defects) and control (same retraining budget, no defects)
  let refs = 0;
  const rates = defective.map((g) => pct(Number(g.fields['defects.rate'])));
  const xMax = rates.length ? Math.max(...rates) : 1;
  for (const [method, dash, what] of [['ideal', 'dash', 'no defects'], ['control', 'dot', 'same budget, no defects']] as const) {
    const mine = groups.filter((g) => g.fields.method === method);
    const ref = pooled(mine, method);
    if (ref.mean === null) continue;
    refs++;
    const y = pct(ref.mean);
    traces.push({
      type: 'scatter',
      mode: 'lines',
      name: `${method} (${what}, n=${ref.n} seed${ref.n === 1 ? '' : 's'})`,
      x: [0, xMax],
      y: [y, y],
      line: { color: METHOD_COLOURS[method], dash, width: 1.5 },
      hovertemplate: `<b>${method}</b> (${method === 'ideal' ? 'digital, no defects' : 'retrained on defect-free crossbars'})<br>accuracy ${y.toFixed(2)}% (mean of n=${ref.n})<extra></extra>`,
    });
  }
  const layout = baseLayout(`${panel}: accuracy vs defect rate`, 'stuck cells (% of all cells)', 'accuracy (%)');
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  return {
    id: `acc-${slug(panel)}`,
    section: 'accuracy',
    traces,
    layout,
    errors,
    caption: `Mean over seeds per point; bars: the seeds' min–max (○ each seed) where n < 3, the 95% CI of the mean (Student t) from 3 seeds (switch above). ${lines.length} line(s)${refs > 0 ? '; dashed: ideal (defect-free), dotted: control (same budget, defect-free)' : '; no ideal or control run in this panel'}.`,
  };
}

function accuracyVsRank(panel: string, groups: GroupStats[]): FigureSpec {
  const lora = groups.filter((g) => isLora(g.fields.method));
  const variants = variantFields(lora, ['lora.rank']);
  // the defect rate always labels a rank line (one line per rate)
  for (const fs of variants.values()) if (!fs.includes('defects.rate')) fs.unshift('defects.rate');
  const lines = linesBy(lora, 'lora.rank', variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, (g) => Number(g.fields['lora.rank']), 'rank %{x}', errors, traces);
  const ranks = [...new Set(lora.map((g) => Number(g.fields['lora.rank'])))].sort((a, b) => a - b);
  const layout = baseLayout(`${panel}: LoRA accuracy vs rank`, 'LoRA rank r', 'accuracy (%)');
  layout.xaxis = { title: { text: 'LoRA rank r' }, type: 'log', tickvals: ranks, ticktext: ranks.map(String), zeroline: false };
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  // the panel is half a page wide: a legend beside it would squeeze the plot to a sliver
  layout.legend = { orientation: 'h', y: -0.25, yanchor: 'top' };
  layout.margin = { l: 60, r: 20, t: TOP_MARGIN_PX, b: 70 };
  layout.height = 450 + 10 * traces.length;
  return {
    id: `rank-${slug(panel)}`,
    section: 'lora',
    traces,
    layout,
    errors,
    caption: 'Mean accuracy over seeds per LoRA/LoRI rank, one line per method and defect rate (log-scaled rank axis).',
  };
}

/** the two write counts a LoRA panel plots accuracy against */
const WRITE_AXES = {
  cellWrites: { id: 'writes', title: 'cell writes', axis: 'cell writes in training/adaptation (mean)', hover: 'cell writes' },
  cellsWritten: { id: 'cells', title: 'distinct cells written', axis: 'distinct cells written (mean)', hover: 'distinct cells written' },
} as const;

/** log-axis ticks: the decades covering [lo, hi] plus the 0 position; `zero` one decade below lo */
export function writeAxis(values: number[]): XScaleSwitch {
  const pos = values.filter((v) => v > 0);
  const lo = pos.length ? Math.min(...pos) : 1;
  const hi = pos.length ? Math.max(...pos) : 10;
  const d0 = Math.floor(Math.log10(lo)), d1 = Math.ceil(Math.log10(hi));
  const zero = 10 ** (d0 - 1);
  const hasZero = values.some((v) => v <= 0);
  const decades = Array.from({ length: d1 - d0 + 1 }, (_, i) => 10 ** (d0 + i));
  const sup = (e: number) => String(e).replace(/-/g, '⁻').replace(/\d/g, (c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[Number(c)]);
  const tickvals = [...(hasZero ? [zero] : []), ...decades];
  const ticktext = [...(hasZero ? ['0'] : []), ...decades.map((v) => (v >= 1 && v < 1e4 ? String(v) : `10${sup(Math.round(Math.log10(v)))}`))];
  return {
    zero,
    log: { type: 'log', tickvals, ticktext, range: [Math.log10(hasZero ? zero : lo) - 0.3, Math.log10(hi) + 0.3] },
    linear: { type: 'linear', tickvals: null, ticktext: null, range: null, autorange: true, rangemode: 'tozero' },
  };
}

function accuracyVsWrites(panel: string, groups: GroupStats[], metric: keyof typeof WRITE_AXES): FigureSpec {
  const ax = WRITE_AXES[metric];
  const onChip = groups.filter((g) => g.fields.method !== 'ideal' && g.stats.accuracy.n > 0 && g.stats[metric].n > 0);
  const byMethod = new Map<string, GroupStats[]>();
  for (const g of onChip) {
    const m = String(g.fields.method);
    if (!byMethod.has(m)) byMethod.set(m, []);
    byMethod.get(m)!.push(g);
  }
  const variants = variantFields(onChip, []);
  const scale = writeAxis(onChip.map((g) => g.stats[metric].mean!));
  const xLog = (g: GroupStats) => { const v = g.stats[metric].mean!; return v > 0 ? v : scale.zero; };
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  for (const [method, gs] of byMethod) {
    const acc = gs.map((g) => g.stats.accuracy);
    const colour = METHOD_COLOURS[method] ?? '#7f7f7f';
    const e = errorSetOf(gs, xLog, 100, traces.length);
    e.seedTrace = traces.length + 1;
    errors.push(e);
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: method,
      legendgroup: method,
      x: gs.map(xLog),
      y: acc.map((s) => pct(s.mean!)),
      text: gs.map((g) => lineLabel(g, variants)),
      customdata: gs.map((g) => [...customData(g), g.stats[metric].mean!]),
      marker: { color: colour, size: 9, opacity: 0.85 },
      error_y: errorY(e, 'auto', 1, 3),
      hovertemplate: `<b>%{text}</b><br>${ax.hover} %{customdata[7]:,.0f} (mean)<br>${HOVER_ACC}<extra></extra>`,
    });
    traces.push(seedTrace(method, colour, e, `${ax.hover} (mean of the setting)`));
  }
  const layout = baseLayout(`${panel}: accuracy vs ${ax.title}`, ax.axis, 'accuracy (%)');
  layout.xaxis = { title: { text: `${ax.axis}, log scale` }, zeroline: false, ...scale.log };
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  return {
    id: `${ax.id}-${slug(panel)}`,
    section: 'lora',
    traces,
    layout,
    errors,
    xScale: { ...scale, log: { ...scale.log, title: { text: `${ax.axis}, log scale` } }, linear: { ...scale.linear, title: { text: ax.axis } } },
    caption: 'Each marker is one setting (method, defect rate, rank, …) averaged over seeds: up and to the left is better. Log axis (switch above); 0 writes sit at the tick 0.'
      + (metric === 'cellWrites' ? ' Every level change of every cell is one write.' : ' A cell written at least once counts once, however often it was rewritten.'),
  };
}

/** Rows r0..r0+h-1, cols 0..w-1 of a row-major rows×cols array, as a 2-D array (top-left crop). */
function crop2d(values: number[], cols: number, h: number, w: number, round = false): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < h; r++) {
    const row = values.slice(r * cols, r * cols + w);
    out.push(round ? row.map((v) => Number(v.toPrecision(4))) : row);
  }
  return out;
}

function describe(p: PointSpec | undefined): string {
  return p ? `${modelLabel(p.model)}/${p.dataset} · ${p.method} · ${pct(p.defects.rate)}% target · seed ${p.seed}` : 'point not in results';
}

function heatLayout(title: string, rows: number): Record<string, Json> {
  const l = baseLayout(title, 'bit line (column)', 'word line (row)');
  l.yaxis = { title: { text: 'word line (row)' }, autorange: 'reversed', scaleanchor: 'x', constrain: 'domain' };
  l.xaxis = { title: { text: 'bit line (column)' }, constrain: 'domain' };
  l.height = Math.min(560, Math.max(360, 14 * rows + 120));
  l.legend = { orientation: 'h', y: -0.2 };
  return l;
}

/**
 * The marker of a faulty cell on an importance map, sized by a cell's side on the drawn map
 * (heatLayout: plot height ≈ layout height − 150 px for h rows, equal aspect): from 6 px a red
 * outline at 80% of the side (the inside keeps the importance colour); below, a 2 px red dot in the
 * cell's centre (an outline would cover a small cell), so at 20% faulty cells ~90% of each faulty
 * cell still shows its colour.
 */
export function faultyMarker(h: number, w: number): Record<string, Json> {
  const side = (Math.min(560, Math.max(360, 14 * h + 120)) - 150) / Math.max(h, w * 0.6);
  if (side >= 6) return { symbol: 'square-open', size: Math.min(24, Math.round(0.8 * side)), color: '#ff2a2a', line: { width: 1.5, color: '#ff2a2a' } };
  return { symbol: 'circle', size: 2, color: '#ff2a2a', opacity: 0.9, line: { width: 0 } };
}

/** Largest map drawn cell by cell; bigger maps show their top-left window of this size. */
export const MAX_MAP_SIDE = 128;

/**
 * Defect-map and importance figures from artefacts. Files are parsed only for the points chosen:
 * per defect distribution, the point with the highest defect rate (then lowest hash) whose
 * defect_tile.json is valid; for importance, an `ittrna` point first, then the highest rate.
 */
export function defectFigures(artifacts: SweepArtifacts[], pointOf: Map<string, PointSpec>, warnings: string[] = []): FigureSpec[] {
  const figs: FigureSpec[] = [];
  const rate = (a: SweepArtifacts) => pointOf.get(a.pointHash)?.defects.rate ?? -1;
  const byRate = (x: SweepArtifacts, y: SweepArtifacts) => rate(y) - rate(x) || x.pointHash.localeCompare(y.pointHash);

  // tiles: group candidates by the point's distribution (unknown point: read the file's own field)
  const tiles = artifacts.filter((a) => a.defectTilePath).sort(byRate);
  const loaded = new Map<string, DefectTileArtifact | null>();
  const load = (a: SweepArtifacts) => {
    if (!loaded.has(a.pointHash)) loaded.set(a.pointHash, loadArtifact(a.defectTilePath!, 'defectTile', warnings));
    return loaded.get(a.pointHash)!;
  };
  const dists: string[] = [];
  const distOf = (a: SweepArtifacts) => pointOf.get(a.pointHash)?.defects.distribution ?? load(a)?.distribution ?? '?';
  for (const a of tiles) if (!dists.includes(distOf(a))) dists.push(distOf(a));
  dists.sort((a, b) => (a === 'uniform' ? -1 : b === 'uniform' ? 1 : a.localeCompare(b)));
  for (const d of dists) {
    let chosen: { a: SweepArtifacts; t: DefectTileArtifact } | null = null;
    for (const a of tiles) {
      if (distOf(a) !== d) continue;
      const t = load(a);
      if (t) { chosen = { a, t }; break; }
    }
    if (!chosen) continue;
    const { a, t } = chosen;
    let hrs = 0, lrs = 0;
    for (const v of t.state) { if (v === 1) hrs++; else if (v === 2) lrs++; }
    const total = t.rows * t.cols;
    // only the cells the layer uses in this tile (a 9×16 layer on a 128×128 tile is drawn 9×16)
    const used = cropToUsedCells(pointOf.get(a.pointHash), t.layer, t.tileRow, t.tileCol, { rows: t.rows, cols: t.cols }) ?? { rows: t.rows, cols: t.cols };
    let uHrs = 0, uLrs = 0;
    for (let r = 0; r < used.rows; r++) for (let c = 0; c < used.cols; c++) { const v = t.state[r * t.cols + c]; if (v === 1) uHrs++; else if (v === 2) uLrs++; }
    const h = Math.min(used.rows, MAX_MAP_SIDE), w = Math.min(used.cols, MAX_MAP_SIDE);
    const window = h < used.rows || w < used.cols ? ` Showing rows 0–${h - 1}, columns 0–${w - 1}.` : '';
    const usedText = used.rows < t.rows || used.cols < t.cols
      ? ` The layer uses ${used.rows}×${used.cols} of them (drawn): ${uHrs + uLrs} stuck (${((100 * (uHrs + uLrs)) / (used.rows * used.cols)).toFixed(1)}%).`
      : '';
    figs.push({
      id: `tile-${slug(d)}`,
      section: 'defects',
      traces: [{
        type: 'heatmap',
        z: crop2d(t.state, t.cols, h, w),
        zmin: 0,
        zmax: 2,
        colorscale: [[0, '#eeeeee'], [0.3333, '#eeeeee'], [0.3334, '#2c7bb6'], [0.6666, '#2c7bb6'], [0.6667, '#d7191c'], [1, '#d7191c']],
        colorbar: { tickvals: [0.33, 1, 1.67], ticktext: ['healthy', 'stuck at HRS (off)', 'stuck at LRS (on)'], len: 0.6 },
        hovertemplate: 'row %{y}, col %{x}: %{z}<extra>0 healthy, 1 stuck at HRS, 2 stuck at LRS</extra>',
        xgap: h <= 64 ? 0.5 : 0,
        ygap: h <= 64 ? 0.5 : 0,
      }],
      layout: heatLayout(`Defect map (${d}): layer ${t.layer}, tile (${t.tileRow}, ${t.tileCol}) of ${t.rows}×${t.cols}, ${used.rows}×${used.cols} used`, h),
      errors: [],
      caption: `${describe(pointOf.get(a.pointHash))}. Tile of ${t.rows}×${t.cols} cells: ${hrs + lrs} stuck (${((100 * (hrs + lrs)) / total).toFixed(1)}%): ${hrs} at HRS (stuck-off), ${lrs} at LRS (stuck-on).${usedText}${window}`,
    });
  }

  // importance before/after ITT-RNA mapping
  const isIttrna = (a: SweepArtifacts) => Number(pointOf.get(a.pointHash)?.method === 'ittrna');
  const imps = artifacts.filter((a) => a.importanceMapPath).sort((x, y) => isIttrna(y) - isIttrna(x) || byRate(x, y));
  for (const a of imps) {
    const m = loadArtifact(a.importanceMapPath!, 'importanceMap', warnings);
    if (!m) continue;
    const p = pointOf.get(a.pointHash);
    // draw one crossbar tile's worth of cells (the point's tile size), at most MAX_MAP_SIDE a side
    const h = Math.min(m.rows, p?.crossbar.tileRows ?? 64, MAX_MAP_SIDE);
    const w = Math.min(m.cols, p?.crossbar.tileCols ?? 64, MAX_MAP_SIDE);
    // colour scale up to the 99th percentile of the drawn importances (heavy-tailed: a few large
    // values would otherwise leave every other cell dark); larger values show at the top colour
    const drawn: number[] = [];
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) drawn.push(m.before[r * m.cols + c], m.after[r * m.cols + c]);
    drawn.sort((x, y) => x - y);
    const zmax = drawn.length ? drawn[Math.min(drawn.length - 1, Math.floor(0.99 * drawn.length))] || drawn[drawn.length - 1] : 1;
    const fx: number[] = [], fy: number[] = [];
    for (let r = 0; r < h; r++) for (let c = 0; c < w; c++) if (m.faulty[r * m.cols + c]) { fx.push(c); fy.push(r); }
    const window = h < m.rows || w < m.cols ? ` Drawn: rows 0–${h - 1}, columns 0–${w - 1} (one tile) of ${m.rows}×${m.cols}; shares are over the whole layer.` : '';
    for (const which of ['before', 'after'] as const) {
      const imp = m[which];
      let onFaulty = 0, total = 0;
      for (let i = 0; i < imp.length; i++) { total += imp[i]; if (m.faulty[i]) onFaulty += imp[i]; }
      const share = total > 0 ? (100 * onFaulty) / total : 0;
      figs.push({
        id: `importance-${which}`,
        section: 'defects',
        traces: [
          {
            type: 'heatmap',
            z: crop2d(imp, m.cols, h, w, true),
            zmin: 0,
            zmax,
            colorscale: 'Viridis',
            colorbar: { title: { text: 'importance<br>(scale to 99th pct)' }, len: 0.6 },
            hovertemplate: 'row %{y}, col %{x}: importance %{z:.3g}<extra></extra>',
          },
          {
            type: 'scatter',
            mode: 'markers',
            name: 'faulty cell',
            x: fx,
            y: fy,
            // an outline around the cell (its inside, the importance colour, stays visible even at
            // 20 % faulty cells); a legend click hides the layer
            marker: faultyMarker(h, w),
            hovertemplate: 'faulty cell row %{y}, col %{x}<extra></extra>',
          },
        ],
        layout: heatLayout(`Importance ${which} ITT-RNA mapping (layer ${m.layer}): ${share.toFixed(1)}% on faulty cells`, h),
        errors: [],
        caption: `${describe(p)}. Importance of the weight sitting on each physical cell ${which} the mapping; red outline or dot = faulty cell (click 'faulty cell' in the legend to hide them). Share on faulty cells = Σ_faulty I / Σ I = ${share.toFixed(2)}%.${window}`,
      });
    }
    break;
  }
  return figs;
}

export function buildFigures(agg: Aggregate, artifacts: SweepArtifacts[], warnings: string[] = []): FigureSpec[] {
  const panels = new Map<string, GroupStats[]>();
  for (const g of agg.groups) {
    if (!panels.has(g.panel)) panels.set(g.panel, []);
    panels.get(g.panel)!.push(g);
  }
  const figs: FigureSpec[] = [];
  // a panel whose points all failed or are missing has nothing to draw (the warnings list them)
  for (const [panel, groups] of panels) {
    const f = accuracyVsRate(panel, groups);
    if (f.traces.length > 0) figs.push(f, lossVsControl(panel, groups));
  }
  for (const [panel, groups] of panels) {
    const lora = groups.filter((g) => isLora(g.fields.method) && g.stats.accuracy.n > 0);
    if (lora.length > 0) {
      // one rank makes a rank axis of one tick: its accuracies are in the defect-rate panel already
      if (new Set(lora.map((g) => g.fields['lora.rank'])).size > 1) figs.push(accuracyVsRank(panel, groups));
      figs.push(accuracyVsWrites(panel, groups, 'cellWrites'));
      // records from before the distinct-cell count have no cellsWritten: no such figure for them
      if (groups.some((g) => g.stats.cellsWritten.n > 0)) figs.push(accuracyVsWrites(panel, groups, 'cellsWritten'));
    }
  }
  figs.push(...curveFigures(agg));
  figs.push(...repeatFigures(agg));
  figs.push(...multitaskFigures(agg));
  const pointOf = new Map(agg.points.map((p) => [p.pointHash, p.point]));
  figs.push(...defectFigures(artifacts, pointOf, warnings));
  figs.push(...analysisFigures(agg));
  for (const [panel, groups] of panels) figs.push(...deviceFigures(panel, groups, agg.points));
  for (const f of figs) attachBandViews(f, f.id.startsWith('loss-') ? [-100, 100] : [0, 100]);
  return figs;
}
