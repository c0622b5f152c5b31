/**
 * CIFAR-10 in the official binary layout (`cifar-10-batches-bin`): data sets `cifar10-jpeg` (the
 * JPEG re-encoding in ../shared/data/cifar10-jpeg, see its SOURCE.md) and `cifar10` (the official
 * release, supplied by the user with --data-dir / RRAMSIM_DATA).
 *
 * File layout: `data_batch_1.bin` … `data_batch_5.bin` (train, 5 × 10,000) and `test_batch.bin`
 * (10,000), each gzipped (`<file>.gz`, detected by the magic 1f 8b) or raw. A file is a sequence
 * of 3,073-byte records: 1 label byte (0..9), then 1,024 red, 1,024 green, 1,024 blue bytes,
 * each channel 32 rows of 32 pixels, rows top to bottom. So a file holds len/3073 records and its
 * length must be a multiple of 3,073 (else it is truncated or not CIFAR); the official layout has
 * exactly 10,000 records (30,730,000 bytes) per file.
 *
 * Output (the project's NHWC layout, DESIGN.md "Conv layout"): x[n, 32, 32, 3] as 8-bit pixels,
 *   x[((i·32 + r)·32 + c)·3 + ch] = p_ch(r, c) = record_i[1 + ch·1024 + r·32 + c],
 * decoded when batches are read (pixel_coding.ts) into (p/255 − mean_ch) / std_ch with the
 * standard per-channel CIFAR-10 training-set statistics of pixel/255 (R, G, B):
 *   mean = (0.4914, 0.4822, 0.4465),  std = (0.2470, 0.2435, 0.2616)
 * (the pixel-level std over the 50,000 official training images; used for both data sets).
 *
 * Checksums (a format's `sha256`, its registry entry): a data set with known per-file checksums
 * (`cifar10-jpeg`: the SHA-256 of each file's uncompressed content listed in its SOURCE.md) is
 * verified against them. Without them (the official `cifar10`: only the MD5 of the archive
 * cifar-10-binary.tar.gz is published, c32a1d4ab5d03f1284b67883e8d87530) a data set is verified by
 * structure and size only (every file exactly 10,000 records, labels < 10, 5,000 training images
 * per class and 1,000 test images per class), and a file holding another known format's content
 * (the `cifar10-jpeg` re-encoding) is refused.
 *
 * Gzip bombs: decompression stops at CIFAR_MAX_FILE_BYTES (64 MiB, twice an official file); a
 * file that would inflate beyond that is refused.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Augmentation } from './augment.js';
import type { Dataset, Split } from './dataset.js';
import { isGzip } from './idx.js';
import { pixelCoding, type Normalisation, type PixelCoding } from './pixel_coding.js';
import { isDir, searchDirs, searchedWhat, type LocateOptions, type SearchPlaces } from './search_path.js';

export const CIFAR_SIDE = 32;
export const CIFAR_CHANNELS = 3;
export const CIFAR_CLASSES = 10;
/** bytes per record: 1 label + 3·32·32 pixels */
export const CIFAR_RECORD_BYTES = 1 + CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE;
/** records per file in the official layout */
export const CIFAR_RECORDS_PER_FILE = 10000;
/** decompressed size cap per file (gzip-bomb guard) */
export const CIFAR_MAX_FILE_BYTES = 64 * 1024 * 1024;

export const CIFAR_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'] as const;
export const CIFAR_TEST_FILE = 'test_batch.bin';
export const CIFAR_FILES = [...CIFAR_TRAIN_FILES, CIFAR_TEST_FILE] as const;
export type CifarFileName = (typeof CIFAR_FILES)[number];

/** The standard per-channel CIFAR-10 statistics (R, G, B) of pixel/255 (both CIFAR data sets use them). */
export const CIFAR_NORMALISATION = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] } as const;

/** a data set in the CIFAR-10 binary layout: where it lives, its checksums (its normalisation is its registry entry's) */
export interface CifarFormat {
  /** the data set's name */
  readonly name: string;
  /** what it is, in messages (e.g. 'the official CIFAR-10') */
  readonly title: string;
  readonly places: SearchPlaces;
  /** how to obtain the files (error messages) */
  readonly howToGet: string;
  /** SHA-256 of each file's uncompressed content; absent = unknown (structure and class balance are checked instead) */
  readonly sha256?: Readonly<Record<CifarFileName, string>>;
  /** where the checksums are published (messages), e.g. 'see ../shared/data/cifar10-jpeg/SOURCE.md' */
  readonly sha256Source?: string;
}

/** The bytes of one CIFAR file: as read, and decompressed. */
export interface CifarFileBytes {
  readonly path: string;
  readonly fileBytes: Uint8Array;
  readonly content: Uint8Array;
  readonly gzipped: boolean;
}

