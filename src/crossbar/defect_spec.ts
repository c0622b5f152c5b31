/**
 * DefectSpec: where stuck cells are, with defaults and bounds (the ONE place; the sweep config and
 * validateDefects in defect_generator.ts read DEFECT_FIELDS / CLUSTER_FIELDS).
 *   rate          total fraction of stuck cells, [0, 1]
 *   lrsShare      fraction of the stuck cells stuck at LRS (stuck-on), [0, 1]; the rest at HRS
 *   distribution  'uniform' | 'clustered' | 'file'
 *   clusters      clustered only: perTile K ∈ 1..256 centres per tile and radius ρ ∈ (0, 65536]
 *                 cells; drawing costs O(K · tile cells), hence the cap on K; and ρ must not exceed
 *                 the larger tile side (checked with the crossbar, clusterConflict): a wider
 *                 Gaussian is uniform over the tile, so a larger ρ is a typo, not an experiment.
 *                 Default { perTile: 4, radius: 3 } (the value every committed sweep recorded).
 *   file          'file' only: path of a measured defect map (defects_file.ts, defects_file_access.ts)
 */
import { enumField, numField } from '../util/spec_field.js';

export type DefectDistribution = 'uniform' | 'clustered' | 'file';

export interface DefectSpec {
  /** total fraction of stuck cells (0..1) */
  rate: number;
  /** fraction of the stuck cells that are stuck at LRS (high conductance, stuck-on); the rest are HRS (stuck-off) */
  lrsShare: number;
  distribution: DefectDistribution;
  /** clustered: number of clusters per tile and cluster radius in cells */
  clusters?: { perTile: number; radius: number };
  /** distribution 'file': path of a measured defect map (JSON or CSV) */
  file?: string;
}

export const DEFAULT_CLUSTERS: Readonly<{ perTile: number; radius: number }> = Object.freeze({ perTile: 4, radius: 3 });

/** Most cluster centres per tile. */
export const MAX_CLUSTERS_PER_TILE = 256;

export const DEFAULT_DEFECTS: Readonly<DefectSpec> = Object.freeze({
  rate: 0,
  // half of the stuck cells at LRS (stuck-on), half at HRS (stuck-off)
  lrsShare: 0.5,
  distribution: 'uniform',
  clusters: DEFAULT_CLUSTERS,
});

export const DEFECT_FIELDS = {
  rate: numField({ min: 0, max: 1 }, `fraction of stuck cells (default ${DEFAULT_DEFECTS.rate})`),
  lrsShare: numField({ min: 0, max: 1 }, `fraction of stuck cells stuck at LRS (stuck-on); the rest stuck at HRS (default ${DEFAULT_DEFECTS.lrsShare})`),
  distribution: enumField(['uniform', 'clustered', 'file'] as const, `defect placement (default '${DEFAULT_DEFECTS.distribution}')`),
};

export const CLUSTER_FIELDS = {
  perTile: numField({ min: 1, max: MAX_CLUSTERS_PER_TILE, int: true }, `clustered: clusters per tile (default ${DEFAULT_CLUSTERS.perTile})`),
  radius: numField({ min: 0, gt: true, max: 65536 }, `clustered: cluster radius in cells, at most the larger tile side (default ${DEFAULT_CLUSTERS.radius})`),
};

/** Cross-field rule with the crossbar: the cluster radius fits the tile. */
export function clusterConflict(radius: number, tileRows: number, tileCols: number): string | undefined {
  const side = Math.max(tileRows, tileCols);
  return radius <= side ? undefined : `radius ${radius} exceeds the larger tile side ${side} (crossbar.tileRows x tileCols = ${tileRows} x ${tileCols}); allowed: (0, ${side}]`;
}
