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
import { z } from 'zod';
import { defaultsOf, enumField, numField, section, valueField, type PointFacts, type SpecOf, type SECTION } from '../util/spec_field.js';

/** Most cluster centres per tile. */
export const MAX_CLUSTERS_PER_TILE = 256;

const stuck = (p: PointFacts): boolean => (p.get('defects.rate') as number) > 0;

export const DEFECT_FIELDS = {
  // a method without stuck cells (ideal, control) does not read the rate: reset to 0 (one point per seed)
  rate: numField({ min: 0, max: 1 }, 'fraction of stuck cells (default {default})', { default: 0, readIf: (p: PointFacts) => p.reads('defects'), readIfText: "the method runs on stuck cells (not 'ideal' or 'control')", unread: 'default' }),
  // without stuck cells their state and placement are not read: reset to the defaults (one point)
  lrsShare: numField({ min: 0, max: 1 }, 'fraction of stuck cells stuck at LRS (stuck-on); the rest stuck at HRS (default {default})', { default: 0.5, readIf: stuck, readIfText: 'rate > 0', unread: 'default' }),
  distribution: enumField(['uniform', 'clustered', 'file'] as const, "defect placement (default '{default}')", { default: 'uniform', readIf: stuck, readIfText: 'rate > 0', unread: 'default' }),
};
export type DefectDistribution = (typeof DEFECT_FIELDS.distribution.values)[number];

/** clustered only (absent from other points); default { perTile: 4, radius: 3 }, the value every committed sweep recorded */
export const CLUSTER_FIELDS = section({
  perTile: numField({ min: 1, max: MAX_CLUSTERS_PER_TILE, int: true }, 'clustered: clusters per tile (default {default})', { default: 4 }),
  radius: numField({ min: 0, gt: true, max: 65536 }, 'clustered: cluster radius in cells, at most the larger tile side (default {default})', { default: 3 }),
}, { readIf: (p: PointFacts) => p.get('defects.distribution') === 'clustered', readIfText: "distribution 'clustered'", unread: 'drop', describe: "distribution 'clustered': the clusters" });

/** The defects section of a point, in grid-expansion order. */
export const DEFECT_SECTION = section({
  ...DEFECT_FIELDS,
  clusters: CLUSTER_FIELDS,
  file: valueField('string', z.string().min(1), "a non-empty file path (JSON or CSV defect map, relative to the config file's directory)", "distribution 'file': path of a measured defect map", {
    optional: true, readIf: (p: PointFacts) => p.get('defects.distribution') === 'file', readIfText: "distribution 'file'",
  }),
  // absent = the point seed (older points keep their hashes); the base network never reads it
  seed: numField({ min: 0, max: Number.MAX_SAFE_INTEGER, int: true }, 'seed of the chip: the defect map, the device\'s random draws and every retraining/adaptation stream; the base network keeps `seed` (absent = seed)', { optional: true, defaultText: 'seed' }),
});

/**
 * The seed of everything after the base network (defects.seed, else the point seed): the defect
 * maps, the device model's draws (programming variation, read noise, drift, endurance, stuck
 * conductances, fault detection), and the retraining/adaptation streams of the methods (shuffles,
 * importance calibration, adapter init, noise-aware draws, lifetime faults). One trained base
 * (seed) thus serves many chips (defects.seed).
 */
export function defectSeed(p: { seed: number; defects: { seed?: number } }): number {
  return p.defects.seed ?? p.seed;
}

/** DefectSpec: where stuck cells are (derived from DEFECT_SECTION) */
export type DefectSpec = SpecOf<typeof DEFECT_SECTION>;

/** the declared defaults (defaultsOf): perTile 4, radius 3 */
export const DEFAULT_CLUSTERS: Readonly<{ perTile: number; radius: number }> = Object.freeze(defaultsOf(CLUSTER_FIELDS));

/** the declared defaults (defaultsOf): rate 0, lrsShare 0.5, uniform, the cluster defaults; the optional fields absent */
export const DEFAULT_DEFECTS: Readonly<DefectSpec> = Object.freeze(defaultsOf(DEFECT_SECTION));

/** Cross-field rule with the crossbar: the cluster radius fits the tile. */
export function clusterConflict(radius: number, tileRows: number, tileCols: number): string | undefined {
  const side = Math.max(tileRows, tileCols);
  return radius <= side ? undefined : `radius ${radius} exceeds the larger tile side ${side} (crossbar.tileRows x tileCols = ${tileRows} x ${tileCols}); allowed: (0, ${side}]`;
}
