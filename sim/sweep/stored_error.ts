/**
 * A failed point's error as results.jsonl stores it (and the report shows it), and its full trace
 * beside it in the sweep directory:
 *
 *   storedError(e) = ONE line: `<name>: <message>` (a UserError: its message alone) + ` (at <file>:<line>)`
 *                    of the first stack frame in rramsim's own code (not node_modules, not Node's
 *                    internals); newlines folded into spaces, rramsim's install path (also as a
 *                    file:// URL) made relative to the package root, at most 1000 characters.
 *                    No stack trace, and no absolute path of the machine that ran it.
 *   appendErrorLog(dir, hash, e) appends `<ISO time> point <hash>\n<full stack>\n\n` to
 *                    DIR/errors.log with ONE write on a file opened O_APPEND | O_NOFOLLOW, so the
 *                    worker threads and the main thread can all append to it without mixing lines.
 */
import { closeSync, existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeAll } from '../../src/util/atomic_write.js';
import { UserError } from '../../src/util/errors.js';
import { openAppend } from './results_file.js';

export const ERRORS_LOG = 'errors.log';
const MAX_CHARS = 1000;

/** The directory holding rramsim's package.json (this file runs from sim/sweep or dist/sim/sweep). */
function findPackageRoot(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  for (const root of [join(here, '..', '..'), join(here, '..', '..', '..')]) if (existsSync(join(root, 'package.json'))) return root;
  return join(here, '..', '..');
}
const ROOT = findPackageRoot();
const ROOT_URL = pathToFileURL(ROOT).href;

/** Paths under the package root (plain or as file:// URLs) made relative to it. */
function relativeToRoot(s: string): string {
  return s.split(`${ROOT_URL}/`).join('').split(`${ROOT}${sep}`).join('');
}

/** `file:line` of the first stack frame in rramsim's own code, relative to the package root. */
function firstOwnFrame(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const m = /^\s*at (?:.*\()?(.+?):(\d+):\d+\)?$/.exec(line);
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    if (!file.startsWith(`${ROOT}${sep}`) || file.includes(`${sep}node_modules${sep}`)) continue;
    return `${file.slice(ROOT.length + 1)}:${m[2]}`;
  }
  return undefined;
}

export function storedError(e: unknown): string {
  let text: string;
  if (e instanceof UserError) text = e.message;
  else if (e instanceof Error) {
    const at = firstOwnFrame(e.stack);
    text = `${e.name}: ${e.message}${at ? ` (at ${at})` : ''}`;
  } else text = String(e);
  const line = relativeToRoot(text).replace(/\s*[\r\n]+\s*/g, ' ').trim();
  return line.length > MAX_CHARS ? `${line.slice(0, MAX_CHARS - 1)}…` : line;
}

/** The full error (stack included) for DIR/errors.log. */
export function fullError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/** Append one entry to DIR/errors.log (one write, O_APPEND); errors (a full disk) propagate. */
export function appendErrorLog(dir: string, hash: string, full: string): void {
  const fd = openAppend(join(dir, ERRORS_LOG));
  try {
    writeAll(fd, Buffer.from(`${new Date().toISOString()} point ${hash}\n${full}\n\n`));
  } finally {
    closeSync(fd);
  }
}
