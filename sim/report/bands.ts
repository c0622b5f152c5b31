/**
 * The band drawn around each mean of a report line, chosen by the number of seeds n of the point:
 *
 *   n < 3   the seeds themselves (markers) and their range: bar from min to max
 *           (with 2 seeds a 95% CI of the mean is x̄ ± 12.71·s/√2, wider than the data by 9x:
 *           it says nothing the two values do not, and it blows the axis up)
 *   n ≥ 3   the 95% CI of the mean, x̄ ± t_{0.975, n−1}·s/√n (Student t; stats.ts)
 *
 * This is the default ('auto'); the page switches every figure to one band for all points:
 * 'range' (min–max, seeds drawn), 'ci', 'std' (± one sample std) or 'none'. Each figure carries the
 * arrays of every mode (ErrorSet), the legend title that says which band is drawn, and the y range
 * that covers the plotted means, the bars and the seed markers of that mode (so the axis follows
 * the data, not a t-blown interval).
 */
import type { GroupStats } from './aggregate.js';

export type BandMode = 'auto' | 'range' | 'ci' | 'std' | 'none';
export const BAND_MODES: readonly BandMode[] = ['auto', 'range', 'ci', 'std', 'none'];

/** the default band switches from the seed range to the 95% CI at this many seeds */
export const MIN_SEEDS_FOR_CI = 3;

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export interface ErrorSet {
  /** index of the mean trace in `traces` */
  trace: number;
  /** error-bar half-lengths in the trace's y units; null = not defined (n < 2) */
  std: (number | null)[];
  ci: (number | null)[];
  /** the seed range as bars: mean − min (down) and max − mean (up); null without values (absent: a figure without seed values, whose 'range' and 'auto' show the CI) */
  lo?: (number | null)[];
  hi?: (number | null)[];
  /** per point, the default band (absent: 'ci') */
  auto?: ('range' | 'ci')[];
  /** index of the trace holding the individual seeds (markers), and its points per mode */
  seedTrace?: number;
  seedsAll?: SeedPoints;
  seedsAuto?: SeedPoints;
}

export interface SeedPoints {
  x: number[];
  y: number[];
  text: string[];
}

/** the default band of a point of n seeds */
export function autoBand(n: number): 'range' | 'ci' {
  return n < MIN_SEEDS_FOR_CI ? 'range' : 'ci';
}

/** bars of one mode for one error set: { symmetric, array (up), arrayminus (down) } */
export function barsOf(e: ErrorSet, mode: BandMode): { visible: boolean; up: (number | null)[]; down: (number | null)[] } {
  if (mode === 'none') return { visible: false, up: [], down: [] };
  if (mode === 'ci' || mode === 'std') return { visible: true, up: e[mode], down: e[mode] };
  const { lo, hi, auto } = e;
  if (!lo || !hi) return { visible: true, up: e.ci, down: e.ci };
  if (mode === 'range' || !auto) return mode === 'range' ? { visible: true, up: hi, down: lo } : { visible: true, up: e.ci, down: e.ci };
  return {
    visible: true,
    up: auto.map((b, j) => (b === 'ci' ? e.ci[j] : hi[j])),
    down: auto.map((b, j) => (b === 'ci' ? e.ci[j] : lo[j])),
  };
}

/** the seed markers a mode shows: every seed for 'range', the seeds of the n < 3 points for 'auto' */
export function seedsOf(e: ErrorSet, mode: BandMode): SeedPoints {
  const empty = { x: [], y: [], text: [] };
  if (mode === 'range') return e.seedsAll ?? empty;
  if (mode === 'auto') return e.seedsAuto ?? empty;
  return empty;
}

/** the error_y object of a trace in a mode */
export function errorY(e: ErrorSet, mode: BandMode, thickness: number, width: number): Record<string, Json> {
  const b = barsOf(e, mode);
  return { type: 'data', symmetric: false, array: b.up, arrayminus: b.down, visible: b.visible, thickness, width };
}

/**
 * Error set of a line: `y(g)` the plotted mean, `scale` the unit change (fraction → %), `x(g)` the
 * point's x; per-seed values from g.accuracies (aligned with g.seeds).
 */
