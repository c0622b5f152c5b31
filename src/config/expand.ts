/**
 * Sweep config → list of PointSpecs.
 *
 * A config mirrors PointSpec (see src/config/fields.ts), plus `name` and `description`. Every leaf
 * may be a single value, a list of values (a grid axis) or, for numbers, a range expression
 * string "start:step:stop" (src/config/range_expr.ts). Missing leaves take the defaults in
 * their declarations (src/config/fields.ts). The grid is the cross product of all axes, in the fixed field order of
 * fields.ts (first = outermost), then each combination is resolved (resolve_point.ts) and
 * duplicates are dropped by pointHash, keeping the first. Order is therefore stable: it depends on
 * the values and their order in each list, never on the order of keys in the JSON.
 *
 * Any problem throws ONE UserError whose message starts with the JSON path (e.g.
 * `defects.rate[2]`) and names the allowed values.
 */
import { pointHash, type PointSpec } from '../experiment/point.js';
import { UserError } from '../util/errors.js';
import { configHash } from '../util/hash.js';
import { safeToken } from '../util/safe_text.js';
import { DEFAULTS } from './defaults.js';
import { FIELDS, fillOf, insideOptional, isLeaf, META_KEYS, type Leaf, type Tree } from './fields.js';
import { expandRange, isRangeExpression, loadRangeEngine } from './range_expr.js';
import { checkMultitaskReadBySome, resolvePoint, type PlanContext } from './resolve_point.js';
import { nestedDeeperThan } from '../util/json_depth.js';

export type { PlanContext };

/**
 * Largest raw cross product we expand (before dedup): planning holds every point in memory and
 * the manifest lists them all (~1.5 kB each), so 10^5 points is a ~150 MB manifest.
 */
export const MAX_GRID = 100_000;
/** Above this many points a plan carries a warning (hours of work, a large manifest). */
export const WARN_POINTS = 10_000;
/** Longest `description` (characters); it is embedded in the manifest and the report. */
export const MAX_DESCRIPTION = 10_000;
/** Deepest nesting of objects/arrays in a config (real configs need 4). */
export const MAX_DEPTH = 32;

export interface Axis {
  /** PointSpec field path, e.g. ['defects', 'rate'] */
  path: string[];
  values: unknown[];
  /** config location of each value, e.g. 'defects.rate[2]' or 'defects.rate (default)' */
  sources: string[];
}

export interface PlannedPoint {
  /** position in the expanded grid (0-based, after dedup) */
  index: number;
  hash: string;
  point: PointSpec;
}

export interface SweepPlan {
  name: string;
  description?: string;
  /** the config as written (parsed JSON) */
  config: Record<string, unknown>;
  /** configHash(config): key-order independent */
  configHash: string;
  /** axes with more than one value */
  varying: Axis[];
  /** size of the raw cross product (before dropping duplicates) */
  gridSize: number;
  points: PlannedPoint[];
  /** non-fatal remarks for the user (e.g. a very large grid); commands print them to stderr */
  warnings: string[];
}

const NAME_RE = /^[A-Za-z0-9._-]+$/;

/**
 * `ctx.baseDir`: directory relative file paths (defects.file) are resolved against, i.e. the config
 * file's directory (default: the working directory); `ctx.allowPaths`: --allow-path directories.
 */
