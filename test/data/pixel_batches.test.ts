// Data sets keep their images as the 8-bit pixels of the files and normalise a batch when it is
// read (src/data/pixel_coding.ts, split_rows.ts). Every batch must hold exactly the float32 bits the
// loaders used to precompute for the whole split: x = fround((p/255 − mean_ch)/std_ch), recomputed
// here from the raw file bytes (an independent oracle: no lookup table, no loader code).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CIFAR_FILES, CIFAR_RECORD_BYTES, readCifarFile } from '../../src/data/cifar10.js';
import type { Split } from '../../src/data/dataset.js';
import { clearDatasetCache, loadDataset } from '../../src/data/load.js';
import { gatherSplitRows, splitRange, splitValues } from '../../src/data/split_rows.js';
import { permutation, stream } from '../../src/util/rng.js';
import { requireSystem } from '../support/system_package.js';
import { SHARED_MNIST, noSharedMnist } from './fixtures.js';

const SHARED_CIFAR = join(process.cwd(), '..', 'shared', 'data', 'cifar10-jpeg');

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** the batch read through gatherSplitRows (random order) and splitRange (a contiguous range) equal the oracle's rows, bit for bit */
function expectBatchesEqual(split: Split, oracle: (e: number, out: Float32Array) => void, d: number): void {
  expect(split.x).toBeInstanceOf(Uint8Array); // held as bytes: 1 byte per value
  const b = 256;
  const idx = permutation(stream(1, 'test/pixel-batches'), split.n);
  const got = new Float32Array(b * d), want = new Float32Array(b * d);
  for (const start of [0, split.n - b]) {
    gatherSplitRows(split, idx, start, b, d, got);
    for (let i = 0; i < b; i++) oracle(idx[start + i], want.subarray(i * d, (i + 1) * d));
    expect(bits(got).equals(bits(want))).toBe(true);
  }
  const s = Math.floor(split.n / 3);
  const range = splitRange(split, s, b, d);
  for (let i = 0; i < b; i++) oracle(s + i, want.subarray(i * d, (i + 1) * d));
  expect(bits(range).equals(bits(want))).toBe(true);
}

describe('per-batch normalisation of 8-bit images = the old precomputed floats, bit for bit', () => {
  it('mnist-embedded (MNIST normalisation): every example of both splits', async () => {
    const ds = await loadDataset('mnist-embedded');
    const x = ds.eval.x as Uint8Array;
    // the whole split decoded equals the per-pixel formula
    const all = splitValues(ds.eval);
    const want = Float32Array.from(x, (p) => Math.fround((p / 255 - 0.1307) / 0.3081));
    expect(bits(all).equals(bits(want))).toBe(true);
    const px = ds.train.x as Uint8Array;
    expectBatchesEqual(ds.train, (e, out) => {
      for (let k = 0; k < 784; k++) out[k] = Math.fround((px[e * 784 + k] / 255 - 0.1307) / 0.3081);
    }, 784);
  });

  it.skipIf(noSharedMnist())('mnist (the official files): batches against the pixels of the IDX file', async () => {
    const ds = await loadDataset('mnist', { dataDir: SHARED_MNIST });
    const file = gunzipSync(readFileSync(join(SHARED_MNIST, 'train-images-idx3-ubyte.gz')));
    expectBatchesEqual(ds.train, (e, out) => {
      for (let k = 0; k < 784; k++) out[k] = Math.fround((file[16 + e * 784 + k] / 255 - 0.1307) / 0.3081);
    }, 784);
    clearDatasetCache();
  });

  const noCifar = requireSystem(existsSync(SHARED_CIFAR), {
    what: `the cifar10-jpeg batches in ${SHARED_CIFAR}`,
    how: 'a checkout with ../shared/data/cifar10-jpeg beside it, as CI has',
    scope: 'the CIFAR per-batch normalisation test',
  });
  it.skipIf(noCifar)('cifar10-jpeg (per-channel normalisation, CHW records → NHWC): train and test batches against the record bytes', async () => {
    const ds = await loadDataset('cifar10-jpeg', { dataDir: SHARED_CIFAR });
    const mean = [0.4914, 0.4822, 0.4465], std = [0.247, 0.2435, 0.2616];
    const records = CIFAR_FILES.map((f) => readCifarFile(join(SHARED_CIFAR, `${f}.gz`)).content);
    // example e of the train split is record e mod 10,000 of data_batch_(e / 10,000 + 1); test: test_batch
    const oracle = (file: (e: number) => Uint8Array) => (e: number, out: Float32Array) => {
      const rec = file(e), o = (e % 10000) * CIFAR_RECORD_BYTES + 1;
      for (let r = 0; r < 32; r++) for (let c = 0; c < 32; c++) for (let ch = 0; ch < 3; ch++) {
        out[(r * 32 + c) * 3 + ch] = Math.fround((rec[o + ch * 1024 + r * 32 + c] / 255 - mean[ch]) / std[ch]);
      }
    };
    expectBatchesEqual(ds.train, oracle((e) => records[Math.floor(e / 10000)]), 3072);
    expectBatchesEqual(ds.eval, oracle(() => records[5]), 3072);
    clearDatasetCache();
  }, 120_000);
});
