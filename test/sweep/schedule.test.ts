// Dispatch order: a base group (model, dataset, seed, train…) runs one point alone until it has
// finished once (so the shared base network is trained once), then in parallel; every point is
// handed out exactly once.
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { baseKey, Scheduler } from '../../sim/sweep/schedule.js';

const plan = await planSweep({ method: ['fat', 'ideal', 'unaware', 'ittrna'], defects: { rate: [0.1, 0.2] }, seed: [0, 1] });

describe('scheduler', () => {

  it('opens each group with its unaware point and keeps cold groups to one point in flight', () => {
    const s = new Scheduler(plan.points);
    const a = s.next()!;
    const b = s.next()!;
    expect(a.point.method).toBe('unaware');
    expect(b.point.method).toBe('unaware');
    expect(baseKey(a.point)).not.toBe(baseKey(b.point));
    expect(s.next()).toBeUndefined(); // both groups cold and busy
    s.done(a.hash);
    const c = s.next()!;
    const d = s.next()!;
    expect([c, d].every((p) => baseKey(p.point) === baseKey(a.point))).toBe(true);
  });

  it('hands out every point exactly once', () => {
    const s = new Scheduler(plan.points);
    const seen: string[] = [];
    const inFlight: string[] = [];
    while (s.remaining > 0) {
      const p = s.next();
      if (p) {
        seen.push(p.hash);
        inFlight.push(p.hash);
      } else s.done(inFlight.shift()!);
    }
    expect(seen.sort()).toEqual(plan.points.map((p) => p.hash).sort());
  });

  it('the base key ignores method, defects and retraining but not seed or train spec', async () => {
    const [p, q] = (await planSweep({ method: ['fat', 'ittrna'], defects: { rate: 0.3 }, retrain: { epochs: 5 } })).points;
    expect(baseKey(p.point)).toBe(baseKey(q.point));
    const [r, t] = (await planSweep({ train: { epochs: [1, 2] } })).points;
    expect(baseKey(r.point)).not.toBe(baseKey(t.point));
  });
});
