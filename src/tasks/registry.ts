/**
 * The task registry: task names → how to build the task from its source data set.
 *
 * A task name is `<family>` or `<family>/<param>`; each family is one registration line below.
 *   mnist, fashion-mnist, mnist-embedded     the data set itself (label spaces 'mnist-digits',
 *                                            'fashion', 'mnist-digits')
 *   permuted-mnist/<k>, permuted-mnist-embedded/<k>   pixel permutation π_k, k integer 0..9999
 *                                            (π_0 = identity; stream `task/permuted/<k>`; permute.ts)
 *   rotated-mnist/<deg>, rotated-mnist-embedded/<deg> rotation by deg ∈ [−360, 360] degrees,
 *                                            bilinear, about the centre (rotate.ts)
 * Unknown names are a UserError naming the field (e.g. `tasks[2]`) and the allowed names.
 * Every task of a source shares its examples (the transforms run per example as batches are
 * read, src/data/split_rows.ts): a task costs its permutation (D indices) or nothing, not a copy.
 * Built tasks are cached per (name, seed, source data set object).
 */
import type { Dataset, DatasetName } from '../data/dataset.js';
import { loadDataset, type LoadOptions } from '../data/load.js';
import { normalisationTable, scalarNormalisation } from '../data/normalise.js';
import { UserError } from '../util/errors.js';
import { permutedSplit, taskPermutation } from './permute.js';
import { rotatedSplit } from './rotate.js';
import { plainTask, type Task } from './task.js';

interface TaskFamily {
  source: DatasetName;
  labelSpace: string;
  /** what `<param>` may be (for messages); undefined = the family takes no parameter */
  param?: { text: string; parse: (s: string) => number | undefined };
  build(name: string, d: Dataset, seed: number | string, param: number): Task;
}

const INT_K = { text: '<k> (integer 0..9999)', parse: (s: string) => (/^\d{1,4}$/.test(s) ? Number(s) : undefined) };
const ANGLE = {
  text: '<deg> (number in [-360, 360])',
  parse: (s: string) => {
    if (!/^-?\d+(\.\d+)?$/.test(s)) return undefined;
    const v = Number(s);
    return Math.abs(v) <= 360 ? v : undefined;
  },
};

const plain = (source: DatasetName, labelSpace: string): TaskFamily => ({
  source, labelSpace, build: (name, d) => plainTask(name, d, labelSpace),
});

const permuted = (source: DatasetName, labelSpace: string): TaskFamily => ({
  source, labelSpace, param: INT_K,
  build: (name, d, seed, k) => {
    const perm = taskPermutation(seed, k, d.shape[0] * d.shape[1] * d.shape[2]);
    return {
      ...plainTask(name, d, labelSpace),
      transform: k === 0 ? 'pixel permutation π_0 = identity' : `pixel permutation π_${k} (stream task/permuted/${k})`,
      // π_0 is the identity: the source splits themselves
      ...(k === 0 ? {} : { train: permutedSplit(d.train, perm), eval: permutedSplit(d.eval, perm) }),
    };
  },
});

/** sources with one scalar normalisation (the MNIST-like data sets) */
type GreySource = 'mnist' | 'mnist-embedded' | 'fashion-mnist';

const rotated = (source: GreySource, labelSpace: string): TaskFamily => ({
  source, labelSpace, param: ANGLE,
  build: (name, d, _seed, deg) => {
    const fill = normalisationTable(scalarNormalisation(source))[0]; // the background pixel 0, normalised
    return {
      ...plainTask(name, d, labelSpace),
      transform: `rotation by ${deg}° counter-clockwise about the centre, bilinear, background ${fill}`,
      train: rotatedSplit(d.train, d.shape, deg, fill), eval: rotatedSplit(d.eval, d.shape, deg, fill),
    };
  },
});

