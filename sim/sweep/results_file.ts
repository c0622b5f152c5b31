/**
 * results.jsonl: one ResultRecord per line, appended atomically; results.rejected.jsonl beside it.
 *
 * A record is serialised to ONE complete line and written with a single write() on a file opened
 * with O_APPEND, then fsync'ed, so a crash (even kill -9) leaves every earlier line intact and at
 * worst a torn LAST line. `scanResults` classifies every line: a valid record, or a problem (torn
 * last line, unparsable, or a record that fails `recordProblem`, e.g. status 'ok' without finite
 * metrics). `readResults` returns the valid records and the dropped lines.
 *
 * On --resume (`resumeSplit`) nothing valid is deleted: every valid record stays in results.jsonl
 * (other shards' and superseded ones too); only problem lines and the failed records of points this
 * run re-runs leave it, and they are appended (fsync'ed) to results.rejected.jsonl as
 * { rejectedAt, reason, line, text } BEFORE results.jsonl is replaced atomically (temp file,
 * fsync, rename), so every byte that was in results.jsonl survives in one of the two files.
 *
 * Both files may sit in a directory from someone else: results.jsonl is read only as a regular
 * file of at most RESULTS_LIMIT (read_regular_file.ts: a symlink, FIFO or device is a UserError
 * before any of it is copied), and appends open with O_NOFOLLOW, so a link planted in DIR never
 * redirects a write to elsewhere.
 */
import { closeSync, constants, fsyncSync, openSync } from 'node:fs';
import { basename } from 'node:path';
import type { ResultRecord } from '../../src/experiment/result.js';
import { writeAll, writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { UserError } from '../../src/util/errors.js';
import { readRegularText } from '../../src/util/read_regular_file.js';
import { printable } from '../../src/util/safe_text.js';
import { RESULTS_LIMIT } from '../../src/util/sweep_file_limits.js';
import { nestedDeeperThan } from '../../src/util/json_depth.js';
import { RECORD_MAX_DEPTH } from '../report/sweep_dir.js';

export const REJECTED = 'results.rejected.jsonl';

/** Metrics every ok record must carry as finite numbers (execute_point.ts refuses the rest as 'failed'). */
export const REQUIRED_METRICS = ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const;

export function appendResult(file: string, rec: ResultRecord): void {
  appendLines(file, [JSON.stringify(rec)]);
}

/** Append whole lines with one write() and fsync (O_APPEND). */
export function appendLines(file: string, lines: string[]): void {
  if (lines.length === 0) return;
  const fd = openAppend(file);
  try {
    writeAll(fd, Buffer.from(lines.map((l) => `${l}\n`).join('')));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** open(O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW): a symlink in place of the file is a UserError. */
export function openAppend(file: string): number {
  try {
    return openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new UserError(`'${printable(file)}' is a symbolic link; rramsim appends only to regular files inside a sweep directory: remove it`, basename(file));
    }
    throw e;
  }
}

/**
 * Why a parsed JSON value is not a usable result record (undefined when it is): pointHash and
 * configHash non-empty strings, status 'ok' | 'failed', point an object; an ok record needs
 * metrics with every REQUIRED_METRICS field a finite number and evalSplit a string.
 */
export function recordProblem(v: unknown): string | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return 'not a JSON object';
  if (nestedDeeperThan(v, RECORD_MAX_DEPTH)) return `nested more than ${RECORD_MAX_DEPTH} deep`;
  const r = v as Record<string, unknown>;
  if (typeof r.pointHash !== 'string' || r.pointHash === '') return 'pointHash missing or not a string';
  if (typeof r.configHash !== 'string' || r.configHash === '') return 'configHash missing or not a string';
  if (r.status !== 'ok' && r.status !== 'failed') return `status must be 'ok' or 'failed', got ${JSON.stringify(r.status)}`;
  if (!r.point || typeof r.point !== 'object' || Array.isArray(r.point)) return 'point missing or not an object';
  if (r.status === 'ok') {
    const m = r.metrics as Record<string, unknown> | undefined;
    if (!m || typeof m !== 'object' || Array.isArray(m)) return "status 'ok' without metrics";
    for (const k of REQUIRED_METRICS) {
      if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) return `status 'ok' but metrics.${k} is ${m[k] === undefined ? 'missing' : JSON.stringify(m[k])}`;
    }
    if (typeof m.evalSplit !== 'string') return "status 'ok' but metrics.evalSplit is not a string";
  }
  return undefined;
}

