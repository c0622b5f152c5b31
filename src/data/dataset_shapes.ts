/**
 * Per-sample shape [C, H, W] and class count of each data set known before it is loaded, so that
 * planning can refuse a model description whose `input` does not fit the data set, or whose output
 * is narrower than the number of classes (instead of every point failing in a worker). A data set
 * missing here is checked when its data are loaded (src/experiment/base.ts, modelDescOf).
 */
import type { DatasetName } from './dataset.js';

export const DATASET_SHAPES: Partial<Record<DatasetName, readonly [number, number, number]>> = {
  mnist: [1, 28, 28],
  'fashion-mnist': [1, 28, 28],
  'mnist-embedded': [1, 28, 28],
  cifar10: [3, 32, 32],
  'cifar10-jpeg': [3, 32, 32],
};

/** number of classes (labels 0..classes−1) of each data set, known before it is loaded */
export const DATASET_CLASSES: Partial<Record<DatasetName, number>> = {
  mnist: 10,
  'fashion-mnist': 10,
  'mnist-embedded': 10,
  cifar10: 10,
  'cifar10-jpeg': 10,
};
