/**
 * Report panels of device physics over time and along the wires (drift, wear-out, IR drop), per model × dataset panel:
 * - accuracy vs time after programming (device.drift.t, log axis), one line per method and variant
 *   (e.g. refresh period device.drift.refreshEvery); drawn when t takes ≥ 2 values;
 * - accuracy vs wire resistance (crossbar.lineResistance.rWire; a point without the field has ideal
 *   wires, r = 0), one line per method; drawn when r takes ≥ 2 values;
 * - lifetime (points with extra.lifetimeCurve, src/methods/lifetime.ts): accuracy vs adaptation round
 *   and worn-out cells vs round, one line per setting (method, N50, …): per round r the mean over the
 *   setting's ok seeds of curve.accuracy[r] (curve.wornOutCells[r]); error bars the Student-t 95 % CI
 *   (accuracy only); dashed: the lifetime threshold. Each line's legend carries the mean of
 *   extra.lifetimeRoundsAbove over its seeds (rounds before accuracy first falls below the threshold).
 * Accuracy in %, points = means over seeds, error bars as in figures.ts.
 */
import { getPath, groupKey, type GroupStats, type PointStatus } from './aggregate.js';
import {
  accuracyRange, baseLayout, lineLabel, linesBy, lineTraces, METHOD_COLOURS, pct, variantFields,
  type ErrorSet, type FigureSpec, type Json,
} from './figures.js';
import { summarise } from './stats.js';

function slug(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

const DASHES = ['solid', 'dot', 'dash', 'longdash', 'dashdot', 'longdashdot'];

function distinct(groups: GroupStats[], f: (g: GroupStats) => unknown): number {
  return new Set(groups.map((g) => JSON.stringify(f(g) ?? null))).size;
}

/** accuracy vs one numeric point field; `exclude` = fields that must not split lines */
function accuracyVsField(panel: string, groups: GroupStats[], o: {
  field: string; exclude: string[]; xOf: (g: GroupStats) => number; id: string; title: string; xTitle: string; hover: string; log: boolean; caption: string;
}): FigureSpec {
  const gs = groups.filter((g) => g.fields.method !== 'ideal' && g.stats.accuracy.n > 0);
  // the x field must be a label field to sort lines: copy it in (null → the xOf value)
  const withX = gs.map((g) => ({ ...g, fields: { ...g.fields, [o.field]: o.xOf(g) } }));
  const variants = variantFields(withX, [o.field, ...o.exclude]);
  for (const [m, fs] of variants) variants.set(m, fs.filter((f) => !o.exclude.some((e) => f.startsWith(e))));
  const lines = linesBy(withX, o.field, variants);
  const traces: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  lineTraces(lines, o.xOf, o.hover, errors, traces);
  const layout = baseLayout(`${panel}: ${o.title}`, o.xTitle, 'accuracy (%)');
  layout.xaxis = { title: { text: o.xTitle }, type: o.log ? 'log' : 'linear', zeroline: false };
  layout.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(traces, errors), zeroline: false };
  return { id: `${o.id}-${slug(panel)}`, section: 'device', traces, layout, errors, caption: o.caption };
}

function rWireOf(g: GroupStats): number {
  const v = getPath(g.point, 'crossbar.lineResistance.rWire');
  return typeof v === 'number' ? v : 0;
}

interface Curve { accuracy: number[]; wornOutCells: number[] }

function curveOf(p: PointStatus): Curve | null {
  const c = p.record?.metrics?.extra?.lifetimeCurve;
  if (p.status !== 'ok' || typeof c !== 'string') return null;
  try {
    const o = JSON.parse(c) as Curve;
    return Array.isArray(o.accuracy) && Array.isArray(o.wornOutCells) ? o : null;
  } catch {
    return null;
  }
}

