// The line-resistance read stage against independent oracles: the exact nodal solver on every
// tile (currents converted to the weight domain by hand), the ideal forward when the wires are
// ideal, and the config errors (negative resistances) before any work.
import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { ExactTileSolver } from '../../src/crossbar/line_resistance/exact_solver.js';
import { tileCircuit } from '../../src/crossbar/line_resistance/tile_circuit.js';
import { makeLineResistanceStage, V_READ } from '../../src/crossbar/read_stages/line_resistance.js';
import type { ReadStageContext } from '../../src/crossbar/read_stages/read_stage.js';
import { planSweep } from '../../src/config/expand.js';
import { UserError } from '../../src/util/errors.js';
import { randomArray, randomParam } from './helpers.js';

const D = { rate: 0.15, lrsShare: 0.5, distribution: 'uniform' as const };

/** the op's forward by hand: per tile, exact currents of the programmed cells, converted like the ideal path */
function exactForward(op: CrossbarMatrixOp, X: Float32Array, n: number, r: { rWire?: number; rWordLine?: number; rBitLine?: number; rDriver?: number; rSense?: number }): Float64Array {
  const { rows, cols, layout, array, mapping } = op;
  const cpw = mapping.cellsPerWeight;
  const { gMin, gMax } = op.device;
  const Y = new Float64Array(n * cols);
  for (let tr = 0; tr < layout.gridRows; tr++) {
    const [r0, r1] = layout.rowRange(tr);
    const nr = r1 - r0;
    let xfs = 0;
    for (let b = 0; b < n; b++) for (let k = r0; k < r1; k++) xfs = Math.max(xfs, Math.abs(X[b * rows + k]));
    for (let tc = 0; tc < layout.gridCols; tc++) {
      const [c0, c1] = layout.colRange(tc);
      const nc = c1 - c0, ncc = nc * cpw;
      const G = new Float64Array(nr * ncc);
      for (let k = 0; k < nr; k++) {
        for (let m = 0; m < nc; m++) {
          const s = (r0 + k) * cols + c0 + m;
          G[k * ncc + m * cpw] = gMin + (gMax - gMin) * array.uP[s];
          if (cpw === 2) G[k * ncc + m * cpw + 1] = gMin + (gMax - gMin) * array.uN[s];
        }
      }
      const solver = new ExactTileSolver(tileCircuit(nr, ncc, G, { rWordLine: r.rWordLine ?? r.rWire ?? 0, rBitLine: r.rBitLine ?? r.rWire ?? 0, rDriver: r.rDriver ?? 0, rSense: r.rSense ?? 0 }));
      for (let b = 0; b < n; b++) {
        const V = new Float64Array(nr);
        for (let k = 0; k < nr; k++) V[k] = (V_READ * X[b * rows + r0 + k]) / xfs;
        const I = solver.solve(V).currents;
        for (let m = 0; m < nc; m++) {
          const dI = cpw === 2 ? I[2 * m] - I[2 * m + 1] : I[m] - V.reduce((a, v) => a + v, 0) * (gMin + gMax) / 2;
          Y[b * cols + c0 + m] += (op.wMax * xfs * mapping.currentScale * dI) / (V_READ * (gMax - gMin));
        }
      }
    }
  }
  return Y;
}

