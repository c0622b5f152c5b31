/**
 * Aggregation of a sweep's results over seeds.
 *
 * 1. Resolve each pointHash to one status: the last `ok` record if any, else the last `failed`
 *    record, else (listed in manifest.expectedPoints but no record at all) `missing`.
 *    Duplicate records of one pointHash (retries, merges) are counted and reported.
 * 1b. Points of the methods that run without stuck cells (ideal, control: METHOD_INFO reads.defects
 *    false) are one point per network: sweeps planned before their defect rate was reset recorded
 *    one such point per rate (different hashes, the same network and accuracy). They are collapsed
 *    by the point without its defect section (seed included): the ok one kept (the lowest rate
 *    first), shown with the defects the planner gives it today (rate 0), so n counts networks.
 * 2. Group the points by every field of the PointSpec except `seed` (group key =
 *    stableStringify(point without seed)), so a group is one experimental setting
 *    (model, dataset, method, defect rate, LRS share, distribution, LoRA rank, …) over seeds.
 * 3. Per group and metric, summarise the ok points with `summarise` (sim/report/stats.ts):
 *    n, mean, sample std (n − 1), Student-t 95% CI of the mean, min, max.
 *    Failed and missing points are counted per group, never folded into the statistics.
 */
import type { MethodName, PointSpec } from '../../src/experiment/point.js';
import { METHOD_INFO, METHOD_NAMES, type MethodInfo } from '../../src/methods/method_info.js';
import { DEFECT_FIELDS } from '../../src/crossbar/defect_spec.js';
import type { PointMetrics, ResultRecord } from '../../src/experiment/result.js';
import { stableStringify } from '../../src/util/hash.js';
import { modelLabel } from '../../src/nn/model.js';
import { summarise, type Summary } from './stats.js';

export type FieldValue = string | number | boolean | null;

/** Fields that always label a group (dotted paths into PointSpec). */
export const STANDARD_FIELDS = [
  'model',
  'dataset',
  'method',
  'defects.rate',
  'defects.lrsShare',
  'defects.distribution',
  'lora.rank',
] as const;

export const METRICS = ['accuracy', 'loss', 'cellWrites', 'cellsWritten', 'trainableParams', 'cellsUsed', 'extraMacsPerImage', 'wallSeconds'] as const;
export type MetricName = (typeof METRICS)[number];

/** Method order used for sorting: the order of the method registry (src/methods/method_info.ts). */
export const METHOD_ORDER: readonly MethodName[] = METHOD_NAMES;

export interface PointStatus {
  pointHash: string;
  point: PointSpec;
  status: 'ok' | 'failed' | 'missing';
  error?: string;
  record?: ResultRecord;
}

export interface GroupStats {
  /** stableStringify of the point without its seed */
  key: string;
  /** "model · dataset" */
  panel: string;
  /** one point of the group (the first seed) */
  point: PointSpec;
  /** label fields: STANDARD_FIELDS then the extra varying fields */
  fields: Record<string, FieldValue>;
  /** seeds of the ok points, ascending */
  seeds: number[];
  /** accuracy of each ok point, aligned with `seeds` (null: not recorded) */
  accuracies: (number | null)[];
  nOk: number;
  nFailed: number;
  nMissing: number;
  stats: Record<MetricName, Summary>;
}

export interface Aggregate {
  groups: GroupStats[];
  /** PointSpec paths (besides STANDARD_FIELDS and seed) whose value differs between points */
  extraFields: string[];
  points: PointStatus[];
  failed: PointStatus[];
  missing: PointStatus[];
  /** records beyond the first for some pointHash */
  duplicates: number;
  /** points of methods without stuck cells collapsed onto the same network's point (sweeps planned before their rate was reset) */
  collapsed: number;
  /** ok/failed records whose pointHash is not in expectedPoints (only counted when a manifest lists points) */
  unexpected: number;
}

