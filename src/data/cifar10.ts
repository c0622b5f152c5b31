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
 * Output (the project's NHWC layout, DESIGN.md "Conv layout"): x[n, 32, 32, 3] float32, with
 *   x[((i·32 + r)·32 + c)·3 + ch] = (p_ch(r, c)/255 − mean_ch) / std_ch
 * where p_ch(r, c) = record_i[1 + ch·1024 + r·32 + c], and the standard per-channel CIFAR-10
 * training-set statistics of pixel/255 (R, G, B):
 *   mean = (0.4914, 0.4822, 0.4465),  std = (0.2470, 0.2435, 0.2616)
 * (the pixel-level std over the 50,000 official training images; used for both data sets).
 *
 * Checksums: `cifar10-jpeg` is verified against the SHA-256 of each file's uncompressed content
 * listed in its SOURCE.md. For the official `cifar10` only the MD5 of the archive
 * cifar-10-binary.tar.gz is published (c32a1d4ab5d03f1284b67883e8d87530); the per-file checksums of
 * the extracted .bin files are unknown to rramsim, so `cifar10` is verified by structure and size
 * only (every file exactly 10,000 records, labels < 10, 5,000 training images per class and 1,000 test
 * images per class), and a directory holding the `cifar10-jpeg` content is refused as `cifar10`.
 *
 * Gzip bombs: decompression stops at CIFAR_MAX_FILE_BYTES (64 MiB, twice an official file); a
 * file that would inflate beyond that is refused.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { Augmentation } from './augment.js';
import type { Dataset, Split } from './dataset.js';
import { isGzip } from './idx.js';
import { DATA_ENV, packageRoot } from './locate.js';

export type CifarDatasetName = 'cifar10' | 'cifar10-jpeg';
export const CIFAR_DATASETS: readonly CifarDatasetName[] = ['cifar10', 'cifar10-jpeg'];

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

/** Per-channel normalisation (R, G, B) of pixel/255. */
export const CIFAR_NORMALISATION = { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.2435, 0.2616] } as const;

/** SHA-256 of the uncompressed content of each file (cifar10-jpeg: its SOURCE.md). */
export const CIFAR10_JPEG_SHA256: Record<CifarFileName, string> = {
  'data_batch_1.bin': 'f363d4a66d370317e2f25988512028fe823828f28ee1f66d9bb9dc565a80903a',
  'data_batch_2.bin': '6a21e9f00d3dfb52dab2c148af5c795c7052076b725be9c8bba413929c319183',
  'data_batch_3.bin': '168177a5277551900855fd71e4c2a1f6d03c5c785c2c3078ab0008881d3d250e',
  'data_batch_4.bin': '54a082096f19a5bc417b0349444b857f4d0decaef94a9090e45da06221cf79a5',
  'data_batch_5.bin': 'b6dd92eadd6a28eb18aac7a3b313b44fcf792087bf394bfe4a7e24f42684d571',
  'test_batch.bin': 'be1b9ab97268421c22e8254ffc9280f41a441437083ba166eb881c85d3ae14c5',
};
/** published MD5 of the official archive (the only official checksum known) */
export const CIFAR10_OFFICIAL_TAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

/** Directory names tried under a search root, per data set. */
export const CIFAR_DIR_NAMES: Record<CifarDatasetName, string[]> = {
  'cifar10-jpeg': ['cifar10-jpeg'],
  cifar10: ['cifar10', 'cifar-10-batches-bin'],
};

const HOW_TO_GET: Record<CifarDatasetName, string> = {
  'cifar10-jpeg': 'it is the shared JPEG re-encoding in ../shared/data/cifar10-jpeg (see its SOURCE.md); pass its directory with --data-dir or ' + DATA_ENV,
  cifar10:
    `extract the official cifar-10-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html, md5 ${CIFAR10_OFFICIAL_TAR_MD5}) ` +
    `and pass the directory cifar-10-batches-bin (or its parent) with --data-dir or ${DATA_ENV}`,
};

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

