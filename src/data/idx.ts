/**
 * IDX file reading (the MNIST file format, http://yann.lecun.com/exdb/mnist/).
 *
 * Layout (all integers big-endian):
 *   bytes 0-1  zero
 *   byte  2    element type: 0x08 = unsigned byte (the only type MNIST-like data uses; others are refused)
 *   byte  3    number of dimensions d (1 for labels, 3 for images)
 *   then d uint32 sizes, then prod(sizes) elements, row-major.
 * So the file length must be exactly 4 + 4·d + prod(sizes) bytes: shorter = truncated, longer =
 * trailing garbage; both are refused.
 *
 * Files may be gzipped or raw; gzip is detected by its magic bytes 1f 8b (not by the file name).
 * With a size limit (the known size of the dataset file + DATA_SIZE_MARGIN), a raw file larger
 * than the limit is refused before it is read and decompression stops at the limit (zlib
 * maxOutputLength), so a gzip bomb in the data directory costs at most the limit in memory.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';

/** IDX type byte for unsigned 8-bit elements */
export const IDX_UBYTE = 0x08;

export interface IdxArray {
  /** sizes of each dimension, e.g. [60000, 28, 28] */
  readonly dims: number[];
  /** the elements, row-major (a view into the decompressed file content) */
  readonly data: Uint8Array;
}

/** The bytes of one file as read from disk and its IDX content (decompressed if it was gzipped). */
export interface IdxFileBytes {
  readonly path: string;
  /** raw bytes as read (the gzip stream for .gz files) */
  readonly fileBytes: Uint8Array;
  /** decompressed IDX content (same array as fileBytes for raw files) */
  readonly content: Uint8Array;
  readonly gzipped: boolean;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Slack allowed above a dataset file's known size before reading/decompression stops. */
export const DATA_SIZE_MARGIN = 1 << 20;

/**
 * Read a file and gunzip it if it starts with the gzip magic. Corrupt gzip ⇒ UserError.
 * `maxContentBytes`: largest IDX content accepted (raw file size, or decompressed size).
 */
export function readMaybeGzip(path: string, maxContentBytes = Number.MAX_SAFE_INTEGER): IdxFileBytes {
  let fileBytes: Uint8Array;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UserError(`data file ${path} is not a regular file`, 'dataDir');
    if (st.size > maxContentBytes) {
      throw new UserError(`data file ${path} has ${st.size} bytes, more than the ${maxContentBytes} its dataset file can have: not the right file`, 'dataDir');
    }
    fileBytes = readFileSync(path);
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read data file ${path}: ${code === 'EACCES' ? 'permission denied (EACCES)' : (err as Error).message}`, 'dataDir');
  }
  if (!isGzip(fileBytes)) return { path, fileBytes, content: fileBytes, gzipped: false };
  let content: Uint8Array;
  try {
    content = gunzipSync(fileBytes, maxContentBytes < Number.MAX_SAFE_INTEGER ? { maxOutputLength: maxContentBytes } : {});
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new UserError(
        `data file ${path} decompresses to more than ${maxContentBytes} bytes, more than its dataset file can have (a damaged file or a gzip bomb); ` +
          'replace it with the official file',
        'dataDir',
      );
    }
    throw new UserError(
      `corrupt gzip file ${path} (${(err as Error).message}): the file is damaged or was cut short; ` +
        'download it again (or replace it with the uncompressed IDX file of the same name without .gz)',
      'dataDir',
    );
  }
  return { path, fileBytes, content, gzipped: true };
}

/**
 * Parse IDX content, validating magic, element type, dimension count and total size.
 * `expectDims` (optional) fixes the number of dimensions and, where an entry is not null, its size
 * (e.g. [null, 28, 28] for images of any count).
 */
export function parseIdx(content: Uint8Array, what: string, expectDims?: (number | null)[]): IdxArray {
  if (content.length < 4) {
    throw new UserError(`${what}: truncated IDX file (${content.length} bytes, the header alone needs at least 4)`, 'dataDir');
  }
  if (content[0] !== 0 || content[1] !== 0) {
    throw new UserError(
      `${what}: wrong magic number 0x${hex(content, 0, 4)}: not an IDX file (expected 0x0000080${expectDims?.length ?? 'd'}, ` +
        'i.e. two zero bytes, type 0x08 = unsigned byte, then the number of dimensions)',
      'dataDir',
    );
  }
  const type = content[2];
  const nd = content[3];
  if (type !== IDX_UBYTE) {
    throw new UserError(
      `${what}: wrong magic number 0x${hex(content, 0, 4)}: element type 0x${type.toString(16).padStart(2, '0')} ` +
        'is not supported (only 0x08 = unsigned byte)',
      'dataDir',
    );
  }
  if (nd === 0 || (expectDims && nd !== expectDims.length)) {
    throw new UserError(
      `${what}: wrong magic number 0x${hex(content, 0, 4)}: ${nd} dimensions, expected ${expectDims?.length ?? 'at least 1'}`,
      'dataDir',
    );
  }
  const headerLen = 4 + 4 * nd;
  if (content.length < headerLen) {
    throw new UserError(`${what}: truncated IDX file (${content.length} bytes, the header alone needs ${headerLen})`, 'dataDir');
  }
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  const dims: number[] = [];
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    const want = expectDims?.[i];
    if (want !== undefined && want !== null && d !== want) {
      throw new UserError(`${what}: dimension ${i} is ${d}, expected ${want}`, 'dataDir');
    }
    dims.push(d);
    count *= d;
  }
  const expectedLen = headerLen + count;
  if (content.length < expectedLen) {
    throw new UserError(
      `${what}: truncated IDX file: header says ${dims.join('x')} = ${count} bytes of data, ` +
        `but only ${content.length - headerLen} follow the header; download the file again`,
      'dataDir',
    );
  }
  if (content.length > expectedLen) {
    throw new UserError(
      `${what}: corrupt IDX file: ${content.length - expectedLen} unexpected bytes after the ${dims.join('x')} data`,
      'dataDir',
    );
  }
  return { dims, data: content.subarray(headerLen, expectedLen) };
}

function hex(b: Uint8Array, from: number, to: number): string {
  let s = '';
  for (let i = from; i < Math.min(to, b.length); i++) s += b[i].toString(16).padStart(2, '0');
  return s;
}

/** Build IDX content (ubyte) from dims and data: the inverse of parseIdx, for tests and tools. */
export function encodeIdx(dims: number[], data: Uint8Array): Uint8Array {
  const headerLen = 4 + 4 * dims.length;
  const out = new Uint8Array(headerLen + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, headerLen);
  return out;
}
