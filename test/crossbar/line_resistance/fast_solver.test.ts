/**
 * The fast (block Gauss–Seidel, float32) line-resistance MVM against the exact solver: the ideal
 * MVM at 0 sweeps, exact after one sweep when one kind of line is ideal, convergence to the exact
 * solution as sweeps increase (every collapsed/uncollapsed line kind), batching, bad input.
 */
import { describe, expect, it } from 'vitest';
import { ExactTileSolver } from '../../../src/crossbar/line_resistance/exact_solver.js';
import { FastTileSolver } from '../../../src/crossbar/line_resistance/fast_solver.js';
import { idealCurrents, tileCircuit, type LineResistanceSpec } from '../../../src/crossbar/line_resistance/tile_circuit.js';
import { UserError } from '../../../src/util/errors.js';
import { maxRelError, randomTile } from './helpers.js';

function fast(rows: number, cols: number, G: Float64Array, spec: Partial<LineResistanceSpec>, V: Float64Array, sweeps: number): Float32Array {
  const f = new FastTileSolver(rows, cols, spec);
  f.setConductances(G);
  const Y = new Float32Array(cols);
  f.mvm(Float32Array.from(V), 1, Y, sweeps);
  return Y;
}

const exact = (rows: number, cols: number, G: Float64Array, spec: Partial<LineResistanceSpec>, V: Float64Array) =>
  new ExactTileSolver(tileCircuit(rows, cols, G, spec)).solve(V).currents;

function fieldOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as UserError).field; }
  throw new Error('expected a UserError');
}

describe('fast line-resistance MVM (block Gauss–Seidel sweeps)', () => {
  it('0 sweeps is the ideal MVM Vᵀ·G', () => {
    const { G, V } = randomTile(9, 13, 'test/line_resistance/fast/ideal');
    const V32 = Float64Array.from(Float32Array.from(V));
    const ideal = idealCurrents(tileCircuit(9, 13, G, {}), V32);
    expect(maxRelError(fast(9, 13, G, { rWordLine: 2, rBitLine: 2 }, V, 0), ideal)).toBeLessThan(1e-6);
  });

  it('one sweep is exact when the word lines or the bit lines are ideal', () => {
    const R = 20, C = 16;
    const { G, V } = randomTile(R, C, 'test/line_resistance/fast/one-sweep', { gHi: 3e-4 });
    for (const spec of [{ rBitLine: 2.5, rSense: 10 }, { rWordLine: 2.5, rDriver: 10 }, { rBitLine: 5 }, { rWordLine: 5 }]) {
      const ex = exact(R, C, G, spec, V);
      expect(maxRelError(fast(R, C, G, spec, V, 1), ex), JSON.stringify(spec)).toBeLessThan(2e-6);
      expect(maxRelError(idealCurrents(tileCircuit(R, C, G, {}), V), ex)).toBeGreaterThan(1e-3); // the effect is there
    }
  });

  it('converges to the exact solution as sweeps increase (32×32, r = 2.5 Ω, G up to 300 µS)', () => {
    const R = 32, C = 32, spec = { rWordLine: 2.5, rBitLine: 2.5, rDriver: 0, rSense: 0 };
    const { G, V } = randomTile(R, C, 'test/line_resistance/fast/converge', { gHi: 3e-4 });
    const ex = exact(R, C, G, spec, V);
    const errs = [0, 1, 2, 3, 4, 30].map((s) => maxRelError(fast(R, C, G, spec, V, s), ex));
    expect(errs[0]).toBeGreaterThan(0.1); // IR drop of > 10 % at the ideal start
    for (let k = 1; k < 5; k++) expect(errs[k], `sweep index ${k}: ${errs.join(', ')}`).toBeLessThan(errs[k - 1] / 3);
    expect(errs[errs.length - 1]).toBeLessThan(2e-6); // float32 storage floor
  });

  it('every combination of chain / collapsed / fixed lines converges to the exact solver', () => {
    const R = 11, C = 8;
    const { G, V } = randomTile(R, C, 'test/line_resistance/fast/kinds', { gHi: 1e-3 });
    const wls: Partial<LineResistanceSpec>[] = [{ rWordLine: 1.5, rDriver: 20 }, { rWordLine: 0, rDriver: 40 }, { rWordLine: 0, rDriver: 0 }];
    const bls: Partial<LineResistanceSpec>[] = [{ rBitLine: 2, rSense: 0 }, { rBitLine: 0, rSense: 25 }, { rBitLine: 0, rSense: 0 }];
    for (const wl of wls) {
      for (const bl of bls) {
        const spec = { ...wl, ...bl };
        expect(maxRelError(fast(R, C, G, spec, V, 80), exact(R, C, G, spec, V)), JSON.stringify(spec)).toBeLessThan(3e-6);
      }
    }
  });

  it('a batch gives the same bits as one vector at a time, independent of earlier calls', () => {
    const R = 16, C = 12, n = 5, spec = { rWordLine: 1, rBitLine: 2, rDriver: 3, rSense: 4 };
    const { G } = randomTile(R, C, 'test/line_resistance/fast/batch');
    const X = new Float32Array(n * R);
    for (let v = 0; v < n; v++) X.set(Float32Array.from(randomTile(R, 1, `test/line_resistance/fast/batch/x${v}`).V), v * R);
    const f = new FastTileSolver(R, C, spec);
    f.setConductances(G);
    const Y = new Float32Array(n * C);
    f.mvm(X, n, Y, 4);
    for (let v = n - 1; v >= 0; v--) {
      const y = new Float32Array(C);
      f.mvm(X.subarray(v * R, (v + 1) * R), 1, y, 4);
      expect(Array.from(y)).toEqual(Array.from(Y.subarray(v * C, (v + 1) * C)));
    }
  });

  it('bad input: UserErrors naming the field', () => {
    expect(fieldOf(() => new FastTileSolver(4, 4, { rSense: -1 }))).toBe('lineResistance.rSense');
    expect(fieldOf(() => new FastTileSolver(4, 4, { rWordLine: NaN }, 'crossbar.lineResistance'))).toBe('crossbar.lineResistance.rWordLine');
    const f = new FastTileSolver(2, 3, { rWordLine: 1 });
    expect(fieldOf(() => f.setConductances([1e-5, 1e-5, 1e-5, 1e-5, NaN, 1e-5]))).toBe('G[1][1]');
    expect(fieldOf(() => f.setConductances([1e-5, -1e-5, 1e-5, 1e-5, 1e-5, 1e-5]))).toBe('G[0][1]');
    expect(fieldOf(() => f.setConductances([1e-5]))).toBe('G');
  });
});
