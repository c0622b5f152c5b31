/**
 * Exclusive lock on a sweep directory: DIR/.rramsim.lock, held while a command writes into DIR
 * (`sweep`, `sweep --resume`, `merge --out DIR`), so two processes never append to one
 * results.jsonl or rewrite each other's manifest.
 *
 * Taking it is atomic: the holder record { pid, hostname, command, startedAt } is written to a
 * private temp file, then hard-linked to DIR/.rramsim.lock; link(2) fails with EEXIST when the
 * lock exists, so exactly one process wins and the lock file is never seen half written.
 *
 * An existing lock is
 *   - held      (same hostname, pid alive: kill(pid, 0) succeeds or fails with EPERM) → refused, exit 2,
 *               naming the holder;
 *   - stale     (same hostname, pid dead: ESRCH) → taken over with a message (kill -9, power loss);
 *   - foreign   (another hostname: its pid cannot be checked from here) → refused, exit 2, saying
 *               how to remove it once no process on that host uses DIR;
 *   - unreadable (not a holder record) → refused, saying how to remove it.
 * A takeover is serialised by DIR/.rramsim.lock.takeover (mkdir, atomic): a process that cannot
 * create it refuses instead of racing; inside, the stale record is re-read and must be unchanged.
 *
 * Released (unlinked, only if it is still ours) by `release()`, which the commands call in a
 * `finally` on normal exit, on errors and after SIGINT/SIGTERM; a process 'exit' hook releases it
 * too if a path forgets. A SIGKILL leaves a stale lock that the next run on this host takes over.
 * The lock file is read only as a regular file of at most 64 KiB (src/util/read_regular_file.ts):
 * a symlink, FIFO or device in its place is refused (UserError) and never read.
 */
import { linkSync, mkdirSync, rmdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/util/errors.js';
import { shellQuote } from '../../src/util/shell_quote.js';
import { tmpName } from '../../src/util/atomic_write.js';
import { readRegularText } from '../../src/util/read_regular_file.js';
import { LOCK_LIMIT } from '../../src/util/sweep_file_limits.js';

export const LOCK = '.rramsim.lock';

export interface LockHolder {
  pid: number;
  hostname: string;
  command: string;
  startedAt: string;
}

export interface DirLock {
  readonly path: string;
  readonly holder: LockHolder;
  release(): void;
}

/** The lock file's record: read as a regular file inside DIR of at most LOCK_LIMIT (read_regular_file.ts), else UserError. */
function readHolder(path: string): { holder?: LockHolder; raw: string } | undefined {
  const raw = readRegularText(path, LOCK_LIMIT);
  if (raw === undefined) return undefined;
  try {
    const h = JSON.parse(raw) as LockHolder;
    if (Number.isInteger(h.pid) && h.pid > 0 && typeof h.hostname === 'string') return { holder: h, raw };
  } catch {
    /* not a holder record */
  }
  return { raw };
}

/** true when a process with this pid exists on this host. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function describe(h: LockHolder): string {
  return `pid ${h.pid} on host ${h.hostname}, started ${h.startedAt}${h.command ? `: ${h.command}` : ''}`;
}

/** Who holds DIR's lock, if a live process (this host) or a process on another host does. */
export function lockHolder(dir: string): LockHolder | undefined {
  const r = readHolder(join(dir, LOCK));
  if (!r?.holder) return undefined;
  if (r.holder.hostname === hostname() && !pidAlive(r.holder.pid)) return undefined;
  return r.holder;
}

/** lock path -> the exact record we wrote (release checks it is still ours) */
const held = new Map<string, string>();
let exitHook = false;

/**
 * Take DIR's lock (DIR must exist). `what` names the command in messages (e.g. '--out').
 * `log` receives the takeover message of a stale lock.
 */
export function acquireDirLock(dir: string, command: string, log: (msg: string) => void, what = '--out'): DirLock {
  const path = join(dir, LOCK);
  const me: LockHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() };
  const text = `${JSON.stringify(me)}\n`;
  const tmp = tmpName(path);
  try {
    writeFileSync(tmp, text);
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(tmp, path);
        return makeLock(path, me, text);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      const cur = readHolder(path);
      if (!cur) continue; // released meanwhile: try again
      const removeHint = `remove it with: rm ${shellQuote(path)}`;
      if (!cur.holder) {
        throw new UserError(`${what}: '${dir}' has a lock file ${LOCK} that is not a rramsim lock record; if no rramsim command is using this directory, ${removeHint}`, what);
      }
      const h = cur.holder;
      if (h.hostname !== me.hostname) {
        throw new UserError(
          `${what}: '${dir}' is locked by ${describe(h)}; a process on another host cannot be checked from here. ` +
            `If no rramsim command on ${h.hostname} is using this directory any more, ${removeHint}; or choose another ${what}`,
          what,
        );
      }
      if (pidAlive(h.pid)) {
        throw new UserError(
          `${what}: '${dir}' is in use by another rramsim command (${describe(h)}); wait for it to finish, or choose another ${what}. ` +
            `(If pid ${h.pid} is not rramsim, the lock is stale: ${removeHint})`,
          what,
        );
      }
      // stale: same host, dead pid. Serialise the takeover so two newcomers cannot both win.
      const guard = `${path}.takeover`;
      try {
        mkdirSync(guard);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        throw new UserError(`${what}: '${dir}': another rramsim command is taking over its stale lock right now; choose another ${what} or try again (if this persists, remove ${shellQuote(guard)})`, what);
      }
      try {
        const again = readHolder(path);
        if (again && again.raw === cur.raw) {
          unlinkSync(path);
          log(`lock: took over the stale lock of '${dir}' (${describe(h)}: that process no longer exists)`);
        }
      } finally {
        rmdirSync(guard);
      }
    }
    throw new UserError(`${what}: could not lock '${dir}' (another rramsim command keeps taking it); choose another ${what}`, what);
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      /* linked and unlinked, or never written */
    }
  }
}

function makeLock(path: string, holder: LockHolder, text: string): DirLock {
  held.set(path, text);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const [p, t] of held) releasePath(p, t);
    });
  }
  let released = false;
  return {
    path,
    holder,
    release() {
      if (released) return;
      released = true;
      releasePath(path, text);
      held.delete(path);
    },
  };
}

/** Unlink the lock only if it still holds our record (never someone else's lock). */
function releasePath(path: string, text: string): void {
  try {
    if (readRegularText(path, LOCK_LIMIT) === text) unlinkSync(path);
  } catch {
    /* gone already */
  }
}
