import { copyFileSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { clearDatasetCache, loadDataset } from '../../src/data/load.js';
import { scalarNormalisation } from '../../src/data/normalise.js';
import type { Dataset, Split } from '../../src/data/dataset.js';
import { splitValues } from '../../src/data/split_rows.js';
import type { DatasetName } from '../../src/data/dataset.js';
import { UserError } from '../../src/util/errors.js';
import { DEBIAN_FASHION, KNOWN_IDX_FILES, SHARED_MNIST, noDebianFashion, noSharedMnist, smallImages, smallLabels, tempDir, writeSmallIdxDir } from './fixtures.js';

const skipMnist = noSharedMnist();
const skipFashion = noDebianFashion();

async function loadError(name: DatasetName, dataDir: string): Promise<string> {
  try {
    await loadDataset(name, { dataDir });
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return (err as Error).message;
  }
  throw new Error('expected a UserError');
}

/** mean and std of pixel/255 recovered from the normalised x (float64 accumulation) */
function pixelStats(s: Split, mean: number, std: number): { mean: number; std: number } {
  let sum = 0;
  let sq = 0;
  const x = splitValues(s);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * std + mean;
    sum += v;
    sq += v * v;
  }
  const m = sum / x.length;
  return { mean: m, std: Math.sqrt(sq / x.length - m * m) };
}

function classCounts(y: Uint8Array): number[] {
  const c = new Array<number>(10).fill(0);
  for (const v of y) c[v]++;
  return c;
}

describe('loadDataset errors (small generated files)', () => {
  it('unknown dataset name lists the allowed ones', async () => {
    await expect(loadDataset('cifar' as DatasetName)).rejects.toThrow(
      "dataset: unknown dataset 'cifar' (allowed: mnist, fashion-mnist, mnist-embedded, cifar10, cifar10-jpeg)",
    );
  });

  it('valid IDX files that are not the official ones: checksum mismatch with expected vs actual', async () => {
    const d = writeSmallIdxDir(tempDir());
    const m = await loadError('mnist', d);
    expect(m).toMatch(/^checksum mismatch for .*train-images-idx3-ubyte\.gz: the SHA-256 of its IDX content \(after gunzip\) is [0-9a-f]{64}/);
    expect(m).toContain(`expected ${KNOWN_IDX_FILES.mnist['train-images-idx3-ubyte'].contentSha256} (the official mnist train-images-idx3-ubyte)`);
    expect(m).toContain('download it again');
  });

  it('image and label counts must agree', async () => {
    const d = writeSmallIdxDir(tempDir(), { nTrain: 20 });
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(smallLabels(19)));
    expect(await loadError('mnist', d)).toMatch(/holds 20 images but .*train-labels-idx1-ubyte\.gz holds 19 labels/);
  });

  it('a truncated raw file says truncated (structure is checked before the checksum)', async () => {
    const d = writeSmallIdxDir(tempDir(), { gzip: false });
    writeFileSync(join(d, 't10k-images-idx3-ubyte'), smallImages(10).subarray(0, 16 + 784 * 9 + 100));
    expect(await loadError('mnist', d)).toMatch(/t10k-images-idx3-ubyte: truncated IDX file: header says 10x28x28 = 7840 bytes of data, but only 7156 follow/);
  });

  it('a corrupt gzip and a wrong magic are reported with the file name', async () => {
    const d = writeSmallIdxDir(tempDir());
    const gz = readFileSync(join(d, 'train-images-idx3-ubyte.gz'));
    writeFileSync(join(d, 'train-images-idx3-ubyte.gz'), gz.subarray(0, gz.length - 10));
    expect(await loadError('mnist', d)).toMatch(/corrupt gzip file .*train-images-idx3-ubyte\.gz/);
    const e = writeSmallIdxDir(tempDir());
    const bad = smallLabels(10);
    bad[2] = 0x0c; // int32 type
    writeFileSync(join(e, 't10k-labels-idx1-ubyte.gz'), gzipSync(bad));
    expect(await loadError('mnist', e)).toMatch(/t10k-labels-idx1-ubyte\.gz: wrong magic number 0x00000c01/);
  });

  it('labels outside 0..9 are refused', async () => {
    const d = writeSmallIdxDir(tempDir());
    const lab = smallLabels(10);
    lab[8 + 3] = 10;
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(lab));
    expect(await loadError('mnist', d)).toMatch(/label 10 at index 3 is out of range 0\.\.9/);
  });

  it('a failed load is not cached: fixing the directory and retrying reaches the files again', async () => {
    const d = writeSmallIdxDir(tempDir(), { nTrain: 20 });
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(smallLabels(19)));
    await expect(loadDataset('mnist', { dataDir: d })).rejects.toThrow(/19 labels/);
    writeFileSync(join(d, 'train-labels-idx1-ubyte.gz'), gzipSync(smallLabels(20)));
    await expect(loadDataset('mnist', { dataDir: d })).rejects.toThrow(/checksum mismatch/);
  });
});

