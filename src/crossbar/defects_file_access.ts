/**
 * Which defect-map files (defects.distribution = 'file') and other files (model.onnx) a config may
 * read, and reading a defect map safely.
 *
 * A config gets shared, so `defects.file` must not pull arbitrary files into results and reports,
 * nor exhaust memory:
 *  - the path is resolved relative to the directory of the config file (`rramsim run`: the
 *    working directory), and then must lie, after following every symlink (realpath), inside the
 *    config's directory tree, the working directory tree, or a directory named by `--allow-path DIR`;
 *  - it must be a regular file (no device, FIFO, socket, directory: /dev/zero, /dev/stdin are refused);
 *  - it may hold at most MAX_DEFECT_FILE_BYTES = 64 MiB; the read itself is bounded (cap + 1 bytes),
 *    so a file that grows or lies about its size (/proc) cannot make it read more.
 * Errors name the path as written in the config and never quote the file's content.
 */
import { closeSync, fstatSync, openSync, readSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { UserError } from '../util/errors.js';
import { safeToken } from '../util/safe_text.js';

export const MAX_DEFECT_FILE_BYTES = 64 * 1024 * 1024;

export interface FileAccess {
  /** directory relative paths in the config are resolved against (the config file's directory) */
  baseDir: string;
  /** extra directories files may come from (--allow-path), besides baseDir and the working directory */
  allowPaths?: readonly string[];
  /** working directory (default process.cwd()) */
  cwd?: string;
}

function inside(child: string, root: string): boolean {
  const r = relative(root, child);
  return r === '' || (!r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r));
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/** What a confined file is, for messages, and its size cap (checkConfigFilePath). */
export interface ConfigFileKind {
  /** e.g. 'defect map', 'ONNX model' */
  what: string;
  /** what to give instead of a device/FIFO/directory, e.g. 'a JSON or CSV defect map' */
  give: string;
  maxBytes: number;
}

const DEFECT_MAP: ConfigFileKind = { what: 'defect map', give: 'a JSON or CSV defect map', maxBytes: MAX_DEFECT_FILE_BYTES };

/**
 * Check a `defects.file` value and return the path to record in the point: as written when it
 * means the same file from the working directory (so existing point hashes stay), else the
 * path relative to the working directory (absolute when outside it).
 */
export function checkDefectFilePath(file: string, access: FileAccess, field = 'defects.file'): string {
  return checkConfigFilePath(file, access, field, DEFECT_MAP);
}

/**
 * The same confinement for any file a config names (defects.file, model.onnx): resolved against
 * the config's directory, inside the config's tree / the working directory / an --allow-path
 * directory after realpath, a regular file of at most `kind.maxBytes` bytes. Returns the path to
 * record (see checkDefectFilePath).
 */
export function checkConfigFilePath(file: string, access: FileAccess, field: string, kind: ConfigFileKind): string {
  const cwd = access.cwd ?? process.cwd();
  const shown = safeToken(file, 200);
  const abs = resolve(cwd, access.baseDir, file);
  let st;
  try {
    st = statSync(abs);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'not readable (permission denied)' : `not readable (${code ?? 'error'})`;
    throw new UserError(`${field}: ${kind.what} file ${why}: '${shown}' (resolved to ${abs}; relative paths are relative to the config file's directory)`, field);
  }
  const target = real(abs);
  const roots = [access.baseDir, cwd, ...(access.allowPaths ?? [])].map((d) => real(resolve(cwd, d)));
  if (!roots.some((r) => inside(target, r))) {
    throw new UserError(
      `${field}: '${shown}' resolves to ${target}, outside the config's directory (${roots[0]}) and the working directory (${roots[1]}); ` +
        `move the ${kind.what} there, or allow its directory with --allow-path DIR`,
      field,
    );
  }
  if (!st.isFile()) {
    throw new UserError(`${field}: '${shown}' is not a regular file (a device, FIFO, socket or directory); give ${kind.give}`, field);
  }
  if (st.size > kind.maxBytes) {
    throw new UserError(`${field}: '${shown}' has ${st.size} bytes; a ${kind.what} may have at most ${kind.maxBytes} bytes (${kind.maxBytes / 2 ** 20} MiB)`, field);
  }
  return abs === resolve(cwd, file) ? file : inside(abs, cwd) ? relative(cwd, abs) : abs;
}

/** Read a defect-map file: regular files only, at most MAX_DEFECT_FILE_BYTES (bounded read). */
export function readDefectFileText(path: string, field = 'defects.file'): string {
  const shown = safeToken(path, 200);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`${field}: cannot read '${shown}' (${code === 'EACCES' ? 'permission denied' : code === 'ENOENT' ? 'not found' : code ?? 'error'})`, field);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UserError(`${field}: '${shown}' is not a regular file (a device, FIFO, socket or directory)`, field);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(1 << 20);
      const r = readSync(fd, chunk, 0, chunk.length, null);
      if (r === 0) break;
      chunks.push(chunk.subarray(0, r));
      total += r;
      if (total > MAX_DEFECT_FILE_BYTES) {
        throw new UserError(`${field}: '${shown}' has more than ${MAX_DEFECT_FILE_BYTES} bytes; a defect map may have at most 64 MiB`, field);
      }
    }
    return Buffer.concat(chunks, total).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
