/**
 * Dataset loading entry point. PLACEHOLDER: the data work implements it (same signature).
 */
import type { DatasetName } from '../methods/point.js';
import type { Dataset } from './dataset.js';
import { UserError } from '../util/errors.js';

export interface LoadOptions {
  /** IDX directory (flag --data-dir); else env RRAMSIM_DATA; else the default search path */
  dataDir?: string;
}

export async function loadDataset(name: DatasetName, _opts: LoadOptions = {}): Promise<Dataset> {
  throw new UserError(`dataset loading is not implemented yet (asked for '${name}')`);
}
