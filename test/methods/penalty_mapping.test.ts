import { describe, expect, it } from 'vitest';
import { lambdaAt, penaltyValueAndGrad } from '../../src/methods/penalty.js';
import { defectAwareMapping, identityPerm, mappingCost, type MappingProblem } from '../../src/methods/defect_mapping.js';
import { stream, type Rng } from '../../src/util/rng.js';

function randomProblem(rng: Rng, rows: number, cols: number, pRows = rows, pCols = cols, rate = 0.3): MappingProblem {
  const w = new Float32Array(rows * cols).map(() => rng.next() * 2 - 1);
  const importance = new Float32Array(rows * cols).map(() => rng.next());
  const n = pRows * pCols;
  const physLo = new Float32Array(n).fill(-1), physHi = new Float32Array(n).fill(1);
  const physFaulty = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    if (rng.next() >= rate) continue;
    physFaulty[k] = 1;
    const s = rng.int(3);
    if (s === 0) { physLo[k] = physHi[k] = 0; } // stuck at HRS: forces ~0
    else if (s === 1) { physLo[k] = 0; } // half range
    else { physLo[k] = physHi[k] = rng.next() > 0.5 ? 1 : -1; } // stuck at LRS on one side
  }
  return { w, importance, rows, cols, physLo, physHi, physFaulty, pRows, pCols, tileRows: 2, tileCols: 2 };
}

function* permutations(n: number): Generator<number[]> {
  const a = Array.from({ length: n }, (_, i) => i);
  const rec = function* (k: number): Generator<number[]> {
    if (k === n) { yield a.slice(); return; }
    for (let i = k; i < n; i++) { [a[k], a[i]] = [a[i], a[k]]; yield* rec(k + 1); [a[k], a[i]] = [a[i], a[k]]; }
  };
  yield* rec(0);
}

describe('defect-aware penalty', () => {
  it('gradient matches central finite differences (float64 re-evaluation)', () => {
    const rng = stream(11, 'test/penalty');
    const n = 40;
    const w = new Float32Array(n).map(() => rng.next() * 4 - 2);
    const I = new Float32Array(n).map(() => rng.next());
    const lo = new Float32Array(n).map(() => -rng.next());
    const hi = new Float32Array(n).map((_, k) => Math.max(lo[k], rng.next() - 0.3));
    const faulty = new Uint8Array(n).map(() => (rng.next() < 0.7 ? 1 : 0));
    const lambda = 0.37;
    const g = new Float32Array(n);
    const p0 = penaltyValueAndGrad(w, I, lo, hi, faulty, lambda, g);
    expect(p0).toBeGreaterThan(0);
    // the penalty is separable: P(w + h e_k) − P(w − h e_k) only involves element k
    const h = 1e-3;
    for (let k = 0; k < n; k++) {
      const f = (x: number) => {
        if (!faulty[k]) return 0;
        const d = x < lo[k] ? x - lo[k] : x > hi[k] ? x - hi[k] : 0;
        return lambda * I[k] * d * d;
      };
      const fd = (f(w[k] + h) - f(w[k] - h)) / (2 * h);
      expect(g[k]).toBeCloseTo(fd, 4);
      if (!faulty[k] || (w[k] >= lo[k] && w[k] <= hi[k])) expect(g[k]).toBe(0);
    }
    // value check against the formula summed directly
    let direct = 0;
    for (let k = 0; k < n; k++) if (faulty[k]) { const c = Math.min(hi[k], Math.max(lo[k], w[k])); direct += I[k] * (w[k] - c) ** 2; }
    expect(p0).toBeCloseTo(lambda * direct, 5);
  });
  it('finite differences through the full function on a perturbed vector', () => {
    const rng = stream(12, 'test/penalty');
    const n = 25;
    const w = new Float64Array(n).map(() => rng.next() * 4 - 2);
    const I = new Float32Array(n).map(() => rng.next());
    const lo = new Float32Array(n).fill(-0.5), hi = new Float32Array(n).fill(0.25);
    const P = (x: Float64Array) => penaltyValueAndGrad(Float32Array.from(x), I, lo, hi, null, 2, null);
    const g = new Float32Array(n);
    penaltyValueAndGrad(Float32Array.from(w), I, lo, hi, null, 2, g);
    const h = 1e-2;
    for (let k = 0; k < n; k++) {
      const a = Float64Array.from(w), b = Float64Array.from(w);
      a[k] += h; b[k] -= h;
      expect(g[k]).toBeCloseTo((P(a) - P(b)) / (2 * h), 2);
    }
  });
  it('lambda = 0 is off; schedules', () => {
    const z = new Float32Array(3).fill(5);
    const g = new Float32Array(3);
    expect(penaltyValueAndGrad(z, z, new Float32Array(3), new Float32Array(3), null, 0, g)).toBe(0);
    expect([...g]).toEqual([0, 0, 0]);
    expect(lambdaAt(2, 'constant', 0, 4)).toBe(2);
    expect([0, 1, 2, 3].map((e) => lambdaAt(2, 'linear-warmup', e, 4))).toEqual([1, 2, 2, 2]);
  });
});

