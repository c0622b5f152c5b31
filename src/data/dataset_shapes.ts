/**
 * Per-sample shape [C, H, W] and class count of each data set known before it is loaded, so that
 * planning can refuse a model description whose `input` does not fit the data set, or whose output
 * is narrower than the number of classes (instead of every point failing in a worker). Read from
 * the registry entries (src/data/sets/*.ts); a data set registered at run time (registerDataset)
 * after this module loaded is checked when its data are loaded (src/experiment/base.ts, modelDescOf).
 */
import type { DatasetName } from './dataset.js';
import { datasetEntries } from './sets/registry.js';

export const DATASET_SHAPES: Partial<Record<DatasetName, readonly [number, number, number]>> = Object.fromEntries(
  datasetEntries().map((e) => [e.name, e.shape]),
);

/** number of classes (labels 0..classes−1) of each data set, known before it is loaded */
export const DATASET_CLASSES: Partial<Record<DatasetName, number>> = Object.fromEntries(
  datasetEntries().map((e) => [e.name, e.classes]),
);
