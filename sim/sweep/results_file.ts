/**
 * results.jsonl: one ResultRecord per line, appended atomically.
 *
 * A record is serialised to ONE complete line and written with a single write() on a file opened
 * with O_APPEND, then fsync'ed, so a crash (even kill -9) leaves every earlier line intact and at
 * worst a torn LAST line. `readResults` detects torn or unparsable lines and drops them (their
 * points are simply re-run on --resume); `rewriteResults` replaces the file atomically
 * (write to a temp file, fsync, rename).
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { ResultRecord } from '../../src/methods/result.js';

export function appendResult(file: string, rec: ResultRecord): void {
  const line = `${JSON.stringify(rec)}\n`;
  const fd = openSync(file, 'a');
  try {
    writeSync(fd, line);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export interface ReadResults {
  records: ResultRecord[];
  /** 1-based line numbers and reasons of lines that were dropped */
  dropped: { line: number; reason: string }[];
}

export function readResults(file: string): ReadResults {
  if (!existsSync(file)) return { records: [], dropped: [] };
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  const records: ResultRecord[] = [];
  const dropped: { line: number; reason: string }[] = [];
  lines.forEach((l, i) => {
    const last = i === lines.length - 1;
    if (l.trim() === '') return;
    if (last) {
      // text did not end with '\n': the write of this line was cut short
      dropped.push({ line: i + 1, reason: 'torn last line (no newline): the sweep was killed while writing it' });
      return;
    }
    try {
      const r = JSON.parse(l) as ResultRecord;
      if (typeof r.pointHash !== 'string' || (r.status !== 'ok' && r.status !== 'failed') || typeof r.point !== 'object') {
        throw new Error('not a result record');
      }
      records.push(r);
    } catch (e) {
      dropped.push({ line: i + 1, reason: `unparsable line (${(e as Error).message})` });
    }
  });
  return { records, dropped };
}

export function rewriteResults(file: string, records: ResultRecord[]): void {
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    for (const r of records) writeSync(fd, `${JSON.stringify(r)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
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
