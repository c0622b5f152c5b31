/**
 * Where the IDX files of a dataset are looked for.
 *
 * 1. An explicit directory (`dataDir`, CLI flag `--data-dir DIR`): DIR/<name> if that holds the
 *    files, else DIR itself. Nothing else is searched; a DIR that does not exist is an error.
 * 2. Otherwise the env variable RRAMSIM_DATA (same rule: RRAMSIM_DATA/<name>, then RRAMSIM_DATA
 *    itself; so it may be the dataset directory or a parent holding `mnist/`, `fashion-mnist/`),
 *    searched first, then the default search path:
 *    ./data/<name>, ../shared/data/<name> (relative to the working directory and, if different, to
 *    the rramsim package root), and for fashion-mnist /usr/share/datasets/fashion-mnist (Debian
 *    package `dataset-fashion-mnist`).
 * A directory qualifies when it holds all four files, each as `<file>.gz` or raw `<file>`
 * (.gz preferred when both exist), and its test labels are not those of *another* known dataset
 * (so a parent that is itself the MNIST directory is skipped when looking for Fashion-MNIST).
 * The first qualifying directory wins. If none does, the UserError names every place searched and
 * what was missing there.
 */
import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { IDX_FILE_NAMES, identifyContent, type IdxDatasetName, type IdxFileName } from './checksums.js';
import { isGzip } from './idx.js';

export const DATA_ENV = 'RRAMSIM_DATA';

export interface LocateOptions {
  dataDir?: string;
  /** environment to read RRAMSIM_DATA from (default process.env) */
  env?: Record<string, string | undefined>;
  /** working directory for the relative defaults (default process.cwd()) */
  cwd?: string;
}

export interface LocatedDataset {
  readonly dataset: IdxDatasetName;
  /** absolute directory holding the files */
  readonly dir: string;
  /** file -> absolute path of the file used (.gz or raw) */
  readonly files: Record<IdxFileName, string>;
  /** every directory looked at, in order, with the reason for skipping it */
  readonly searched: { dir: string; status: string }[];
}

/** How to obtain each dataset (used in error messages). */
export const HOW_TO_GET: Record<IdxDatasetName, string> = {
  mnist:
    'get the four official MNIST files (http://yann.lecun.com/exdb/mnist/ or a mirror such as ' +
    'https://ossci-datasets.s3.amazonaws.com/mnist/), gzipped or not, into one directory and pass it ' +
    `with --data-dir or ${DATA_ENV}`,
  'fashion-mnist':
    'install the Debian package (apt-get install dataset-fashion-mnist, puts them in ' +
    '/usr/share/datasets/fashion-mnist) or get the four files from ' +
    'https://github.com/zalandoresearch/fashion-mnist (data/fashion) into one directory and pass it ' +
    `with --data-dir or ${DATA_ENV}`,
};

export const DEFAULT_DIR_NAMES: Record<IdxDatasetName, string> = { mnist: 'mnist', 'fashion-mnist': 'fashion-mnist' };

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

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** The candidate directories, in search order (deduplicated, absolute). */
export function candidateDirs(dataset: IdxDatasetName, opts: LocateOptions = {}): { dirs: string[]; exclusive: boolean } {
  const sub = DEFAULT_DIR_NAMES[dataset];
  const cwd = opts.cwd ?? process.cwd();
  if (opts.dataDir !== undefined) {
    const d = resolve(cwd, opts.dataDir);
    if (!isDir(d)) {
      throw new UserError(`--data-dir: directory ${d} does not exist (or is not a directory)`, 'dataDir');
    }
    return { dirs: [join(d, sub), d], exclusive: true };
  }
  const out: string[] = [];
  const env = (opts.env ?? process.env)[DATA_ENV];
  if (env !== undefined && env !== '') {
    const d = resolve(cwd, env);
    if (!isDir(d)) throw new UserError(`${DATA_ENV}=${env}: directory ${d} does not exist (or is not a directory)`, DATA_ENV);
    out.push(join(d, sub), d);
  }
  const roots = [cwd];
  const pkg = packageRoot();
  if (pkg && resolve(pkg) !== resolve(cwd)) roots.push(pkg);
  for (const r of roots) out.push(resolve(r, 'data', sub), resolve(r, '..', 'shared', 'data', sub));
  if (dataset === 'fashion-mnist') out.push('/usr/share/datasets/fashion-mnist');
  return { dirs: [...new Set(out)], exclusive: false };
}

/** Files of the dataset present in `dir` (gz preferred), and the names missing. */
export function filesIn(dir: string): { files: Partial<Record<IdxFileName, string>>; missing: IdxFileName[] } {
  const files: Partial<Record<IdxFileName, string>> = {};
  const missing: IdxFileName[] = [];
  for (const f of IDX_FILE_NAMES) {
    const gz = join(dir, `${f}.gz`);
    const raw = join(dir, f);
    if (existsSync(gz)) files[f] = gz;
    else if (existsSync(raw)) files[f] = raw;
    else missing.push(f);
  }
  return { files, missing };
}

/** test-label files are 10,008 bytes; anything much larger is not one (and is not decompressed further) */
const LABELS_LIMIT = 1 << 20;

/** Which known dataset a directory's test labels belong to (cheap: 10 kB), if any. */
function identifyDir(testLabelsPath: string): IdxDatasetName | undefined {
  try {
    if (statSync(testLabelsPath).size > LABELS_LIMIT) return undefined;
    let b: Uint8Array = readFileSync(testLabelsPath);
    if (isGzip(b)) b = gunzipSync(b, { maxOutputLength: LABELS_LIMIT });
    return identifyContent(sha256Hex(b))?.dataset;
  } catch {
    return undefined; // unreadable or corrupt: let the loader report it precisely
  }
}

export function locateDataset(dataset: IdxDatasetName, opts: LocateOptions = {}): LocatedDataset {
  const { dirs, exclusive } = candidateDirs(dataset, opts);
  const searched: { dir: string; status: string }[] = [];
  for (const dir of dirs) {
    if (!isDir(dir)) {
      searched.push({ dir, status: 'no such directory' });
      continue;
    }
    try {
      accessSync(dir, fsConstants.R_OK | fsConstants.X_OK);
    } catch (e) {
      searched.push({ dir, status: `permission denied (${(e as NodeJS.ErrnoException).code ?? 'EACCES'}): rramsim cannot list or read it` });
      continue;
    }
    const { files, missing } = filesIn(dir);
    if (missing.length > 0) {
      searched.push({
        dir,
        status: missing.length === IDX_FILE_NAMES.length ? 'none of the files' : `missing ${missing.map((m) => `${m}[.gz]`).join(', ')}`,
      });
      continue;
    }
    const holds = identifyDir(files['t10k-labels-idx1-ubyte']!);
    if (holds !== undefined && holds !== dataset) {
      searched.push({ dir, status: `holds ${holds}, not ${dataset}` });
      continue;
    }
    return { dataset, dir, files: files as Record<IdxFileName, string>, searched };
  }
  const where = searched.map((s) => `  ${s.dir}: ${s.status}`).join('\n');
  const how = exclusive ? `--data-dir` : `--data-dir, ${DATA_ENV} and the default search path`;
  throw new UserError(
    `dataset ${dataset} not found (searched ${how}):\n${where}\n` +
      `expected files: ${IDX_FILE_NAMES.map((f) => `${f}.gz (or uncompressed ${f})`).join(', ')}.\n` +
      `To get them: ${HOW_TO_GET[dataset]}.`,
    'dataDir',
  );
}
