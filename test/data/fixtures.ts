/** Small IDX files in temp directories for the data tests (no network, no large files). */
import { existsSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'vitest';
import type { IdxFormat } from '../../src/data/checksums.js';
import { encodeIdx } from '../../src/data/idx.js';
import { locateDataset, type LocatedDataset, type LocateOptions } from '../../src/data/locate.js';
import { datasetEntries, datasetEntry } from '../../src/data/sets/registry.js';
import { UserError } from '../../src/util/errors.js';
import { requirePackage, requireSystem } from '../support/system_package.js';

export const SHARED_MNIST = join(process.cwd(), '..', 'shared', 'data', 'mnist');
export const DEBIAN_FASHION = '/usr/share/datasets/fashion-mnist';

export function tempDir(prefix = 'rramsim-data-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** n images of 28x28 (pixel = (i + k) mod 256) and labels i mod 10, as IDX content */
export function smallImages(n: number): Uint8Array {
  const px = new Uint8Array(n * 784);
  for (let i = 0; i < px.length; i++) px[i] = (i * 7) % 256;
  return encodeIdx([n, 28, 28], px);
}

export function smallLabels(n: number): Uint8Array {
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = i % 10;
  return encodeIdx([n], y);
}

/**
 * A directory with the four MNIST file names holding small valid IDX data (so: structurally fine,
 * but not the official content). `gzip` chooses .gz or raw files. Returns the directory.
 */
export function writeSmallIdxDir(dir: string, opts: { gzip?: boolean; nTrain?: number; nTest?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const { gzip = true, nTrain = 20, nTest = 10 } = opts;
  const files: [string, Uint8Array][] = [
    ['train-images-idx3-ubyte', smallImages(nTrain)],
    ['train-labels-idx1-ubyte', smallLabels(nTrain)],
    ['t10k-images-idx3-ubyte', smallImages(nTest)],
    ['t10k-labels-idx1-ubyte', smallLabels(nTest)],
  ];
  for (const [name, content] of files) {
    if (gzip) writeFileSync(join(dir, `${name}.gz`), gzipSync(content));
    else writeFileSync(join(dir, name), content);
  }
  return dir;
}

/**
 * Skip rule of test/support/system_package.ts: absent data skips the tests that need it with one
 * SKIP line, and fails under CI=true (.ci/run installs Fashion-MNIST and CI clones with ../shared
 * beside the repo, so a missing directory there is a broken set-up, not a reason to skip).
 */

/** true (and one SKIP line) when the shared MNIST directory is absent, for it.skipIf */
export function noSharedMnist(): boolean {
  return requireSystem(existsSync(SHARED_MNIST), {
    what: `the official MNIST IDX files in ${SHARED_MNIST}`,
    how: 'a checkout with ../shared/data/mnist beside it, as CI has',
    scope: 'tests needing full MNIST',
  });
}

/** true (and one SKIP line) when the Debian Fashion-MNIST package is not installed, for it.skipIf */
export function noDebianFashion(): boolean {
  return requirePackage('dataset-fashion-mnist', () => existsSync(DEBIAN_FASHION), { scope: 'Fashion-MNIST tests' });
}

/** run fn, assert it throws a UserError, and return it (for message assertions) */
export function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError, nothing was thrown');
}

/** the registered IDX formats by name (the registry entries' `idx`) */
export const IDX: Record<'mnist' | 'fashion-mnist', IdxFormat> = { mnist: datasetEntry('mnist')!.idx!, 'fashion-mnist': datasetEntry('fashion-mnist')!.idx! };
/** every registered IDX format (what the loaders recognise a foreign file among) */
export const ALL_IDX: IdxFormat[] = datasetEntries().flatMap((e) => (e.idx ? [e.idx] : []));
/** the known IDX file table by data set name */
export const KNOWN_IDX_FILES = { mnist: IDX.mnist.files, 'fashion-mnist': IDX['fashion-mnist'].files };

/** locate an IDX data set by name, recognising every registered IDX format (what its entry does) */
export function locateIdx(name: 'mnist' | 'fashion-mnist', opts: LocateOptions = {}): LocatedDataset {
  return locateDataset(IDX[name], opts, ALL_IDX);
}
