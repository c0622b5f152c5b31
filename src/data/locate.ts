/**
 * Where the IDX files of an MNIST-format data set are (the search order is search_path.ts's rule,
 * with the entry's directory names; mnist: `mnist`, fashion-mnist: `fashion-mnist` and the Debian
 * package's /usr/share/datasets/fashion-mnist).
 * A directory qualifies when it holds all four files, each as `<file>.gz` or raw `<file>`
 * (.gz preferred when both exist), and its test labels are not those of *another* known data set
 * (so a parent that is itself the MNIST directory is skipped when looking for Fashion-MNIST).
 * The first qualifying directory wins. If none does, the UserError names every place searched and
 * what was missing there.
 */
import { accessSync, constants as fsConstants, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { IDX_FILE_NAMES, identifyContent, type IdxFileName, type IdxFormat } from './checksums.js';
import { isGzip } from './idx.js';
import { isDir, searchDirs, searchedWhat, type LocateOptions } from './search_path.js';

export { DATA_ENV, packageRoot, type LocateOptions } from './search_path.js';

export interface LocatedDataset {
  readonly dataset: string;
  /** the data set's format (known files) */
  readonly format: IdxFormat;
  /** absolute directory holding the files */
  readonly dir: string;
  /** file -> absolute path of the file used (.gz or raw) */
  readonly files: Record<IdxFileName, string>;
  /** every directory looked at, in order, with the reason for skipping it */
  readonly searched: { dir: string; status: string }[];
}

/** The candidate directories of an IDX data set, in search order (deduplicated, absolute). */
export function candidateDirs(format: IdxFormat, opts: LocateOptions = {}): { dirs: string[]; exclusive: boolean } {
  return searchDirs(format.places, opts);
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

/** Which known data set (among `known`) a directory's test labels belong to (cheap: 10 kB), if any. */
function identifyDir(testLabelsPath: string, known: readonly IdxFormat[]): string | undefined {
  try {
    if (statSync(testLabelsPath).size > LABELS_LIMIT) return undefined;
    let b: Uint8Array = readFileSync(testLabelsPath);
    if (isGzip(b)) b = gunzipSync(b, { maxOutputLength: LABELS_LIMIT });
    return identifyContent(sha256Hex(b), known)?.dataset;
  } catch {
    return undefined; // unreadable or corrupt: let the loader report it precisely
  }
}

/** `known`: every registered IDX format (to recognise a directory holding another data set) */
export function locateDataset(format: IdxFormat, opts: LocateOptions = {}, known: readonly IdxFormat[] = [format]): LocatedDataset {
  const dataset = format.name;
  const { dirs, exclusive } = candidateDirs(format, opts);
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
    const holds = identifyDir(files['t10k-labels-idx1-ubyte']!, known);
    if (holds !== undefined && holds !== dataset) {
      searched.push({ dir, status: `holds ${holds}, not ${dataset}` });
      continue;
    }
    return { dataset, format, dir, files: files as Record<IdxFileName, string>, searched };
  }
  const where = searched.map((s) => `  ${s.dir}: ${s.status}`).join('\n');
  const how = searchedWhat(exclusive);
  throw new UserError(
    `dataset ${dataset} not found (searched ${how}):\n${where}\n` +
      `expected files: ${IDX_FILE_NAMES.map((f) => `${f}.gz (or uncompressed ${f})`).join(', ')}.\n` +
      `To get them: ${format.howToGet}.`,
    'dataDir',
  );
}
