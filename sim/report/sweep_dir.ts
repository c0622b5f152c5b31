/**
 * Reading a sweep directory for the report (layout in docs/DESIGN.md, "Report and sweep directory"):
 * DIR/results.jsonl (one ResultRecord per line), DIR/manifest.json, DIR/artifacts/<pointHash>/*.json.
 *
 * Robustness rules: a torn (incomplete) last line of results.jsonl is skipped and reported; any other
 * unreadable line is skipped and reported too; a missing manifest is reported (missing points then
 * cannot be known); results.jsonl itself missing is a UserError. Nothing is dropped silently: every
 * skip becomes a warning shown at the top of the report.
 *
 * The directory may come from someone else: every file is read through read_regular_file.ts (a
 * regular file inside DIR, not a symlink, FIFO or device, at most its limit in sweep_file_limits.ts),
 * and artifacts/ and each artifacts/<hash>/ must be real directories; otherwise a UserError naming
 * the file, before anything is written.
 */
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PointSpec } from '../../src/experiment/point.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { UserError } from '../../src/util/errors.js';
import { checkRealDir, checkRegularFile, readRegularText } from '../../src/util/read_regular_file.js';
import { ARTIFACT_LIMIT, MANIFEST_LIMIT, RESULTS_LIMIT } from '../../src/util/sweep_file_limits.js';
import { nestedDeeperThan } from '../../src/util/json_depth.js';

/** manifest.json as the report reads it: any field may be absent or null (no git checkout: gitCommit null; an interrupted sweep: finishedAt null). */
export interface SweepManifest {
  config?: unknown;
  configHash?: string | null;
  gitCommit?: string | null;
  versions?: Record<string, unknown> | null;
  env?: Record<string, unknown> | null;
  datasetChecksums?: Record<string, unknown> | null;
  startedAt?: string | null;
  finishedAt?: string | null;
  command?: string | null;
  expectedPoints?: { pointHash: string; point: PointSpec }[];
}

/** DIR/artifacts/<pointHash>/defect_tile.json: 0 healthy, 1 stuck at HRS, 2 stuck at LRS (row-major) */
export interface DefectTileArtifact {
  layer: string;
  tileRow: number;
  tileCol: number;
  rows: number;
  cols: number;
  distribution: string;
  state: number[];
}

/** DIR/artifacts/<pointHash>/importance_map.json: per physical cell, before/after ITT-RNA mapping */
export interface ImportanceMapArtifact {
  layer: string;
  rows: number;
  cols: number;
  faulty: number[];
  before: number[];
  after: number[];
}

/** Artefact files of one point (paths; parsed on demand, since importance maps can be megabytes). */
export interface SweepArtifacts {
  pointHash: string;
  defectTilePath?: string;
  importanceMapPath?: string;
}

export interface SweepDir {
  dir: string;
  /** every readable record in file order (duplicates included) */
  records: ResultRecord[];
  /** raw text of results.jsonl, as downloaded from the report */
  rawJsonl: string;
  manifest: SweepManifest | null;
  artifacts: SweepArtifacts[];
  /** human-readable problems found while reading (shown as warnings) */
  warnings: string[];
}

/** an entry of manifest.json's expectedPoints: { pointHash: string, point: object } */
export function isExpectedPoint(e: unknown): boolean {
  if (!e || typeof e !== 'object') return false;
  const r = e as Record<string, unknown>;
  return typeof r.pointHash === 'string' && !!r.point && typeof r.point === 'object' && !Array.isArray(r.point);
}

/** deepest nesting a result record or manifest may have (configs are at most 32 deep) */
export const RECORD_MAX_DEPTH = 64;

function isRecord(v: unknown): v is ResultRecord {
  if (!v || typeof v !== 'object') return false;
  if (nestedDeeperThan(v, RECORD_MAX_DEPTH)) return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.pointHash === 'string' &&
    (r.status === 'ok' || r.status === 'failed') &&
    !!r.point && typeof r.point === 'object' &&
    (r.status === 'failed' || (!!r.metrics && typeof (r.metrics as Record<string, unknown>).accuracy === 'number'))
  );
}

/** Parse results.jsonl text. A last line without its newline that does not parse is a torn write. */
export function parseResultsJsonl(text: string): { records: ResultRecord[]; warnings: string[] } {
  const records: ResultRecord[] = [];
  const warnings: string[] = [];
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  const bad: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (isLast && !endsWithNewline) {
        warnings.push(`results.jsonl: the last line (line ${i + 1}) is incomplete (torn write, e.g. an interrupted sweep) and was skipped.`);
      } else bad.push(i + 1);
      continue;
    }
    if (isRecord(value)) records.push(value);
    else bad.push(i + 1);
  }
  if (bad.length > 0) {
    const shown = bad.slice(0, 20).join(', ') + (bad.length > 20 ? `, … (${bad.length} in all)` : '');
    warnings.push(`results.jsonl: ${bad.length} line(s) are not valid result records and were skipped: line ${shown}.`);
  }
  return { records, warnings };
}

