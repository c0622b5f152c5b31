/**
 * Defect maps per tile from a DefectSpec (src/methods/point.ts):
 *   rate      total fraction of stuck cells, in [0, 1]
 *   lrsShare  fraction of the stuck cells stuck at LRS (stuck-on, G = gMax); the rest at HRS
 *   distribution 'uniform' (defects_uniform.ts) | 'clustered' (defects_clustered.ts, clusters:
 *             { perTile ≥ 1, radius > 0 cells }, default { perTile: 4, radius: 4 }) | 'file'
 *             (defects_file.ts; rate/lrsShare are then ignored).
 * Every tile draws from its own stream `stream(seed, 'defects/<layer>/tile<r>_<c>')`, so a map is
 * independent of the weights, of the other tiles and of the other layers.
 */
import type { DefectSpec } from '../methods/point.js';
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import type { TileDefectMap } from './defect_map.js';
import { drawClusteredDefects } from './defects_clustered.js';
import { fileTileState, loadDefectFile } from './defects_file.js';
import { drawUniformDefects } from './defects_uniform.js';

export const DEFAULT_CLUSTERS = Object.freeze({ perTile: 4, radius: 4 });

export function validateDefects(d: DefectSpec, path = 'defects'): DefectSpec {
  if (!d || typeof d !== 'object') throw new UserError(`${path} must be an object { rate, lrsShare, distribution }`, path);
  if (typeof d.rate !== 'number' || !(d.rate >= 0 && d.rate <= 1)) {
    throw new UserError(`${path}.rate must be a number in [0, 1] (fraction of stuck cells), got ${String(d.rate)}`, `${path}.rate`);
  }
  if (typeof d.lrsShare !== 'number' || !(d.lrsShare >= 0 && d.lrsShare <= 1)) {
    throw new UserError(`${path}.lrsShare must be a number in [0, 1] (share of stuck cells stuck at LRS), got ${String(d.lrsShare)}`, `${path}.lrsShare`);
  }
  if (d.distribution === 'clustered') {
    const c = d.clusters ?? DEFAULT_CLUSTERS;
    if (!Number.isInteger(c.perTile) || c.perTile < 1) {
      throw new UserError(`${path}.clusters.perTile must be an integer >= 1, got ${String(c.perTile)}`, `${path}.clusters.perTile`);
    }
    if (typeof c.radius !== 'number' || !(c.radius > 0 && Number.isFinite(c.radius))) {
      throw new UserError(`${path}.clusters.radius must be a number > 0 (cells), got ${String(c.radius)}`, `${path}.clusters.radius`);
    }
  } else if (d.distribution === 'file') {
    if (typeof d.file !== 'string' || d.file === '') {
      throw new UserError(`${path}.file must name a defect map file (JSON or CSV) when ${path}.distribution is 'file'`, `${path}.file`);
    }
  } else if (d.distribution !== 'uniform') {
    throw new UserError(`${path}.distribution must be 'uniform', 'clustered' or 'file', got ${String(d.distribution)}`, `${path}.distribution`);
  }
  return d;
}

export function defectStreamName(layer: string, tileRow: number, tileCol: number): string {
  return `defects/${layer}/tile${tileRow}_${tileCol}`;
}

/**
 * Defect map of tile (tileRow, tileCol) of `layer`, a rows x cols crossbar. `k` = the tile's
 * row-major index in the layer's grid (used by file pools only).
 */
export function generateTileMap(
  spec: DefectSpec, seed: number, layer: string, tileRow: number, tileCol: number,
  rows: number, cols: number, k = 0,
): TileDefectMap {
  const state = new Uint8Array(rows * cols);
  const base = { layer, tileRow, tileCol, rows, cols, distribution: spec.distribution, state };
  if (spec.distribution === 'file') {
    return { ...base, state: fileTileState(loadDefectFile(spec.file as string), layer, tileRow, tileCol, k, rows, cols) };
  }
  if (spec.rate === 0) return base;
  const rng = stream(seed, defectStreamName(layer, tileRow, tileCol));
  if (spec.distribution === 'clustered') {
    const c = spec.clusters ?? DEFAULT_CLUSTERS;
    drawClusteredDefects(rng, spec.rate, spec.lrsShare, c.perTile, c.radius, rows, cols, state);
  } else {
    drawUniformDefects(rng, spec.rate, spec.lrsShare, state);
  }
  return base;
}
