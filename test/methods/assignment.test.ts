import { describe, expect, it } from 'vitest';
import { assignmentCost, greedyAssignment, hungarian, solveAssignment } from '../../src/methods/assignment.js';
import { stream } from '../../src/util/rng.js';

/** brute force over all injective maps of n rows into m columns */
function bruteForce(C: Float64Array, n: number, m: number): number {
  let best = Infinity;
  const used = new Uint8Array(m);
  const rec = (i: number, acc: number) => {
    if (i === n) { best = Math.min(best, acc); return; }
    for (let j = 0; j < m; j++) {
      if (used[j]) continue;
      used[j] = 1; rec(i + 1, acc + C[i * m + j]); used[j] = 0;
    }
  };
  rec(0, 0);
  return best;
}

function isInjective(r: Int32Array, m: number): boolean {
  const seen = new Set<number>();
  for (const j of r) { if (j < 0 || j >= m || seen.has(j)) return false; seen.add(j); }
  return true;
}

describe('assignment solver', () => {
  it('Hungarian equals brute force on random square instances (continuous and with ties)', () => {
    const rng = stream(1, 'test/assignment');
    for (let t = 0; t < 300; t++) {
      const n = 1 + rng.int(7);
      const ties = t % 2 === 0;
      const C = new Float64Array(n * n);
      for (let k = 0; k < C.length; k++) C[k] = ties ? rng.int(3) : rng.next() * 10 - 3;
      const a = hungarian(C, n, n);
      expect(isInjective(a.rowToCol, n)).toBe(true);
      expect(a.cost).toBeCloseTo(assignmentCost(C, n, a.rowToCol), 12);
      expect(a.cost).toBeCloseTo(bruteForce(C, n, n), 9);
    }
  });
  it('Hungarian equals brute force on rectangular instances (n < m)', () => {
    const rng = stream(2, 'test/assignment');
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.int(5);
      const m = n + 1 + rng.int(3);
      const C = new Float64Array(n * m);
      for (let k = 0; k < C.length; k++) C[k] = t % 3 === 0 ? rng.int(2) : rng.next();
      const a = hungarian(C, n, m);
      expect(isInjective(a.rowToCol, m)).toBe(true);
      expect(a.cost).toBeCloseTo(bruteForce(C, n, m), 9);
    }
  });
  it('known instance: permutation matrix cost picks the zero diagonal', () => {
    // C = 1 - P for the permutation [2, 0, 1]: optimum 0 at exactly that permutation
    const perm = [2, 0, 1];
    const C = new Float64Array(9).fill(1);
    perm.forEach((j, i) => { C[i * 3 + j] = 0; });
    const a = hungarian(C, 3, 3);
    expect([...a.rowToCol]).toEqual(perm);
    expect(a.cost).toBe(0);
  });
  it('greedy is a valid assignment, never below the optimum, and solveAssignment switches at the limit', () => {
    const rng = stream(3, 'test/assignment');
    for (let t = 0; t < 50; t++) {
      const n = 2 + rng.int(5);
      const C = new Float64Array(n * n);
      for (let k = 0; k < C.length; k++) C[k] = rng.next();
      const g = greedyAssignment(C, n, n);
      expect(isInjective(g.rowToCol, n)).toBe(true);
      expect(g.cost).toBeGreaterThanOrEqual(bruteForce(C, n, n) - 1e-12);
      expect(solveAssignment(C, n, n, n - 1).solver).toBe('greedy');
      expect(solveAssignment(C, n, n, n).solver).toBe('hungarian');
    }
  });
  it('rejects n > m', () => {
    expect(() => hungarian(new Float64Array(6), 3, 2)).toThrow(/n <= m/);
  });
});
