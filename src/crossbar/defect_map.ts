/**
 * One tile's defect map: the state (cell_state.ts codes) of every cell of a tileRows x tileCols
 * crossbar, row-major. Serialised as the `defect_tile.json` artefact of docs/DESIGN.md:
 *   { layer, tileRow, tileCol, rows, cols, distribution, state: number[] }.
 * Maps cover the whole tile (also cells an edge tile leaves unused), so a tile's map never depends
 * on the shape of the matrix mapped onto it.
 */
import type { DefectDistribution } from './defect_spec.js';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from './cell_state.js';

export interface TileDefectMap {
  layer: string;
  tileRow: number;
  tileCol: number;
  rows: number;
  cols: number;
  distribution: DefectDistribution;
  state: Uint8Array;
}

export interface TileDefectMapJSON {
  layer: string;
  tileRow: number;
  tileCol: number;
  rows: number;
  cols: number;
  distribution: DefectDistribution;
  state: number[];
}

export function tileMapToJSON(m: TileDefectMap): TileDefectMapJSON {
  return {
    layer: m.layer, tileRow: m.tileRow, tileCol: m.tileCol, rows: m.rows, cols: m.cols,
    distribution: m.distribution, state: Array.from(m.state),
  };
}

export function tileMapFromJSON(j: TileDefectMapJSON): TileDefectMap {
  return { ...j, state: Uint8Array.from(j.state) };
}

/** counts of [healthy, stuck at HRS, stuck at LRS] */
export function countStates(state: Uint8Array): [number, number, number] {
  let h = 0, hrs = 0, lrs = 0;
  for (let i = 0; i < state.length; i++) {
    const s = state[i];
    if (s === HEALTHY) h++; else if (s === STUCK_HRS) hrs++; else if (s === STUCK_LRS) lrs++;
  }
  return [h, hrs, lrs];
}
