/**
 * The rule for every single-file output (`report --out`, `slurm --out`, `import --out`, `train
 * --out`): a command writes its file only where that cannot destroy anything it did not make.
 * checkOutputFile(path, rule) throws a one-line UserError naming the flag (exit 2, before any work)
 * when
 *   - path is empty, or its parent directory does not exist (nothing creates directories outside the
 *     named output: the parent is named) or is not a directory;
 *   - path lies on a pseudo file system (/proc, /sys, /dev, …: special_fs.ts);
 *   - path exists and is a directory, or is no regular file (a device, FIFO or socket: never replaced,
 *     not even with --force);
 *   - path exists and is a regular file (or a symlink) that rramsim did not write, unless --force.
 * "rramsim wrote it" = its first HEAD_BYTES bytes satisfy rule.isOwn (a marker each output carries:
 * the report's `<title>rramsim report: `, the Slurm script's second line, the JSON `format` /
 * `command` field). A symlink is never followed or judged by its target: it counts as not ours, and
 * the atomic write (atomic_write.ts: rename over the path) replaces the link, not what it points to.
 * The default output of a command (rule.defaultPath) may create its own parent directories.
 */
import { closeSync, lstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';
import { fileKind } from './read_regular_file.js';
import { printable } from './safe_text.js';
import { specialFileSystem } from './special_fs.js';

export const HEAD_BYTES = 4096;

export interface OutputRule {
  /** the flag in messages, e.g. '--out' */
  flag: string;
  /** --force given: an existing regular file (or symlink) rramsim did not write may be replaced */
  force: boolean;
  /** what rramsim writes there, e.g. 'an rramsim report' */
  what: string;
  /** true when the first bytes of an existing file are rramsim's own output of this kind */
  isOwn: (head: string) => boolean;
  /** the path is the command's default (not given by the user): its parent may be created */
  defaultPath?: boolean;
}

function head(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(HEAD_BYTES);
    const n = readSync(fd, b, 0, HEAD_BYTES, 0);
    return b.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

export function checkOutputFile(path: string, rule: OutputRule): void {
  const { flag } = rule;
  const shown = printable(path);
  if (path.trim() === '') throw new UserError(`${flag}: got an empty path; give a file name`, flag);
  const special = specialFileSystem(path);
  if (special !== undefined) {
    throw new UserError(`${flag}: '${shown}' is on the ${special} pseudo file system, where no file can be written; choose a file on a disk`, flag);
  }
  const parent = dirname(resolve(path));
  let parentStat: Stats;
  try {
    parentStat = statSync(parent);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && rule.defaultPath) return checkCreatable(parent, flag); // the command creates its default directory
    if (code === 'ENOENT') throw new UserError(`${flag}: directory '${printable(parent)}' does not exist; create it first or choose another ${flag}`, flag);
    if (code === 'ENOTDIR') throw new UserError(`${flag}: '${shown}': a part of the path is a file, not a directory; choose another ${flag}`, flag);
    throw e;
  }
  if (!parentStat.isDirectory()) throw new UserError(`${flag}: '${printable(parent)}' is not a directory; choose another ${flag}`, flag);
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isDirectory()) throw new UserError(`${flag}: '${shown}' is a directory; give a file name`, flag);
  if (!st.isFile() && !st.isSymbolicLink()) {
    throw new UserError(`${flag}: '${shown}' is ${fileKind(st)}; rramsim writes only regular files (choose another ${flag})`, flag);
  }
  if (rule.force) return;
  if (st.isFile() && rule.isOwn(head(path))) return;
  throw new UserError(
    `${flag}: '${shown}' exists and is ${st.isSymbolicLink() ? 'a symbolic link' : 'a file'}, not ${rule.what}; ` +
      `add --force to replace it, or choose another ${flag}`,
    flag,
  );
}

/**
 * A missing default directory will be created (mkdir -p): refuse up front when that cannot work
 * because an ancestor on the way is a symbolic link to nothing (a dangling `reports` link), instead
 * of failing after the work is done.
 */
function checkCreatable(dir: string, flag: string): void {
  for (let p = dir; ; p = dirname(p)) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(p) === p) return;
      continue;
    }
    if (st.isSymbolicLink()) {
      try {
        statSync(p);
      } catch {
        throw new UserError(`${flag}: '${printable(p)}' is a symbolic link to a missing directory, so '${printable(dir)}' cannot be created; fix or remove the link, or give ${flag}`, flag);
      }
    }
    return;
  }
}
