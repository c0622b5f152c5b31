import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IDX_FILE_NAMES, identifyContent, md5Hex, verifyContent } from '../../src/data/checksums.js';
import { sha256Hex } from '../../src/util/hash.js';
import { ALL_IDX, DEBIAN_FASHION, IDX, KNOWN_IDX_FILES, SHARED_MNIST, noDebianFashion, noSharedMnist } from './fixtures.js';

const skipMnist = noSharedMnist();
const skipFashion = noDebianFashion();

// Published MD5s, written out here independently of src/data/checksums.ts:
// official MNIST .gz files (the ones torchvision checks) ...
const PUBLISHED_MNIST_GZ_MD5: Record<string, string> = {
  'train-images-idx3-ubyte': 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
  'train-labels-idx1-ubyte': 'd53e105ee54ea40749a09fcbcd1e9432',
  't10k-images-idx3-ubyte': '9fb629c4189551a2d022fa330f9573f3',
  't10k-labels-idx1-ubyte': 'ec29112dd5afa0611ce80d1b7f02629c',
};
// ... and the uncompressed official Fashion-MNIST files (the Debian package re-gzips them, so its
// .gz MD5s differ from the published 8d4fb7e6…/25c81989…/bef4ecab…/bb300cfd…; the content must not).
const PUBLISHED_FASHION_RAW_MD5: Record<string, string> = {
  'train-images-idx3-ubyte': 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
  'train-labels-idx1-ubyte': '9018921c3c673c538a1fc5bad174d6f9',
  't10k-images-idx3-ubyte': '8181f5470baa50b63fa0f6fddb340f0a',
  't10k-labels-idx1-ubyte': '15d484375f8d13e6eb1aabb0c3f46965',
};

describe('known checksums', () => {
  it('the table is internally consistent: distinct contents, sizes of 60k/10k 28x28 IDX files', () => {
    const all = Object.values(KNOWN_IDX_FILES).flatMap((d) => Object.values(d).map((f) => f.contentSha256));
    expect(new Set(all).size).toBe(8);
    for (const d of Object.values(KNOWN_IDX_FILES)) {
      expect(d['train-images-idx3-ubyte'].bytes).toBe(16 + 60000 * 784);
      expect(d['t10k-images-idx3-ubyte'].bytes).toBe(16 + 10000 * 784);
      expect(d['train-labels-idx1-ubyte'].bytes).toBe(8 + 60000);
      expect(d['t10k-labels-idx1-ubyte'].bytes).toBe(8 + 10000);
    }
    expect(identifyContent(KNOWN_IDX_FILES['fashion-mnist']['t10k-labels-idx1-ubyte'].contentSha256, ALL_IDX)).toEqual({
      dataset: 'fashion-mnist',
      file: 't10k-labels-idx1-ubyte',
    });
    expect(identifyContent('0'.repeat(64), ALL_IDX)).toBeUndefined();
  });

  it.skipIf(skipMnist)('the shared MNIST .gz files have the published MD5s, and the recorded SHA-256/MD5 of .gz and content', () => {
    for (const f of IDX_FILE_NAMES) {
      const gz = readFileSync(join(SHARED_MNIST, `${f}.gz`));
      const known = KNOWN_IDX_FILES.mnist[f];
      expect(md5Hex(gz)).toBe(PUBLISHED_MNIST_GZ_MD5[f]);
      expect(known.gz[0].md5).toBe(PUBLISHED_MNIST_GZ_MD5[f]);
      expect(sha256Hex(gz)).toBe(known.gz[0].sha256);
      expect(gz.length).toBe(known.gz[0].bytes);
      const content = gunzipSync(gz);
      expect(content.length).toBe(known.bytes);
      expect(md5Hex(content)).toBe(known.contentMd5);
      expect(verifyContent(IDX.mnist, f, f, content, ALL_IDX).ok).toBe(true);
    }
  });

  it.skipIf(skipFashion)('the Debian Fashion-MNIST content has the published MD5s of the official uncompressed files', () => {
    for (const f of IDX_FILE_NAMES) {
      const gz = readFileSync(join(DEBIAN_FASHION, `${f}.gz`));
      const known = KNOWN_IDX_FILES['fashion-mnist'][f];
      const content = gunzipSync(gz);
      expect(md5Hex(content)).toBe(PUBLISHED_FASHION_RAW_MD5[f]);
      expect(known.contentMd5).toBe(PUBLISHED_FASHION_RAW_MD5[f]);
      expect(content.length).toBe(known.bytes);
      const v = verifyContent(IDX['fashion-mnist'], f, f, content, ALL_IDX);
      expect(v.ok).toBe(true);
      expect(known.gz.some((g) => g.sha256 === sha256Hex(gz))).toBe(true);
    }
  });

  it.skipIf(skipMnist)('verifyContent reports expected vs actual and names the dataset a foreign file belongs to', () => {
    const content = gunzipSync(readFileSync(join(SHARED_MNIST, 't10k-labels-idx1-ubyte.gz')));
    const v = verifyContent(IDX['fashion-mnist'], 't10k-labels-idx1-ubyte', 'x', content, ALL_IDX);
    expect(v.ok).toBe(false);
    expect(v.expectedSha256).toBe(KNOWN_IDX_FILES['fashion-mnist']['t10k-labels-idx1-ubyte'].contentSha256);
    expect(v.actualSha256).toBe(KNOWN_IDX_FILES.mnist['t10k-labels-idx1-ubyte'].contentSha256);
    expect(v.actuallyIs).toEqual({ dataset: 'mnist', file: 't10k-labels-idx1-ubyte' });
  });
});
