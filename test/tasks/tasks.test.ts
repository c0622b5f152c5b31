import { describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../../src/data/dataset.js';
import { permuteSplit, taskPermutation } from '../../src/tasks/permute.js';
import { checkTaskList, makeTask, parseTaskName } from '../../src/tasks/registry.js';
import { rotateImage, rotateSplit } from '../../src/tasks/rotate.js';
import { UserError } from '../../src/util/errors.js';
import { normalisationTable, scalarNormalisation } from '../../src/data/normalise.js';
import { stream } from '../../src/util/rng.js';
import { gatherSplitRows } from '../../src/data/split_rows.js';

/** every example of a split as the model sees it (its transform applied), in order */
function rows(s: Split): Float32Array {
  const d = s.x.length / s.n;
  const out = new Float32Array(s.n * d);
  gatherSplitRows(s, Int32Array.from({ length: s.n }, (_, i) => i), 0, s.n, d, out);
  return out;
}

/** a small MNIST-shaped stand-in: n examples of [1, H, W] with random values, labels i mod 10 */
function fakeSplit(name: string, n: number, H: number, W: number, seed: number): Split {
  const r = stream(seed, 'test/tasks/fake');
  const x = new Float32Array(n * H * W);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  return { name, x, y: Uint8Array.from({ length: n }, (_, i) => i % 10), n };
}
function fakeDataset(H = 6, W = 6): Dataset {
  return {
    name: 'mnist-embedded', shape: [1, H, W], classes: 10,
    train: fakeSplit('train', 20, H, W, 1), eval: fakeSplit('heldout', 8, H, W, 2),
    source: 'test', checksums: {},
  };
}

describe('permuted tasks', () => {
  it('π_0 is the identity; π_k (k ≥ 1) is a permutation, deterministic per seed, different per k and seed', () => {
    const id = taskPermutation(7, 0, 784);
    expect(Array.from(id)).toEqual(Array.from({ length: 784 }, (_, i) => i));
    const p3 = taskPermutation(7, 3, 784);
    expect([...p3].sort((a, b) => a - b)).toEqual(Array.from({ length: 784 }, (_, i) => i));
    expect(Array.from(taskPermutation(7, 3, 784))).toEqual(Array.from(p3));
    const moved = (p: Int32Array) => p.reduce((s, v, i) => s + (v !== i ? 1 : 0), 0);
    expect(moved(p3)).toBeGreaterThan(700); // a random permutation fixes ~1 point on average
    expect(Array.from(taskPermutation(7, 4, 784))).not.toEqual(Array.from(p3));
    expect(Array.from(taskPermutation(8, 3, 784))).not.toEqual(Array.from(p3));
  });

  it('permuteSplit moves pixel π(i) to position i in every example and keeps the labels', () => {
    const s = fakeSplit('train', 3, 2, 3, 5);
    const perm = Int32Array.from([5, 0, 4, 1, 3, 2]);
    const t = permuteSplit(s, perm);
    for (let e = 0; e < 3; e++) for (let i = 0; i < 6; i++) expect(t.x[e * 6 + i]).toBe(s.x[e * 6 + perm[i]]);
    expect(t.y).toBe(s.y);
  });

  it('the registered task is deterministic per seed and uses stream task/permuted/<k>', () => {
    const d = fakeDataset();
    const a = makeTask('permuted-mnist-embedded/2', d, 11);
    const b = makeTask('permuted-mnist-embedded/2', fakeDataset(), 11);
    expect(Array.from(rows(a.train))).toEqual(Array.from(rows(b.train)));
    const perm = taskPermutation(11, 2, 36);
    expect(Array.from(rows(a.eval))).toEqual(Array.from(permuteSplit(d.eval, perm).x));
    const c = makeTask('permuted-mnist-embedded/2', d, 12);
    expect(Array.from(rows(c.train))).not.toEqual(Array.from(rows(a.train)));
    expect(Array.from(rows(makeTask('permuted-mnist-embedded/0', d, 11).train))).toEqual(Array.from(d.train.x));
    expect(a.labelSpace).toBe('mnist-digits');
  });
});

describe('rotated tasks', () => {
  it('rotation by 0° (and 360°) is the identity', () => {
    const s = fakeSplit('train', 4, 5, 7, 3);
    expect(Array.from(rotateSplit(s, [1, 5, 7], 0, -1).x)).toEqual(Array.from(s.x));
    expect(Array.from(rotateSplit(s, [1, 5, 7], 360, -1).x)).toEqual(Array.from(s.x));
  });

  it('rotation by 90° matches a hand-made image (counter-clockwise as displayed, row 0 at the top)', () => {
    // 3x3 image        rotated 90° counter-clockwise
    //   1 2 3            3 6 9
    //   4 5 6     →      2 5 8
    //   7 8 9            1 4 7
    const src = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const out = new Float32Array(9);
    rotateImage(src, 1, 3, 3, 90, 0, out);
    expect(Array.from(out)).toEqual([3, 6, 9, 2, 5, 8, 1, 4, 7]);
    // 4x4 (even size: centre between pixels) by 90°, then four times = identity
    const s4 = Float32Array.from({ length: 16 }, (_, i) => i);
    const r1 = new Float32Array(16);
    rotateImage(s4, 1, 4, 4, 90, 0, r1);
    expect(Array.from(r1)).toEqual([3, 7, 11, 15, 2, 6, 10, 14, 1, 5, 9, 13, 0, 4, 8, 12]);
    const r2 = new Float32Array(16);
    rotateImage(s4, 1, 4, 4, -270, 0, r2);
    expect(Array.from(r2)).toEqual(Array.from(r1));
  });

  it('45° interpolates bilinearly and fills outside pixels with the background', () => {
    // centre pixel of an odd image stays; a corner reads from outside → mixes in `fill`
    const src = new Float32Array(25).fill(1);
    const out = new Float32Array(25);
    rotateImage(src, 1, 5, 5, 45, 0, out);
    expect(out[12]).toBeCloseTo(1, 6);
    // corner (0,0): dx = dy = −2 → (u, v) = (2, 2 − 2√2 = −0.83): row −1 is outside (fill 0),
    // row 0 inside with weight v − ⌊v⌋ = 3 − 2√2
    expect(out[0]).toBeCloseTo(3 - 2 * Math.SQRT2, 6);
    // hand bilinear value at output (x=2, y=0): dx = 0, dy = −2 → u = 2 + 2·sin45 = 3.414, v = 2 − 2·cos45 = 0.586
    const img = Float32Array.from({ length: 25 }, (_, i) => i);
    rotateImage(img, 1, 5, 5, 45, -1, out);
    const u = 2 + 2 * Math.SQRT1_2, v = 2 - 2 * Math.SQRT1_2;
    const at = (x: number, y: number) => y * 5 + x;
    const fu = u - 3, fv = v;
    const expected = (1 - fu) * (1 - fv) * at(3, 0) + fu * (1 - fv) * at(4, 0) + (1 - fu) * fv * at(3, 1) + fu * fv * at(4, 1);
    expect(out[2]).toBeCloseTo(expected, 5);
  });

  it('rotates every channel of an NHWC image alike', () => {
    // 2 channels of a 3x3 image, interleaved: channel 1 = 10 × channel 0
    const src = new Float32Array(18), out = new Float32Array(18);
    for (let p = 0; p < 9; p++) { src[2 * p] = p + 1; src[2 * p + 1] = 10 * (p + 1); }
    rotateImage(src, 2, 3, 3, 90, 0, out);
    const ch0 = [3, 6, 9, 2, 5, 8, 1, 4, 7];
    expect(Array.from(out)).toEqual(ch0.flatMap((v) => [v, 10 * v]));
  });

  it('the registered task rotates both splits once, background = normalised pixel 0, deterministic', () => {
    const d = fakeDataset(4, 4);
    const t = makeTask('rotated-mnist-embedded/90', d, 1);
    const fill = normalisationTable(scalarNormalisation('mnist-embedded'))[0];
    expect(Array.from(rows(t.train))).toEqual(Array.from(rotateSplit(d.train, [1, 4, 4], 90, fill).x));
    expect(t.eval.n).toBe(d.eval.n);
    expect(t.train.y).toBe(d.train.y);
    expect(fill).toBeCloseTo(-0.1307 / 0.3081, 6);
  });
});

describe('task registry', () => {
  it('plain data sets are tasks with their own label spaces', () => {
    expect(parseTaskName('mnist')).toMatchObject({ source: 'mnist', family: 'mnist' });
    expect(parseTaskName('fashion-mnist')).toMatchObject({ source: 'fashion-mnist' });
    expect(parseTaskName('permuted-mnist/12').param).toBe(12);
    expect(parseTaskName('rotated-mnist/-22.5').param).toBe(-22.5);
  });

  it('unknown or malformed names are UserErrors naming the field and the allowed names', () => {
    const bad = ['cifar10', 'permuted-mnist', 'permuted-mnist/x', 'permuted-mnist/-1', 'rotated-mnist/400', 'mnist/3', 'toString'];
    for (const n of bad) {
      let err: unknown;
      try { parseTaskName(n, 'tasks[1]'); } catch (e) { err = e; }
      expect(err, n).toBeInstanceOf(UserError);
      expect((err as UserError).field).toBe('tasks[1]');
      expect((err as Error).message).toMatch(/^tasks\[1\]: .*allowed: mnist, fashion-mnist, mnist-embedded, permuted-mnist\/<k>/);
    }
    expect(() => checkTaskList(['mnist', 'mnist'])).toThrow(/tasks\[1\].*twice/);
    expect(() => checkTaskList(['mnist'], 'tasks', 2)).toThrow(/at least 2 tasks/);
    expect(() => checkTaskList('mnist')).toThrow(UserError);
    expect(checkTaskList(['mnist', 'fashion-mnist'], 'tasks', 2).map((p) => p.source)).toEqual(['mnist', 'fashion-mnist']);
  });
});

describe('tasks from the embedded MNIST package', () => {
  it('loadTask builds permuted and rotated tasks from the real source data', async () => {
    const { loadTask } = await import('../../src/tasks/registry.js');
    const plain = await loadTask('mnist-embedded', 1);
    const perm = await loadTask('permuted-mnist-embedded/5', 1);
    const rot = await loadTask('rotated-mnist-embedded/90', 1);
    expect(perm.shape).toEqual([1, 28, 28]);
    expect(perm.train.n).toBe(plain.train.n);
    const p = taskPermutation(1, 5, 784);
    const ex = (s: typeof plain.train, e: number) => {
      const out = new Float32Array(784);
      gatherSplitRows(s, Int32Array.of(e), 0, 1, 784, out);
      return out;
    };
    for (const e of [0, 1234, plain.eval.n - 1]) {
      const pe = ex(perm.eval, e), rt = ex(rot.train, e), pl = ex(plain.eval, e), tr = ex(plain.train, e);
      for (let i = 0; i < 784; i += 37) expect(pe[i]).toBe(pl[p[i]]);
      // a 90° rotation is a pixel permutation: out(x, y) = src(27 − y, x)
      for (const [x, y] of [[0, 0], [5, 20], [27, 3], [14, 14]]) {
        expect(rt[y * 28 + x]).toBe(tr[x * 28 + (27 - y)]);
      }
    }
    expect(rot.transform).toMatch(/rotation by 90°.*bilinear/);
  });
});
