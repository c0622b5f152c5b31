/**
 * The exact line-resistance solver against independent oracles: closed forms (1×1 series circuit,
 * 2×2 word-line ladder), the 8-node 2×2 nodal system written out by hand and solved by mathjs
 * lusolve, a dense KCL matrix assembled here for random small tiles, the ideal MVM in the limit
 * r → 0, monotone currents in r, and UserErrors for bad input.
 */
import { lusolve } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { ExactTileSolver } from '../../../src/crossbar/line_resistance/exact_solver.js';
import { idealCurrents, tileCircuit, type LineResistanceSpec } from '../../../src/crossbar/line_resistance/tile_circuit.js';
import { UserError } from '../../../src/util/errors.js';
import { maxRelError, randomTile } from './helpers.js';

const solve = (rows: number, cols: number, G: ArrayLike<number>, spec: Partial<LineResistanceSpec>, V: ArrayLike<number>) =>
  new ExactTileSolver(tileCircuit(rows, cols, G, spec)).solve(V);

function fieldOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as UserError).field; }
  throw new Error('expected a UserError');
}

/** dense (2RC)² KCL matrix of the header's equations (all four resistances > 0) solved by mathjs */
function denseOracle(rows: number, cols: number, G: ArrayLike<number>, s: LineResistanceSpec, V: ArrayLike<number>): number[] {
  const R = rows, C = cols, n = 2 * R * C;
  const A = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const rhs = new Array<number>(n).fill(0);
  const a = (i: number, j: number) => i * C + j;
  const b = (i: number, j: number) => R * C + i * C + j;
  const gIn = 1 / (s.rDriver + s.rWordLine), gW = 1 / s.rWordLine, gB = 1 / s.rBitLine, gOut = 1 / (s.rBitLine + s.rSense);
  const link = (p: number, q: number, g: number) => { A[p][p] += g; A[q][q] += g; A[p][q] -= g; A[q][p] -= g; };
  for (let i = 0; i < R; i++) {
    A[a(i, 0)][a(i, 0)] += gIn; rhs[a(i, 0)] += gIn * V[i];
    for (let j = 0; j + 1 < C; j++) link(a(i, j), a(i, j + 1), gW);
  }
  for (let j = 0; j < C; j++) {
    for (let i = 0; i + 1 < R; i++) link(b(i, j), b(i + 1, j), gB);
    A[b(R - 1, j)][b(R - 1, j)] += gOut;
  }
  for (let i = 0; i < R; i++) for (let j = 0; j < C; j++) link(a(i, j), b(i, j), G[i * C + j]);
  const x = (lusolve(A, rhs) as number[][]).map((r) => r[0]);
  return Array.from({ length: C }, (_, j) => gOut * x[b(R - 1, j)]);
}

