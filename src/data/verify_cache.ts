/**
 * Verify a located IDX dataset once, before any work (the sweep preflight), and remember it.
 *
 * For each of the four files: read (bounded: known size + DATA_SIZE_MARGIN, idx.ts), parse the IDX
 * header and check the size it implies (a truncated or padded file is named with what is wrong),
 * then compare the SHA-256 of the content with the known value (checksums.ts). A file that passed
 * is recorded in a cache keyed by (absolute path, size in bytes, mtime in ms) → content SHA-256,
 * so the next preflight only stats the four files (a changed file has a new size or mtime and is
 * read again). The cache is a JSON file, by default
 *     $RRAMSIM_CACHE_DIR/verified-data.json, else $XDG_CACHE_HOME/rramsim/…, else ~/.cache/rramsim/…;
 * a cache that cannot be read or written only costs time (the files are then verified each run).
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { IDX_FILE_NAMES, throwIfMismatch, verifyContent, type IdxFileName, type IdxFormat } from './checksums.js';
import { DATA_SIZE_MARGIN, parseIdx, readMaybeGzip } from './idx.js';
import type { LocatedDataset } from './locate.js';

export const CACHE_ENV = 'RRAMSIM_CACHE_DIR';

export function verifyCacheFile(env: Record<string, string | undefined> = process.env): string {
  const base = env[CACHE_ENV] || (env.XDG_CACHE_HOME ? join(env.XDG_CACHE_HOME, 'rramsim') : join(homedir(), '.cache', 'rramsim'));
  return join(base, 'verified-data.json');
}

type Cache = Record<string, string>;

function readCache(file: string): Cache {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return j && typeof j === 'object' && !Array.isArray(j) ? (j as Cache) : {};
  } catch {
    return {};
  }
}

function writeCache(file: string, c: Cache): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, JSON.stringify(c));
    renameSync(tmp, file);
  } catch {
    /* a read-only home: verify again next time */
  }
}

function keyOf(path: string): string {
  const st = statSync(path);
  return `${resolve(path)}\u0000${st.size}\u0000${st.mtimeMs}`;
}

const EXPECT_DIMS: Record<IdxFileName, (number | null)[]> = {
  'train-images-idx3-ubyte': [null, 28, 28],
  'train-labels-idx1-ubyte': [null],
  't10k-images-idx3-ubyte': [null, 28, 28],
  't10k-labels-idx1-ubyte': [null],
};

/**
 * Throws a UserError naming the file and what is wrong with it; returns how many files were read
 * (0 when every file was a cache hit).
 */
export function verifyDatasetOnce(located: LocatedDataset, cacheFile = verifyCacheFile(), known: readonly IdxFormat[] = [located.format]): number {
  const cache = readCache(cacheFile);
  const todo: { f: IdxFileName; path: string; key: string; content: Uint8Array }[] = [];
  // structure of every file first (a truncated file says "truncated", not "checksum mismatch") ...
  for (const f of IDX_FILE_NAMES) {
    const expected = located.format.files[f];
    const path = located.files[f];
    const key = keyOf(path);
    if (cache[key] === expected.contentSha256) continue;
    const fb = readMaybeGzip(path, expected.bytes + DATA_SIZE_MARGIN);
    parseIdx(fb.content, path, EXPECT_DIMS[f]);
    todo.push({ f, path, key, content: fb.content });
  }
  // ... then the checksums of the content
  for (const t of todo) {
    throwIfMismatch(located.dataset, verifyContent(located.format, t.f, t.path, t.content, known));
    cache[t.key] = located.format.files[t.f].contentSha256;
  }
  const read = todo.length;
  if (read > 0) writeCache(cacheFile, cache);
  return read;
}
