/**
 * Sharding: `--shard i/n` (0 <= i < n) takes the points whose grid index ≡ i (mod n). Round-robin
 * over the stable grid order balances the shards; the union of all n shards is the whole grid.
 */
import { UserError } from '../../src/util/errors.js';
import { safeToken } from '../../src/util/safe_text.js';

export interface Shard {
  index: number;
  count: number;
}

/** Most shards of one sweep (each shard is a directory, a Slurm array task, a merge input). */
export const MAX_SHARDS = 10_000;

export function parseShard(s: string): Shard {
  const m = /^(\d{1,9})\/(\d{1,9})$/.exec(String(s).trim());
  const bad = () => new UserError(`--shard: got '${safeToken(String(s), 40)}'; allowed: i/n with integers 0 <= i < n <= ${MAX_SHARDS}, e.g. 0/4`, '--shard');
  if (!m) throw bad();
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count || count > MAX_SHARDS) throw bad();
  return { index, count };
}

/** A shard count must not exceed the points (an empty shard is a mistake) nor MAX_SHARDS. */
export function checkShardCount(count: number, points: number, flag: string): void {
  if (!Number.isInteger(count) || count < 1 || count > Math.min(MAX_SHARDS, points)) {
    throw new UserError(
      `${flag}: got '${safeToken(String(count), 40)}' shards for ${points} points; allowed: an integer in [1, ${Math.min(MAX_SHARDS, points)}] (at most the number of points and ${MAX_SHARDS})`,
      flag,
    );
  }
}

export function inShard(pointIndex: number, shard: Shard | undefined): boolean {
  return !shard || pointIndex % shard.count === shard.index;
}