/** 3 × 256 lookup table: lut[ch·256 + p] = fround((p/255 − mean_ch)/std_ch) */
export function cifarNormalisationTable(): Float32Array {
  const lut = new Float32Array(CIFAR_CHANNELS * 256);
  for (let ch = 0; ch < CIFAR_CHANNELS; ch++) {
    for (let p = 0; p < 256; p++) lut[ch * 256 + p] = (p / 255 - CIFAR_NORMALISATION.mean[ch]) / CIFAR_NORMALISATION.std[ch];
  }
  return lut;
}

/**
 * Records (CHW planes) → normalised NHWC floats, written into `out` at image offset `at`:
 * out[((at + i)·32 + r)·32 + c)·3 + ch] = lut[ch][record_i[1 + ch·1024 + r·32 + c]].
 */
export function recordsToNhwc(recs: CifarRecords, out: Float32Array, at = 0, lut = cifarNormalisationTable()): void {
  const P = CIFAR_SIDE * CIFAR_SIDE;
  const C = CIFAR_CHANNELS;
  const src = recs.records;
  for (let i = 0; i < recs.n; i++) {
    const so = i * CIFAR_RECORD_BYTES + 1;
    const oo = (at + i) * P * C;
    for (let ch = 0; ch < C; ch++) {
      const l = ch * 256;
      const plane = so + ch * P;
      for (let q = 0; q < P; q++) out[oo + q * C + ch] = lut[l + src[plane + q]];
    }
  }
}

/** One file as a normalised NHWC split (tests, tools). */
export function readCifarBatch(path: string, name = 'batch'): Split {
  const f = readCifarFile(path);
  const recs = parseCifarRecords(f.content, path);
  const x = new Float32Array(recs.n * CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE);
  recordsToNhwc(recs, x);
  return { name, x, y: recs.labels.slice(), n: recs.n };
}

/** The normalised value of a black pixel (0) per channel: the fill of the crop padding. */
export function cifarBlack(): number[] {
  return [0, 1, 2].map((ch) => Math.fround((0 - CIFAR_NORMALISATION.mean[ch]) / CIFAR_NORMALISATION.std[ch]));
}

/** The standard CIFAR training augmentation (random 32×32 crop of the 4-pixel padded image, flip p = 0.5). */
export function cifarAugmentation(): Augmentation {
  return { kind: 'crop-flip', height: CIFAR_SIDE, width: CIFAR_SIDE, channels: CIFAR_CHANNELS, pad: 4, flipP: 0.5, fill: cifarBlack() };
}

