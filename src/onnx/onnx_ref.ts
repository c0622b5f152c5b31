/**
 * `model: {"onnx": "path"}` in a sweep config or `rramsim run --model`: a network imported from an
 * ONNX file (read_onnx.ts + import_onnx.ts) as a point's model.
 *
 * In the config: `{ "onnx": "<path>" }`, optionally with `"sha256": "<64 hex>"` (then the file must
 * have that content). Planning (src/config/resolve_point.ts) confines the path like `defects.file`
 * (relative to the config's directory; inside the config's tree, the working directory or an
 * --allow-path directory; a regular file of at most ONNX_MAX_BYTES), imports it — an unsupported
 * operator or attribute is a UserError naming it (exit 2) before any point runs — and records
 *   model = { onnx: <path from the working directory>, sha256: SHA-256 of the file's bytes }
 * in the point, so the point hash changes when the file's content changes. Workers re-read the file
 * and refuse it when its SHA-256 differs from the point's (changed since planning).
 *
 * The imported weights ARE the base network (trained elsewhere, e.g. in PyTorch): no base training,
 * the point's `train` section is not read (reset to its default by the planner). Every method starts
 * from them: ideal = the imported network digitally, unaware/remap = deployed as is, fat/ittrna =
 * retrained on the defective crossbar with `retrain`, lora/lori = adapters on the frozen imported base.
 *
 * Imports are cached per process by (absolute path, size, mtime, SHA-256 when known), so a sweep
 * reads and converts each file once per worker.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { ModelDesc } from '../nn/model.js';
import { isOnnxRef, registerModelRefResolver, type OnnxModelRef } from '../nn/model_ref.js';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { safeToken } from '../util/safe_text.js';
import { importOnnxModel, type ImportedModel } from './import_onnx.js';
import { readOnnxFile } from './read_onnx.js';

export { isOnnxRef, type OnnxModelRef };

export interface ImportedOnnx extends ImportedModel {
  readonly sha256: string;
}

const SHA_RE = /^[0-9a-f]{64}$/;

/** Shape check of a config value `{ onnx, sha256? }` (UserError naming `<at>.onnx` / `<at>.sha256`). */
export function checkOnnxRef(v: unknown, at = 'model'): OnnxModelRef {
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (k !== 'onnx' && k !== 'sha256') {
      const shown = safeToken(k, 40);
      throw new UserError(`${at}.${shown}: unknown key; an imported model is {"onnx": "<path of a .onnx file>", "sha256"?: "<64 hex digits>"}`, `${at}.${shown}`);
    }
  }
  if (typeof o.onnx !== 'string' || o.onnx.length === 0 || o.onnx.length > 4096) {
    throw new UserError(`${at}.onnx: got ${safeToken(JSON.stringify(o.onnx) ?? 'nothing', 60)}; allowed: a non-empty file path (relative to the config file's directory)`, `${at}.onnx`);
  }
  if (o.sha256 !== undefined && (typeof o.sha256 !== 'string' || !SHA_RE.test(o.sha256))) {
    throw new UserError(`${at}.sha256: got ${safeToken(JSON.stringify(o.sha256), 80)}; allowed: 64 lower-case hex digits (the SHA-256 of the file)`, `${at}.sha256`);
  }
  return o as unknown as OnnxModelRef;
}

/** The model's name: the file's base name without `.onnx`, as import_onnx names it. */
export function onnxModelName(path: string): string {
  const n = basename(path).replace(/\.onnx$/i, '').replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64);
  return n.length > 0 ? n : 'onnx';
}

/** The label reports and progress lines show: `<name>.onnx`. */
export function onnxRefLabel(ref: OnnxModelRef): string {
  return `${onnxModelName(ref.onnx)}.onnx`;
}

const cache = new Map<string, ImportedOnnx>();

/**
 * Read and import the file of `ref` (a path as recorded in a point: relative to the working
 * directory). UserError (field `<at>.onnx`) for an unreadable file, an unsupported operator, or a
 * SHA-256 other than `ref.sha256`.
 */
export function importOnnxRef(ref: OnnxModelRef, at = 'model'): ImportedOnnx {
  const abs = resolve(ref.onnx);
  let key: string;
  try {
    const st = statSync(abs);
    key = `${abs}\u0000${st.size}\u0000${st.mtimeMs}`;
  } catch (e) {
    throw new UserError(`${at}.onnx: cannot read '${safeToken(ref.onnx, 200)}' (${(e as NodeJS.ErrnoException).code ?? 'error'})`, `${at}.onnx`);
  }
  let imp = cache.get(key);
  if (!imp) {
    try {
      const { model, bytes } = readOnnxFile(abs);
      const m = importOnnxModel(model, ref.onnx, onnxModelName(ref.onnx));
      imp = { ...m, sha256: sha256Hex(bytes) };
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${at}.onnx: ${e.message}`, `${at}.onnx`);
      throw e;
    }
    if (cache.size > 16) cache.clear();
    cache.set(key, imp);
  }
  if (ref.sha256 !== undefined && ref.sha256 !== imp.sha256) {
    throw new UserError(
      `${at}.onnx: '${safeToken(ref.onnx, 200)}' has SHA-256 ${imp.sha256}, not ${ref.sha256} as ${at}.sha256 says ` +
        '(the file changed since the sweep was planned: re-plan, or restore the file)',
      `${at}.onnx`,
    );
  }
  return imp;
}

/** The imported model's description (layers, input [C, H, W]). */
export function onnxRefDesc(ref: OnnxModelRef, at = 'model'): ModelDesc {
  return importOnnxRef(ref, at).desc;
}

// the network layer resolves `{ onnx }` models through this (src/nn/model_ref.ts)
registerModelRefResolver({ label: onnxRefLabel, desc: (ref) => onnxRefDesc(ref) });
