/**
 * The execution environment a result depends on, recorded additively (never part of pointHash or
 * configHash):
 *   recordEnv()   = { backend, node, rramsim }  in every ResultRecord (`env`), taken in the thread
 *                   that ran the point;
 *   manifestEnv() = recordEnv() + wasm: { kernels, program } = the first 16 hex digits of the
 *                   SHA-256 of each committed WebAssembly module (base64 text), in manifest.json.
 * `backend` is getBackend() of src/kernels (env RRAMSIM_BACKEND): a result is bit-reproducible
 * under any backend of the same numeric contract (numericContract: native = wasm; ts differs in
 * the last float digits).
 * Records written before this field existed carry no `env`; they ran on 'wasm' (LEGACY_BACKEND),
 * the only default then.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROGRAM_WASM_BASE64 } from '../../src/crossbar/wasm/program_wasm.js';
import { getBackend } from '../../src/kernels/gemm.js';
import { KERNELS_WASM_BASE64 } from '../../src/kernels/wasm/kernels_wasm.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { sha256Hex } from '../../src/util/hash.js';

export interface RecordEnv {
  backend: string;
  node: string;
  rramsim: string;
}

export interface ManifestEnv extends RecordEnv {
  wasm: { kernels: string; program: string };
}

/** Backend of records without `env` (written before it was recorded; 'wasm' was the default). */
export const LEGACY_BACKEND = 'wasm';

let pkgVersion: string | undefined;

/** version field of rramsim's package.json ('unknown' if not found). */
export function rramsimVersion(): string {
  if (pkgVersion !== undefined) return pkgVersion;
  pkgVersion = 'unknown';
  const here = dirname(fileURLToPath(import.meta.url));
  for (const root of [join(here, '..', '..'), join(here, '..', '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rramsim') {
        pkgVersion = pkg.version ?? 'unknown';
        break;
      }
    } catch {
      /* try the next candidate */
    }
  }
  return pkgVersion;
}

export function recordEnv(): RecordEnv {
  return { backend: getBackend(), node: process.version, rramsim: rramsimVersion() };
}

/** recordEnv(), or backend 'unknown' when RRAMSIM_BACKEND is invalid (the point fails on it anyway). */
export function recordEnvSafe(): RecordEnv {
  try {
    return recordEnv();
  } catch {
    return { backend: 'unknown', node: process.version, rramsim: rramsimVersion() };
  }
}

export function manifestEnv(): ManifestEnv {
  return {
    ...recordEnv(),
    wasm: { kernels: sha256Hex(KERNELS_WASM_BASE64).slice(0, 16), program: sha256Hex(PROGRAM_WASM_BASE64).slice(0, 16) },
  };
}

/** The backend a record was produced with, and whether that was recorded or assumed. */
export function recordBackend(r: Pick<ResultRecord, 'env'>): { backend: string; assumed: boolean } {
  const b = r.env?.backend;
  return typeof b === 'string' && b !== '' ? { backend: b, assumed: false } : { backend: LEGACY_BACKEND, assumed: true };
}
