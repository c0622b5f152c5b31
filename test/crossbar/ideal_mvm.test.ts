import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { analogMvm } from '../../src/crossbar/mvm.js';
import { permutation, stream } from '../../src/util/rng.js';
import { maxAbsDiff, oracleProduct, randomArray, randomParam } from './helpers.js';

// shapes chosen to straddle tile boundaries (tiles 16 x 16 here, 8 weight columns per tile when differential)
const shapes: [number, number, number][] = [[1, 1, 1], [3, 17, 9], [5, 33, 31], [2, 16, 8], [7, 47, 65]];

describe('ideal crossbar MVM equals W·x (mathjs oracle)', () => {
  for (const mapping of ['differential', 'offset'] as const) {
    for (const [n, rows, cols] of shapes) {
      it(`${mapping} ${n}x${rows} · ${rows}x${cols} over 16x16 tiles`, () => {
        const W = randomParam('w', rows, cols, `${rows}x${cols}`);
        const X = randomArray(n * rows, `${n}`);
        const op = new CrossbarMatrixOp(W, { seed: 1, crossbar: { tileRows: 16, tileCols: 16, mapping } });
        const expected = oracleProduct(X, n, W.value, rows, cols);
        const Y = new Float32Array(n * cols);
        op.forward(X, n, Y, false);
        const scale = Math.max(1, ...expected.map(Math.abs));
        expect(maxAbsDiff(Y, expected)).toBeLessThan(1e-5 * scale * Math.sqrt(rows));
        // literal per-tile current model in siemens
        const Yl = new Float32Array(n * cols);
        analogMvm(op.array, op.wMax, X, n, Yl);
        expect(maxAbsDiff(Yl, expected)).toBeLessThan(1e-5 * scale * Math.sqrt(rows));
        // tile grid really spans several tiles for the larger shapes
        if (rows > 16) expect(op.layout.gridRows).toBeGreaterThan(1);
      });
    }
  }

  it('default 128x128 tiles: 300x100 layer', () => {
    const W = randomParam('w', 300, 100, 'big');
    const X = randomArray(4 * 300, 'bigx');
    const op = new CrossbarMatrixOp(W, { seed: 1 });
    expect([op.layout.gridRows, op.layout.gridCols]).toEqual([3, 2]);
    const Y = new Float32Array(4 * 100);
    op.forward(X, 4, Y, true);
    expect(maxAbsDiff(Y, oracleProduct(X, 4, W.value, 300, 100))).toBeLessThan(1e-4);
  });

  it('row and column permutations leave the defect-free function unchanged', () => {
    const [n, rows, cols] = [4, 37, 21];
    const W = randomParam('w', rows, cols, 'perm');
    const X = randomArray(n * rows, 'permx');
    const op = new CrossbarMatrixOp(W, { seed: 2, crossbar: { tileRows: 8, tileCols: 8 } });
    const Y0 = new Float32Array(n * cols), Y1 = new Float32Array(n * cols);
    op.forward(X, n, Y0, false);
    op.setRowPermutation(permutation(stream(0, 'p/r'), rows));
    op.setColPermutation(permutation(stream(0, 'p/c'), cols));
    op.forward(X, n, Y1, false);
    expect(maxAbsDiff(Y0, Y1)).toBeLessThan(1e-5);
    expect(Array.from(op.rowPermutation())).not.toEqual(Array.from({ length: rows }, (_, i) => i));
  });

  it('a permutation that is not one is refused', () => {
    const op = new CrossbarMatrixOp(randomParam('w', 3, 2, 'x'), { seed: 0 });
    expect(() => op.setRowPermutation(Int32Array.from([0, 0, 1]))).toThrow(/permutation/);
    expect(() => op.setColPermutation(Int32Array.from([0]))).toThrow(/length/);
  });
});