describe('line resistance on the read path', () => {
  for (const mapping of ['differential', 'offset'] as const) {
    it(`${mapping}: the forward equals the exact solver's currents, converted to the weight domain (defects included)`, () => {
      const rows = 20, cols = 7, n = 3;
      const W = randomParam('fc', rows, cols, `lr-${mapping}`, 0.4);
      const lr = { rWire: 2.5, rDriver: 10, rSense: 5, sweeps: 60 };
      const op = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, mapping, lineResistance: lr } });
      const ideal = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, mapping } });
      expect(op.readPath.active).toEqual(['line-resistance']);
      const X = randomArray(n * rows, `lrx-${mapping}`, 1);
      const Y = new Float32Array(n * cols), Y0 = new Float32Array(n * cols);
      op.forward(X, n, Y, false);
      ideal.forward(X, n, Y0, false);
      const ref = exactForward(op, X, n, lr);
      let scale = 0, dIdeal = 0;
      for (let k = 0; k < ref.length; k++) { scale = Math.max(scale, Math.abs(ref[k])); dIdeal = Math.max(dIdeal, Math.abs(Y0[k] - ref[k])); }
      for (let k = 0; k < ref.length; k++) expect(Math.abs(Y[k] - ref[k])).toBeLessThan(2e-5 * scale);
      // not vacuous: the IR drop moves the outputs well beyond that tolerance
      expect(dIdeal).toBeGreaterThan(1e-3 * scale);
    });
  }

  it('rWordLine and rBitLine apart: the forward equals the exact solver with those two resistances, and differs from rWire alone', () => {
    const rows = 20, cols = 7, n = 3;
    const W = randomParam('fc', rows, cols, 'lr-wl-bl', 0.4);
    const lr = { rWordLine: 4, rBitLine: 0.5, rDriver: 10, sweeps: 60 };
    const op = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, lineResistance: lr } });
    const same = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, lineResistance: { rWire: 4, rDriver: 10, sweeps: 60 } } });
    const X = randomArray(n * rows, 'lrx-wl-bl', 1);
    const Y = new Float32Array(n * cols), Yw = new Float32Array(n * cols);
    op.forward(X, n, Y, false);
    same.forward(X, n, Yw, false);
    const ref = exactForward(op, X, n, lr);
    let scale = 0, dWire = 0;
    for (let k = 0; k < ref.length; k++) { scale = Math.max(scale, Math.abs(ref[k])); dWire = Math.max(dWire, Math.abs(Yw[k] - ref[k])); }
    for (let k = 0; k < ref.length; k++) expect(Math.abs(Y[k] - ref[k])).toBeLessThan(2e-5 * scale);
    expect(dWire).toBeGreaterThan(1e-3 * scale);
  });

  it('one form in the point: rWire alone unchanged; rWordLine = rBitLine is the point (and hash) of rWire; apart: both kept, rWire dropped', async () => {
    const plan = async (lineResistance: Record<string, number>) => (await planSweep({ model: 'mlp', dataset: 'mnist', method: 'unaware', defects: { rate: 0.1 }, crossbar: { lineResistance } }, 't')).points[0];
    const wire = await plan({ rWire: 2 });
    expect(wire.point.crossbar.lineResistance).toEqual({ rWire: 2, rDriver: 0, rSense: 0, sweeps: 3 });
    expect(Object.keys(wire.point.crossbar.lineResistance!)).toEqual(['rWire', 'rDriver', 'rSense', 'sweeps']);
    const both = await plan({ rWordLine: 2, rBitLine: 2 });
    expect(both.hash).toBe(wire.hash);
    expect((await plan({ rWire: 2, rBitLine: 2 })).hash).toBe(wire.hash);
    const apart = await plan({ rWire: 2, rBitLine: 1 });
    expect(apart.point.crossbar.lineResistance).toEqual({ rWordLine: 2, rBitLine: 1, rDriver: 0, rSense: 0, sweeps: 3 });
    expect(apart.hash).not.toBe(wire.hash);
    await expect(plan({ rWordLine: 2 })).rejects.toThrow(/lineResistance.*rWire.*rWordLine and rBitLine/);
    await expect(plan({ rWordLine: 2, rBitLine: -1 })).rejects.toThrow(/rBitLine/);
  });

  for (const mapping of ['differential', 'offset'] as const) {
    it(`${mapping}: transfer mode equals the exact solver in evaluation, one transfer per tile per conductance set; training reuses a stale transfer for K forwards`, () => {
      const rows = 20, cols = 7, n = 3;
      const W = randomParam('fc', rows, cols, `lrt-${mapping}`, 0.4);
      const lr = { rWire: 2.5, rDriver: 10, rSense: 5, sweeps: 60, transferEvery: 3 };
      const op = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, mapping, lineResistance: lr } });
      const solve = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', defects: D, crossbar: { tileRows: 8, tileCols: 8, mapping, lineResistance: { ...lr, transferEvery: undefined } } });
      const stage = () => (op.readPath as unknown as { tileStages: { transfers: number }[] }).tileStages[0];
      const X = randomArray(n * rows, `lrtx-${mapping}`, 1);
      const Y = new Float32Array(n * cols), Ys = new Float32Array(n * cols);
      op.forward(X, n, Y, false);
      solve.forward(X, n, Ys, false);
      const ref = exactForward(op, X, n, lr);
      let scale = 0;
      for (let k = 0; k < ref.length; k++) scale = Math.max(scale, Math.abs(ref[k]));
      for (let k = 0; k < ref.length; k++) {
        expect(Math.abs(Y[k] - ref[k])).toBeLessThan(2e-5 * scale);
        expect(Math.abs(Y[k] - Ys[k])).toBeLessThan(2e-5 * scale);
      }
      const tiles = op.layout.gridRows * op.layout.gridCols;
      expect(stage().transfers).toBe(tiles);
      op.forward(randomArray(n * rows, 'other', 1), n, Y, false); // same conductances: no new transfer
      expect(stage().transfers).toBe(tiles);
      // change the weights: in training the old transfer serves until K = 3 training forwards have passed
      for (let k = 0; k < W.value.length; k++) W.value[k] *= -0.7;
      op.forward(X, n, Y, true);
      op.forward(X, n, Y, true);
      expect(stage().transfers).toBe(tiles);
      op.forward(X, n, Y, true);
      expect(stage().transfers).toBe(2 * tiles);
      // evaluation after another change recomputes at once and is exact again
      for (let k = 0; k < W.value.length; k++) W.value[k] *= 0.5;
      op.forward(X, n, Y, false);
      expect(stage().transfers).toBe(3 * tiles);
      const ref2 = exactForward(op, X, n, lr);
      for (let k = 0; k < ref2.length; k++) expect(Math.abs(Y[k] - ref2[k])).toBeLessThan(2e-5 * scale);
    });
  }

  it('ideal wires (every resistance 0): the stage leaves the partial sums bit for bit; tiny r is within float tolerance', () => {
    const rows = 20, cols = 9, n = 4;
    const W = randomParam('fc', rows, cols, 'lr0', 0.4);
    const xb = { tileRows: 8, tileCols: 8 };
    const ideal = new CrossbarMatrixOp(W, { seed: 5, layer: 'fc', defects: D, crossbar: xb });
    const X = randomArray(n * rows, 'lr0x', 1);
    const Y0 = new Float32Array(n * cols);
    ideal.forward(X, n, Y0, false);
    // the stage itself with r = 0: partials of one tile unchanged, bit for bit
    const ctx = {
      layer: 'fc', seed: 5, model: ideal.model, mapping: ideal.mapping, layout: ideal.layout, array: ideal.array,
      crossbar: { ...ideal.spec, lineResistance: { rWire: 0, rDriver: 0, rSense: 0 } }, wMax: () => ideal.wMax,
    } as ReadStageContext;
    const stage = makeLineResistanceStage(ctx);
    const p = randomArray(n * 4, 'lr0p', 1), before = p.slice();
    stage.partials!(p, n * 4, { tileRow: 0, tileCol: 0, x: randomArray(n * 8, 'lr0t', 1), w: new Float32Array(32), n, nr: 8, nc: 4 });
    expect(Array.from(p)).toEqual(Array.from(before));
    // the whole forward with r = 1e-9 Ω: the ideal forward to float tolerance
    const tiny = new CrossbarMatrixOp(W, { seed: 5, layer: 'fc', defects: D, crossbar: { ...xb, lineResistance: { rWire: 1e-9 } } });
    expect(tiny.readPath.active).toEqual(['line-resistance']);
    const Y = new Float32Array(n * cols);
    tiny.forward(X, n, Y, false);
    for (let k = 0; k < Y.length; k++) expect(Y[k]).toBeCloseTo(Y0[k], 5);
  });

  it('IR drop shrinks the output magnitudes (a resistive loss), more with more resistance', () => {
    const rows = 64, cols = 16, n = 2;
    const W = randomParam('fc', rows, cols, 'lrm', 0.4);
    const X = randomArray(n * rows, 'lrmx', 1).map(Math.abs);
    const norm = (r: number) => {
      const op = new CrossbarMatrixOp(W, { seed: 1, layer: 'fc', crossbar: { tileRows: 64, tileCols: 32, ...(r > 0 ? { lineResistance: { rWire: r } } : {}) } });
      const Y = new Float32Array(n * cols);
      op.forward(X, n, Y, false);
      return Y.reduce((a, y) => a + Math.abs(y), 0);
    };
    const n0 = norm(0), n1 = norm(1), n5 = norm(5);
    expect(n1).toBeLessThan(n0);
    expect(n5).toBeLessThan(n1);
  });
});

