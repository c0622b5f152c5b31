import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { augmentBatch, augmentStreamName, type Augmentation } from '../../src/data/augment.js';
import {
  CIFAR_FILES,
  CIFAR_MAX_FILE_BYTES,
  CIFAR_NORMALISATION,
  CIFAR_RECORD_BYTES,
  cifarAugmentation,
  cifarBlack,
  readCifarBatch,
  readCifarFile,
} from '../../src/data/cifar10.js';
import { clearDatasetCache, loadDataset } from '../../src/data/load.js';
import { datasetEntry } from '../../src/data/sets/registry.js';
import { splitValues } from '../../src/data/split_rows.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { tempDir, userError } from './fixtures.js';
import { existsSync } from 'node:fs';
import { requireSystem } from '../support/system_package.js';

/** the byte of pixel (r, c) of channel ch of hand-made record i */
const px = (i: number, ch: number, r: number, c: number) => (i * 50 + ch * 70 + r * 3 + c * 5) % 256;

/** n records: label (i·3) mod 10, pixels px(i, ch, r, c), CHW planes */
function records(n: number): Uint8Array {
  const b = new Uint8Array(n * CIFAR_RECORD_BYTES);
  for (let i = 0; i < n; i++) {
    const o = i * CIFAR_RECORD_BYTES;
    b[o] = (i * 3) % 10;
    for (let ch = 0; ch < 3; ch++) for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) b[o + 1 + ch * 1024 + r * 32 + c] = px(i, ch, r, c);
  }
  return b;
}

const norm = (p: number, ch: number) => Math.fround((p / 255 - CIFAR_NORMALISATION.mean[ch]) / CIFAR_NORMALISATION.std[ch]);