describe.skipIf(skipMnist)('mnist (full, ../shared/data/mnist)', () => {
  it('60k train / 10k test, shapes, class counts, checksums of the files as read, cache', async () => {
    clearDatasetCache();
    const ds: Dataset = await loadDataset('mnist', { dataDir: SHARED_MNIST });
    expect(ds.name).toBe('mnist');
    expect(ds.shape).toEqual([1, 28, 28]);
    expect(ds.classes).toBe(10);
    expect(ds.train.name).toBe('train');
    expect(ds.eval.name).toBe('test');
    expect([ds.train.n, ds.eval.n]).toEqual([60000, 10000]);
    expect(ds.train.x.length).toBe(60000 * 784);
    expect(ds.eval.y.length).toBe(10000);
    // class counts from ../shared/data/mnist/SOURCE.md
    expect(classCounts(ds.train.y)).toEqual([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    expect(classCounts(ds.eval.y)).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
    expect(Array.from(ds.train.y.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]); // the well-known first labels
    expect(Array.from(ds.eval.y.subarray(0, 5))).toEqual([7, 2, 1, 0, 4]);
    for (const [f, k] of Object.entries(KNOWN_IDX_FILES.mnist)) expect(ds.checksums[`${f}.gz`]).toBe(k.gz[0].sha256);
    expect(ds.source).toBe(SHARED_MNIST);
    expect(await loadDataset('mnist', { dataDir: SHARED_MNIST })).toBe(ds); // cached: the same object
  });

  it('normalisation x = (p/255 − 0.1307)/0.3081: background pixel value and training-set statistics', async () => {
    const ds = await loadDataset('mnist', { dataDir: SHARED_MNIST });
    const { mean, std } = scalarNormalisation('mnist');
    const x = splitValues(ds.train);
    expect(x[0]).toBe(Math.fround(-0.1307 / 0.3081));
    let max = -Infinity;
    for (let i = 0; i < x.length; i++) if (x[i] > max) max = x[i];
    expect(max).toBe(Math.fround((1 - 0.1307) / 0.3081));
    const s = pixelStats(ds.train, mean, std);
    expect(Math.abs(s.mean - 0.1307)).toBeLessThan(5e-4);
    expect(Math.abs(s.std - 0.3081)).toBeLessThan(5e-4);
  });

  it('accepts raw uncompressed files mixed with .gz ones (same content, same data)', async () => {
    const d = tempDir();
    for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte']) symlinkSync(join(SHARED_MNIST, `${f}.gz`), join(d, `${f}.gz`));
    for (const f of ['t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      writeFileSync(join(d, f), gunzipSync(readFileSync(join(SHARED_MNIST, `${f}.gz`))));
    }
    const raw = await loadDataset('mnist', { dataDir: d });
    const gz = await loadDataset('mnist', { dataDir: SHARED_MNIST });
    expect(raw === gz).toBe(false); // another directory: its own cache entry
    expect(raw.checksums['t10k-images-idx3-ubyte']).toBe(KNOWN_IDX_FILES.mnist['t10k-images-idx3-ubyte'].contentSha256);
    expect(Buffer.compare(Buffer.from(raw.eval.x.buffer), Buffer.from(gz.eval.x.buffer))).toBe(0);
  });

  it.skipIf(skipFashion)('a Fashion-MNIST file among MNIST files: mismatch that names what the file is', async () => {
    const d = tempDir();
    for (const f of ['train-images-idx3-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
      symlinkSync(join(SHARED_MNIST, `${f}.gz`), join(d, `${f}.gz`));
    }
    copyFileSync(join(DEBIAN_FASHION, 'train-labels-idx1-ubyte.gz'), join(d, 'train-labels-idx1-ubyte.gz'));
    expect(await loadError('mnist', d)).toMatch(
      /checksum mismatch for .*train-labels-idx1-ubyte\.gz: .*this file is the fashion-mnist train-labels-idx1-ubyte, so the directory holds the wrong files/,
    );
  });
});

describe.skipIf(skipFashion)('fashion-mnist (Debian dataset-fashion-mnist)', () => {
  it('found on the default search path; 60k/10k; its own normalisation statistics', async () => {
    const ds = await loadDataset('fashion-mnist');
    expect(ds.source).toBe(DEBIAN_FASHION);
    expect([ds.train.n, ds.eval.n, ds.eval.name]).toEqual([60000, 10000, 'test']);
    expect(classCounts(ds.train.y)).toEqual(new Array(10).fill(6000));
    expect(classCounts(ds.eval.y)).toEqual(new Array(10).fill(1000));
    const { mean, std } = scalarNormalisation('fashion-mnist');
    const s = pixelStats(ds.train, mean, std);
    expect(Math.abs(s.mean - 0.286)).toBeLessThan(5e-4);
    expect(Math.abs(s.std - 0.353)).toBeLessThan(5e-4);
  });
});