export interface LocatedCifar {
  readonly dataset: CifarDatasetName;
  readonly dir: string;
  readonly files: Record<CifarFileName, string>;
  readonly searched: { dir: string; status: string }[];
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Where the files are looked for (the rule of locate.ts): an explicit `dataDir` (flag --data-dir):
 * DIR/<name> for each directory name of the data set (cifar10-jpeg: `cifar10-jpeg`; cifar10:
 * `cifar10`, `cifar-10-batches-bin`), then DIR itself, nothing else; otherwise RRAMSIM_DATA the
 * same way, then ./data/<name> and ../shared/data/<name> relative to the working directory and
 * the package root. A directory qualifies when it holds all six files (each `.gz` or raw, .gz preferred).
 */
export function locateCifar(dataset: CifarDatasetName, opts: { dataDir?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): LocatedCifar {
  const cwd = opts.cwd ?? process.cwd();
  const subs = CIFAR_DIR_NAMES[dataset];
  const dirs: string[] = [];
  const exclusive = opts.dataDir !== undefined;
  if (opts.dataDir !== undefined) {
    const d = resolve(cwd, opts.dataDir);
    if (!isDir(d)) throw new UserError(`--data-dir: directory ${d} does not exist (or is not a directory)`, 'dataDir');
    dirs.push(...subs.map((s) => join(d, s)), d);
  } else {
    const env = (opts.env ?? process.env)[DATA_ENV];
    if (env !== undefined && env !== '') {
      const d = resolve(cwd, env);
      if (!isDir(d)) throw new UserError(`${DATA_ENV}=${env}: directory ${d} does not exist (or is not a directory)`, DATA_ENV);
      dirs.push(...subs.map((s) => join(d, s)), d);
    }
    const roots = [cwd];
    const pkg = packageRoot();
    if (pkg && resolve(pkg) !== resolve(cwd)) roots.push(pkg);
    for (const r of roots) for (const s of subs) dirs.push(resolve(r, 'data', s), resolve(r, '..', 'shared', 'data', s));
  }
  const searched: { dir: string; status: string }[] = [];
  for (const dir of [...new Set(dirs)]) {
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
    return { dataset, dir, files: files as Record<CifarFileName, string>, searched };
  }
  const where = searched.map((s) => `  ${s.dir}: ${s.status}`).join('\n');
  throw new UserError(
    `dataset ${dataset} not found (searched ${exclusive ? '--data-dir' : `--data-dir, ${DATA_ENV} and the default search path`}):\n${where}\n` +
      `expected files: ${CIFAR_FILES.map((f) => `${f}.gz (or uncompressed ${f})`).join(', ')}.\nTo get them: ${HOW_TO_GET[dataset]}.`,
    'dataDir',
  );
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/**
 * Read, check and normalise a located CIFAR-10 directory. Structure first (so a truncated file says
 * so), then checksums (cifar10-jpeg) or the official-layout checks (cifar10, see the header).
 */
export function loadCifarDataset(located: LocatedCifar): Dataset {
  const ds = located.dataset;
  const P = CIFAR_CHANNELS * CIFAR_SIDE * CIFAR_SIDE;
  const checksums: Record<string, string> = {};
  const lut = cifarNormalisationTable();
  const readAll = (files: readonly CifarFileName[], splitName: string): Split => {
    const parts: CifarRecords[] = [];
    for (const f of files) {
      const fb = readCifarFile(located.files[f]);
      const recs = parseCifarRecords(fb.content, fb.path, CIFAR_RECORDS_PER_FILE);
      const contentSha = sha256Hex(fb.content);
      if (ds === 'cifar10-jpeg' && contentSha !== CIFAR10_JPEG_SHA256[f]) {
        throw new UserError(
          `checksum mismatch for ${fb.path}: the SHA-256 of its content (after gunzip) is ${contentSha}, expected ` +
            `${CIFAR10_JPEG_SHA256[f]} (cifar10-jpeg ${f}, see ../shared/data/cifar10-jpeg/SOURCE.md); the file is damaged or is not the cifar10-jpeg data`,
          'dataDir',
        );
      }
      if (ds === 'cifar10' && contentSha === CIFAR10_JPEG_SHA256[f]) {
        throw new UserError(
          `${fb.path} is the cifar10-jpeg re-encoding (SHA-256 ${contentSha}), not the official CIFAR-10: use dataset 'cifar10-jpeg' for it`,
          'dataDir',
        );
      }
      checksums[baseName(fb.path)] = fb.gzipped ? sha256Hex(fb.fileBytes) : contentSha;
      parts.push(recs);
    }
    const n = parts.reduce((s, p) => s + p.n, 0);
    const x = new Float32Array(n * P);
    const y = new Uint8Array(n);
    let at = 0;
    for (const p of parts) {
      recordsToNhwc(p, x, at, lut);
      y.set(p.labels, at);
      at += p.n;
    }
    if (ds === 'cifar10') {
      const per = n / CIFAR_CLASSES;
      const counts = new Array<number>(CIFAR_CLASSES).fill(0);
      for (let i = 0; i < n; i++) counts[y[i]]++;
      if (counts.some((c) => c !== per)) {
        throw new UserError(
          `cifar10 (${located.dir}): the ${splitName} files hold class counts ${counts.join(', ')}; the official release has exactly ${per} per class`,
          'dataDir',
        );
      }
    }
    return { name: splitName, x, y, n };
  };
  const train: Split = { ...readAll(CIFAR_TRAIN_FILES, 'train'), augment: cifarAugmentation() };
  const test = readAll([CIFAR_TEST_FILE], 'test');
  return { name: ds, shape: [CIFAR_CHANNELS, CIFAR_SIDE, CIFAR_SIDE], classes: CIFAR_CLASSES, train, eval: test, source: located.dir, checksums };
}
