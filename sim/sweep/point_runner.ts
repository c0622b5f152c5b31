/**
 * The point-runner module a sweep worker loads: `runPoint(point, env)` runs one point with the
 * real methods (src/experiment/run_point.ts → registry) on a dataset loaded once per worker and kept.
 *
 * Any module exporting the same `runPoint` (and optionally `datasetChecksums`) can replace it:
 * the sweep engine takes its URL (`runnerModule`; env RRAMSIM_RUNNER for the CLI), which tests use
 * for a fast deterministic fake.
 */
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { DatasetName, PointSpec } from '../../src/experiment/point.js';
import { runPoint as runMethod } from '../../src/experiment/run_point.js';
import type { PointMetrics } from '../../src/experiment/result.js';
import type { EpochReport } from '../../src/methods/method_context.js';

export interface PointEnv {
  dataDir?: string;
  cacheDir?: string;
  artifactDir?: string;
  log?: (msg: string) => void;
  /** each finished training epoch ('base' for the base network, else the method's phase) */
  onEpoch?: (phase: string, e: EpochReport) => void;
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
  const ds = await dataset(point.dataset, env.dataDir);
  // src/experiment/run_point.ts: method lookup (UserError if unknown) + non-finite metric check
  return runMethod(point, { dataset: ds, cacheDir: env.cacheDir, artifactDir: env.artifactDir, log: env.log, onEpoch: env.onEpoch, loadDataset: (n) => dataset(n, env.dataDir) });
}

/** dataset name -> (file -> sha256) of every dataset this worker has loaded. */
export function datasetChecksums(): Record<string, Record<string, string>> {
  return checksums;
}
