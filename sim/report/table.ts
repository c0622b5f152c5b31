/**
 * The report's results table: one row per group (setting over seeds) with every aggregated number,
 * and the same data as CSV for download. Cells keep the exact number (for sorting, CSV and tests);
 * the page shows it formatted: accuracy-like columns in % with 2 decimals. A field the setting's
 * method does not read is empty (read_fields.ts).
 */
import type { Aggregate, GroupStats, MetricName } from './aggregate.js';
import { pct } from './figures.js';
import { readsField } from './read_fields.js';

export interface Column {
  key: string;
  label: string;
  kind: 'text' | 'number';
  /** how the page shows the number */
  format: 'text' | 'int' | 'pct' | 'rate' | 'num';
  help?: string;
}

export type Cell = string | number | null;

export interface Table {
  columns: Column[];
  rows: Cell[][];
}

const FIELD_LABELS: Record<string, string> = {
  model: 'model',
  dataset: 'dataset',
  method: 'method',
  'defects.rate': 'defect rate',
  'defects.lrsShare': 'LRS share',
  'defects.distribution': 'distribution',
  'lora.rank': 'LoRA rank',
};

const STAT_KEYS = ['mean', 'std', 'ci95', 'ci95Lo', 'ci95Hi', 'min', 'max'] as const;
const STAT_LABELS: Record<(typeof STAT_KEYS)[number], string> = {
  mean: 'mean', std: 'std', ci95: '95% CI ±', ci95Lo: '95% CI lo', ci95Hi: '95% CI hi', min: 'min', max: 'max',
};
const OTHER_METRICS: { m: MetricName; label: string; format: Column['format'] }[] = [
  { m: 'loss', label: 'loss', format: 'num' },
  { m: 'cellWrites', label: 'cell writes', format: 'int' },
  { m: 'cellsWritten', label: 'distinct cells written', format: 'int' },
  { m: 'trainableParams', label: 'trainable params', format: 'int' },
  { m: 'cellsUsed', label: 'cells used', format: 'int' },
  { m: 'extraMacsPerImage', label: 'extra MACs/image', format: 'int' },
  { m: 'wallSeconds', label: 'wall s', format: 'num' },
];

export function buildTable(agg: Aggregate): Table {
  // a field no setting reads (every row would be empty) gets no column
  const fields = agg.groups.length
    ? Object.keys(agg.groups[0].fields).filter((f) => f === 'model' || f === 'method' || agg.groups.some((g) => readsField(g.point, f)))
    : Object.keys(FIELD_LABELS);
  const columns: Column[] = [];
  for (const f of fields) {
    const numeric = agg.groups.length > 0 && agg.groups.every((g) => g.fields[f] === null || typeof g.fields[f] === 'number');
    columns.push({ key: f, label: FIELD_LABELS[f] ?? f, kind: numeric ? 'number' : 'text', format: f === 'defects.rate' ? 'rate' : numeric ? 'num' : 'text' });
  }
  columns.push(
    { key: 'n', label: 'n ok', kind: 'number', format: 'int', help: 'seeds with a result' },
    { key: 'nFailed', label: 'failed', kind: 'number', format: 'int' },
    { key: 'nMissing', label: 'missing', kind: 'number', format: 'int' },
    { key: 'seeds', label: 'seeds', kind: 'text', format: 'text' },
  );
  for (const s of STAT_KEYS) {
    columns.push({ key: `accuracy.${s}`, label: `acc ${STAT_LABELS[s]} (%)`, kind: 'number', format: 'pct' });
  }
  for (const o of OTHER_METRICS) {
    columns.push({ key: `${o.m}.mean`, label: `${o.label} (mean)`, kind: 'number', format: o.format });
    if (o.m === 'loss' || o.m === 'cellWrites') columns.push({ key: `${o.m}.std`, label: `${o.label} (std)`, kind: 'number', format: o.format === 'int' ? 'num' : o.format });
  }
  const rows = agg.groups.map((g) => columns.map((c) => cellValue(g, c.key)));
  return { columns, rows };
}

export function cellValue(g: GroupStats, key: string): Cell {
  if (key in g.fields) {
    // a field the setting's method does not read (the declarations' readIf, read_fields.ts) is
    // shown (and exported) empty: e.g. lora.rank for unaware, ittrna.* for fat, defects.rate for ideal
    if (key !== 'model' && key !== 'method' && !readsField(g.point, key)) return null;
    const v = g.fields[key];
    return typeof v === 'boolean' ? String(v) : v;
  }
  switch (key) {
    case 'n': return g.stats.accuracy.n;
    case 'nFailed': return g.nFailed;
    case 'nMissing': return g.nMissing;
    case 'seeds': return g.seeds.join(' ');
  }
  const [metric, stat] = key.split('.') as [MetricName, keyof GroupStats['stats'][MetricName]];
  const v = g.stats[metric]?.[stat];
  return typeof v === 'number' ? v : null;
}

/** How the page shows a cell (the CSV keeps the exact number). */
export function formatCell(v: Cell, format: Column['format']): string {
  if (v === null) return '—';
  if (typeof v === 'string') return v;
  switch (format) {
    case 'pct': return pct(v).toFixed(2);
    case 'rate': return String(v);
    case 'int': return Math.round(v).toLocaleString('en-US');
    case 'num': return String(Number(v.toPrecision(5)));
    default: return String(v);
  }
}

function csvField(v: Cell): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with column keys as the header; accuracy as fractions (not %), full precision. */
export function tableCsv(t: Table): string {
  const lines = [t.columns.map((c) => csvField(c.key)).join(',')];
  for (const r of t.rows) lines.push(r.map(csvField).join(','));
  return lines.join('\n') + '\n';
}
