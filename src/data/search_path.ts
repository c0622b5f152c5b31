/**
 * Where the files of a data set are looked for (every file-based data set, one rule):
 *
 * 1. An explicit directory (`dataDir`, CLI flag `--data-dir DIR`): DIR/<name> for each directory
 *    name of the data set (its registry entry's format: `places.dirNames`), then DIR itself. Nothing
 *    else is searched; a DIR that does not exist is an error.
 * 2. Otherwise the env variable RRAMSIM_DATA (same rule: RRAMSIM_DATA/<name>…, then RRAMSIM_DATA
 *    itself; so it may be the data set's directory or a parent holding `mnist/`, `cifar10-jpeg/`…),
 *    searched first, then the default search path: for each root (the working directory and, if
 *    different, the rramsim package root) and each directory name, ./data/<name> and
 *    ../shared/data/<name>; then the entry's fixed `extraDirs` (e.g. the Debian package's
 *    /usr/share/datasets/fashion-mnist).
 * The candidates are deduplicated and absolute; which of them qualifies is the data set's rule
 * (locate.ts for IDX files, cifar10.ts for CIFAR batches).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../util/errors.js';

export const DATA_ENV = 'RRAMSIM_DATA';

export interface LocateOptions {
  dataDir?: string;
  /** environment to read RRAMSIM_DATA from (default process.env) */
  env?: Record<string, string | undefined>;
  /** working directory for the relative defaults (default process.cwd()) */
  cwd?: string;
}

/** where a file-based data set may live */
export interface SearchPlaces {
  /** directory names tried under --data-dir, RRAMSIM_DATA and each default root, in order */
  readonly dirNames: readonly string[];
  /** fixed absolute directories searched after the default roots */
  readonly extraDirs?: readonly string[];
}

/** The package root (directory of rramsim's package.json), from this file's location. */
export function packageRoot(): string | undefined {
  let d = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const pj = join(d, 'package.json');
    if (existsSync(pj)) {
      try {
        if ((JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 'rramsim') return d;
      } catch {
        /* not ours */
      }
    }
    d = dirname(d);
  }
  return undefined;
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The candidate directories, in search order (deduplicated, absolute); `exclusive` = only --data-dir was searched. */
export function searchDirs(places: SearchPlaces, opts: LocateOptions = {}): { dirs: string[]; exclusive: boolean } {
  const subs = places.dirNames;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.dataDir !== undefined) {
    const d = resolve(cwd, opts.dataDir);
    if (!isDir(d)) {
      throw new UserError(`--data-dir: directory ${d} does not exist (or is not a directory)`, 'dataDir');
    }
    return { dirs: [...new Set([...subs.map((s) => join(d, s)), d])], exclusive: true };
  }
  const out: string[] = [];
  const env = (opts.env ?? process.env)[DATA_ENV];
  if (env !== undefined && env !== '') {
    const d = resolve(cwd, env);
    if (!isDir(d)) throw new UserError(`${DATA_ENV}=${env}: directory ${d} does not exist (or is not a directory)`, DATA_ENV);
    out.push(...subs.map((s) => join(d, s)), d);
  }
  const roots = [cwd];
  const pkg = packageRoot();
  if (pkg && resolve(pkg) !== resolve(cwd)) roots.push(pkg);
  for (const r of roots) for (const s of subs) out.push(resolve(r, 'data', s), resolve(r, '..', 'shared', 'data', s));
  out.push(...(places.extraDirs ?? []));
  return { dirs: [...new Set(out)], exclusive: false };
}

/** "searched --data-dir" or "searched --data-dir, RRAMSIM_DATA and the default search path" */
export function searchedWhat(exclusive: boolean): string {
  return exclusive ? '--data-dir' : `--data-dir, ${DATA_ENV} and the default search path`;
}
