/**
 * manifest.json of a sweep directory (format: docs/DESIGN.md "Report and sweep directory"):
 * config, configHash, gitCommit, versions, datasetChecksums, startedAt, finishedAt, command,
 * expectedPoints. Written atomically (temp file + rename) at the start, whenever new dataset
 * checksums arrive, and at the end.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PointSpec } from '../../src/methods/point.js';
import { UserError } from '../../src/util/errors.js';

export interface Manifest {
  name: string;
  config: Record<string, unknown>;
  configHash: string;
  gitCommit: string | null;
  versions: Record<string, string>;
  /** dataset name -> (file name -> sha256) */
  datasetChecksums: Record<string, Record<string, string>>;
  startedAt: string;
  finishedAt: string | null;
  command: string;
  /** shard "i/n" this directory holds, or null for the whole grid; merged dirs list their sources */
  shard: string | null;
  mergedFrom?: string[];
  expectedPoints: { pointHash: string; point: PointSpec }[];
}

export const MANIFEST = 'manifest.json';
export const RESULTS = 'results.jsonl';

export function writeManifest(dir: string, m: Manifest): void {
  const file = join(dir, MANIFEST);
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `${JSON.stringify(m, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) throw new UserError(`${file} not found: '${dir}' is not a sweep directory (give a directory written by \`rramsim sweep\`)`, 'DIR');
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`, 'DIR');
  }
}

/** HEAD commit of the repository rramsim runs from, or null (no git, not a checkout). */
export function gitCommit(): string | null {
  try {
    const here = dirname(fileURLToPath(import.meta.url));
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: here, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim() || null;
  } catch {
    return null;
  }
}

/** Node, rramsim and key dependency versions. */
export function versions(): Record<string, string> {
  const out: Record<string, string> = { node: process.version };
  const require = createRequire(import.meta.url);
  const here = dirname(fileURLToPath(import.meta.url));
  for (const root of [join(here, '..', '..'), join(here, '..', '..', '..')]) {
    try {
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'rramsim') {
        out.rramsim = pkg.version ?? 'unknown';
        break;
      }
    } catch {
      /* try the next candidate */
    }
  }
  for (const dep of ['mathjs', 'seedrandom', 'yargs', 'zod']) {
    try {
      const p = require.resolve(`${dep}/package.json`);
      out[dep] = (JSON.parse(readFileSync(p, 'utf8')) as { version: string }).version;
    } catch {
      /* not resolvable through exports: skip */
    }
  }
  return out;
}