export async function planSweep(config: unknown, fallbackName = 'sweep', ctx: PlanContext = {}): Promise<SweepPlan> {
  checkDepth(config);
  if (hasRangeString(config)) await loadRangeEngine();
  if (!isPlainObject(config)) throw new UserError(`config: expected a JSON object like {"method": ["ideal", "fat"], "defects": {"rate": [0, 0.1]}}; got ${describe(config)}`, 'config');
  const name = config.name ?? fallbackName;
  if (typeof name !== 'string' || !NAME_RE.test(name)) {
    throw new UserError(`name: got ${describe(name)}; allowed: a string of letters, digits, '.', '_' or '-' (used in the default output directory)`, 'name');
  }
  if (config.description !== undefined && typeof config.description !== 'string') {
    throw new UserError(`description: got ${describe(config.description)}; allowed: a string`, 'description');
  }
  if (typeof config.description === 'string' && config.description.length > MAX_DESCRIPTION) {
    throw new UserError(`description: ${config.description.length} characters; allowed: a string of at most ${MAX_DESCRIPTION} characters`, 'description');
  }
  const axes: Axis[] = [];
  walk(config, FIELDS, [], axes, true);

  let gridSize = 1;
  for (const a of axes) gridSize *= a.values.length;
  if (gridSize > MAX_GRID) {
    const sizes = axes.filter((a) => a.values.length > 1).map((a) => `${a.path.join('.')} (${a.values.length})`).join(' x ');
    throw new UserError(`config: the grid has ${gridSize} points (${sizes}); at most ${MAX_GRID} allowed: split the sweep into several configs`, 'config');
  }

  const points: PlannedPoint[] = [];
  const seen = new Set<string>();
  const idx = new Array<number>(axes.length).fill(0);
  const byField = new Map(axes.map((a, i) => [a.path.join('.'), i]));
  for (let n = 0; n < gridSize; n++) {
    // mixed-radix counter, last axis fastest
    let r = n;
    for (let i = axes.length - 1; i >= 0; i--) {
      idx[i] = r % axes[i].values.length;
      r = Math.floor(r / axes[i].values.length);
    }
    const raw = structuredClone(DEFAULTS) as PointSpec;
    delete raw.defects.file;
    axes.forEach((a, i) => setIn(raw, a.path, structuredClone(a.values[idx[i]])));
    const src = (field: string) => {
      const i = byField.get(field);
      return i === undefined ? field : axes[i].sources[idx[i]];
    };
    const point = resolvePoint(raw, src, ctx);
    const hash = pointHash(point);
    if (seen.has(hash)) continue;
    seen.add(hash);
    points.push({ index: points.length, hash, point });
  }
  const given: Record<string, { value: unknown; source: string }[]> = {};
  for (const a of axes) {
    if (a.path[0] !== 'multitask' || a.path.length !== 2 || a.sources[0].endsWith('(default)')) continue;
    given[a.path[1]] = a.values.map((value, i) => ({ value, source: a.sources[i] }));
  }
  checkMultitaskReadBySome(given, points.map((x) => x.point));
  const warnings: string[] = [];
  if (points.length > WARN_POINTS) {
    warnings.push(`warning: ${points.length} points (more than ${WARN_POINTS}): this sweep is large (hours of work, a manifest of ~${Math.round((points.length * 1.5) / 1024)} MB); check the grid with \`rramsim list\``);
  }
  return {
    warnings,
    name,
    description: config.description as string | undefined,
    config,
    configHash: configHash(config),
    varying: axes.filter((a) => a.values.length > 1),
    gridSize,
    points,
  };
}

function hasRangeString(v: unknown): boolean {
  if (typeof v === 'string') return isRangeExpression(v);
  if (v && typeof v === 'object') return Object.values(v).some(hasRangeString);
  return false;
}

/** Refuse configs nested deeper than MAX_DEPTH (iterative: a 100,000-deep array must not overflow the stack). */
function checkDepth(root: unknown): void {
  if (nestedDeeperThan(root, MAX_DEPTH)) {
    throw new UserError(`config: objects and lists are nested more than ${MAX_DEPTH} deep; a sweep config needs at most 4 levels`, 'config');
  }
}