describe('defect-aware mapping (plain matrices)', () => {
  it('rows: exact optimum equals brute force over all row permutations', () => {
    const rng = stream(21, 'test/mapping');
    for (let t = 0; t < 30; t++) {
      const pr = randomProblem(rng, 5, 3);
      const res = defectAwareMapping(pr, 'rows');
      let best = Infinity;
      const cid = identityPerm(3);
      for (const p of permutations(5)) best = Math.min(best, mappingCost(pr, Int32Array.from(p), cid));
      expect(res.costAfter).toBeCloseTo(best, 5);
      expect(res.costAfter).toBeCloseTo(mappingCost(pr, res.rowPerm, res.colPerm), 5);
      expect(res.costBefore).toBeCloseTo(mappingCost(pr, identityPerm(5), cid), 5);
    }
  });
  it('never increases the cost (rows, rows+cols, rectangular physical, blockwise and greedy fallbacks)', () => {
    const rng = stream(22, 'test/mapping');
    for (let t = 0; t < 40; t++) {
      const rows = 3 + rng.int(6), cols = 2 + rng.int(5);
      const pr = randomProblem(rng, rows, cols, rows + rng.int(3), cols + rng.int(2), 0.4);
      const r = defectAwareMapping(pr, 'rows');
      const rc = defectAwareMapping(pr, 'rows+cols', { rounds: 3 });
      const blocks = defectAwareMapping(pr, 'rows+cols', { limit: 2 });
      for (const m of [r, rc, blocks]) {
        expect(m.costAfter).toBeLessThanOrEqual(m.costBefore + 1e-9);
        // permutations are injective into the physical lines
        expect(new Set(m.rowPerm).size).toBe(rows);
        expect(Math.max(...m.rowPerm)).toBeLessThan(pr.pRows);
        expect(new Set(m.colPerm).size).toBe(cols);
      }
      expect(rc.costAfter).toBeLessThanOrEqual(r.costAfter + 1e-9);
    }
  });
  it('moves the important weights off the faulty cells: a single stuck row gets the least important logical row', () => {
    const rows = 4, cols = 3;
    const w = new Float32Array(rows * cols).fill(0.8);
    const importance = new Float32Array([5, 5, 5, 1, 1, 1, 9, 9, 9, 0.1, 0.1, 0.1]);
    const physLo = new Float32Array(12).fill(-1), physHi = new Float32Array(12).fill(1);
    const physFaulty = new Uint8Array(12);
    for (let q = 0; q < 3; q++) { physFaulty[q] = 1; physLo[q] = physHi[q] = 0; } // physical row 0 stuck at HRS (0)
    const pr = { w, importance, rows, cols, physLo, physHi, physFaulty, pRows: 4, pCols: 3, tileRows: 4, tileCols: 3 };
    const m = defectAwareMapping(pr, 'rows');
    expect(m.rowPerm[3]).toBe(0);
    expect(m.costBefore).toBeCloseTo(5 * 3 * 0.64, 5);
    expect(m.costAfter).toBeCloseTo(0.1 * 3 * 0.64, 5);
  });
});
