/**
 * The point-runner module a sweep worker loads: `runPoint(point, env)` runs one point with the
 * real methods (src/methods/registry.ts) on a dataset loaded once per worker and kept.
 *
 * Any module exporting the same `runPoint` (and optionally `datasetChecksums`) can replace it:
 * the sweep engine takes its URL (`runnerModule`; env RRAMSIM_RUNNER for the CLI), which tests use
 * for a fast deterministic fake.
 */
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { DatasetName, PointSpec } from '../../src/methods/point.js';
import { methods } from '../../src/methods/registry.js';
import type { PointMetrics } from '../../src/methods/result.js';
import { UserError } from '../../src/util/errors.js';

export interface PointEnv {
  dataDir?: string;
  cacheDir?: string;
  artifactDir?: string;
  log?: (msg: string) => void;
}

export type RunPointFn = (point: PointSpec, env: PointEnv) => Promise<PointMetrics>;

const datasets = new Map<string, Promise<Dataset>>();
const checksums: Record<string, Record<string, string>> = {};

function dataset(name: DatasetName, dataDir?: string): Promise<Dataset> {
  const key = `${name}\0${dataDir ?? ''}`;
  let d = datasets.get(key);
  if (!d) {
    d = loadDataset(name, { dataDir }).then((ds) => {
      checksums[name] = { ...ds.checksums };
      return ds;
    });
    // a failed load is not cached: the next point retries (and reports the same error)
    d.catch(() => datasets.delete(key));
    datasets.set(key, d);
  }
  return d;
}

export async function runPoint(point: PointSpec, env: PointEnv): Promise<PointMetrics> {
  const run = methods[point.method];
  if (!run) {
    const have = Object.keys(methods);
    throw new UserError(`method '${point.method}' is not available in this build; available: ${have.length ? have.join(', ') : 'none yet'}`, 'method');
  }
  const ds = await dataset(point.dataset, env.dataDir);
  return run(point, { dataset: ds, cacheDir: env.cacheDir, artifactDir: env.artifactDir, log: env.log });
}

/** dataset name -> (file -> sha256) of every dataset this worker has loaded. */
export function datasetChecksums(): Record<string, Record<string, string>> {
  return checksums;
}
