/**
 * Stable hashing of configs and results.
 *
 * `stableStringify` serialises JSON with object keys sorted at every level, so that two configs
 * that differ only in key order hash the same. `configHash` is the first 16 hex digits of the
 * SHA-256 of that string; `sha256Hex` hashes raw bytes (datasets, weight buffers).
 */
import { createHash } from 'node:crypto';

export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !ArrayBuffer.isView(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as Record<string, unknown>).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

export function sha256Hex(data: string | Uint8Array | ArrayBufferView): string {
  const h = createHash('sha256');
  if (typeof data === 'string') h.update(data);
  else h.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return h.digest('hex');
}

export function configHash(value: unknown): string {
  return sha256Hex(stableStringify(value)).slice(0, 16);
}
