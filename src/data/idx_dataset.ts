/**
 * An MNIST-format dataset (mnist, fashion-mnist) read from a located directory of four IDX files:
 * verified (SHA-256 of the IDX content, see checksums.ts), parsed and validated (magic, 28x28
 * images, image and label counts agree, labels < 10). The images stay the 8-bit pixels of the
 * files (a view of the decompressed content); the split carries the data set's normalisation as a
 * pixel decoding (pixel_coding.ts) applied when batches are read.
 * Splits: `train` (the 60,000 official training images) and eval = `test` (the 10,000 official
 * test images), in file order.
 */
import type { Dataset, Split } from './dataset.js';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { IDX_FILE_NAMES, type IdxFileName, type IdxFormat, type FileVerification, throwIfMismatch, verifyContent } from './checksums.js';
import { DATA_SIZE_MARGIN, parseIdx, readMaybeGzip, type IdxArray, type IdxFileBytes } from './idx.js';
import type { LocatedDataset } from './locate.js';
import { pixelCoding, type Normalisation, type PixelCoding } from './pixel_coding.js';

export const IMAGE_SIDE = 28;
export const CLASSES = 10;

export interface RawIdxSplit {
  readonly images: IdxArray;
  readonly labels: IdxArray;
  /** number of samples */
  readonly n: number;
}

export interface RawIdxDataset {
  readonly located: LocatedDataset;
  readonly train: RawIdxSplit;
  readonly test: RawIdxSplit;
  readonly verification: FileVerification[];
  /** base file name as found (with .gz if gzipped) -> SHA-256 of the file bytes as read */
  readonly checksums: Record<string, string>;
  /** same keys -> the bytes as read (for MD5 reporting in `data check`); dropped by toDataset */
  readonly fileBytes: Record<string, Uint8Array>;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Read, verify and parse the four files. With `verify: 'throw'` (the default) a checksum mismatch
 * is a UserError; with 'report' the results are returned in `verification` and parsing goes on.
 */
export function readIdxDataset(located: LocatedDataset, verify: 'throw' | 'report' = 'throw', known: readonly IdxFormat[] = [located.format]): RawIdxDataset {
  const dataset = located.dataset;
  const format = located.format;
  const read = {} as Record<IdxFileName, IdxFileBytes>;
  const checksums: Record<string, string> = {};
  const fileBytes: Record<string, Uint8Array> = {};
  for (const f of IDX_FILE_NAMES) {
    read[f] = readMaybeGzip(located.files[f], format.files[f].bytes + DATA_SIZE_MARGIN);
    fileBytes[baseName(read[f].path)] = read[f].fileBytes;
  }
  // structure first (a truncated file says "truncated", not just "checksum mismatch") ...
  const split = (imgFile: IdxFileName, labFile: IdxFileName): RawIdxSplit => {
    const images = parseIdx(read[imgFile].content, read[imgFile].path, [null, IMAGE_SIDE, IMAGE_SIDE]);
    const labels = parseIdx(read[labFile].content, read[labFile].path, [null]);
    const n = images.dims[0];
    if (labels.dims[0] !== n) {
      throw new UserError(
        `${dataset}: ${read[imgFile].path} holds ${n} images but ${read[labFile].path} holds ${labels.dims[0]} labels; ` +
          'the counts must agree',
        'dataDir',
      );
    }
    for (let i = 0; i < n; i++) {
      if (labels.data[i] >= CLASSES) {
        throw new UserError(`${read[labFile].path}: label ${labels.data[i]} at index ${i} is out of range 0..${CLASSES - 1}`, 'dataDir');
      }
    }
    return { images, labels, n };
  };
  const train = split('train-images-idx3-ubyte', 'train-labels-idx1-ubyte');
  const test = split('t10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte');
  // ... then the checksums of the content
  const verification: FileVerification[] = [];
  for (const f of IDX_FILE_NAMES) {
    const fb = read[f];
    const v = verifyContent(format, f, fb.path, fb.content, known);
    if (verify === 'throw') throwIfMismatch(dataset, v);
    verification.push(v);
    checksums[baseName(fb.path)] = fb.gzipped ? sha256Hex(fb.fileBytes) : v.actualSha256;
  }
  return { located, train, test, verification, checksums, fileBytes };
}

function toSplit(name: string, raw: RawIdxSplit, pixels: PixelCoding): Split {
  return {
    name,
    x: raw.images.data,
    pixels,
    // copy so the (large) decompressed file buffers can be garbage-collected
    y: raw.labels.data.slice(),
    n: raw.n,
  };
}

/** Verified, parsed Dataset from a located directory, normalised by `norm` as batches are read. */
export function loadIdxDataset(located: LocatedDataset, norm: Normalisation, known: readonly IdxFormat[] = [located.format]): Dataset {
  const raw = readIdxDataset(located, 'throw', known);
  const pixels = pixelCoding(norm);
  return {
    name: located.dataset as Dataset['name'],
    shape: [1, IMAGE_SIDE, IMAGE_SIDE],
    classes: CLASSES,
    train: toSplit('train', raw.train, pixels),
    eval: toSplit('test', raw.test, pixels),
    source: located.dir,
    checksums: raw.checksums,
  };
}