describe('exact line-resistance solver', () => {
  it('1×1 tile: the series circuit I = V / (R_drv + r_wl + 1/G + r_bl + R_sense)', () => {
    const spec = { rWordLine: 2, rBitLine: 3, rDriver: 5, rSense: 7 };
    const G = 1e-3, V = 0.4;
    const I = solve(1, 1, [G], spec, [V]).currents[0];
    expect(I).toBeCloseTo(V / (5 + 2 + 1 / G + 3 + 7), 15);
    expect(Math.abs(I / (V / (1017)) - 1)).toBeLessThan(1e-12);
  });

  it('2×2 tile with grounded bit lines (r_bl = R_sense = 0): the word-line ladder by series/parallel reduction', () => {
    const rw = 4, rd = 6;
    const G = [1e-2, 2e-2, 3e-2, 5e-2];
    const V = [0.3, 0.2];
    // word line i: V_i —(rd + rw)— a0 —rw— a1; a0 and a1 to ground through 1/G(i,0), 1/G(i,1)
    const expected = [0, 0];
    for (let i = 0; i < 2; i++) {
      const g0 = G[2 * i], g1 = G[2 * i + 1];
      const rA1 = rw + 1 / g1;                    // branch from a0 through the second segment and cell (i,1)
      const rLoad = 1 / (g0 + 1 / rA1);           // seen at a0
      const a0 = (V[i] * rLoad) / (rd + rw + rLoad);
      const a1 = (a0 * (1 / g1)) / rA1;
      expected[0] += g0 * a0;
      expected[1] += g1 * a1;
    }
    const I = solve(2, 2, G, { rWordLine: rw, rBitLine: 0, rDriver: rd, rSense: 0 }, V).currents;
    expect(maxRelError(I, expected)).toBeLessThan(1e-11);
  });

  it('2×2 tile, all resistances > 0: the 8-node nodal system written out by hand (mathjs lusolve)', () => {
    const rw = 2, rb = 3, rd = 5, rs = 7;
    const [G00, G01, G10, G11] = [1e-2, 2e-2, 3e-2, 4e-2];
    const [V0, V1] = [0.3, 0.2];
    const gin = 1 / (rd + rw), gw = 1 / rw, gb = 1 / rb, gout = 1 / (rb + rs);
    // unknowns: a00 a01 a10 a11 b00 b01 b10 b11 (b(1,·) is the bottom row, next to the sense amps)
    const K = [
      [gin + gw + G00, -gw, 0, 0, -G00, 0, 0, 0],            // a00: source, wire to a01, cell
      [-gw, gw + G01, 0, 0, 0, -G01, 0, 0],                  // a01: open right end
      [0, 0, gin + gw + G10, -gw, 0, 0, -G10, 0],            // a10
      [0, 0, -gw, gw + G11, 0, 0, 0, -G11],                  // a11
      [-G00, 0, 0, 0, gb + G00, 0, -gb, 0],                  // b00: open top end, wire to b10
      [0, -G01, 0, 0, 0, gb + G01, 0, -gb],                  // b01
      [0, 0, -G10, 0, -gb, 0, gb + gout + G10, 0],           // b10: wire to b00, to sense amp
      [0, 0, 0, -G11, 0, -gb, 0, gb + gout + G11],           // b11
    ];
    const s = [gin * V0, 0, gin * V1, 0, 0, 0, 0, 0];
    const x = (lusolve(K, s) as number[][]).map((r) => r[0]);
    const expected = [gout * x[6], gout * x[7]];
    const sol = solve(2, 2, [G00, G01, G10, G11], { rWordLine: rw, rBitLine: rb, rDriver: rd, rSense: rs }, [V0, V1]);
    expect(maxRelError(sol.currents, expected)).toBeLessThan(1e-11);
    // node voltages too (a, b row-major)
    expect(maxRelError(sol.a, [x[0], x[1], x[2], x[3]])).toBeLessThan(1e-11);
    expect(maxRelError(sol.b, [x[4], x[5], x[6], x[7]])).toBeLessThan(1e-10);
    // and the IR drop is real here: 5–20 % below the ideal currents
    const ideal = [V0 * G00 + V1 * G10, V0 * G01 + V1 * G11];
    for (let j = 0; j < 2; j++) expect(sol.currents[j] / ideal[j]).toBeLessThan(0.95);
  });

  it('random small tiles match the dense KCL system (mathjs lusolve)', () => {
    const specs: LineResistanceSpec[] = [
      { rWordLine: 1, rBitLine: 1, rDriver: 0, rSense: 0 },
      { rWordLine: 2.5, rBitLine: 0.5, rDriver: 100, rSense: 20 },
      { rWordLine: 0.1, rBitLine: 5, rDriver: 1, rSense: 0 },
    ];
    for (const [rows, cols] of [[3, 5], [6, 2], [4, 4]]) {
      const { G, V } = randomTile(rows, cols, `test/line_resistance/dense/${rows}x${cols}`, { gHi: 3e-3 });
      for (const spec of specs) {
        const I = solve(rows, cols, G, spec, V).currents;
        expect(maxRelError(I, denseOracle(rows, cols, G, spec, V))).toBeLessThan(1e-10);
      }
    }
  });

  it('every node satisfies the KCL equations of the file header (16×12 tile)', () => {
    const R = 16, C = 12;
    const spec = { rWordLine: 2, rBitLine: 1.5, rDriver: 30, rSense: 10 };
    const { G, V } = randomTile(R, C, 'test/line_resistance/kcl', { gHi: 3e-4 });
    const sol = solve(R, C, G, spec, V);
    const { a, b } = sol;
    const gIn = 1 / (spec.rDriver + spec.rWordLine), gW = 1 / spec.rWordLine, gB = 1 / spec.rBitLine, gOut = 1 / (spec.rBitLine + spec.rSense);
    let worst = 0, scale = 0;
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const k = i * C + j, cell = G[k] * (a[k] - b[k]);
        scale = Math.max(scale, Math.abs(cell));
        const left = j === 0 ? gIn * (a[k] - V[i]) : gW * (a[k] - a[k - 1]);
        const right = j < C - 1 ? gW * (a[k] - a[k + 1]) : 0;
        const up = i > 0 ? gB * (b[k] - b[k - C]) : 0;
        const down = i < R - 1 ? gB * (b[k] - b[k + C]) : gOut * b[k];
        worst = Math.max(worst, Math.abs(left + right + cell), Math.abs(up + down - cell));
      }
    }
    expect(worst / scale).toBeLessThan(1e-9);
    for (let j = 0; j < C; j++) expect(Math.abs(sol.currents[j] / (gOut * b[(R - 1) * C + j]) - 1)).toBeLessThan(1e-9);
  });

  it('all resistances 0 give exactly the ideal MVM Vᵀ·G; r → 0 converges to it linearly', () => {
    const R = 10, C = 7;
    const { G, V } = randomTile(R, C, 'test/line_resistance/ideal');
    const ideal = idealCurrents(tileCircuit(R, C, G, {}), V);
    expect(Array.from(solve(R, C, G, {}, V).currents)).toEqual(Array.from(ideal));
    let prevErr = Infinity;
    for (const r of [1e-1, 1e-2, 1e-3, 1e-4]) {
      const err = maxRelError(solve(R, C, G, { rWordLine: r, rBitLine: r, rDriver: r, rSense: r }, V).currents, ideal);
      expect(err).toBeLessThan(prevErr / 5);
      expect(err).toBeLessThan(r * 0.01); // first order: ~ r·ΣG·(R + C) ≈ r·2e-3
      prevErr = err;
    }
  });

  it('collapsed lines (zero wire resistance) are the limits of tiny wire resistances', () => {
    const R = 7, C = 9;
    const { G, V } = randomTile(R, C, 'test/line_resistance/collapse', { gHi: 1e-3 });
    const cases: [Partial<LineResistanceSpec>, Partial<LineResistanceSpec>][] = [
      [{ rWordLine: 0, rDriver: 50, rBitLine: 1 }, { rWordLine: 1e-9, rDriver: 50, rBitLine: 1 }],            // word lines 'node'
      [{ rWordLine: 0, rDriver: 0, rBitLine: 1, rSense: 5 }, { rWordLine: 1e-9, rDriver: 0, rBitLine: 1, rSense: 5 }], // 'fixed'
      [{ rWordLine: 2, rBitLine: 0, rSense: 40 }, { rWordLine: 2, rBitLine: 1e-9, rSense: 40 }],              // bit lines 'node'
      [{ rWordLine: 2, rDriver: 3, rBitLine: 0, rSense: 0 }, { rWordLine: 2, rDriver: 3, rBitLine: 1e-9 }],    // 'fixed'
      [{ rDriver: 20, rSense: 30 }, { rWordLine: 1e-9, rBitLine: 1e-9, rDriver: 20, rSense: 30 }],           // node/node
    ];
    for (const [zero, tiny] of cases) {
      const I0 = solve(R, C, G, zero, V).currents, I1 = solve(R, C, G, tiny, V).currents;
      expect(maxRelError(I0, I1)).toBeLessThan(1e-7);
    }
  });

  it('output currents decrease monotonically as any line resistance grows (V ≥ 0)', () => {
    const R = 12, C = 9;
    const { G, V } = randomTile(R, C, 'test/line_resistance/monotone', { gHi: 3e-4, vLo: 0, vHi: 1 });
    const base = { rWordLine: 1, rBitLine: 1, rDriver: 1, rSense: 1 };
    for (const field of ['rWordLine', 'rBitLine', 'rDriver', 'rSense', 'all'] as const) {
      let prev: Float64Array | null = null;
      for (const r of [0, 0.5, 1, 2.5, 5, 20, 100]) {
        const spec = field === 'all' ? { rWordLine: r, rBitLine: r, rDriver: r, rSense: r } : { ...base, [field]: r };
        const I = solve(R, C, G, spec, V).currents;
        if (prev) for (let j = 0; j < C; j++) expect(I[j], `${field} = ${r}, column ${j}`).toBeLessThan(prev[j]);
        prev = I;
      }
    }
  });

  it('bad input: UserErrors naming the field', () => {
    const G = [1e-5, 1e-5, 1e-5, 1e-5];
    expect(fieldOf(() => tileCircuit(2, 2, G, { rWordLine: -1 }))).toBe('tile.lineResistance.rWordLine');
    expect(fieldOf(() => tileCircuit(2, 2, G, { rBitLine: NaN }))).toBe('tile.lineResistance.rBitLine');
    expect(fieldOf(() => tileCircuit(2, 2, G, { rDriver: Infinity }))).toBe('tile.lineResistance.rDriver');
    expect(fieldOf(() => tileCircuit(2, 2, G, { rSense: -0.5 }))).toBe('tile.lineResistance.rSense');
    expect(fieldOf(() => tileCircuit(2, 2, G, { rWire: 1 } as Partial<LineResistanceSpec>))).toBe('tile.lineResistance.rWire');
    expect(fieldOf(() => tileCircuit(2, 2, [1e-5, NaN, 1e-5, 1e-5], {}))).toBe('tile.G[0][1]');
    expect(fieldOf(() => tileCircuit(2, 2, [1e-5, 1e-5, Infinity, 1e-5], {}))).toBe('tile.G[1][0]');
    expect(fieldOf(() => tileCircuit(2, 2, [1e-5, 1e-5, 1e-5, -1e-6], {}))).toBe('tile.G[1][1]');
    expect(fieldOf(() => tileCircuit(2, 2, [1e-5], {}))).toBe('tile.G');
    expect(fieldOf(() => tileCircuit(0, 2, [], {}))).toBe('tile.rows');
    const s = new ExactTileSolver(tileCircuit(2, 2, G, { rWordLine: 1 }));
    expect(fieldOf(() => s.solve([0.1, NaN]))).toBe('V[1]');
    const msg = (() => { try { tileCircuit(2, 2, G, { rWordLine: -1 }); } catch (e) { return (e as Error).message; } return ''; })();
    expect(msg).toMatch(/rWordLine must be a finite resistance >= 0 \(ohms\), got -1/);
  });
});