/** one line per task family */
const FAMILIES: Record<string, TaskFamily> = {
  mnist: plain('mnist', 'mnist-digits'),
  'fashion-mnist': plain('fashion-mnist', 'fashion'),
  'mnist-embedded': plain('mnist-embedded', 'mnist-digits'),
  'permuted-mnist': permuted('mnist', 'mnist-digits'),
  'permuted-mnist-embedded': permuted('mnist-embedded', 'mnist-digits'),
  'rotated-mnist': rotated('mnist', 'mnist-digits'),
  'rotated-mnist-embedded': rotated('mnist-embedded', 'mnist-digits'),
};

/** the allowed task names, for messages */
export function allowedTaskNames(): string {
  return Object.entries(FAMILIES).map(([f, fam]) => (fam.param ? `${f}/${fam.param.text}` : f)).join(', ');
}

export interface ParsedTask {
  name: string;
  family: string;
  source: DatasetName;
  param: number;
}

/** check a task name (UserError naming `field` and the allowed names), before any data is read */
export function parseTaskName(name: unknown, field = 'task'): ParsedTask {
  const bad = (why: string) =>
    new UserError(`${field}: ${why}; allowed: ${allowedTaskNames()}`, field);
  if (typeof name !== 'string') throw bad(`expected a task name (string), got ${typeof name}`);
  const slash = name.indexOf('/');
  const family = slash < 0 ? name : name.slice(0, slash);
  const fam = Object.prototype.hasOwnProperty.call(FAMILIES, family) ? FAMILIES[family] : undefined;
  const shown = JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name);
  if (!fam) throw bad(`unknown task ${shown}`);
  if (!fam.param) {
    if (slash >= 0) throw bad(`task family '${family}' takes no parameter (got ${shown})`);
    return { name, family, source: fam.source, param: 0 };
  }
  const param = slash < 0 ? undefined : fam.param.parse(name.slice(slash + 1));
  if (param === undefined) throw bad(`task ${shown} needs ${family}/${fam.param.text}`);
  return { name, family, source: fam.source, param };
}

/** check a whole task list (names, no duplicates, min..max tasks) before any work */
export function checkTaskList(names: unknown, field = 'tasks', min = 1, max = Infinity): ParsedTask[] {
  if (!Array.isArray(names)) throw new UserError(`${field}: expected a list of task names; allowed: ${allowedTaskNames()}`, field);
  if (names.length < min) {
    throw new UserError(`${field}: needs at least ${min} task${min > 1 ? 's' : ''} (got ${names.length})`, field);
  }
  if (names.length > max) {
    throw new UserError(`${field}: at most ${max} tasks (got ${names.length}); split a longer sequence into several points`, field);
  }
  const parsed = names.map((n, i) => parseTaskName(n, `${field}[${i}]`));
  const seen = new Set<string>();
  parsed.forEach((p, i) => {
    if (seen.has(p.name)) throw new UserError(`${field}[${i}]: task '${p.name}' appears twice; each task once`, `${field}[${i}]`);
    seen.add(p.name);
  });
  return parsed;
}

const built = new WeakMap<Dataset, Map<string, Task>>();

/**
 * Build task `name` from its already-loaded source data set `d` (tests pass a synthetic one with
 * the right shape; its `name` is not checked against the family's source).
 */
export function makeTask(name: string, d: Dataset, seed: number | string, field = 'task'): Task {
  const p = parseTaskName(name, field);
  let m = built.get(d);
  if (!m) { m = new Map(); built.set(d, m); }
  const key = `${name}\u0000${seed}`;
  let t = m.get(key);
  if (!t) {
    t = FAMILIES[p.family].build(name, d, seed, p.param);
    m.set(key, t);
  }
  return t;
}

/** load the source data set (load.ts) and build the task */
export async function loadTask(name: string, seed: number | string, opts: LoadOptions = {}, field = 'task'): Promise<Task> {
  const p = parseTaskName(name, field);
  return makeTask(name, await loadDataset(p.source, opts), seed, field);
}
