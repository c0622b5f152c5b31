/**
 * File-system failures as one-line messages with an exit code, instead of a raw exception:
 *   EACCES, EPERM, EROFS       → exit 2  "cannot write/read PATH: permission denied / read-only file system"
 *   ENOTDIR, EISDIR, ENAMETOOLONG, ELOOP, ENOENT from mkdir → exit 2 (a path chosen by the user
 *                                 is not usable)
 *   ENOSPC, EDQUOT             → exit 5  "disk full (or quota exceeded) while writing PATH"; every
 *                                 result line written before stays intact (each is one fsync'ed
 *                                 append), so freeing space and re-running with --resume recovers.
 * Anything else is not classified (undefined): a bug, reported with its stack (exit 1).
 */
export const EXIT_UNWRITABLE = 2;
export const EXIT_DISK_FULL = 5;

export interface FsFailure {
  exitCode: number;
  message: string;
}

export function fsErrorCode(e: unknown): string | undefined {
  if (e && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string') return (e as { code: string }).code;
  return undefined;
}

export function describeFsError(e: unknown): FsFailure | undefined {
  const code = fsErrorCode(e);
  if (!code) return undefined;
  const err = e as NodeJS.ErrnoException;
  const path = err.path ?? (err as { dest?: string }).dest;
  const where = path ? ` '${path}'` : '';
  const op = err.syscall ? `${err.syscall}` : 'access';
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return {
        exitCode: EXIT_DISK_FULL,
        message:
          `${code === 'ENOSPC' ? 'disk full' : 'disk quota exceeded'} (${code}) while writing${where}: ` +
          'every result line written before is intact; free space, then run the same command with --resume',
      };
    case 'EACCES':
    case 'EPERM':
      return { exitCode: EXIT_UNWRITABLE, message: `permission denied (${code}, ${op})${where}: choose a directory you can write (--out) or fix its permissions` };
    case 'EROFS':
      return { exitCode: EXIT_UNWRITABLE, message: `read-only file system (${code}, ${op})${where}: choose a writable --out` };
    case 'ENOTDIR':
      return { exitCode: EXIT_UNWRITABLE, message: `not a directory (${code}, ${op})${where}: a part of the path is a file; choose another --out` };
    case 'EISDIR':
      return { exitCode: EXIT_UNWRITABLE, message: `is a directory (${code}, ${op})${where}: give a file name` };
    case 'ENOENT':
      // only a mkdir that fails although its parent exists (a pseudo file system such as /proc);
      // a missing input file is reported by the code that reads it
      if (err.syscall === 'mkdir') return { exitCode: EXIT_UNWRITABLE, message: `cannot create directory (${code}, mkdir)${where}: this file system does not allow it; choose another --out` };
      return undefined;
    case 'ENAMETOOLONG':
    case 'ELOOP':
      return { exitCode: EXIT_UNWRITABLE, message: `unusable path (${code}, ${op})${where}` };
    default:
      return undefined;
  }
}