function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`${what}: ${path} is not valid JSON (${err instanceof Error ? err.message : String(err)})`, what);
  }
}

/** The artefact files of every point; each checked (regular, bounded) before the report reads any. */
function readArtifacts(dir: string): SweepArtifacts[] {
  const root = join(dir, 'artifacts');
  if (!checkRealDir(root, 'artifacts')) return [];
  const out: SweepArtifacts[] = [];
  for (const hash of readdirSync(root).sort()) {
    const sub = join(root, hash);
    // a stray regular file is not a point's artefacts; a link or a special file is refused
    if (lstatSync(sub).isFile()) continue;
    checkRealDir(sub, `artifacts/${hash}`);
    const a: SweepArtifacts = { pointHash: hash };
    const file = (name: string) => (checkRegularFile(join(sub, name), { ...ARTIFACT_LIMIT, label: `artifacts/${hash}/${name}` }) !== undefined ? join(sub, name) : undefined);
    a.defectTilePath = file('defect_tile.json');
    a.importanceMapPath = file('importance_map.json');
    if (a.defectTilePath || a.importanceMapPath) out.push(a);
  }
  return out;
}

/**
 * Parse and check one artefact file (rows, cols positive integers; every array rows·cols long).
 * A bad file gives null and a warning naming it.
 */
export function loadArtifact(path: string, kind: 'defectTile', warnings: string[]): DefectTileArtifact | null;
export function loadArtifact(path: string, kind: 'importanceMap', warnings: string[]): ImportanceMapArtifact | null;
export function loadArtifact(path: string, kind: 'defectTile' | 'importanceMap', warnings: string[]): DefectTileArtifact | ImportanceMapArtifact | null {
  const name = path.split(/[\\/]/).slice(-3).join('/');
  // the file was checked by readArtifacts; read again through the same rule (it may have been swapped since)
  const text = readRegularText(path, { ...ARTIFACT_LIMIT, label: name });
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    warnings.push(`${name}: not valid JSON; skipped.`);
    return null;
  }
  const rows = v.rows as number;
  const cols = v.cols as number;
  const arrays = kind === 'defectTile' ? ['state'] : ['faulty', 'before', 'after'];
  const ok = Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0 &&
    arrays.every((k) => Array.isArray(v[k]) && (v[k] as unknown[]).length === rows * cols);
  if (!ok) {
    warnings.push(`${name}: rows × cols does not match its arrays; skipped.`);
    return null;
  }
  return v as unknown as DefectTileArtifact | ImportanceMapArtifact;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function readSweepDir(dir: string): SweepDir {
  // DIR itself may be a symlink (the user's choice); what is inside it is checked file by file
  if (!isDirectory(dir)) {
    throw new UserError(`report: DIR ${dir} is not a directory (give a sweep directory holding results.jsonl)`, 'DIR');
  }
  const resultsPath = join(dir, 'results.jsonl');
  const manifestPath = join(dir, 'manifest.json');
  // every file is checked before any is read, so nothing of a refused directory reaches a report
  checkRegularFile(manifestPath, MANIFEST_LIMIT);
  const rawJsonl = readRegularText(resultsPath, RESULTS_LIMIT);
  if (rawJsonl === undefined) {
    throw new UserError(`report: ${dir} has no results.jsonl (give a sweep directory written by \`rramsim sweep\`)`, 'DIR');
  }
  const artifacts = readArtifacts(dir);
  const { records, warnings } = parseResultsJsonl(rawJsonl);
  const manifestText = readRegularText(manifestPath, MANIFEST_LIMIT);
  let manifest: SweepManifest | null = null;
  if (manifestText !== undefined) {
    const m = parseJson(manifestText, manifestPath, 'manifest.json');
    if (!m || typeof m !== 'object' || Array.isArray(m)) {
      throw new UserError(`manifest.json: ${manifestPath} must hold a JSON object`, 'manifest.json');
    }
    if (nestedDeeperThan(m, RECORD_MAX_DEPTH)) {
      throw new UserError(`manifest.json: ${manifestPath} is nested more than ${RECORD_MAX_DEPTH} deep; not a sweep manifest`, 'manifest.json');
    }
    manifest = m as SweepManifest;
    const ep = manifest.expectedPoints as unknown;
    if (ep !== undefined && (!Array.isArray(ep) || !ep.every(isExpectedPoint))) {
      throw new UserError('manifest.json: expectedPoints must be an array of { pointHash, point }', 'expectedPoints');
    }
  } else {
    warnings.push('manifest.json is missing: points that never produced a result cannot be listed, and provenance is unknown.');
  }
  return { dir, records, rawJsonl, manifest, artifacts, warnings };
}
