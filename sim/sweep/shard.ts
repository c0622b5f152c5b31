/**
 * Sharding: `--shard i/n` (0 <= i < n) takes the points whose grid index ≡ i (mod n). Round-robin
 * over the stable grid order balances the shards; the union of all n shards is the whole grid.
 */
import { UserError } from '../../src/util/errors.js';

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(s: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(s.trim());
  const bad = () => new UserError(`--shard: got '${s}'; allowed: i/n with integers 0 <= i < n, e.g. 0/4`, '--shard');
  if (!m) throw bad();
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw bad();
  return { index, count };
}

export function inShard(pointIndex: number, shard: Shard | undefined): boolean {
  return !shard || pointIndex % shard.count === shard.index;
}
