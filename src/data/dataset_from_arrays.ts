/**
 * A Dataset from the caller's arrays (library use: data that is not one of the named sets):
 *   x  float32 [n, H, W, C] row-major (NHWC), already normalised as the network expects
 *   y  class labels, integers in [0, classes)
 * shape = [C, H, W]. Checked: x.length = n·C·H·W for each split, labels in range; a mismatch is a
 * UserError naming the split and the field. `name` is only a label for progress lines (the data
 * set registry's names are for `loadDataset`); checksums are empty (nothing was read from files).
 */
import { UserError } from '../util/errors.js';
import type { Dataset, DatasetName, Split } from './dataset.js';

export interface ArraySplit {
  x: Float32Array;
  y: ArrayLike<number>;
}

export interface DatasetArrays {
  /** per-sample shape [C, H, W] */
  shape: [number, number, number];
  classes: number;
  train: ArraySplit;
  /** evaluation split (e.g. the test set) */
  eval: ArraySplit;
  /** label of progress lines (default 'arrays') */
  name?: string;
}

function split(name: string, s: ArraySplit, d: number, classes: number): Split {
  if (!(s?.x instanceof Float32Array)) throw new UserError(`${name}.x: allowed: a Float32Array of n·C·H·W values (NHWC)`, `${name}.x`);
  const n = s.y?.length ?? 0;
  if (n < 1 || s.x.length !== n * d) throw new UserError(`${name}.x: has ${s.x.length} values for ${n} labels; allowed: labels × C·H·W = ${n} × ${d}`, `${name}.x`);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const v = s.y[i];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new UserError(`${name}.y: label ${i} is ${String(v)}; allowed: an integer in [0, ${classes - 1}]`, `${name}.y`);
    y[i] = v;
  }
  return { name: name === 'train' ? 'train' : 'test', x: s.x, y, n };
}

export function datasetFromArrays(a: DatasetArrays): Dataset {
  const sh = a.shape;
  if (!Array.isArray(sh) || sh.length !== 3 || !sh.every((v) => Number.isSafeInteger(v) && v >= 1)) {
    throw new UserError('shape: allowed: [C, H, W], three integers >= 1', 'shape');
  }
  if (!Number.isSafeInteger(a.classes) || a.classes < 2 || a.classes > 256) throw new UserError(`classes: got ${String(a.classes)}; allowed: an integer in [2, 256]`, 'classes');
  const d = sh[0] * sh[1] * sh[2];
  return {
    // a label only: the Dataset type names the registered sets, an array set is none of them
    name: (a.name ?? 'arrays') as DatasetName,
    shape: [sh[0], sh[1], sh[2]],
    classes: a.classes,
    train: split('train', a.train, d, a.classes),
    eval: split('eval', a.eval, d, a.classes),
    source: 'arrays',
    checksums: {},
  };
}
