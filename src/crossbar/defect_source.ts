/**
 * Where a crossbar op's defect maps come from: ready-made tile maps (checked against the tile
 * grid), or one map per tile generated from the defect spec with stream
 * 'defects/<layer>/tile<r>_<c>' (defect_generator.ts), in row-major order over the tile grid.
 * No defect spec = no defects.
 */
import type { DefectSpec } from './defect_spec.js';
import { generateTileMap, validateDefects } from './defect_generator.js';
import type { TileDefectMap } from './defect_map.js';
import type { TileLayout } from './tiling.js';

export const NO_DEFECTS: DefectSpec = Object.freeze({ rate: 0, lrsShare: 0.5, distribution: 'uniform' }) as DefectSpec;

export function tileDefectMaps(
  layout: TileLayout, layer: string, seed: number, defects?: DefectSpec, tileMaps?: TileDefectMap[],
): TileDefectMap[] {
  if (tileMaps) {
    if (tileMaps.length !== layout.tileCount || tileMaps.some((m) => m.rows !== layout.tileRows || m.cols !== layout.tileCols)) {
      throw new RangeError(`tileMaps: expected ${layout.tileCount} maps of ${layout.tileRows}x${layout.tileCols}`);
    }
    return tileMaps;
  }
  const d = validateDefects(defects ?? NO_DEFECTS);
  const maps: TileDefectMap[] = [];
  for (let tr = 0; tr < layout.gridRows; tr++) {
    for (let tc = 0; tc < layout.gridCols; tc++) {
      maps.push(generateTileMap(d, seed, layer, tr, tc, layout.tileRows, layout.tileCols, tr * layout.gridCols + tc));
    }
  }
  return maps;
}
