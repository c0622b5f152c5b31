/**
 * Per-sample shape [C, H, W] and class count of a data set, known before it is loaded, so that
 * planning can refuse a model description whose `input` does not fit the data set, or whose output
 * is narrower than the number of classes (instead of every point failing in a worker). Read from
 * the registry entry (src/data/sets/*.ts) at each call, so a data set registered at run time
 * (registerDataset) is seen like a built-in one; undefined for a name nobody registered.
 */
import { datasetEntry } from './sets/registry.js';

/** [C, H, W] of one example of the data set */
export function datasetShape(name: string): readonly [number, number, number] | undefined {
  return datasetEntry(name)?.shape;
}

/** number of classes (labels 0..classes−1) of the data set */
export function datasetClasses(name: string): number | undefined {
  return datasetEntry(name)?.classes;
}

/** examples in the data set's train and eval splits together */
export function datasetExamples(name: string): number | undefined {
  const e = datasetEntry(name);
  return e === undefined ? undefined : e.splits.train + e.splits.eval.n;
}
