/**
 * Defaults of `rramsim slurm` derived from the sweep itself (src/experiment/memory_estimate.ts), so a
 * ResNet-20 sweep gets the memory and the number of job attempts it needs:
 *
 *   --mem       = ⌈HEADROOM · (PROCESS_BASE_BYTES + cpus · max_points M(point)) / 1 GiB⌉ GiB, at least 1G:
 *                 the estimate sim/sweep/preflight.ts checks a task's --mem against (every task runs
 *                 `cpus` workers, each holding its own point), plus HEADROOM for what the estimate
 *                 does not see (allocator slack, the JIT, page cache a cgroup counts);
 *   --attempts  = max(2, ⌈HEADROOM · T / limit⌉ + 1): how many times the base job and the shard
 *                 array are submitted, each attempt after the previous one ended (afterany), so a
 *                 job killed by its time limit is continued by the next from its checkpoints
 *                 (a base training per epoch, a shard per finished point); an attempt with nothing
 *                 left to do ends within seconds. T = the longest of: the base job, max over bases
 *                 of the estimated base training time t(base) times ⌈bases / cpus⌉ waves, and a
 *                 shard, Σ t(point) of its points / cpus (the estimate's rough time model, t).
 * HEADROOM = 1.25. An explicit --mem / --attempts wins (and --mem is still checked against the
 * estimate).
 */
import type { PlannedPoint } from '../../src/config/expand.js';
import { estimatePoint, PROCESS_BASE_BYTES } from '../../src/experiment/memory_estimate.js';
import { inShard } from './shard.js';

export const HEADROOM = 1.25;
const GiB = 2 ** 30;

/** Slurm --mem for tasks of `cpus` workers running these points, e.g. '9G' */
export function defaultMem(points: readonly PlannedPoint[], cpus: number): string {
  const per = points.reduce((m, p) => Math.max(m, estimatePoint(p.point).bytes), 0);
  const workers = Math.max(1, Math.min(cpus, points.length));
  return `${Math.max(1, Math.ceil((HEADROOM * (PROCESS_BASE_BYTES + workers * per)) / GiB))}G`;
}

/** seconds of a Slurm time such as 04:00:00, 1-00:00:00, 30 (minutes), 10:00 (minutes:seconds) */
export function slurmSeconds(time: string): number {
  const m = /^(?:(\d+)-)?(\d+)(?::(\d{2}))?(?::(\d{2}))?$/.exec(time);
  if (!m) return NaN;
  const days = Number(m[1] ?? 0);
  const parts = [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number);
  // Slurm: "minutes", "minutes:seconds", "hours:minutes:seconds"; with days: "days-hours[:minutes[:seconds]]"
  let s: number;
  if (m[1] !== undefined) s = parts[0] * 3600 + (parts[1] ?? 0) * 60 + (parts[2] ?? 0);
  else if (parts.length === 3) s = parts[0] * 3600 + parts[1] * 60 + parts[2];
  else if (parts.length === 2) s = parts[0] * 60 + parts[1];
  else s = parts[0] * 60;
  return days * 86400 + s;
}

/** estimated wall seconds of the base job and of the longest shard (file comment) */
export function estimatedJobSeconds(points: readonly PlannedPoint[], bases: readonly PlannedPoint[], shards: number, cpus: number): { bases: number; shard: number } {
  const t = (p: PlannedPoint) => estimatePoint(p.point).seconds;
  const baseMax = bases.reduce((m, b) => Math.max(m, t(b)), 0);
  const basesT = baseMax * Math.ceil(bases.length / Math.max(1, cpus));
  let shardT = 0;
  for (let i = 0; i < shards; i++) {
    const sum = points.filter((p) => inShard(p.index, { index: i, count: shards })).reduce((s, p) => s + t(p), 0);
    shardT = Math.max(shardT, sum / Math.max(1, cpus));
  }
  return { bases: basesT, shard: shardT };
}

export function defaultAttempts(jobSeconds: number, limitSeconds: number): number {
  if (!(limitSeconds > 0)) return 2;
  return Math.max(2, Math.ceil((HEADROOM * jobSeconds) / limitSeconds) + 1);
}
