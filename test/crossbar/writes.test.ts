import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { HEALTHY } from '../../src/crossbar/cell_state.js';
import { permutation, stream } from '../../src/util/rng.js';
import { makeParam } from '../../src/nn/param.js';
import { randomParam } from './helpers.js';

/** independent level computation for a healthy differential pair: [level G⁺, level G⁻] */
function pairLevels(w: number, wMax: number, L: number): [number, number] {
  const t = Math.max(-1, Math.min(1, w / wMax));
  return t >= 0 ? [Math.round(t * (L - 1)), 0] : [0, Math.round(-t * (L - 1))];
}

describe('cell write counter', () => {
  it('counts the first programming, then only cells whose level changed', () => {
    const L = 16, wMax = 1;
    const W = randomParam('fc', 20, 10, 'wr');
    const op = new CrossbarMatrixOp(W, { seed: 0, device: { levels: L }, crossbar: { range: { kind: 'fixed', wMax } } });
    expect(op.cellWrites()).toBe(20 * 10 * 2);
    expect(op.cost()).toEqual({ cellsUsed: 400, cellWrites: 400, macsPerRow: 200, cellsWritten: 400 });
    op.resetWriteCounts();
    const before = Array.from(W.value);
    const r = stream(1, 'test/changes');
    for (let k = 0; k < W.value.length; k++) {
      const u = r.next();
      if (u < 0.2) W.value[k] += 0.001;           // mostly below a level step (1/15)
      else if (u < 0.4) W.value[k] = -W.value[k]; // sign flip: both cells usually change
      else if (u < 0.5) W.value[k] += 0.3;
    }
    let expected = 0;
    const perCell: number[] = [];
    for (let k = 0; k < W.value.length; k++) {
      const a = pairLevels(before[k], wMax, L), b = pairLevels(W.value[k], wMax, L);
      const d = (a[0] !== b[0] ? 1 : 0) + (a[1] !== b[1] ? 1 : 0);
      perCell.push(d);
      expected += d;
    }
    op.sync();
    expect(expected).toBeGreaterThan(50);
    expect(op.cellWrites()).toBe(expected);
    for (let k = 0; k < W.value.length; k++) expect(op.array.writesP[k] + op.array.writesN[k]).toBe(perCell[k]);
    op.sync(); // nothing changed: nothing written
    expect(op.cellWrites()).toBe(expected);
    // one sync: every written cell was written once, so distinct cells = write events
    expect(op.cost().cellsWritten).toBe(expected);
    // move the same weights back: write events grow, distinct cells written do not
    W.value.set(before);
    op.sync();
    expect(op.cellWrites()).toBe(2 * expected);
    expect(op.cost().cellsWritten).toBe(expected);
    let nonzero = 0;
    for (let k = 0; k < W.value.length; k++) nonzero += (op.array.writesP[k] > 0 ? 1 : 0) + (op.array.writesN[k] > 0 ? 1 : 0);
    expect(op.cost().cellsWritten).toBe(nonzero);
    op.resetWriteCounts();
    expect(op.cost().cellsWritten).toBe(0);
  });

  it('continuous levels: a weight moved within its sign rewrites exactly one cell; stuck cells are never written', () => {
    const W = makeParam('fc', 16, 16);
    for (let k = 0; k < W.value.length; k++) W.value[k] = 0.1 + (k % 5) * 0.1;
    const op = new CrossbarMatrixOp(W, {
      seed: 2, defects: { rate: 0.2, lrsShare: 0.5, distribution: 'uniform' },
      crossbar: { range: { kind: 'fixed', wMax: 1 }, tileRows: 16, tileCols: 32 },
    });
    const a = op.array;
    let free = 0;
    for (let s = 0; s < a.slots; s++) free += (a.stateP[s] === HEALTHY ? 1 : 0) + (a.stateN[s] === HEALTHY ? 1 : 0);
    expect(op.cellWrites()).toBe(free);
    op.resetWriteCounts();
    let expected = 0;
    for (let k = 0; k < W.value.length; k++) {
      if (k % 2) continue;
      W.value[k] += 0.05;
      const sP = a.stateP[k], sN = a.stateN[k];
      if (sP === HEALTHY && sN === HEALTHY) expected += 1;          // only G⁺ moves
      else if (sP === HEALTHY || sN === HEALTHY) expected += 1;      // the free partner realises the target
    }
    op.sync();
    // a free partner of a stuck cell may already be clamped at its range end: then it is not rewritten
    expect(op.cellWrites()).toBeLessThanOrEqual(expected);
    expect(op.cellWrites()).toBeGreaterThan(expected * 0.6);
    for (let s = 0; s < a.slots; s++) {
      if (a.stateP[s] !== HEALTHY) expect(a.writesP[s]).toBe(0);
      if (a.stateN[s] !== HEALTHY) expect(a.writesN[s]).toBe(0);
    }
  });

  it('dead band: forwards reprogram a weight only after it moved h level steps; sync() programs the exact weights', () => {
    const L = 11, wMax = 1, step = wMax / (L - 1), h = 1.5; // Δw = 0.1
    const mk = (th: number) => {
      const W = makeParam('fc', 4, 5);
      for (let k = 0; k < W.value.length; k++) W.value[k] = 0.3 + 0.01 * k; // levels 3..5 of G⁺
      const op = new CrossbarMatrixOp(W, { seed: 0, device: { levels: L }, crossbar: { range: { kind: 'fixed', wMax }, writeThreshold: th } });
      op.resetWriteCounts();
      return { W, op };
    };
    const { W, op } = mk(h);
    const ref = mk(0);
    const x = new Float32Array(4).fill(1), y = new Float32Array(5), yRef = new Float32Array(5);
    const start = Array.from(W.value);
    const y0 = new Float32Array(5);
    op.forward(x, 1, y0, true);
    // move every weight by 1.2 Δw (crosses at least one rounding boundary, stays inside the band)
    for (const { W: w } of [{ W }, ref]) for (let k = 0; k < w.value.length; k++) w.value[k] = start[k] + 1.2 * step;
    op.forward(x, 1, y, true);
    ref.op.forward(x, 1, yRef, true);
    expect(op.cellWrites()).toBe(0);              // inside the dead band: nothing written
    expect(ref.op.cellWrites()).toBe(20);         // without it every G⁺ moves one level
    // the forward used the cells as last programmed; without the band every column sum grew
    expect(Array.from(y)).toEqual(Array.from(y0));
    for (let j = 0; j < 5; j++) expect(yRef[j] - y[j]).toBeGreaterThan(4 * step - 1e-6);
    // beyond the band (1.6 Δw from the last programmed value) a training forward writes
    for (let k = 0; k < W.value.length; k++) W.value[k] = start[k] + 1.6 * step;
    op.forward(x, 1, y, true);
    const afterTrain = op.cellWrites();
    expect(afterTrain).toBe(20);
    // an evaluation forward follows the same rule: 0.1 Δw further is inside the band, nothing written
    for (let k = 0; k < W.value.length; k++) { W.value[k] = start[k] + 1.7 * step; ref.W.value[k] = W.value[k]; }
    const y1 = new Float32Array(5);
    op.forward(x, 1, y1, true);
    op.forward(x, 1, y, false);
    expect(op.cellWrites()).toBe(afterTrain);
    expect(Array.from(y)).toEqual(Array.from(y1));
    // sync() (deployment, merge) programs the exact current weights: same cells as no dead band
    op.sync();
    ref.op.forward(x, 1, yRef, false);
    expect(Array.from(op.array.uP)).toEqual(Array.from(ref.op.array.uP));
    expect(Array.from(op.effectiveWeights())).toEqual(Array.from(ref.op.effectiveWeights()));
  });

  it('dead band needs quantised cells', () => {
    const W = makeParam('fc', 2, 2);
    expect(() => new CrossbarMatrixOp(W, { seed: 0, device: { levels: 0 }, crossbar: { writeThreshold: 1 } }))
      .toThrow(/crossbar\.writeThreshold \(1\) needs quantised cells: device\.levels must be >= 2/);
  });

  it('a permutation rewrites only cells whose target changes', () => {
    const W = makeParam('fc', 12, 6);
    W.value.fill(0.5); // all equal: moving weights around changes no target
    const op = new CrossbarMatrixOp(W, { seed: 0, device: { levels: 8 }, crossbar: { range: { kind: 'fixed', wMax: 1 } } });
    op.resetWriteCounts();
    op.setRowPermutation(permutation(stream(3, 'p'), 12));
    op.sync();
    expect(op.cellWrites()).toBe(0);
    W.value[0] = -0.5;
    op.sync();
    expect(op.cellWrites()).toBe(2);
  });
});