export interface ScannedLine {
  /** 1-based line number */
  line: number;
  /** the line as it is in the file (no newline) */
  raw: string;
  record?: ResultRecord;
  problem?: string;
}

export function scanResults(file: string): ScannedLine[] {
  const text = readRegularText(file, RESULTS_LIMIT);
  return text === undefined ? [] : scanResultsText(text);
}

export function scanResultsText(text: string): ScannedLine[] {
  const lines = text.split('\n');
  const out: ScannedLine[] = [];
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    if (i === lines.length - 1) {
      // text did not end with '\n': the write of this line was cut short
      out.push({ line, raw, problem: 'torn last line (no newline): the sweep was killed while writing it' });
      return;
    }
    let v: unknown;
    try {
      v = JSON.parse(raw);
    } catch (e) {
      out.push({ line, raw, problem: `unparsable line (${(e as Error).message})` });
      return;
    }
    const problem = recordProblem(v);
    if (problem) out.push({ line, raw, problem: `not a valid result record (${problem})` });
    else out.push({ line, raw, record: v as ResultRecord });
  });
  return out;
}

export interface ReadResults {
  records: ResultRecord[];
  /** 1-based line numbers and reasons of lines that were dropped */
  dropped: { line: number; reason: string }[];
}

export function readResults(file: string): ReadResults {
  const scanned = scanResults(file);
  return {
    records: scanned.filter((s) => s.record).map((s) => s.record!),
    dropped: scanned.filter((s) => s.problem).map((s) => ({ line: s.line, reason: s.problem! })),
  };
}

/** Replace `file` atomically with these records (one line each); no temp file survives a failure. */
export function rewriteResults(file: string, records: ResultRecord[]): void {
  writeFileAtomicSync(file, records.map((r) => `${JSON.stringify(r)}\n`));
}

export interface ResumeSplit {
  /** pointHash -> its last ok record, for the points of this run (they are not re-run) */
  done: Map<string, ResultRecord>;
  /** lines that stay in results.jsonl, verbatim and in order */
  keep: ScannedLine[];
  /** lines that move to results.rejected.jsonl, with the reason */
  rejected: { line: number; raw: string; reason: string }[];
}

/**
 * Which lines a resume keeps: every valid record stays, except the failed records of points in
 * `wanted` (this run re-runs them, or already has an ok record for them); problem lines go.
 */
export function resumeSplit(scanned: ScannedLine[], wanted: Set<string>): ResumeSplit {
  const done = new Map<string, ResultRecord>();
  for (const s of scanned) if (s.record?.status === 'ok' && wanted.has(s.record.pointHash)) done.set(s.record.pointHash, s.record);
  const keep: ScannedLine[] = [];
  const rejected: ResumeSplit['rejected'] = [];
  for (const s of scanned) {
    if (s.problem) rejected.push({ line: s.line, raw: s.raw, reason: s.problem });
    else if (s.record!.status === 'failed' && wanted.has(s.record!.pointHash)) {
      rejected.push({
        line: s.line,
        raw: s.raw,
        reason: done.has(s.record!.pointHash) ? 'failed record superseded by an ok record of the same point' : 'failed record: its point runs again',
      });
    } else keep.push(s);
  }
  return { done, keep, rejected };
}

/**
 * Move the rejected lines out of results.jsonl without losing a byte: append them to
 * results.rejected.jsonl (fsync), then replace results.jsonl with the kept lines (atomic).
 */
export function applyResumeSplit(file: string, rejectedFile: string, split: ResumeSplit): void {
  if (split.rejected.length === 0) return;
  const at = new Date().toISOString();
  appendLines(rejectedFile, split.rejected.map((r) => JSON.stringify({ rejectedAt: at, reason: r.reason, line: r.line, text: r.raw })));
  writeFileAtomicSync(file, split.keep.map((s) => `${s.raw}\n`));
}

/** Last record per pointHash (a re-run replaces an earlier failure). */
export function latestByHash(records: ResultRecord[]): Map<string, ResultRecord> {
  const m = new Map<string, ResultRecord>();
  for (const r of records) {
    const prev = m.get(r.pointHash);
    if (!prev || prev.status !== 'ok' || r.status === 'ok') m.set(r.pointHash, r);
  }
  return m;
}
