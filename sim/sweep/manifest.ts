/**
 * manifest.json of a sweep directory (format: docs/DESIGN.md "Report and sweep directory"):
 * config, configHash, gitCommit, versions, datasetChecksums, startedAt, finishedAt, command,
 * expectedPoints (+ additive name, shard, mergedFrom, env). Written atomically (temp file + rename) at the start, whenever new dataset
 * checksums arrive, and at the end.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PointSpec } from '../../src/experiment/point.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { UserError } from '../../src/util/errors.js';
import { readRegularText } from '../../src/util/read_regular_file.js';
import { MANIFEST_LIMIT } from '../../src/util/sweep_file_limits.js';
import { type ManifestEnv, rramsimVersion } from './run_env.js';
import { nestedDeeperThan } from '../../src/util/json_depth.js';
import { isExpectedPoint } from '../report/sweep_dir.js';

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
  /** additive: GEMM backend, Node/rramsim versions, wasm module hashes (sim/sweep/run_env.ts) */
  env?: ManifestEnv;
  expectedPoints: { pointHash: string; point: PointSpec }[];
}

export const MANIFEST = 'manifest.json';
export const RESULTS = 'results.jsonl';

export function writeManifest(dir: string, m: Manifest): void {
  // temp file + fsync + rename; the temp file is removed if the write fails (disk full)
  writeFileAtomicSync(join(dir, MANIFEST), `${JSON.stringify(m, null, 2)}\n`);
}

/** DIR/manifest.json: a regular file inside DIR of at most MANIFEST_LIMIT (read_regular_file.ts), else UserError. */
export function readManifest(dir: string): Manifest {
  const file = join(dir, MANIFEST);
  const text = readRegularText(file, MANIFEST_LIMIT);
  if (text === undefined) throw new UserError(`${file} not found: '${dir}' is not a sweep directory (give a directory written by \`rramsim sweep\`)`, 'DIR');
  let m: unknown;
  try {
    m = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${file} is not valid JSON: ${(e as Error).message}`, 'DIR');
  }
  const problem = manifestProblem(m);
  if (problem) throw new UserError(`${file} is not a sweep manifest: ${problem} (give a directory written by \`rramsim sweep\`, or move the file away)`, 'DIR');
  return m as Manifest;
}

/** deepest nesting a manifest may have (its config is at most 32 deep, points' model descriptions likewise) */
export const MANIFEST_MAX_DEPTH = 64;

/**
 * Why a parsed manifest.json cannot be used (undefined when it can): a JSON object nested at most
 * MANIFEST_MAX_DEPTH deep, configHash a non-empty string, config an object, expectedPoints (when
 * present) a list of { pointHash: string, point: object }. Commands read these fields without
 * further checks, so a foreign or damaged file is refused here as bad input.
 */
export function manifestProblem(m: unknown): string | undefined {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not a JSON object';
  if (nestedDeeperThan(m, MANIFEST_MAX_DEPTH)) return `nested more than ${MANIFEST_MAX_DEPTH} deep`;
  const r = m as Record<string, unknown>;
  if (typeof r.configHash !== 'string' || r.configHash === '') return 'configHash missing or not a string';
  if (!r.config || typeof r.config !== 'object' || Array.isArray(r.config)) return 'config missing or not an object';
  if (r.expectedPoints !== undefined) {
    if (!Array.isArray(r.expectedPoints)) return 'expectedPoints is not a list';
    const bad = r.expectedPoints.findIndex((e) => !isExpectedPoint(e));
    if (bad >= 0) return `expectedPoints[${bad}] is not { pointHash, point }`;
  }
  return undefined;
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
  const v = rramsimVersion();
  if (v !== 'unknown') out.rramsim = v;
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
