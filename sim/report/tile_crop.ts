/**
 * The cells of a crossbar tile that a layer uses (the rest of the tile is empty and drawn nowhere).
 * A layer of rows × cols weights (rows = inputs / word lines, cols = outputs) on tiles of
 * tileRows × tileCols cells with c cells per weight (2: differential pair, 1: offset) fills tile
 * (tr, tc) with (src/crossbar/tiling.ts TileLayout)
 *   used rows = min(tileRows, rows − tr·tileRows)
 *   used cols = c · min(⌊tileCols / c⌋, cols − tc·⌊tileCols / c⌋)
 * starting at the tile's top-left cell. The layer's shape comes from the point's model
 * (src/config/model_layers.ts), so records need no new field.
 */
import { modelLayers } from '../../src/config/model_layers.js';
import { TileLayout } from '../../src/crossbar/tiling.js';
import type { PointSpec } from '../../src/experiment/point.js';

export interface UsedCells {
  rows: number;
  cols: number;
}

/** used rows × cols of tile (tileRow, tileCol) of `layer` of the point's model; undefined when unknown */
export function cropToUsedCells(point: PointSpec | undefined, layer: string, tileRow: number, tileCol: number, tile: UsedCells): UsedCells | undefined {
  if (!point) return undefined;
  try {
    const shape = modelLayers(point.model, point.pool, point.dataset).find((l) => l.name === layer);
    if (!shape) return undefined;
    const cpw = point.crossbar.mapping === 'offset' ? 1 : 2;
    const t = new TileLayout(shape.rows, shape.cols, point.crossbar.tileRows, point.crossbar.tileCols, cpw);
    if (tileRow >= t.gridRows || tileCol >= t.gridCols) return undefined;
    const [r0, r1] = t.rowRange(tileRow);
    const [c0, c1] = t.colRange(tileCol);
    const used = { rows: r1 - r0, cols: (c1 - c0) * cpw };
    return used.rows <= tile.rows && used.cols <= tile.cols ? used : undefined;
  } catch {
    return undefined; // a model this version cannot build: draw the whole tile
  }
}