export function errorSetOf(groups: GroupStats[], x: (g: GroupStats) => number, scale: number, trace: number): ErrorSet {
  const v = (a: number | null) => (a === null ? null : Number((a * scale).toPrecision(12)));
  const acc = groups.map((g) => g.stats.accuracy);
  const seedsAll: SeedPoints = { x: [], y: [], text: [] };
  const seedsAuto: SeedPoints = { x: [], y: [], text: [] };
  groups.forEach((g) => {
    const small = autoBand(g.stats.accuracy.n) === 'range';
    g.seeds.forEach((seed, k) => {
      const a = g.accuracies[k];
      if (a === null || a === undefined) return;
      for (const s of small ? [seedsAll, seedsAuto] : [seedsAll]) {
        s.x.push(x(g));
        s.y.push(v(a)!);
        s.text.push(`seed ${seed}`);
      }
    });
  });
  return {
    trace,
    std: acc.map((s) => v(s.std)),
    ci: acc.map((s) => v(s.ci95)),
    lo: acc.map((s) => (s.mean === null || s.min === null ? null : v(s.mean - s.min))),
    hi: acc.map((s) => (s.mean === null || s.max === null ? null : v(s.max - s.mean))),
    auto: acc.map((s) => autoBand(s.n)),
    seedsAll,
    seedsAuto,
  };
}

/** the legend title of a figure in a mode: which band the bars are */
export function bandTitle(errors: ErrorSet[], mode: BandMode): string {
  switch (mode) {
    case 'none': return 'no bars';
    case 'std': return 'bars: ± 1 sample std';
    case 'ci': return 'bars: 95% CI of the mean (Student t)';
    case 'range': return 'bars: seed min–max, ○ each seed';
    default: {
      const kinds = new Set(errors.flatMap((e) => e.auto ?? e.ci.map(() => 'ci' as const)));
      if (kinds.size === 0 || (kinds.size === 1 && kinds.has('range'))) return `bars: seed min–max (n < ${MIN_SEEDS_FOR_CI}), ○ each seed`;
      if (kinds.size === 1) return 'bars: 95% CI of the mean (Student t)';
      return `bars: seed min–max where n < ${MIN_SEEDS_FOR_CI} (○ seeds), 95% CI where n ≥ ${MIN_SEEDS_FOR_CI}`;
    }
  }
}

/**
 * y range of a mode: every plotted y (means of `traces` with an error set, reference lines
 * without), their bars and seed markers in that mode, padded by max(0.5, 8% of the span) and
 * clamped to `clamp` (accuracy in %: [0, 100]).
 */
export function yRangeOf(traces: Record<string, Json>[], errors: ErrorSet[], mode: BandMode, clamp: [number, number]): [number, number] {
  let lo = Infinity, hi = -Infinity;
  const seedTraces = new Set(errors.map((e) => e.seedTrace));
  traces.forEach((t, i) => {
    if (seedTraces.has(i)) return;
    const e = errors.find((x) => x.trace === i);
    const bars = e ? barsOf(e, mode) : undefined;
    (t.y as (number | null)[]).forEach((y, j) => {
      if (y === null) return;
      const up = bars?.visible ? bars.up[j] ?? 0 : 0;
      const down = bars?.visible ? bars.down[j] ?? 0 : 0;
      lo = Math.min(lo, y - down);
      hi = Math.max(hi, y + up);
    });
  });
  for (const e of errors) for (const y of seedsOf(e, mode).y) { lo = Math.min(lo, y); hi = Math.max(hi, y); }
  if (!Number.isFinite(lo)) return [clamp[0], clamp[1]];
  const pad = Math.max(0.5, 0.08 * (hi - lo));
  const r = (v: number) => Number(v.toFixed(1));
  return [r(Math.max(clamp[0], lo - pad)), r(Math.min(clamp[1], hi + pad))];
}

/** per mode: the y range and legend title a figure switches to */
export function bandViews(traces: Record<string, Json>[], errors: ErrorSet[], clamp: [number, number]): Record<BandMode, { range: [number, number]; title: string }> {
  const out = {} as Record<BandMode, { range: [number, number]; title: string }>;
  for (const m of BAND_MODES) out[m] = { range: yRangeOf(traces, errors, m, clamp), title: bandTitle(errors, m) };
  return out;
}