/** Read a file, gunzip it if it starts with the gzip magic, refusing more than `cap` bytes. */
export function readCifarFile(path: string, cap = CIFAR_MAX_FILE_BYTES): CifarFileBytes {
  let fileBytes: Uint8Array;
  try {
    if (!statSync(path).isFile()) throw new UserError(`data file ${path} is not a regular file`, 'dataDir');
    if (statSync(path).size > cap) throw new UserError(`data file ${path} is larger than ${cap} bytes: not a CIFAR-10 batch file`, 'dataDir');
    fileBytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`cannot read data file ${path}: ${(err as Error).message}`, 'dataDir');
  }
  if (!isGzip(fileBytes)) return { path, fileBytes, content: fileBytes, gzipped: false };
  let content: Uint8Array;
  try {
    content = gunzipSync(fileBytes, { maxOutputLength: cap });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new UserError(`${path}: decompresses to more than ${cap} bytes: not a CIFAR-10 batch file (refused)`, 'dataDir');
    }
    throw new UserError(
      `corrupt gzip file ${path} (${e.message}): the file is damaged or was cut short; download it again ` +
        '(or replace it with the uncompressed file of the same name without .gz)',
      'dataDir',
    );
  }
  return { path, fileBytes, content, gzipped: true };
}

/** Records of one file: labels and the raw record bytes (a view). */
export interface CifarRecords {
  readonly n: number;
  readonly labels: Uint8Array;
  /** the file content (records of CIFAR_RECORD_BYTES bytes) */
  readonly records: Uint8Array;
}

/** Validate the structure of a file's content (length a positive multiple of 3,073, labels < 10). */
export function parseCifarRecords(content: Uint8Array, what: string, expectRecords?: number): CifarRecords {
  const R = CIFAR_RECORD_BYTES;
  if (content.length === 0 || content.length % R !== 0) {
    const whole = Math.floor(content.length / R);
    throw new UserError(
      `${what}: ${content.length} bytes is not a whole number of 3,073-byte CIFAR-10 records ` +
        `(${whole} records + ${content.length - whole * R} bytes): the file is truncated or not CIFAR-10 binary data; download it again`,
      'dataDir',
    );
  }
  const n = content.length / R;
  if (expectRecords !== undefined && n !== expectRecords) {
    throw new UserError(
      `${what}: holds ${n} records (${content.length} bytes), expected ${expectRecords} (${expectRecords * R} bytes) as in the official layout`,
      'dataDir',
    );
  }
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const y = content[i * R];
    if (y >= CIFAR_CLASSES) {
      throw new UserError(`${what}: label ${y} of record ${i} is out of range 0..${CIFAR_CLASSES - 1}: not CIFAR-10 binary data`, 'dataDir');
    }
    labels[i] = y;
  }
  return { n, labels, records: content };
}

/**
 * Records (CHW planes) → NHWC 8-bit pixels, written into `out` at image offset `at`:
 * out[((at + i)·32 + r)·32 + c)·3 + ch] = record_i[1 + ch·1024 + r·32 + c].
 */
export function recordsToNhwc(recs: CifarRecords, out: Uint8Array, at = 0): void {
  const P = CIFAR_SIDE * CIFAR_SIDE;
  const C = CIFAR_CHANNELS;
  const src = recs.records;
  for (let i = 0; i < recs.n; i++) {
    const so = i * CIFAR_RECORD_BYTES + 1;
    const oo = (at + i) * P * C;
    for (let ch = 0; ch < C; ch++) {
      const plane = so + ch * P;
      for (let q = 0; q < P; q++) out[oo + q * C + ch] = src[plane + q];
    }
  }
}

/** One file as an NHWC split with the standard CIFAR-10 normalisation (tests, tools). */
export function readCifarBatch(path: string, name = 'batch'): Split {
  const f = readCifarFile(path);
  const recs = parseCifarRecords(f.content, path);
  const x = new Uint8Array(recs.n * CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE);
  recordsToNhwc(recs, x);
  return { name, x, pixels: pixelCoding(CIFAR_NORMALISATION), y: recs.labels.slice(), n: recs.n };
}

/** The normalised value of a black pixel (0) per channel: the fill of the crop padding. */
export function cifarBlack(norm: Normalisation = CIFAR_NORMALISATION): number[] {
  return [0, 1, 2].map((ch) => Math.fround((0 - norm.mean[ch]) / norm.std[ch]));
}

/** The standard CIFAR training augmentation (random 32×32 crop of the 4-pixel padded image, flip p = 0.5). */
export function cifarAugmentation(norm: Normalisation = CIFAR_NORMALISATION): Augmentation {
  return { kind: 'crop-flip', height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CIFAR_CHANNELS, pad: 4, flipP: 0.5, fill: cifarBlack(norm) };
}

export interface LocatedCifar {
  readonly dataset: string;
  readonly format: CifarFormat;
  readonly dir: string;
  readonly files: Record<CifarFileName, string>;
  readonly searched: { dir: string; status: string }[];
}

