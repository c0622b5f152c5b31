/**
 * Tiling of a logical weight matrix (rows = word lines / inputs, cols = bit lines / outputs) over
 * fixed-size crossbar tiles of tileRows x tileCols cells (default 128 x 128).
 *
 * Positions: a weight sits on a *physical slot* (pr, pc), pr ∈ [0, rows), pc ∈ [0, cols); with
 * row/column permutations (crossbar_matrix_op.ts) logical (i, j) sits on slot (permR[i], permC[j]).
 * A slot needs `cellsPerWeight` cells (2 for a differential pair, 1 for offset mapping). Each tile
 * holds wpt = ⌊tileCols / cellsPerWeight⌋ slot columns, and a differential pair sits in two
 * **adjacent columns of the same tile**: G⁺ in local column 2·lc, G⁻ in 2·lc + 1. So
 *
 *   tileRow = ⌊pr / tileRows⌋,  row = pr mod tileRows,
 *   tileCol = ⌊pc / wpt⌋,       lc  = pc mod wpt,  col(cell k) = lc·cellsPerWeight + k.
 *
 * The grid has ⌈rows / tileRows⌉ x ⌈cols / wpt⌉ tiles; edge tiles are partly used. Each tile
 * produces partial sums of its rows for its columns; the periphery adds the partial sums of the
 * tiles in a tile column (after the ADC when one is modelled).
 */
import { UserError } from '../util/errors.js';

export interface CellLocation {
  tileRow: number;
  tileCol: number;
  row: number;
  col: number;
}

export class TileLayout {
  /** slot columns (weights) per tile */
  readonly weightsPerTileRow: number;
  readonly gridRows: number;
  readonly gridCols: number;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly tileRows: number,
    readonly tileCols: number,
    readonly cellsPerWeight: 1 | 2,
  ) {
    if (!Number.isInteger(tileRows) || tileRows < 1 || tileRows > 65536) {
      throw new UserError(`crossbar.tileRows must be an integer in 1..65536, got ${String(tileRows)}`, 'crossbar.tileRows');
    }
    if (!Number.isInteger(tileCols) || tileCols < cellsPerWeight || tileCols > 65536) {
      throw new UserError(`crossbar.tileCols must be an integer in ${cellsPerWeight}..65536 (a differential pair needs 2 columns), got ${String(tileCols)}`, 'crossbar.tileCols');
    }
    this.weightsPerTileRow = Math.floor(tileCols / cellsPerWeight);
    this.gridRows = Math.ceil(rows / tileRows);
    this.gridCols = Math.ceil(cols / this.weightsPerTileRow);
  }

  get tileCount(): number {
    return this.gridRows * this.gridCols;
  }

  /** where cell k (0 = G⁺ or the single cell, 1 = G⁻) of physical slot (pr, pc) sits */
  locate(pr: number, pc: number, k: number): CellLocation {
    const wpt = this.weightsPerTileRow;
    return {
      tileRow: Math.floor(pr / this.tileRows),
      row: pr % this.tileRows,
      tileCol: Math.floor(pc / wpt),
      col: (pc % wpt) * this.cellsPerWeight + k,
    };
  }

  /** slot rows [r0, r1) of tile row tr */
  rowRange(tr: number): [number, number] {
    const r0 = tr * this.tileRows;
    return [r0, Math.min(this.rows, r0 + this.tileRows)];
  }

  /** slot columns [c0, c1) of tile column tc */
  colRange(tc: number): [number, number] {
    const c0 = tc * this.weightsPerTileRow;
    return [c0, Math.min(this.cols, c0 + this.weightsPerTileRow)];
  }

  /** physical cells occupied (data cells; offset mapping adds one reference cell per used tile row) */
  cellsUsed(): number {
    const data = this.rows * this.cols * this.cellsPerWeight;
    const ref = this.cellsPerWeight === 1 ? this.rows * this.gridCols : 0;
    return data + ref;
  }
}
