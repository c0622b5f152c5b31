/**
 * Helpers shared by the sweep-family commands: option parsing that throws UserError, the runner
 * module choice, and exit codes (see sim/main.ts).
 */
import { availableParallelism } from 'node:os';
import { backendNotice } from '../../src/kernels/backend.js';
import { UserError } from '../../src/util/errors.js';
import { EXIT_DISK_FULL } from '../../src/util/fs_errors.js';
import { shellCommand } from '../../src/util/shell_quote.js';
import { moduleUrl } from './pool.js';

export const EXIT = { ok: 0, internal: 1, badInput: 2, pointsFailed: 3, mismatch: 4, diskFull: EXIT_DISK_FULL, interrupted: 130 } as const;

export const EXIT_EPILOG =
  'Exit codes: 0 all points ok; 1 internal error (a bug); 2 bad input (config, flag or file: one message naming it); ' +
  '3 finished but some points failed (recorded with status "failed"); 4 reproduce found a mismatch; ' +
  '5 disk full or quota exceeded while writing (results written so far are intact: free space, then --resume); ' +
  '130 interrupted (Ctrl-C or SIGTERM). An output directory in use by another rramsim command, holding another config, ' +
  'or not writable is bad input (2).';

export function parseWorkers(v: unknown): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new UserError(`--workers: got '${String(v)}'; allowed: an integer in [1, 1024] (default: number of cores, ${availableParallelism()})`, '--workers');
  }
  return n;
}

/** Runner module override for tests and experiments (env RRAMSIM_RUNNER: a module path exporting runPoint). */
export function runnerFromEnv(): string | undefined {
  const r = process.env.RRAMSIM_RUNNER;
  return r ? moduleUrl(r) : undefined;
}

/** This invocation as a shell command a user can paste (every argument shell-quoted). */
export function commandLine(): string {
  return shellCommand(['rramsim', ...process.argv.slice(2)]);
}

/** `--allow-path DIR` (repeatable): extra directories a config may read defects.file from. */
export const ALLOW_PATH_OPTION = {
  type: 'string',
  array: true,
  describe: "directory a config's defects.file may come from besides the config's directory and the working directory (repeatable)",
} as const;

/** The --allow-path values as a list of non-empty strings. */
export function parseAllowPaths(v: unknown): string[] {
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.map((x) => {
    if (typeof x !== 'string' || x === '') throw new UserError(`--allow-path: got '${String(x)}'; allowed: a directory path`, '--allow-path');
    return x;
  });
}

/** Print a plan's warnings (e.g. a very large grid) to stderr. */
export function printWarnings(warnings: readonly string[]): void {
  for (const w of warnings) process.stderr.write(`rramsim: ${w}\n`);
}

/** The one-line note that the native addon is not active though this CPU can run it (src/kernels/backend.ts). */
export function printBackendNotice(): void {
  const note = backendNotice();
  if (note) process.stderr.write(`rramsim: ${note}\n`);
}