/**
 * Where the files are (search_path.ts's rule with the format's directory names; cifar10-jpeg:
 * `cifar10-jpeg`; cifar10: `cifar10`, `cifar-10-batches-bin`). A directory qualifies when it holds
 * all six files (each `.gz` or raw, .gz preferred).
 */
export function locateCifar(format: CifarFormat, opts: LocateOptions = {}): LocatedCifar {
  const dataset = format.name;
  const { dirs, exclusive } = searchDirs(format.places, opts);
  const searched: { dir: string; status: string }[] = [];
  for (const dir of dirs) {
    if (!isDir(dir)) {
      searched.push({ dir, status: 'no such directory' });
      continue;
    }
    const files: Partial<Record<CifarFileName, string>> = {};
    const missing: string[] = [];
    for (const f of CIFAR_FILES) {
      if (existsSync(join(dir, `${f}.gz`))) files[f] = join(dir, `${f}.gz`);
      else if (existsSync(join(dir, f))) files[f] = join(dir, f);
      else missing.push(f);
    }
    if (missing.length > 0) {
      searched.push({ dir, status: missing.length === CIFAR_FILES.length ? 'none of the files' : `missing ${missing.map((m) => `${m}[.gz]`).join(', ')}` });
      continue;
    }
    return { dataset, format, dir, files: files as Record<CifarFileName, string>, searched };
  }
  const where = searched.map((s) => `  ${s.dir}: ${s.status}`).join('\n');
  throw new UserError(
    `dataset ${dataset} not found (searched ${searchedWhat(exclusive)}):\n${where}\n` +
      `expected files: ${CIFAR_FILES.map((f) => `${f}.gz (or uncompressed ${f})`).join(', ')}.\nTo get them: ${format.howToGet}.`,
    'dataDir',
  );
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Read and check a located CIFAR-10 directory (`known`: every registered CIFAR format, so a file
 * holding another one's content is named). Structure first (so a truncated file says so), then
 * checksums (a format with `sha256`) or the official-layout checks (without, see the header).
 * Each file is turned into NHWC pixels as soon as it is read, so at most one file's content is
 * held besides the split.
 */
export function loadCifarDataset(located: LocatedCifar, norm: Normalisation, known: readonly CifarFormat[] = [located.format]): Dataset {
  const ds = located.dataset;
  const format = located.format;
  const P = CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE;
  const checksums: Record<string, string> = {};
  const pixels: PixelCoding = pixelCoding(norm);
  const readAll = (files: readonly CifarFileName[], splitName: string): Split => {
    const n = files.length * CIFAR_RECORDS_PER_FILE;
    const x = new Uint8Array(n * P);
    const y = new Uint8Array(n);
    let at = 0;
    for (const f of files) {
      const fb = readCifarFile(located.files[f]);
      const recs = parseCifarRecords(fb.content, fb.path, CIFAR_RECORDS_PER_FILE);
      const contentSha = sha256Hex(fb.content);
      const expected = format.sha256?.[f];
      if (expected !== undefined && contentSha !== expected) {
        throw new UserError(
          `checksum mismatch for ${fb.path}: the SHA-256 of its content (after gunzip) is ${contentSha}, expected ` +
            `${expected} (${ds} ${f}${format.sha256Source ? `, ${format.sha256Source}` : ''}); the file is damaged or is not the ${ds} data`,
          'dataDir',
        );
      }
      const other = expected === undefined ? known.find((k) => k.name !== ds && k.sha256?.[f] === contentSha) : undefined;
      if (other) {
        throw new UserError(
          `${fb.path} is ${other.title} (SHA-256 ${contentSha}), not ${format.title}: use dataset '${other.name}' for it`,
          'dataDir',
        );
      }
      checksums[baseName(fb.path)] = fb.gzipped ? sha256Hex(fb.fileBytes) : contentSha;
      recordsToNhwc(recs, x, at);
      y.set(recs.labels, at);
      at += recs.n;
    }
    if (format.sha256 === undefined) {
      const per = n / CIFAR_CLASSES;
      const counts = new Array<number>(CIFAR_CLASSES).fill(0);
      for (let i = 0; i < n; i++) counts[y[i]]++;
      if (counts.some((c) => c !== per)) {
        throw new UserError(
          `${ds} (${located.dir}): the ${splitName} files hold class counts ${counts.join(', ')}; the official release has exactly ${per} per class`,
          'dataDir',
        );
      }
    }
    return { name: splitName, x, pixels, y, n };
  };
  const train: Split = { ...readAll(CIFAR_TRAIN_FILES, 'train'), augment: cifarAugmentation(norm) };
  const test = readAll([CIFAR_TEST_FILE], 'test');
  return { name: ds as Dataset['name'], shape: [CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE], classes: CIFAR_CLASSES, train, eval: test, source: located.dir, checksums };
}
