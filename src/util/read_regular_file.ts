/**
 * Reading a file of a directory that may come from someone else (a sweep directory from a tarball
 * or a shared cluster path): only a regular file of that directory, never through a symlink, never
 * more than a limit, and nothing read or copied before the checks pass.
 *
 *   lstat(path)        ENOENT → absent (undefined); a symlink, FIFO, device, socket or directory →
 *                      UserError naming the file and what it is
 *   open(O_RDONLY | O_NOFOLLOW | O_NONBLOCK), fstat
 *                      the same checks on what was opened, so a file swapped between lstat and open
 *                      is caught (a symlink: ELOOP; a FIFO opens without waiting for a writer and
 *                      fstat names it)
 *   fstat size > max   → UserError naming the file, its size and the limit
 *   read ≤ max + 1 B   → a file growing past the limit while it is read is refused too
 *
 * `checkRealDir` is the rule for a directory inside such a directory (DIR/cache, DIR/artifacts,
 * DIR/artifacts/<hash>): a real directory, not a symlink to elsewhere. The sweep directory itself
 * may be a symlink: that is the user's choice, not the content's.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { UserError } from './errors.js';
import { printable } from './safe_text.js';

export interface RegularFileLimit {
  /** what the file is, for messages, e.g. 'results.jsonl' */
  label: string;
  maxBytes: number;
}

/** what a file that is not a regular file is, for messages ('a symbolic link', 'a FIFO (named pipe)', …) */
export function fileKind(s: Stats): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice() || s.isBlockDevice()) return 'a device';
  if (s.isSocket()) return 'a socket';
  if (s.isDirectory()) return 'a directory';
  return 'not a regular file';
}

function notRegular(path: string, label: string, what: string): UserError {
  return new UserError(
    `${printable(label)}: '${printable(path)}' is ${what}; files read from a sweep directory must be regular files inside it (not links to elsewhere, pipes or devices): replace it with the file itself or remove it`,
    label,
  );
}

function tooLarge(path: string, label: string, max: number, size?: number): UserError {
  const held = size === undefined ? 'more' : `${size} bytes,`;
  return new UserError(`${printable(label)}: '${printable(path)}' holds ${held} more than the ${max} bytes allowed for it (docs/DESIGN.md "Report and sweep directory"): not a file rramsim wrote`, label);
}

/** lstat, or undefined when the path does not exist. */
function lstatOrAbsent(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** Check without reading: undefined when absent, else the file's size (UserError when it breaks the rule). */
export function checkRegularFile(path: string, limit: RegularFileLimit): number | undefined {
  const s = lstatOrAbsent(path);
  if (!s) return undefined;
  if (!s.isFile()) throw notRegular(path, limit.label, fileKind(s));
  if (s.size > limit.maxBytes) throw tooLarge(path, limit.label, limit.maxBytes, s.size);
  return s.size;
}

/** The bytes of `path`, or undefined when it does not exist; UserError when it breaks the rule. */
export function readRegularFile(path: string, limit: RegularFileLimit): Buffer | undefined {
  if (checkRegularFile(path, limit) === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    if (code === 'ELOOP') throw notRegular(path, limit.label, 'a symbolic link');
    throw e;
  }
  try {
    const s = fstatSync(fd);
    if (!s.isFile()) throw notRegular(path, limit.label, fileKind(s));
    if (s.size > limit.maxBytes) throw tooLarge(path, limit.label, limit.maxBytes, s.size);
    // sized by fstat, grown if the file grows meanwhile, never past maxBytes + 1
    let buf = Buffer.allocUnsafe(s.size + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > limit.maxBytes) throw tooLarge(path, limit.label, limit.maxBytes);
        const bigger = Buffer.allocUnsafe(Math.min(2 * buf.length, limit.maxBytes + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** The text (UTF-8) of `path`, or undefined when it does not exist. */
export function readRegularText(path: string, limit: RegularFileLimit): string | undefined {
  return readRegularFile(path, limit)?.toString('utf8');
}

/** A directory inside a sweep directory: absent (false), a real directory (true), else UserError. */
export function checkRealDir(path: string, label: string): boolean {
  const s = lstatOrAbsent(path);
  if (!s) return false;
  if (!s.isDirectory()) {
    throw new UserError(
      `${printable(label)}: '${printable(path)}' is ${fileKind(s)}; directories inside a sweep directory must be real directories (not links to elsewhere): remove it`,
      label,
    );
  }
  return true;
}
