import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../../src/data/dataset.js';
import { gatherSplitRows, splitRange } from '../../src/data/split_rows.js';
import { normalisationTable, scalarNormalisation } from '../../src/data/normalise.js';
import { buildModel, modelDescOf } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { DEFAULT_TRAIN } from '../../src/nn/train_spec.js';
import { permuteSplit, taskPermutation } from '../../src/tasks/permute.js';
import { makeTask } from '../../src/tasks/registry.js';
import { rotateSplit } from '../../src/tasks/rotate.js';
import { stream } from '../../src/util/rng.js';
import { allocF32, arenaMark, arenaRelease, arenaStats } from '../../src/kernels/alloc.js';
import { computeImportance } from '../../src/methods/importance.js';
import { inputEnergy } from '../../src/methods/spare.js';

function fakeSplit(name: string, n: number, d: number, seed: number): Split {
  const r = stream(seed, 'test/tasks/shared');
  const x = new Float32Array(n * d);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  return { name, x, y: Uint8Array.from({ length: n }, (_, i) => i % 10), n };
}
function fakeMnist(n = 64): Dataset {
  return {
    name: 'mnist', shape: [1, 28, 28], classes: 10,
    train: fakeSplit('train', n, 784, 1), eval: fakeSplit('test', 32, 784, 2), source: 'test', checksums: {},
  };
}
/** the bytes of a float array (bit-for-bit comparison, −0 and NaN included) */
const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('tasks share their source data set (one copy, transforms per example)', () => {
  it('100 permuted and rotated tasks hold no copy of the examples: every split views the source x', () => {
    const d = fakeMnist();
    const names = [...Array.from({ length: 90 }, (_, k) => `permuted-mnist/${k}`), ...Array.from({ length: 10 }, (_, k) => `rotated-mnist/${k * 22.5}`)];
    for (const n of names) {
      const t = makeTask(n, d, 5);
      expect(t.train.x, n).toBe(d.train.x);
      expect(t.eval.x, n).toBe(d.eval.x);
      expect(t.train.y, n).toBe(d.train.y);
    }
  });

  it('rows read through a task are bit for bit the whole-split copies (permutation, 90°, 22.5°, 45°), in any order', () => {
    const d = fakeMnist();
    const fill = normalisationTable(scalarNormalisation('mnist'))[0];
    const order = Int32Array.from(taskPermutation(9, 1, d.train.n));
    const cases: [string, Float32Array][] = [
      ['permuted-mnist/7', permuteSplit(d.train, taskPermutation(3, 7, 784)).x],
      ['rotated-mnist/90', rotateSplit(d.train, d.shape, 90, fill).x],
      ['rotated-mnist/22.5', rotateSplit(d.train, d.shape, 22.5, fill).x],
      ['rotated-mnist/-45', rotateSplit(d.train, d.shape, -45, fill).x],
    ];
    for (const [name, copy] of cases) {
      const t = makeTask(name, d, 3);
      const got = new Float32Array(d.train.n * 784), yb = new Uint8Array(d.train.n);
      gatherSplitRows(t.train, order, 0, d.train.n, 784, got, yb);
      const want = new Float32Array(d.train.n * 784);
      for (let r = 0; r < d.train.n; r++) want.set(copy.subarray(order[r] * 784, (order[r] + 1) * 784), r * 784);
      expect(bytes(got).equals(bytes(want)), name).toBe(true);
      expect(Array.from(yb)).toEqual(Array.from(order, (e) => d.train.y[e]));
      const range = splitRange(t.train, 5, 7, 784);
      expect(bytes(range).equals(bytes(copy.subarray(5 * 784, 12 * 784))), name).toBe(true);
    }
  });

  it('evaluating tasks again and again allocates no new kernel buffers (T² evaluations of T tasks)', () => {
    const d = fakeMnist();
    const net = buildModel(modelDescOf('mlp', { input: d.shape }), 1);
    const tasks = Array.from({ length: 10 }, (_, k) => makeTask(`permuted-mnist/${k + 1}`, d, 2));
    for (const t of tasks) evaluate(net, t.eval, 1000);
    const before = arenaStats().arenaUsed;
    for (let r = 0; r < 20; r++) for (const t of tasks) evaluate(net, t.eval, 1000);
    expect(arenaStats().arenaUsed).toBe(before);
  });

  it('the rows scratch survives a worker handing its kernel arena back between points', () => {
    const d = fakeMnist(300);
    const t = makeTask('rotated-mnist/90', d, 1);
    const mark = arenaMark();
    splitRange(t.train, 0, 300, 784); // the scratch grows inside this "point"
    arenaRelease(mark);
    const next = allocF32(300 * 784).fill(7); // the next point's buffer, where the released memory was
    const rows = splitRange(t.train, 0, 300, 784);
    expect(next.every((v) => v === 7)).toBe(true);
    const fill = normalisationTable(scalarNormalisation('mnist'))[0];
    expect(bytes(rows).equals(bytes(rotateSplit(d.train, d.shape, 90, fill).x))).toBe(true);
  });

  it('training and evaluating on a task give the same bits as on its transformed copy', () => {
    const d = fakeMnist(96);
    const t = makeTask('rotated-mnist/30', d, 1);
    const fill = normalisationTable(scalarNormalisation('mnist'))[0];
    const copy: Split = rotateSplit(d.train, d.shape, 30, fill), copyEval = rotateSplit(d.eval, d.shape, 30, fill);
    const run = (tr: Split, ev: Split) => {
      const net = buildModel(modelDescOf('mlp', { input: d.shape }), 4);
      const r = train(net, tr, { ...DEFAULT_TRAIN, epochs: 2, batch: 32 }, { seed: 4 });
      return { loss: r.epochs.map((e) => e.trainLoss), ev: evaluate(net, ev, 10) };
    };
    const a = run(t.train, t.eval), b = run(copy, copyEval);
    expect(a.loss).toEqual(b.loss);
    expect(a.ev).toEqual(b.ev);
    expect(Number.isFinite(a.ev.loss)).toBe(true);
  });

  it('ITT-RNA importance and the spare-column input energy read a task through its transform (same bits as on the copy)', () => {
    const d = fakeMnist(96);
    const t = makeTask('permuted-mnist/3', d, 1);
    const copy = permuteSplit(d.train, taskPermutation(1, 3, 784));
    const net = buildModel(modelDescOf('mlp', { input: d.shape }), 2);
    const o = { kind: 'taylor' as const, calibrationBatches: 2, batch: 32, seed: 5, classes: 10 };
    const a = computeImportance(net, t.train, o), b = computeImportance(net, copy, o);
    const plain = computeImportance(net, d.train, o);
    for (const [name, v] of a) {
      expect(bytes(v).equals(bytes(b.get(name)!)), name).toBe(true);
    }
    // and the transform matters: the untransformed source gives other importances for fc1
    expect(bytes(a.get('fc1')!).equals(bytes(plain.get('fc1')!))).toBe(false);
    const ea = inputEnergy(net, t.train, 5), eb = inputEnergy(net, copy, 5);
    for (const [name, v] of ea) expect([...v]).toEqual([...eb.get(name)!]);
  });
});
