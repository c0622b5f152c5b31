/**
 * The file of a cached base network, DIR/cache/base-<key>.f32, verified by content hash:
 *
 *   bytes 0..7     magic 'RRBASE02' (ASCII)
 *   bytes 8..39    SHA-256 of the payload
 *   bytes 40..end  payload: the float32 weights of Network.getWeights(), byte for byte
 *   size = 40 + 4·weights
 *
 * The header and the payload are written together to a unique temporary name and renamed into place
 * (base.ts), so a reader sees a whole file or none. `decodeBaseCache` gives the weights, or why the
 * file cannot be used: 'old format' (the raw 4·weights bytes written before the header existed,
 * whose content cannot be checked), 'wrong size', 'corrupted' (the payload's SHA-256 differs from the
 * header's: a byte changed in place). The caller retrains then; the weights themselves are the
 * same bits as before, only the file around them changed.
 */
import { createHash } from 'node:crypto';

const MAGIC = Buffer.from('RRBASE02', 'ascii');
export const BASE_CACHE_HEADER_BYTES = MAGIC.length + 32;

export function baseCacheBytes(weightCount: number): number {
  return BASE_CACHE_HEADER_BYTES + 4 * weightCount;
}

/** Header and payload, in file order. */
export function encodeBaseCache(w: Float32Array): Uint8Array[] {
  const payload = new Uint8Array(w.buffer, w.byteOffset, w.byteLength);
  const digest = createHash('sha256').update(payload).digest();
  return [Buffer.concat([MAGIC, digest]), payload];
}

export type DecodedBaseCache = { weights: Float32Array } | { problem: string };

export function decodeBaseCache(buf: Uint8Array, weightCount: number): DecodedBaseCache {
  const expected = baseCacheBytes(weightCount);
  const hasMagic = buf.byteLength >= MAGIC.length && Buffer.from(buf.buffer, buf.byteOffset, MAGIC.length).equals(MAGIC);
  if (!hasMagic) {
    return { problem: buf.byteLength === 4 * weightCount ? 'is in the old format without a content hash' : `is not a base-network cache file (${buf.byteLength} bytes, no header)` };
  }
  if (buf.byteLength !== expected) return { problem: `holds ${buf.byteLength} bytes, expected ${expected}` };
  const payload = buf.subarray(BASE_CACHE_HEADER_BYTES);
  const stored = buf.subarray(MAGIC.length, BASE_CACHE_HEADER_BYTES);
  const digest = createHash('sha256').update(payload).digest();
  if (!digest.equals(stored)) return { problem: 'is corrupted (the SHA-256 of its weights differs from its header)' };
  // a fresh, aligned copy: the buffer may start at any byte offset
  const copy = new Uint8Array(payload.byteLength);
  copy.set(payload);
  return { weights: new Float32Array(copy.buffer) };
}
