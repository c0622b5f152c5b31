import { describe, expect, it } from 'vitest';
import { SlotKind } from '../../src/crossbar/cell_state.js';
import { makeMapping } from '../../src/crossbar/mapping.js';

// For every slot kind and stuck value, the free cells' targets realise clamp(t, lo, hi) of the
// slot's attainable interval (continuous cells, free range [0, 1]); the interval itself is
// checked against the hand table of differential_mapping.ts / offset_mapping.ts.
describe('mapping targets realise clamp(t, lo, hi)', () => {
  const ts = [-1, -0.73, -0.5, -0.01, 0, 0.2, 0.5, 0.99, 1];
  it('differential pair', () => {
    const m = makeMapping('differential');
    const out = new Float64Array(2);
    const cases: [SlotKind, number, number, [number, number]][] = [
      [SlotKind.AllHealthy, 0, 0, [-1, 1]],
      [SlotKind.PStuck, 0, 0, [-1, 0]], [SlotKind.PStuck, 1, 0, [0, 1]],
      [SlotKind.NStuck, 0, 0, [0, 1]], [SlotKind.NStuck, 0, 1, [-1, 0]],
      [SlotKind.AllStuck, 1, 0, [1, 1]], [SlotKind.AllStuck, 0, 1, [-1, -1]], [SlotKind.AllStuck, 1, 1, [0, 0]],
    ];
    for (const [kind, uP, uN, iv] of cases) {
      m.interval(kind, uP, uN, 0, 1, out);
      expect([out[0], out[1]]).toEqual(iv);
      for (const t of ts) {
        const p = kind === SlotKind.AllHealthy || kind === SlotKind.NStuck ? m.targetP(t, kind, uN) : uP;
        const n = kind === SlotKind.AllHealthy || kind === SlotKind.PStuck ? m.targetN(t, kind, uP) : uN;
        expect(p).toBeGreaterThanOrEqual(0); expect(p).toBeLessThanOrEqual(1);
        expect(n).toBeGreaterThanOrEqual(0); expect(n).toBeLessThanOrEqual(1);
        expect(m.weight(p, n)).toBeCloseTo(Math.min(iv[1], Math.max(iv[0], t)), 12);
      }
    }
  });
  it('offset cell', () => {
    const m = makeMapping('offset');
    const out = new Float64Array(2);
    m.interval(SlotKind.AllHealthy, 0, 0, 0, 1, out);
    expect([out[0], out[1]]).toEqual([-1, 1]);
    for (const t of ts) expect(m.weight(m.targetP(t, SlotKind.AllHealthy, 0), 0)).toBeCloseTo(t, 12);
    m.interval(SlotKind.AllStuck, 1, 0, 0, 1, out);
    expect([out[0], out[1]]).toEqual([1, 1]);
    m.interval(SlotKind.AllHealthy, 0, 0, 0.1, 0.8, out); // a narrowed free range
    expect(out[0]).toBeCloseTo(-0.8, 12); expect(out[1]).toBeCloseTo(0.6, 12);
  });
});