describe('crossbar.lineResistance config', () => {
  const base = { name: 't', model: 'mlp', method: 'unaware' };
  it('negative resistances and bad sweeps: one UserError naming the field, at planning', async () => {
    for (const [field, v] of [['rWire', -1], ['rDriver', -0.5], ['rSense', -2], ['sweeps', 0]] as const) {
      const lr = { rWire: 1, [field]: v };
      const e = await planSweep({ ...base, crossbar: { lineResistance: lr } }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toContain(`crossbar.lineResistance.${field}`);
    }
    expect(() => new CrossbarMatrixOp(randomParam('fc', 4, 4, 'x'), { seed: 0, crossbar: { tileRows: 4, tileCols: 8, lineResistance: { rWire: -1 } } }))
      .toThrow(/crossbar\.lineResistance\.rWire/);
  });

  it('rDriver without rWire is refused; absent or all-zero resistances leave the point without the field', async () => {
    const e = await planSweep({ ...base, crossbar: { lineResistance: { rDriver: 5 } } }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toContain('crossbar.lineResistance.rWire');
    const plain = await planSweep(base);
    const zero = await planSweep({ ...base, crossbar: { lineResistance: { rWire: 0 } } });
    expect(zero.points[0].hash).toBe(plain.points[0].hash);
    expect('lineResistance' in plain.points[0].point.crossbar).toBe(false);
    const on = await planSweep({ ...base, crossbar: { lineResistance: { rWire: [1, 2.5] } } });
    expect(on.points.map((p) => p.point.crossbar.lineResistance)).toEqual([
      { rWire: 1, rDriver: 0, rSense: 0, sweeps: 3 }, { rWire: 2.5, rDriver: 0, rSense: 0, sweeps: 3 },
    ]);
  });
});