export function getPath(obj: unknown, path: string): unknown {
  let v: unknown = obj;
  for (const k of path.split('.')) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

function toFieldValue(v: unknown): FieldValue {
  if (v === undefined || v === null) return null;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return stableStringify(v);
}

/** Leaf paths of a point (arrays count as leaves). */
function leaves(obj: unknown, prefix: string, out: Map<string, unknown>): void {
  // a model description is one field (its full text, so two descriptions sharing a name differ)
  if (prefix === 'model') out.set(prefix, obj);
  else if (obj !== null && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj as Record<string, unknown>)) leaves(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, obj);
}

export function groupKey(point: PointSpec): string {
  const { seed: _seed, ...rest } = point;
  return stableStringify(rest);
}

function metricValue(rec: ResultRecord, m: MetricName): number | undefined {
  if (m === 'wallSeconds') return rec.wallSeconds;
  const v = rec.metrics?.[m as keyof PointMetrics];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function compareValues(a: FieldValue, b: FieldValue): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b));
}

/**
 * A failed point's error as the report shows it: the first line only (sweeps store one line, with
 * the trace in DIR/errors.log; records from older sweeps may hold a whole stack trace, whose frames
 * name absolute paths of the machine that ran them), with file:// URLs cut to the file name, at
 * most 1000 characters.
 */
export function shownError(error: string | undefined): string {
  if (error === undefined || error.trim() === '') return '(no error message recorded)';
  const first = error.trim().split(/\r?\n/)[0].replace(/file:\/\/\S*\/([^/\s]+)/g, '$1').trim();
  return first.length > 1000 ? `${first.slice(0, 999)}…` : first;
}

export function resolvePoints(records: readonly ResultRecord[], expected: readonly { pointHash: string; point: PointSpec }[] | undefined): {
  points: PointStatus[];
  duplicates: number;
  unexpected: number;
} {
  const byHash = new Map<string, PointStatus>();
  let duplicates = 0;
  for (const rec of records) {
    const prev = byHash.get(rec.pointHash);
    if (prev) duplicates++;
    // the last ok record wins; a failed record never replaces an ok one
    if (!prev || rec.status === 'ok' || prev.status !== 'ok') {
      byHash.set(rec.pointHash, {
        pointHash: rec.pointHash,
        point: rec.point,
        status: rec.status,
        error: rec.status === 'failed' ? shownError(rec.error) : undefined,
        record: rec,
      });
    }
  }
  let unexpected = 0;
  if (expected && expected.length > 0) {
    const expectedSet = new Set(expected.map((e) => e.pointHash));
    for (const h of byHash.keys()) if (!expectedSet.has(h)) unexpected++;
    for (const e of expected) {
      if (!byHash.has(e.pointHash)) byHash.set(e.pointHash, { pointHash: e.pointHash, point: e.point, status: 'missing' });
    }
  }
  return { points: [...byHash.values()], duplicates, unexpected };
}

/** the method runs without stuck cells (its defect rate is reset at planning: METHOD_INFO reads.defects) */
export function withoutStuckCells(method: string): boolean {
  const info = (METHOD_INFO as Record<string, MethodInfo>)[method];
  return info !== undefined && info.reads.defects === false;
}

/** the defect section the planner gives a point without stuck cells (rate 0, placement at its defaults) */
function noDefects(d: PointSpec['defects']): PointSpec['defects'] {
  const out = { rate: 0, lrsShare: DEFECT_FIELDS.lrsShare.default, distribution: DEFECT_FIELDS.distribution.default } as PointSpec['defects'];
  if (d.seed !== undefined) out.seed = d.seed;
  return out;
}

/**
 * One point per network for the methods without stuck cells: points that differ only in their
 * defect section collapse; the kept one is ok if any is (then the lowest rate, then the first).
 */
