/**
 * What `rramsim data check` reports: for every registered data set (src/data/sets/registry.ts, in
 * registry order), whether it is available, where it looked / found it, its split sizes, and
 * whether every file's checksum matches (each entry's `check`). Never throws for a missing or bad
 * data set (that is what it reports; one absent data set does not stop the others); throws
 * UserError only for a `dataDir` (or RRAMSIM_DATA) that does not exist.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { datasetContext, datasetEntries } from './sets/registry.js';
import { DATA_ENV, type LocateOptions } from './search_path.js';

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
  readonly dataset: string;
  /** the entry's one-line description */
  readonly describe?: string;
  /** the places looked at before it was found (or all of them when it was not), with what was there */
  readonly searched?: { dir: string; status: string }[];
  readonly available: boolean;
  /** directory (or npm package) it was found in */
  readonly where?: string;
  readonly splits?: { name: string; n: number }[];
  /** true when available and every checksum matched; false when available but something is wrong */
  readonly ok: boolean;
  readonly files: FileCheck[];
  /** 'structure' when no per-file checksums are published (files checked by layout and class balance only); default 'checksum' */
  readonly verifiedBy?: 'checksum' | 'structure';
  /** why it is unavailable or not ok */
  readonly problem?: string;
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
  const ctx = datasetContext();
  return datasetEntries().map((e) => ({ ...e.check(opts, ctx), describe: e.describe }));
}