function walk(obj: Record<string, unknown>, tree: Tree, prefix: string[], axes: Axis[], top: boolean, inOptional = false): void {
  const where = prefix.length ? prefix.join('.') : 'config';
  for (const k of Object.keys(obj)) {
    // own keys only: 'constructor', '__proto__', 'toString' are not fields
    if (Object.hasOwn(tree, k) || (top && (META_KEYS as readonly string[]).includes(k))) continue;
    const allowed = [...Object.keys(tree), ...(top ? META_KEYS : [])];
    const guess = closest(k, allowed);
    const shown = safeToken(k, 40);
    throw new UserError(
      `${joinPath(prefix, shown)}: unknown key${guess ? ` (did you mean '${guess}'?)` : ''}; allowed keys in ${where}: ${allowed.join(', ')}`,
      joinPath(prefix, shown),
    );
  }
  for (const [k, node] of Object.entries(tree)) {
    const path = [...prefix, k];
    const v = Object.hasOwn(obj, k) ? obj[k] : undefined;
    if (isLeaf(node)) axes.push(leafAxis(v, node, path, fillOf(node, inOptional)));
    else if (v === undefined) walk({}, node, path, axes, false, insideOptional(node, inOptional));
    else if (!isPlainObject(v)) {
      throw new UserError(`${path.join('.')}: got ${describe(v)}; allowed: an object with keys ${Object.keys(node).join(', ')}`, path.join('.'));
    } else walk(v, node, path, axes, false, insideOptional(node, inOptional));
  }
}

/** `fill`: the declared default a config that leaves the field out gets (undefined: absent unless given) */
function leafAxis(v: unknown, leaf: Leaf, path: string[], fill: unknown): Axis {
  const p = path.join('.');
  if (v === undefined) {
    return { path, values: [structuredClone(fill)], sources: [`${p} (default)`] };
  }
  let values: unknown[];
  let sources: string[];
  let fromRange: string | undefined;
  const isList = leaf.type === 'stringList' ? Array.isArray(v) && v.length > 0 && v.every(Array.isArray) : Array.isArray(v);
  if (isList) {
    values = v as unknown[];
    if (values.length === 0) throw new UserError(`${p}: empty list; give at least one value (${leaf.allowed})`, p);
    sources = values.map((_, i) => `${p}[${i}]`);
  } else if (leaf.type === 'number' && typeof v === 'string' && isRangeExpression(v)) {
    try {
      values = expandRange(v);
    } catch (e) {
      throw new UserError(`${p}: ${(e as Error).message}`, p);
    }
    fromRange = v;
    sources = values.map((_, i) => `${p} (value ${i} of "${v}")`);
  } else {
    values = [v];
    sources = [p];
  }
  values.forEach((x, i) => {
    if (leaf.check) return leaf.check(x, sources[i]);
    const r = leaf.schema.safeParse(x);
    if (r.success) return;
    let at = sources[i];
    if (leaf.type === 'range' || leaf.type === 'stringList' || leaf.type === 'object') {
      const inner = r.error.issues[0]?.path ?? [];
      at = joinPath([at], ...inner.map(String));
    }
    const rangeHint = leaf.type === 'number' && !fromRange ? `, a list of them, or a range expression "start:step:stop"` : '';
    throw new UserError(`${at}: got ${describe(x)}; allowed: ${leaf.allowed}${rangeHint}`, at);
  });
  return { path, values, sources };
}

function joinPath(prefix: string[], ...keys: string[]): string {
  let s = prefix.join('.');
  for (const k of keys) s += /^\d+$/.test(k) ? `[${k}]` : s ? `.${k}` : k;
  return s;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  // JSON.parse turns 1e400 into Infinity, which JSON.stringify would print as null
  if (typeof v === 'number' && !Number.isFinite(v)) return `a number of magnitude beyond float64 (${v}: not a finite number)`;
  const s = safeToken(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? `${x} (not a finite number)` : x)), 77);
  return s;
}

function setIn(o: object, path: string[], v: unknown): void {
  let x = o as Record<string, unknown>;
  for (const k of path.slice(0, -1)) {
    if (x[k] === undefined) x[k] = {};
    x = x[k] as Record<string, unknown>;
  }
  x[path[path.length - 1]] = v;
}

/** Closest allowed key by edit distance (<= 2), for "did you mean". */
function closest(k: string, allowed: readonly string[]): string | undefined {
  if (k.length > 64) return undefined;
  let best: string | undefined;
  let bestD = 3;
  for (const a of allowed) {
    const d = editDistance(k.toLowerCase(), a.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = a;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}
