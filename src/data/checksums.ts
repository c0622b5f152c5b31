/**
 * Checksums of IDX data files and their verification (the known values are in each data set's
 * registry entry, src/data/sets/*.ts: `IdxFormat.files`).
 *
 * What is verified: the SHA-256 of each file's *IDX content* (after gunzip for .gz files). This one
 * rule accepts the official .gz files, re-compressed copies (the Debian package
 * `dataset-fashion-mnist` re-gzips the official files, so its .gz bytes differ from the published
 * ones while the content is identical) and the raw uncompressed files. A mismatch is an error;
 * there is no switch to skip it (a silently wrong run is worse than a refused one).
 *
 * Provenance of the numbers:
 * - MNIST: the four official .gz files (../shared/data/mnist). Their MD5s equal the published MD5s
 *   (the ones torchvision checks): f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…; SHA-256 computed here.
 * - Fashion-MNIST: published MD5s of the official .gz files (zalandoresearch/fashion-mnist README)
 *   are recorded but cannot match the Debian files; the MD5s of the uncompressed official files
 *   (f4a8712d…, 9018921c…, 8181f547…, 15d48437…, as listed by several public projects) do match
 *   the Debian package's decompressed content, which is how its content SHA-256s below were checked.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import type { SearchPlaces } from './search_path.js';

export interface KnownGzip {
  /** where this compressed form comes from */
  readonly origin: string;
  readonly bytes: number;
  /** MD5 of the .gz bytes (the published one for the official files) */
  readonly md5: string;
  /** SHA-256 of the .gz bytes, where known */
  readonly sha256?: string;
}

export interface KnownIdxFile {
  /** file name without .gz */
  readonly name: string;
  /** uncompressed IDX size in bytes */
  readonly bytes: number;
  /** SHA-256 of the uncompressed IDX content (what is verified) */
  readonly contentSha256: string;
  /** MD5 of the uncompressed IDX content */
  readonly contentMd5: string;
  /** known gzip files with this content */
  readonly gz: readonly KnownGzip[];
}

export const IDX_FILE_NAMES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;
export type IdxFileName = (typeof IDX_FILE_NAMES)[number];

/** an MNIST-format data set: its four files' known contents, where it lives, how to get it */
export interface IdxFormat {
  /** the data set's name */
  readonly name: string;
  readonly files: Readonly<Record<IdxFileName, KnownIdxFile>>;
  readonly places: SearchPlaces;
  /** how to obtain the files (error messages) */
  readonly howToGet: string;
}

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Which known data set file (if any, among `known`) has this content SHA-256. */
export function identifyContent(contentSha256: string, known: readonly IdxFormat[]): { dataset: string; file: IdxFileName } | undefined {
  for (const f of known) {
    for (const file of IDX_FILE_NAMES) {
      if (f.files[file].contentSha256 === contentSha256) return { dataset: f.name, file };
    }
  }
  return undefined;
}

/** Which known gzip distribution (if any) these .gz bytes are, by MD5 (e.g. 'official'). */
export function identifyGzip(format: IdxFormat, file: IdxFileName, gzMd5: string): string | undefined {
  return format.files[file].gz.find((g) => g.md5 === gzMd5)?.origin;
}

export interface FileVerification {
  readonly file: IdxFileName;
  readonly path: string;
  readonly ok: boolean;
  readonly expectedSha256: string;
  readonly actualSha256: string;
  /** set when the content is a known file of another dataset or another file name */
  readonly actuallyIs?: { dataset: string; file: IdxFileName };
}

/**
 * Compare the SHA-256 of a file's IDX content with the known value (`known`: the formats a
 * mismatching file is recognised among). Never throws.
 */
export function verifyContent(format: IdxFormat, file: IdxFileName, path: string, content: Uint8Array, known: readonly IdxFormat[] = [format]): FileVerification {
  const expectedSha256 = format.files[file].contentSha256;
  const actualSha256 = sha256Hex(content);
  const ok = actualSha256 === expectedSha256;
  const other = ok ? undefined : identifyContent(actualSha256, known);
  return { file, path, ok, expectedSha256, actualSha256, ...(other ? { actuallyIs: other } : {}) };
}

/** Human-readable mismatch text (for errors and `data check`). */
export function mismatchMessage(dataset: string, v: FileVerification): string {
  let msg =
    `checksum mismatch for ${v.path}: the SHA-256 of its IDX content (after gunzip) is ${v.actualSha256}, ` +
    `expected ${v.expectedSha256} (the official ${dataset} ${v.file})`;
  if (v.actuallyIs) {
    msg += `; this file is the ${v.actuallyIs.dataset} ${v.actuallyIs.file}, so the directory holds the wrong files`;
  } else {
    msg += '; the file is damaged or is not the official data: download it again';
  }
  return msg;
}

export function throwIfMismatch(dataset: string, v: FileVerification): void {
  if (!v.ok) throw new UserError(mismatchMessage(dataset, v), 'dataDir');
}
