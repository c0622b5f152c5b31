/**
 * A task = (data set, label space, optional input transform), with its own output head.
 *
 *     task = (source data set D, label space L, transform T)     splits: T(D.train), T(D.eval)
 *
 * Two tasks may share a label space (mnist and fashion-mnist both have 10 classes, `permuted-mnist/3`
 * has MNIST's digit labels) and still be different tasks: each gets its own head. The transform is
 * the splits' per-example transform (permute.ts, rotate.ts), applied as examples are read, over
 * the source's examples shared by every task; deterministic per run seed.
 */
import type { Dataset, DatasetName, Split } from '../data/dataset.js';

export interface Task {
  /** the task's registered name, e.g. 'mnist', 'permuted-mnist/3', 'rotated-mnist/45' */
  readonly name: string;
  /** the data set the examples come from */
  readonly source: DatasetName;
  /** what the class indices mean: tasks with equal label spaces agree on class k */
  readonly labelSpace: string;
  readonly classes: number;
  /** per-example shape [C, H, W] (transforms keep it) */
  readonly shape: [number, number, number];
  /** a human-readable statement of the transform ('none', 'pixel permutation π_3 …', 'rotation 45° …') */
  readonly transform: string;
  readonly train: Split;
  readonly eval: Split;
}

/** a task with no transform: the data set as it is */
export function plainTask(name: string, d: Dataset, labelSpace: string): Task {
  return {
    name, source: d.name, labelSpace, classes: d.classes, shape: d.shape,
    transform: 'none', train: d.train, eval: d.eval,
  };
}