describe('CIFAR-10 reader (hand-made 3-record files)', () => {
  for (const gz of [false, true]) {
    it(`reads labels and NHWC normalised pixels (${gz ? 'gzipped' : 'raw'})`, () => {
      const p = join(tempDir('rramsim-cifar-'), gz ? 'data_batch_1.bin.gz' : 'data_batch_1.bin');
      writeFileSync(p, gz ? gzipSync(records(3)) : records(3));
      const s = readCifarBatch(p);
      expect(s.n).toBe(3);
      expect([...s.y]).toEqual([0, 3, 6]);
      expect(s.x.length).toBe(3 * 32 * 32 * 3);
      const x = splitValues(s);
      for (let i = 0; i < 3; i++) {
        for (const [r, c] of [[0, 0], [0, 31], [5, 7], [31, 0], [31, 31]]) {
          for (let ch = 0; ch < 3; ch++) expect(x[((i * 32 + r) * 32 + c) * 3 + ch]).toBe(norm(px(i, ch, r, c), ch));
        }
      }
    });
  }

  it('the stated means and stds: black pixel of the red channel = −0.4914/0.247', () => {
    expect(cifarBlack()[0]).toBeCloseTo(-0.4914 / 0.247, 6);
    expect(CIFAR_NORMALISATION.std).toEqual([0.247, 0.2435, 0.2616]);
  });

  it('truncated file (raw and gz) → UserError naming the file', () => {
    const d = tempDir('rramsim-cifar-');
    const cut = records(3).subarray(0, 3 * CIFAR_RECORD_BYTES - 100);
    const raw = join(d, 'test_batch.bin');
    writeFileSync(raw, cut);
    expect(userError(() => readCifarBatch(raw)).message).toMatch(/test_batch\.bin: 9119 bytes is not a whole number of 3,073-byte CIFAR-10 records \(2 records \+ 2973 bytes\)/);
    const gzp = join(d, 'data_batch_2.bin.gz');
    writeFileSync(gzp, gzipSync(records(3)).subarray(0, 200));
    expect(userError(() => readCifarBatch(gzp)).message).toMatch(/corrupt gzip file .*data_batch_2\.bin\.gz/);
  });

  it('a label ≥ 10 → UserError naming the file and record', () => {
    const p = join(tempDir('rramsim-cifar-'), 'x.bin');
    const b = records(3);
    b[2 * CIFAR_RECORD_BYTES] = 12;
    writeFileSync(p, b);
    expect(userError(() => readCifarBatch(p)).message).toMatch(/x\.bin: label 12 of record 2 is out of range 0\.\.9/);
  });

  it('a gzip bomb is refused at the cap', () => {
    const p = join(tempDir('rramsim-cifar-'), 'bomb.bin.gz');
    writeFileSync(p, gzipSync(new Uint8Array(2 * 1024 * 1024)));
    expect(userError(() => readCifarFile(p, 1024 * 1024)).message).toMatch(/bomb\.bin\.gz: decompresses to more than 1048576 bytes/);
    expect(CIFAR_MAX_FILE_BYTES).toBeGreaterThan(30730000);
  });

  it('a directory of 3-record files: wrong size for the official layout, named; missing files listed', async () => {
    clearDatasetCache();
    const d = tempDir('rramsim-cifar-');
    for (const f of CIFAR_FILES) writeFileSync(join(d, f), records(3));
    for (const name of ['cifar10', 'cifar10-jpeg'] as const) {
      const err = await loadDataset(name, { dataDir: d }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/data_batch_1\.bin: holds 3 records \(9219 bytes\), expected 10000 \(30730000 bytes\)/);
    }
    const e2 = tempDir('rramsim-cifar-');
    writeFileSync(join(e2, 'data_batch_1.bin'), records(3));
    const err = await loadDataset('cifar10', { dataDir: e2 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/dataset cifar10 not found [\s\S]*: missing data_batch_2\.bin\[\.gz\]/);
  });
});

describe('official cifar10 layout (synthetic 10,000-record files)', () => {
  it('loads six balanced 10,000-record files as cifar10 (NHWC, augmentation on train only); an unbalanced set is refused', async () => {
    clearDatasetCache();
    const d = tempDir('rramsim-cifar-');
    const n = 10000;
    const b = new Uint8Array(n * CIFAR_RECORD_BYTES);
    for (let i = 0; i < n; i++) {
      b[i * CIFAR_RECORD_BYTES] = i % 10;
      b[i * CIFAR_RECORD_BYTES + 1 + 2 * 1024 + 5 * 32 + 7] = (i * 13) % 256; // blue, row 5, col 7
    }
    const gz = gzipSync(b, { level: 1 });
    for (const f of CIFAR_FILES) writeFileSync(join(d, `${f}.gz`), gz);
    const ds = await loadDataset('cifar10', { dataDir: d });
    expect([ds.name, ds.train.n, ds.eval.n, ds.classes]).toEqual(['cifar10', 50000, 10000, 10]);
    expect(ds.shape).toEqual([3, 32, 32]);
    const i = 10000 + 1234; // second training file, record 1234
    const x = splitValues(ds.train);
    expect(x[((i * 32 + 5) * 32 + 7) * 3 + 2]).toBe(norm((1234 * 13) % 256, 2));
    expect(x[((i * 32 + 5) * 32 + 7) * 3 + 1]).toBe(norm(0, 1));
    expect(ds.train.augment).toBeDefined();
    expect(ds.eval.augment).toBeUndefined();
    clearDatasetCache();
    b[0] = 1; // one more 1, one fewer 0 in every file
    const gz2 = gzipSync(b, { level: 1 });
    writeFileSync(join(d, 'test_batch.bin.gz'), gz2);
    const err = await loadDataset('cifar10', { dataDir: d }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/the test files hold class counts 999, 1001, 1000, .*exactly 1000 per class/);
    clearDatasetCache();
  }, 60_000);
});

describe('crop/flip augmentation', () => {
  const aug: Augmentation = { kind: 'crop-flip', height: 3, width: 4, channels: 2, pad: 1, flipP: 0.5, fill: [-7, -9] };
  /** image i: value (i·100 + r·10 + c)·(ch ? −1 : 1) */
  const img = (b: number) => {
    const x = new Float32Array(b * 24);
    for (let i = 0; i < b; i++) for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) for (let ch = 0; ch < 2; ch++) x[i * 24 + (r * 4 + c) * 2 + ch] = (i * 100 + r * 10 + c) * (ch ? -1 : 1);
    return x;
  };

  it('matches a hand computation of crop (dy, dx) then flip, draws taken in order dy, dx, flip', () => {
    const b = 6;
    const x = img(b);
    augmentBatch(x, b, aug, stream(7, 'augment/epoch0'), new Float32Array(24));
    const rng = stream(7, 'augment/epoch0');
    for (let i = 0; i < b; i++) {
      const dy = Math.floor(rng.next() * 3), dx = Math.floor(rng.next() * 3), flip = rng.next() < 0.5;
      for (let r = 0; r < 3; r++) {
        for (let c = 0; c < 4; c++) {
          const sr = r + dy - 1, sc = (flip ? 3 - c : c) + dx - 1;
          for (let ch = 0; ch < 2; ch++) {
            const want = sr < 0 || sr > 2 || sc < 0 || sc > 3 ? aug.fill[ch] : (i * 100 + sr * 10 + sc) * (ch ? -1 : 1);
            expect(x[i * 24 + (r * 4 + c) * 2 + ch]).toBe(want);
          }
        }
      }
    }
  });

  it('one explicit case: dy = 0, dx = 2 and flip of a 3×4 image', () => {
    // fake stream: int(3) draws 0 then 2, then next() = 0.1 < 0.5 → flip
    const seq = [0.1, 0.9, 0.1];
    let k = 0;
    const rng = { seed: 'x', next: () => seq[k++], int: (n: number) => Math.floor(seq[k++] * n), normal: () => 0 };
    const x = img(1);
    augmentBatch(x, 1, aug, rng, new Float32Array(24));
    // crop rows −1..1 (row −1 = fill), cols 1..4 (col 4 = fill), then flip: out[r][c] = in[r−1][4−c]
    const ch0 = (r: number, c: number) => x[(r * 4 + c) * 2];
    expect([ch0(0, 0), ch0(0, 1), ch0(0, 2), ch0(0, 3)]).toEqual([-7, -7, -7, -7]);
    expect([ch0(1, 0), ch0(1, 1), ch0(1, 2), ch0(1, 3)]).toEqual([-7, 3, 2, 1]);
    expect([ch0(2, 0), ch0(2, 1), ch0(2, 2), ch0(2, 3)]).toEqual([-7, 13, 12, 11]);
    expect(x[(2 * 4 + 1) * 2 + 1]).toBe(-13);
  });

  it('deterministic per seed, different for another seed or epoch; stream names', () => {
    const run = (seed: number, name: string) => {
      const x = img(16);
      augmentBatch(x, 16, aug, stream(seed, name), new Float32Array(24));
      return x;
    };
    expect(run(3, 'augment/epoch0')).toEqual(run(3, 'augment/epoch0'));
    expect(run(3, 'augment/epoch0')).not.toEqual(run(4, 'augment/epoch0'));
    expect(run(3, 'augment/epoch0')).not.toEqual(run(3, 'augment/epoch1'));
    expect(augmentStreamName('shuffle', 2)).toBe('augment/epoch2');
    expect(augmentStreamName('retrain/shuffle', 0)).toBe('augment/retrain/shuffle/epoch0');
    expect(cifarAugmentation()).toMatchObject({ kind: 'crop-flip', pad: 4, flipP: 0.5, height: 32, width: 32, channels: 3 });
  });
});

