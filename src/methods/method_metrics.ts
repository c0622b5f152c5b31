/**
 * What a method run returns: the accuracy and loss on the evaluation split, the cell writes and
 * cells of the crossbars, trainable parameters and extra MACs, method-specific extras, and the
 * multi-task part of the mt-* methods. One `ResultRecord` (src/experiment/result.ts) holds one.
 */
import type { HeadArrayCost } from './multitask/continual.js';

export interface PointMetrics {
  /** accuracy on the evaluation split (the official test set, or the held-out part of the embedded set) */
  accuracy: number;
  loss: number;
  /** name of the evaluation split, e.g. 'test' or 'heldout' */
  evalSplit: string;
  /** cells programmed during training/adaptation (write-counter sum) */
  cellWrites: number;
  /**
   * distinct cells written at least once during training/adaptation (the wear footprint; each
   * counts once however often it was written). Absent in results written before it was added.
   */
  cellsWritten?: number;
  /** trainable parameters of the method */
  trainableParams: number;
  /** crossbar cells occupied (all arrays, both cells of a differential pair) */
  cellsUsed: number;
  /** extra MVM multiply-accumulates per inference image relative to the base network */
  extraMacsPerImage: number;
  /** method-specific extras (e.g. penalty, merged accuracy, clipped weights) */
  extra?: Record<string, number | string | boolean | null>;
  /** many tasks on one chip (mt-* methods only; src/experiment/multitask.ts) */
  multitask?: MultitaskMetrics;
}

/**
 * The multi-task part of a record. a[j][i] = accuracy on task i after training task j
 * (null for i > j; joint training: one row, after training); ACC, F, BWT as src/tasks/metrics.ts.
 */
export interface MultitaskMetrics {
  tasks: string[];
  training: 'sequential' | 'joint';
  /** accuracy of the ideal (digital) base on each task before deployment (its own head: the base's) */
  baseIdealAccuracy: number[];
  accuracyMatrix: (number | null)[][];
  acc: number;
  forgetting: number | null;
  bwt: number | null;
  forgettingPerTask: number[];
  /** cumulative cell writes (all arrays, after the base programming) after each task */
  cumulativeWrites: number[];
  /** of which base-array writes */
  baseWrites: number[];
  /** programming of the deployed base */
  programWrites: number;
  baseCells: number;
  adapterCells: number;
  /** cells and writes per adapter array kind (loraA, loraB, crabA, crabB, crabR; 'head' with heads on crossbars) */
  arrays: Record<string, { cells: number; writes: number }>;
  /** multitask.heads 'crossbar' only: cells of all head arrays; per task k its array `<out>/head/task<k>`, cells and cumulative writes */
  headCells?: number;
  headArrays?: HeadArrayCost[];
  /** mt-crab: routing[i][l][k] = mean weight of head k in body layer l on task i's eval inputs */
  routing?: number[][][];
  /** merges after the last task: merged vs single-adapter (a[T−1][i]) accuracy per task */
  merges?: {
    kind: 'linear-shared-A' | 'linear-into-base' | 'concatenated';
    accuracy: number[];
    single: number[];
    /** accuracy[i] − single[i] */
    delta: number[];
    acc: number;
    /** max_i (single[i] − accuracy[i]), ≥ 0 */
    maxDrop: number;
    writes: number;
    cells: number;
  }[];
}
