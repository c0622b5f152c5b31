import { describe, expect, it } from 'vitest';
import { continualMetrics } from '../../src/tasks/metrics.js';

describe('continual-learning metrics (Chaudhry et al. 2018)', () => {
  it('match a hand computation on a 3-task accuracy matrix', () => {
    // after task 0: 0.9 on task 0; after task 1: 0.7, 0.95; after task 2: 0.6, 0.8, 0.92
    const a = [
      [0.9, null, null],
      [0.7, 0.95, null],
      [0.6, 0.8, 0.92],
    ];
    const m = continualMetrics(a);
    // ACC = (0.6 + 0.8 + 0.92) / 3
    expect(m.acc).toBeCloseTo(2.32 / 3, 12);
    // F: task 0 best before last = max(0.9, 0.7) = 0.9 → 0.3; task 1: max(0.95) = 0.95 → 0.15
    expect(m.forgettingPerTask[0]).toBeCloseTo(0.3, 12);
    expect(m.forgettingPerTask[1]).toBeCloseTo(0.15, 12);
    expect(m.forgetting).toBeCloseTo(0.225, 12);
    // BWT = ((0.6 − 0.9) + (0.8 − 0.95)) / 2
    expect(m.bwt).toBeCloseTo(-0.225, 12);
  });

  it('forgetting uses the best earlier accuracy, not the first; improvements give negative forgetting', () => {
    const a = [
      [0.5, 0.1, 0.1],
      [0.8, 0.9, 0.1], // task 0 improved after task 1
      [0.7, 0.95, 0.9], // task 1 improved further
    ];
    const m = continualMetrics(a);
    expect(m.forgettingPerTask).toEqual([0.8 - 0.7, 0.9 - 0.95].map((v) => expect.closeTo(v, 12)));
    expect(m.bwt).toBeCloseTo(((0.7 - 0.5) + (0.95 - 0.9)) / 2, 12); // zero-shot a[0][1] ignored
  });

  it('one task: ACC only; malformed matrices are rejected', () => {
    expect(continualMetrics([[0.42]])).toEqual({ T: 1, acc: 0.42, forgetting: null, bwt: null, forgettingPerTask: [] });
    expect(() => continualMetrics([])).toThrow(/empty/);
    expect(() => continualMetrics([[0.5, null], [0.4]])).toThrow(/row 1/);
    expect(() => continualMetrics([[0.5, null], [null, 0.4]])).toThrow(/a\[1\]\[0\]/);
  });
});