export function collapseNoDefectPoints(points: PointStatus[]): { points: PointStatus[]; collapsed: number } {
  const rank = (p: PointStatus) => (p.status === 'ok' ? 0 : p.status === 'failed' ? 1 : 2);
  const best = new Map<string, PointStatus>();
  const out: (PointStatus | string)[] = [];
  let collapsed = 0;
  for (const p of points) {
    if (!withoutStuckCells(p.point.method)) { out.push(p); continue; }
    const key = stableStringify({ ...p.point, defects: noDefects(p.point.defects) });
    const prev = best.get(key);
    if (!prev) { best.set(key, p); out.push(key); continue; }
    collapsed++;
    if (rank(p) < rank(prev) || (rank(p) === rank(prev) && p.point.defects.rate < prev.point.defects.rate)) best.set(key, p);
  }
  return {
    points: out.map((x) => {
      if (typeof x !== 'string') return x;
      const p = best.get(x)!;
      return { ...p, point: { ...p.point, defects: noDefects(p.point.defects) } };
    }),
    collapsed,
  };
}

export function aggregate(
  records: readonly ResultRecord[],
  expected?: readonly { pointHash: string; point: PointSpec }[],
): Aggregate {
  const resolved = resolvePoints(records, expected);
  const { duplicates, unexpected } = resolved;
  const { points, collapsed } = collapseNoDefectPoints(resolved.points);

  // which fields vary across the whole sweep (beyond the standard ones)
  const seen = new Map<string, Set<string>>();
  for (const p of points) {
    const m = new Map<string, unknown>();
    leaves(p.point, '', m);
    for (const [k, v] of m) {
      if (!seen.has(k)) seen.set(k, new Set());
      seen.get(k)!.add(stableStringify(v ?? null));
    }
  }
  const standard = new Set<string>(STANDARD_FIELDS);
  const extraFields = [...seen.entries()]
    .filter(([k, vals]) => k !== 'seed' && !standard.has(k) && vals.size > 1)
    .map(([k]) => k)
    .sort();
  const labelFields = [...STANDARD_FIELDS, ...extraFields];

  const byKey = new Map<string, PointStatus[]>();
  for (const p of points) {
    const k = groupKey(p.point);
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k)!.push(p);
  }

  const groups: GroupStats[] = [];
  for (const [key, members] of byKey) {
    members.sort((a, b) => a.point.seed - b.point.seed);
    const ok = members.filter((m) => m.status === 'ok');
    const stats = {} as Record<MetricName, Summary>;
    for (const metric of METRICS) {
      const vals: number[] = [];
      for (const m of ok) {
        const v = metricValue(m.record!, metric);
        if (v !== undefined) vals.push(v);
      }
      stats[metric] = summarise(vals);
    }
    const point = members[0].point;
    const fields: Record<string, FieldValue> = {};
    for (const f of labelFields) fields[f] = f === 'model' ? modelLabel(point.model) : toFieldValue(getPath(point, f));
    groups.push({
      key,
      panel: `${modelLabel(point.model)} · ${point.dataset}`,
      point,
      fields,
      seeds: ok.map((m) => m.point.seed),
      accuracies: ok.map((m) => metricValue(m.record!, 'accuracy') ?? null),
      nOk: ok.length,
      nFailed: members.filter((m) => m.status === 'failed').length,
      nMissing: members.filter((m) => m.status === 'missing').length,
      stats,
    });
  }

  const methodRank = (m: string) => {
    const i = METHOD_ORDER.indexOf(m as MethodName);
    return i < 0 ? METHOD_ORDER.length : i;
  };
  groups.sort((a, b) => {
    for (const f of labelFields) {
      const c = f === 'method'
        ? methodRank(String(a.fields.method)) - methodRank(String(b.fields.method)) || compareValues(a.fields.method, b.fields.method)
        : compareValues(a.fields[f], b.fields[f]);
      if (c !== 0) return c;
    }
    return a.key.localeCompare(b.key);
  });

  const bySeed = (a: PointStatus, b: PointStatus) => groupKey(a.point).localeCompare(groupKey(b.point)) || a.point.seed - b.point.seed;
  return {
    groups,
    extraFields,
    points,
    failed: points.filter((p) => p.status === 'failed').sort(bySeed),
    missing: points.filter((p) => p.status === 'missing').sort(bySeed),
    duplicates,
    collapsed,
    unexpected,
  };
}
