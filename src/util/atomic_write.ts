/**
 * Atomic file replacement: write the whole content to `<file>.tmp-<pid>-<thread>-<n>` (unique per
 * process, thread and call), fsync, rename over `<file>`. A reader sees the old file or the new
 * one, never half of either. If any step fails (disk full, permission denied) the temporary file
 * is removed before the error propagates, so a failed write leaves no `*.tmp-*` behind.
 * `mode` (default 0o666, less the umask) is the new file's permission bits, e.g. 0o755 for a script.
 */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { threadId } from 'node:worker_threads';

let counter = 0;

export function tmpName(file: string): string {
  return `${file}.tmp-${process.pid}-${threadId}-${++counter}`;
}

/** write(2) until every byte is out (a short write is retried; a full disk then throws ENOSPC). */
export function writeAll(fd: number, b: Uint8Array): void {
  for (let off = 0; off < b.byteLength; ) off += writeSync(fd, b, off, b.byteLength - off);
}

/** Write `chunks` (strings or bytes, in order) to `file` atomically; removes the temp file on failure. */
export function writeFileAtomicSync(file: string, chunks: string | Uint8Array | (string | Uint8Array)[], mode = 0o666): void {
  const tmp = tmpName(file);
  const list = Array.isArray(chunks) ? chunks : [chunks];
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', mode);
    for (const c of list) writeAll(fd, typeof c === 'string' ? Buffer.from(c) : c);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        /* already failing */
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw e;
  }
}
