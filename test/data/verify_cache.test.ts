// The preflight's dataset verification (src/data/verify_cache.ts): structure then checksum, and a
// cache keyed by (path, size, mtime) so a verified directory is only stat'ed next time.
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IDX_FILE_NAMES } from '../../src/data/checksums.js';
import { verifyDatasetOnce } from '../../src/data/verify_cache.js';
import { KNOWN_IDX_FILES, locateIdx, noSharedMnist, SHARED_MNIST, tempDir, userError, writeSmallIdxDir } from './fixtures.js';

describe('verifyDatasetOnce', () => {
  it('refuses the wrong content, and writes no cache entry for it', () => {
    const dir = writeSmallIdxDir(tempDir());
    const cache = join(tempDir(), 'verified.json');
    const e = userError(() => verifyDatasetOnce(locateIdx('mnist', { dataDir: dir }), cache));
    expect(e.message).toMatch(/checksum mismatch for .*train-images-idx3-ubyte\.gz/);
    expect(() => readFileSync(cache)).toThrow();
  });

  it('a cache entry for (path, size, mtime) skips the read; touching the file invalidates it', () => {
    const dir = writeSmallIdxDir(tempDir());
    const located = locateIdx('mnist', { dataDir: dir });
    const cache = join(tempDir(), 'verified.json');
    const entry: Record<string, string> = {};
    for (const f of IDX_FILE_NAMES) {
      const st = statSync(located.files[f]);
      entry[`${resolve(located.files[f])}\u0000${st.size}\u0000${st.mtimeMs}`] = KNOWN_IDX_FILES.mnist[f].contentSha256;
    }
    writeFileSync(cache, JSON.stringify(entry));
    expect(verifyDatasetOnce(located, cache)).toBe(0); // nothing read: the (fake) entries vouch for the files
    const t = new Date(Date.now() + 5000);
    utimesSync(located.files['t10k-labels-idx1-ubyte'], t, t);
    const e = userError(() => verifyDatasetOnce(located, cache));
    expect(e.message).toMatch(/checksum mismatch for .*t10k-labels-idx1-ubyte\.gz/);
  });

  it.skipIf(noSharedMnist())('the real MNIST: first call reads 4 files, the second none', () => {
    const cache = join(tempDir(), 'verified.json');
    const located = locateIdx('mnist', { dataDir: SHARED_MNIST });
    expect(verifyDatasetOnce(located, cache)).toBe(4);
    expect(verifyDatasetOnce(located, cache)).toBe(0);
  });
});

describe('a permission-denied data directory', () => {
  const root = process.getuid?.() === 0;
  if (root) console.warn('data tests: running as root, which reads any directory: the EACCES test is skipped');
  it.skipIf(root)('is reported as permission denied, not "none of the files"', async () => {
    const { chmodSync } = await import('node:fs');
    const dir = writeSmallIdxDir(tempDir());
    chmodSync(dir, 0o000);
    try {
      const e = userError(() => locateIdx('mnist', { dataDir: dir }));
      expect(e.message).toMatch(/permission denied \(EACCES\)/);
      expect(e.message).not.toMatch(/none of the files/);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
