import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeIdx, isGzip, parseIdx, readMaybeGzip } from '../../src/data/idx.js';
import { UserError } from '../../src/util/errors.js';
import { smallImages, tempDir, userError } from './fixtures.js';

describe('parseIdx', () => {
  it('round-trips encodeIdx on odd shapes, big-endian header', () => {
    const data = new Uint8Array(3 * 5 * 7).map((_, i) => (i * 13) % 256);
    const content = encodeIdx([3, 5, 7], data);
    expect(Array.from(content.subarray(0, 8))).toEqual([0, 0, 8, 3, 0, 0, 0, 3]);
    const a = parseIdx(content, 'x', [null, 5, 7]);
    expect(a.dims).toEqual([3, 5, 7]);
    expect(Array.from(a.data)).toEqual(Array.from(data));
    // a dimension above 255 needs the upper bytes of the big-endian size
    const big = parseIdx(encodeIdx([300], new Uint8Array(300)), 'y');
    expect(big.dims).toEqual([300]);
  });

  it('refuses wrong magic (not starting with two zero bytes)', () => {
    const c = smallImages(2);
    c[0] = 0x1f;
    const e = userError(() => parseIdx(c, 'f.idx', [null, 28, 28]));
    expect(e.message).toMatch(/f\.idx: wrong magic number 0x1f000803/);
  });

  it('refuses element types other than 0x08 (unsigned byte)', () => {
    const c = smallImages(2);
    c[2] = 0x0d; // float
    expect(userError(() => parseIdx(c, 'f', [null, 28, 28])).message).toMatch(/element type 0x0d is not supported \(only 0x08/);
  });

  it('refuses a wrong number of dimensions or a wrong image size', () => {
    expect(userError(() => parseIdx(smallImages(2), 'f', [null])).message).toMatch(/3 dimensions, expected 1/);
    const c = encodeIdx([2, 27, 28], new Uint8Array(2 * 27 * 28));
    expect(userError(() => parseIdx(c, 'f', [null, 28, 28])).message).toMatch(/dimension 1 is 27, expected 28/);
  });

  it('refuses truncated files (header and data) and trailing bytes', () => {
    const c = smallImages(3);
    expect(userError(() => parseIdx(c.subarray(0, 2), 'f')).message).toMatch(/truncated IDX file \(2 bytes/);
    expect(userError(() => parseIdx(c.subarray(0, 9), 'f')).message).toMatch(/truncated IDX file \(9 bytes, the header alone needs 16\)/);
    expect(userError(() => parseIdx(c.subarray(0, c.length - 1), 'f')).message).toMatch(
      /truncated IDX file: header says 3x28x28 = 2352 bytes of data, but only 2351 follow/,
    );
    const longer = new Uint8Array(c.length + 5);
    longer.set(c);
    expect(userError(() => parseIdx(longer, 'f')).message).toMatch(/5 unexpected bytes after the 3x28x28 data/);
  });
});

describe('readMaybeGzip', () => {
  it('detects gzip by magic bytes, not by name', () => {
    const dir = tempDir();
    const content = smallImages(2);
    writeFileSync(join(dir, 'a.gz'), content); // raw despite the name
    writeFileSync(join(dir, 'b'), gzipSync(content)); // gzipped despite the name
    const a = readMaybeGzip(join(dir, 'a.gz'));
    const b = readMaybeGzip(join(dir, 'b'));
    expect(a.gzipped).toBe(false);
    expect(b.gzipped).toBe(true);
    expect(isGzip(b.fileBytes)).toBe(true);
    expect(Buffer.compare(Buffer.from(a.content), Buffer.from(b.content))).toBe(0);
  });

  it('corrupt gzip (flipped byte ⇒ CRC/data error) and cut-short gzip are clear UserErrors', () => {
    const dir = tempDir();
    const gz = gzipSync(smallImages(4));
    const flipped = Buffer.from(gz);
    flipped[flipped.length - 6] ^= 0xff; // inside the CRC32 trailer
    writeFileSync(join(dir, 'flipped.gz'), flipped);
    writeFileSync(join(dir, 'short.gz'), gz.subarray(0, Math.floor(gz.length / 2)));
    expect(userError(() => readMaybeGzip(join(dir, 'flipped.gz'))).message).toMatch(/corrupt gzip file .*flipped\.gz/);
    expect(userError(() => readMaybeGzip(join(dir, 'short.gz'))).message).toMatch(/corrupt gzip file .*short\.gz.*cut short/);
  });

  it('a missing file or a directory is a UserError naming the path', () => {
    const dir = tempDir();
    expect(userError(() => readMaybeGzip(join(dir, 'nope'))).message).toMatch(/cannot read data file .*nope/);
    expect(userError(() => readMaybeGzip(dir)).message).toMatch(/is not a regular file/);
  });
});
