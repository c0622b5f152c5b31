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
  section: 'accuracy' | 'lora' | 'multitask' | 'defects' | 'device';
  traces: Record<string, Json>[];
  layout: Record<string, Json>;
  errors: ErrorSet[];
  /** one-line caption under the plot */
  caption: string;
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
 * y range (accuracy %) covering every plotted mean ± its larger error bar (std or 95% CI), padded
 * by 2 points and clamped to [0, 100]: accuracy cannot leave that interval, so a wide t interval
 * (n = 2 gives t = 12.7) is cut at the bounds instead of stretching the axis past them.
 */
export function accuracyRange(traces: Record<string, Json>[], errors: ErrorSet[]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  traces.forEach((t, i) => {
    const ys = t.y as number[];
    const e = errors.find((x) => x.trace === i);
    ys.forEach((y, j) => {
      const d = Math.max(e?.std[j] ?? 0, e?.ci[j] ?? 0);
      lo = Math.min(lo, y - d);
      hi = Math.max(hi, y + d);
    });
  });
  if (!Number.isFinite(lo)) return [0, 100];
  return [Math.max(0, Math.floor(lo - 2)), Math.min(100, Math.ceil(hi + 2))];
}

/** Hover data per point: n, std, CI half-width, min, max (all in % points), failed+missing. */
export function customData(g: GroupStats): Json[] {
  const a = g.stats.accuracy;
  return [a.n, fmt(pctOrNull(a.std)), fmt(pctOrNull(a.ci95)), fmt(pctOrNull(a.min)), fmt(pctOrNull(a.max)), g.nFailed + g.nMissing];
}
const HOVER_ACC =
  'accuracy %{y:.2f}% (mean of n=%{customdata[0]})<br>std %{customdata[1]} · 95% CI ±%{customdata[2]}' +
  '<br>min %{customdata[3]} · max %{customdata[4]}<br>failed or missing: %{customdata[5]}';

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

export function lineTraces(lines: Line[], xOf: (g: GroupStats) => number, hoverX: string, errors: ErrorSet[], traces: Record<string, Json>[]): void {
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

export function baseLayout(title: string, xTitle: string, yTitle: string): Record<string, Json> {
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
  const layout = baseLayout(`${panel}: accuracy vs defect rate`, 'stuck cells (% of all cells)', 'accuracy (%)');
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  return {
    id: `acc-${slug(panel)}`,
    section: 'accuracy',
    traces,
    layout,
    errors,
    caption: `Mean over seeds per point; error bars switch between sample std and 95% CI (Student t). ${lines.length} line(s)${ref.mean !== null ? '; dashed: ideal (defect-free) reference' : '; no ideal run in this panel'}.`,
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
  layout.margin = { l: 60, r: 20, t: 50, b: 70 };
  layout.height = 430 + 20 * traces.length;
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
  cellWrites: { id: 'writes', title: 'cell writes', axis: 'cell writes during training/adaptation (mean per setting)', hover: 'cell writes' },
  cellsWritten: { id: 'cells', title: 'distinct cells written', axis: 'distinct cells written during training/adaptation (mean per setting)', hover: 'distinct cells written' },
} as const;

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
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  for (const [method, gs] of byMethod) {
    const acc = gs.map((g) => g.stats.accuracy);
    errors.push({ trace: traces.length, std: acc.map((s) => pctOrNull(s.std)), ci: acc.map((s) => pctOrNull(s.ci95)) });
    traces.push({
      type: 'scatter',
      mode: 'markers',
      name: method,
      x: gs.map((g) => g.stats[metric].mean!),
      y: acc.map((s) => pct(s.mean!)),
      text: gs.map((g) => lineLabel(g, variants)),
      customdata: gs.map(customData),
      marker: { color: METHOD_COLOURS[method] ?? '#7f7f7f', size: 9, opacity: 0.85 },
      error_y: { type: 'data', array: acc.map((s) => pctOrNull(s.ci95)), visible: true, thickness: 1, width: 3 },
      hovertemplate: `<b>%{text}</b><br>${ax.hover} %{x:,.0f} (mean)<br>${HOVER_ACC}<extra></extra>`,
    });
  }
  const allPositive = onChip.every((g) => (g.stats[metric].mean ?? 0) > 0);
  const layout = baseLayout(`${panel}: accuracy vs ${ax.title}`, ax.axis, 'accuracy (%)');
  layout.xaxis = { title: { text: ax.axis }, type: allPositive ? 'log' : 'linear', zeroline: false };
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  return {
    id: `${ax.id}-${slug(panel)}`,
    section: 'lora',
    traces,
    layout,
    errors,
    caption: 'Each marker is one setting (method, defect rate, rank, …) averaged over seeds: up and to the left is better.'
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
    const h = Math.min(t.rows, MAX_MAP_SIDE), w = Math.min(t.cols, MAX_MAP_SIDE);
    const window = h < t.rows || w < t.cols ? ` Showing rows 0–${h - 1}, columns 0–${w - 1}.` : '';
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
      layout: heatLayout(`Defect map (${d}): layer ${t.layer}, tile (${t.tileRow}, ${t.tileCol})`, h),
      errors: [],
      caption: `${describe(pointOf.get(a.pointHash))}. ${t.rows}×${t.cols} cells: ${hrs + lrs} stuck (${((100 * (hrs + lrs)) / total).toFixed(1)}%): ${hrs} at HRS (stuck-off), ${lrs} at LRS (stuck-on).${window}`,
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
            marker: { symbol: 'x-thin-open', size: h <= 32 ? 6 : h <= 64 ? 4 : 3, opacity: fx.length > 0.1 * h * w ? 0.55 : 0.9, color: '#ff3030', line: { width: 1.2, color: '#ff3030' } },
            hovertemplate: 'faulty cell row %{y}, col %{x}<extra></extra>',
          },
        ],
        layout: heatLayout(`Importance ${which} ITT-RNA mapping (layer ${m.layer}): ${share.toFixed(1)}% on faulty cells`, h),
        errors: [],
        caption: `${describe(p)}. Importance of the weight sitting on each physical cell ${which} the mapping; × = faulty cell. Share on faulty cells = Σ_faulty I / Σ I = ${share.toFixed(2)}%.${window}`,
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
    if (f.traces.length > 0) figs.push(f);
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
  return figs;
}