const SHARED_CIFAR = join(process.cwd(), '..', 'shared', 'data', 'cifar10-jpeg');
/** skip rule of test/support/system_package.ts: one SKIP line when absent, a failure under CI=true */
function noSharedCifar(): boolean {
  return requireSystem(existsSync(SHARED_CIFAR), {
    what: `the cifar10-jpeg batches in ${SHARED_CIFAR}`,
    how: 'a checkout with ../shared/data/cifar10-jpeg beside it, as CI has',
    scope: 'tests needing cifar10-jpeg',
  });
}

describe.skipIf(noSharedCifar())('cifar10-jpeg (../shared/data/cifar10-jpeg, SOURCE.md checksums)', () => {
  it('loads 50,000 + 10,000 images with the SOURCE.md checksums, 5,000/1,000 per class; refused as official cifar10', async () => {
    clearDatasetCache();
    const ds = await loadDataset('cifar10-jpeg');
    expect(ds.source).toBe(SHARED_CIFAR);
    expect(ds.shape).toEqual([3, 32, 32]);
    expect([ds.train.n, ds.eval.n, ds.eval.name]).toEqual([50000, 10000, 'test']);
    expect(ds.train.augment?.kind).toBe('crop-flip');
    expect(ds.eval.augment).toBeUndefined();
    const count = (y: Uint8Array) => { const c = new Array<number>(10).fill(0); for (const v of y) c[v]++; return c; };
    expect(count(ds.train.y)).toEqual(new Array(10).fill(5000));
    expect(count(ds.eval.y)).toEqual(new Array(10).fill(1000));
    // mean of the normalised red channel over the test set is near 0 (stated statistics)
    let s = 0;
    const x = splitValues(ds.eval);
    for (let i = 0; i < x.length; i += 3) s += x[i];
    expect(Math.abs(s / (x.length / 3))).toBeLessThan(0.05);
    const err = await loadDataset('cifar10', { dataDir: SHARED_CIFAR }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/data_batch_1\.bin\.gz is the cifar10-jpeg re-encoding .*not the official CIFAR-10/);
    expect(Object.keys(datasetEntry('cifar10-jpeg')!.checksums.files)).toHaveLength(6);
    clearDatasetCache();
  }, 120_000);
});

describe('sweep preflight', () => {
  it('a sweep on cifar10 with a --data-dir lacking the files fails up front naming the dataset', async () => {
    const { preflight } = await import('../../sim/sweep/preflight.js');
    const { DEFAULTS } = await import('../../src/config/defaults.js');
    const d = tempDir('rramsim-cifar-');
    expect(() => preflight([{ ...DEFAULTS, dataset: 'cifar10' }], d)).toThrow(/dataset cifar10 not found \(searched --data-dir\)/);
  });
});
