/**
 * Dispatch order for the worker pool, so that no two workers train the same base network at once.
 *
 * Points are grouped by their base key = hash of (model, pool, dataset, seed, train, trainLimit):
 * the inputs of the `unaware` base network that methods cache in DIR/cache/. A group is "cold"
 * until one of its points has finished; while cold, at most one of its points runs (its opener:
 * the first `unaware` point, else the first `ideal` point, else its first point), and it fills the
 * cache. After that, the group's points run in parallel. Groups are served in grid order.
 * Dispatch order never changes a result: every point draws only from its own seed streams.
 */
import type { PlannedPoint } from '../../src/config/expand.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { configHash } from '../../src/util/hash.js';

export function baseKey(p: PointSpec): string {
  return configHash({ model: p.model, pool: p.pool, dataset: p.dataset, seed: p.seed, train: p.train, trainLimit: p.trainLimit });
}

interface Group {
  todo: PlannedPoint[];
  warm: boolean;
  inFlight: number;
}

export class Scheduler {
  private groups: Group[] = [];
  private groupOf = new Map<string, Group>();
  private left = 0;

  constructor(points: PlannedPoint[]) {
    const byKey = new Map<string, Group>();
    for (const p of points) {
      const k = baseKey(p.point);
      let g = byKey.get(k);
      if (!g) {
        g = { todo: [], warm: false, inFlight: 0 };
        byKey.set(k, g);
        this.groups.push(g);
      }
      g.todo.push(p);
      this.groupOf.set(p.hash, g);
      this.left++;
    }
    for (const g of this.groups) {
      const opener = ['unaware', 'ideal'].map((m) => g.todo.findIndex((p) => p.point.method === m)).find((i) => i >= 0) ?? 0;
      if (opener > 0) g.todo.unshift(...g.todo.splice(opener, 1));
    }
  }

  /** points not yet handed out */
  get remaining(): number {
    return this.left;
  }

  /** next point that may start now, or undefined (nothing left, or only cold groups busy) */
  next(): PlannedPoint | undefined {
    for (const g of this.groups) {
      if (g.todo.length === 0 || (!g.warm && g.inFlight > 0)) continue;
      g.inFlight++;
      this.left--;
      return g.todo.shift();
    }
    return undefined;
  }

  done(hash: string): void {
    const g = this.groupOf.get(hash);
    if (!g) return;
    g.inFlight--;
    g.warm = true;
  }
}