function lifetimeFigures(panel: string, groups: GroupStats[], points: PointStatus[]): FigureSpec[] {
  const byKey = new Map<string, PointStatus[]>();
  for (const p of points) {
    if (!curveOf(p)) continue;
    const key = groupKey(p.point);
    const g = groups.find((x) => x.key === key);
    if (!g) continue;
    if (!byKey.has(g.key)) byKey.set(g.key, []);
    byKey.get(g.key)!.push(p);
  }
  if (byKey.size === 0) return [];
  const gs = groups.filter((g) => byKey.has(g.key));
  const variants = variantFields(gs, []);
  const acc: Record<string, Json>[] = [], worn: Record<string, Json>[] = [];
  const errors: ErrorSet[] = [];
  const dashIndex = new Map<string, number>();
  let threshold: number | null = null, maxRound = 0;
  for (const g of gs) {
    const ps = byKey.get(g.key)!.sort((a, b) => a.point.seed - b.point.seed);
    const curves = ps.map((p) => curveOf(p)!);
    const R = Math.min(...curves.map((c) => c.accuracy.length));
    maxRound = Math.max(maxRound, R - 1);
    const rounds = Array.from({ length: R }, (_, r) => r);
    const a = rounds.map((r) => summarise(curves.map((c) => c.accuracy[r])));
    const w = rounds.map((r) => summarise(curves.map((c) => c.wornOutCells[r])));
    const above = summarise(ps.map((p) => Number(p.record!.metrics!.extra!.lifetimeRoundsAbove)).filter(Number.isFinite));
    const thr = Number(ps[0].record!.metrics!.extra!.lifetimeThreshold);
    if (Number.isFinite(thr)) threshold = thr;
    const method = String(g.fields.method);
    const k = dashIndex.get(method) ?? 0;
    dashIndex.set(method, k + 1);
    const label = `${lineLabel(g, variants)} (rounds ≥ threshold: ${above.mean === null ? '—' : above.mean.toFixed(1)}, n=${ps.length})`;
    const line = { color: METHOD_COLOURS[method] ?? '#7f7f7f', dash: DASHES[k % DASHES.length], width: 2 };
    errors.push({ trace: acc.length, std: a.map((s) => (s.std === null ? null : pct(s.std))), ci: a.map((s) => (s.ci95 === null ? null : pct(s.ci95))) });
    acc.push({
      type: 'scatter', mode: 'lines+markers', name: label, x: rounds, y: a.map((s) => pct(s.mean!)), line, marker: { size: 5 },
      error_y: { type: 'data', array: a.map((s) => (s.ci95 === null ? null : pct(s.ci95))), visible: true, thickness: 1, width: 3 },
      hovertemplate: `<b>${label}</b><br>round %{x}<br>accuracy %{y:.2f}% (mean)<extra></extra>`,
    });
    worn.push({
      type: 'scatter', mode: 'lines+markers', name: label, x: rounds, y: w.map((s) => s.mean!), line, marker: { size: 5 },
      hovertemplate: `<b>${label}</b><br>round %{x}<br>worn-out cells %{y:,.0f} (mean)<extra></extra>`,
    });
  }
  if (threshold !== null) {
    acc.push({
      type: 'scatter', mode: 'lines', name: `threshold ${pct(threshold)} %`, x: [0, maxRound], y: [pct(threshold), pct(threshold)],
      line: { color: '#444444', dash: 'dash', width: 1.2 }, hoverinfo: 'skip',
    });
  }
  const la = baseLayout(`${panel}: lifetime, accuracy vs adaptation round`, 'adaptation round (0 = deployment)', 'accuracy (%)');
  la.yaxis = { title: { text: 'accuracy (%)' }, range: accuracyRange(acc, errors), zeroline: false };
  la.legend = { orientation: 'h', y: -0.25, yanchor: 'top' };
  la.height = 460 + 18 * acc.length;
  const lw = baseLayout(`${panel}: lifetime, worn-out cells vs adaptation round`, 'adaptation round (0 = deployment)', 'worn-out cells (all arrays, mean over seeds)');
  lw.legend = { orientation: 'h', y: -0.25, yanchor: 'top' };
  lw.height = 460 + 18 * worn.length;
  return [
    { id: `lifetime-acc-${slug(panel)}`, section: 'device', traces: acc, layout: la, errors, caption: 'Mean accuracy over seeds after each adaptation round (error bars: 95% CI); dashed: the lifetime threshold. Legend: mean rounds before accuracy first falls below it.' },
    { id: `lifetime-worn-${slug(panel)}`, section: 'device', traces: worn, layout: lw, errors: [], caption: 'Cells worn out by writes beyond their endurance budget (base and adapter arrays), mean over seeds.' },
  ];
}

export function deviceFigures(panel: string, groups: GroupStats[], points: PointStatus[]): FigureSpec[] {
  const figs: FigureSpec[] = [];
  const onChip = groups.filter((g) => g.fields.method !== 'ideal' && g.stats.accuracy.n > 0);
  if (distinct(onChip.filter((g) => getPath(g.point, 'device.drift.t') !== undefined), (g) => getPath(g.point, 'device.drift.t')) > 1) {
    figs.push(accuracyVsField(panel, onChip.filter((g) => getPath(g.point, 'device.drift.t') !== undefined), {
      field: 'device.drift.t', exclude: [], xOf: (g) => Number(getPath(g.point, 'device.drift.t')), id: 'drift',
      title: 'accuracy vs time after programming', xTitle: 'time after programming t (s, log)', hover: 't = %{x:.3s} s', log: true,
      caption: 'Conductance drift u(t) = u(t0)(t/t0)^−ν per cell; one line per method and refresh period (device.drift.refreshEvery).',
    }));
  }
  if (distinct(onChip, rWireOf) > 1) {
    figs.push(accuracyVsField(panel, onChip, {
      field: 'crossbar.lineResistance.rWire', exclude: ['crossbar.lineResistance'], xOf: rWireOf, id: 'rwire',
      title: 'accuracy vs wire resistance', xTitle: 'wire resistance per cell segment r_wire (Ω)', hover: 'r_wire %{x} Ω', log: false,
      caption: 'IR drop on word and bit lines of every tile (crossbar.lineResistance); r = 0: ideal wires.',
    }));
  }
  figs.push(...lifetimeFigures(panel, groups, points));
  return figs;
}
