/**
 * Permuted-pixel tasks (the permuted-MNIST continual-learning benchmark, Goodfellow et al. 2013,
 * arXiv 1312.6211; Kirkpatrick et al. 2017): task k shows every image with its pixels reordered
 * by one fixed permutation π_k of the D = C·H·W input positions:
 *
 *     x'_i = x_{π_k(i)}            (i = 0..D−1, the same π_k for every image and split)
 *
 * π_0 = identity (task 0 is the plain data set); π_k for k ≥ 1 is a Fisher–Yates shuffle drawn
 * from the named stream `task/permuted/<k>` (stream(seed, …), src/util/rng.ts), so a task list
 * is reproducible per run seed and task k's permutation does not depend on which other tasks exist.
 * A task's split shares the source's examples and applies π_k per example as batches are read
 * (permutedSplit; src/data/split_rows.ts): D indices per task instead of a copy of the data.
 */
import { permutation, stream } from '../util/rng.js';
import type { Split } from '../data/dataset.js';
import { splitValues, type ExampleTransform } from '../data/split_rows.js';

/** π_k over `size` positions: identity for k = 0, else Fisher–Yates from stream(seed, 'task/permuted/<k>') */
export function taskPermutation(seed: number | string, k: number, size: number): Int32Array {
  if (k === 0) return Int32Array.from({ length: size }, (_, i) => i);
  return permutation(stream(seed, `task/permuted/${k}`), size);
}

/** a new split with x'_i = x_{π(i)} per example (labels shared, not copied) */
export function permuteSplit(split: Split, perm: Int32Array): Split {
  const d = perm.length;
  if (split.x.length !== split.n * d) {
    throw new RangeError(`permuteSplit: split '${split.name}' has ${split.x.length / split.n} values per example, permutation ${d}`);
  }
  const x = new Float32Array(split.x.length);
  const src = splitValues(split);
  for (let e = 0; e < split.n; e++) {
    const o = e * d;
    for (let i = 0; i < d; i++) x[o + i] = src[o + perm[i]];
  }
  return { name: split.name, x, y: split.y, n: split.n };
}

/** the example transform out_i = src_{π(i)} */
export function permutationTransform(perm: Int32Array): ExampleTransform {
  const d = perm.length;
  return {
    apply(src: Float32Array, out: Float32Array): void {
      for (let i = 0; i < d; i++) out[i] = src[perm[i]];
    },
  };
}

/** the split seen through π (x and labels shared with `split`, nothing copied; π applied per example when read) */
export function permutedSplit(split: Split, perm: Int32Array): Split {
  const d = perm.length;
  if (split.transform) throw new RangeError(`permutedSplit: split '${split.name}' already has a transform`);
  if (split.x.length !== split.n * d) {
    throw new RangeError(`permutedSplit: split '${split.name}' has ${split.x.length / split.n} values per example, permutation ${d}`);
  }
  return { name: split.name, x: split.x, ...(split.pixels ? { pixels: split.pixels } : {}), y: split.y, n: split.n, transform: permutationTransform(perm) };
}
