/**
 * Defect maps per tile from a DefectSpec (defect_spec.ts):
 *   rate      total fraction of stuck cells, in [0, 1]
 *   lrsShare  fraction of the stuck cells stuck at LRS (stuck-on, G = gMax); the rest at HRS
 *   distribution 'uniform' (defects_uniform.ts) | 'clustered' (defects_clustered.ts, clusters:
 *             { perTile, radius }, bounds and default in defect_spec.ts) | 'file'
 *             (defects_file.ts; rate/lrsShare are then ignored).
 * Every tile draws from its own stream `stream(seed, 'defects/<layer>/tile<r>_<c>')`, so a map is
 * independent of the weights, of the other tiles and of the other layers.
 */
import { UserError } from '../util/errors.js';
import { checkFields } from '../util/spec_field.js';
import { stream } from '../util/rng.js';
import type { TileDefectMap } from './defect_map.js';
import { CLUSTER_FIELDS, DEFAULT_CLUSTERS, DEFECT_FIELDS, DEFECT_SECTION, type DefectSpec } from './defect_spec.js';
import { drawClusteredDefects } from './defects_clustered.js';
import { fileTileState, loadDefectFile } from './defects_file.js';
import { drawUniformDefects } from './defects_uniform.js';

export { DEFAULT_CLUSTERS };

/** Validate against DEFECT_FIELDS / CLUSTER_FIELDS (defect_spec.ts, the one place of the bounds). */
export function validateDefects(d: DefectSpec, path = 'defects'): DefectSpec {
  if (!d || typeof d !== 'object') throw new UserError(`${path} must be an object { rate, lrsShare, distribution }`, path);
  checkFields(d, DEFECT_FIELDS, path);
  checkFields(d, { seed: DEFECT_SECTION.seed }, path);
  if (d.distribution === 'clustered') {
    checkFields(d.clusters ?? DEFAULT_CLUSTERS, CLUSTER_FIELDS, `${path}.clusters`);
  } else if (d.distribution === 'file') {
    if (typeof d.file !== 'string' || d.file === '') {
      throw new UserError(`${path}.file must name a defect map file (JSON or CSV) when ${path}.distribution is 'file'`, `${path}.file`);
    }
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
