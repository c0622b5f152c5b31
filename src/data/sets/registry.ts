/**
 * The data sets rramsim can load, one line each (the order is the order `rramsim data check` and
 * --help list them). Each data set is one file in this folder exporting a DatasetEntry
 * (dataset_entry.ts); docs/DESIGN.md, "How to add a data set". Everything that names data sets
 * reads this list: the config enum and --help (`DATASET_NAMES`), the planning checks (shapes and
 * classes, dataset_shapes.ts), loading (load.ts), the sweep preflight, `rramsim data check`.
 */
import type { DatasetContext, DatasetEntry } from './dataset_entry.js';
import { cifar10 } from './cifar10.js';
import { cifar10Jpeg } from './cifar10_jpeg.js';
import { fashionMnist } from './fashion_mnist.js';
import { mnist } from './mnist.js';
import { mnistEmbedded } from './mnist_embedded.js';

const BUILT_IN = [
  mnist,
  fashionMnist,
  mnistEmbedded,
  cifar10,
  cifar10Jpeg,
] as const;

/** a built-in data set's name (the spec type of `PointSpec.dataset`) */
export type DatasetName = (typeof BUILT_IN)[number]['name'];

/** the built-in data sets' names, in registry order (the config enum) */
export const DATASET_NAMES = BUILT_IN.map((e) => e.name) as readonly DatasetName[] as readonly [DatasetName, ...DatasetName[]];

const entries: DatasetEntry[] = [...BUILT_IN];
const byName = new Map<string, DatasetEntry>(entries.map((e) => [e.name, e]));

/** every registered entry, built-in first, in registration order */
export function datasetEntries(): readonly DatasetEntry[] {
  return entries;
}

export function datasetEntry(name: string): DatasetEntry | undefined {
  return byName.get(name);
}

/** registered names (built-in and registered at run time) */
export function datasetNames(): string[] {
  return entries.map((e) => e.name);
}

/** what entry functions get: every registered entry */
export function datasetContext(): DatasetContext {
  return { all: entries };
}

/**
 * Register a data set at run time (library users, tests). It is then loaded, checked and listed
 * like a built-in one; the config enum and --help list the built-in ones (they are fixed when the
 * config schema is built). A name already registered is refused.
 */
export function registerDataset(entry: DatasetEntry): void {
  if (byName.has(entry.name)) throw new RangeError(`data set '${entry.name}' is already registered`);
  entries.push(entry);
  byName.set(entry.name, entry);
}
