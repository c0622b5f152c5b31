/**
 * Tests that need something outside npm (a Debian package such as chromium, the shared MNIST
 * files, a running Slurm cluster). Rule (docs/DESIGN.md, Tests): when it is absent the tests skip
 * with ONE visible line naming what is missing and how to get it,
 *   SKIP test/report/browser.test.ts: needs Debian package 'chromium' (apt-get install chromium)
 * and under CI=true (where .ci/run installs everything) the absence is a broken set-up, so the
 * test file fails with the same message instead of skipping.
 *
 * Call at module level of the test file and pass the result to describe.skipIf / it.skipIf:
 *   const skip = requirePackage('chromium', () => existsSync('/usr/bin/chromium'));
 *   describe.skipIf(skip)('…', () => { … });
 * The line is written straight to stderr (not console.warn, which vitest prefixes with a header
 * line), once per call.
 */
import { relative } from 'node:path';
import { expect } from 'vitest';

export interface Need {
  /** what is missing, e.g. "Debian package 'chromium'" */
  what: string;
  /** how to get it, e.g. "apt-get install chromium" */
  how: string;
  /** which tests skip when only some of the file does, e.g. "Fashion-MNIST tests" (default: the whole file) */
  scope?: string;
}

/** true under CI=true (any value but '', '0' and 'false') */
export function inCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

/** the test file being collected, relative to the repo (falls back to '(test file)') */
function testFile(): string {
  const p = expect.getState().testPath;
  return p ? relative(process.cwd(), p) : '(test file)';
}

/**
 * Returns true (skip) when `present` is false, after printing one SKIP line; throws under CI=true.
 * Returns false when present.
 */
export function requireSystem(present: boolean, need: Need): boolean {
  if (present) return false;
  const where = need.scope ? `${testFile()} (${need.scope})` : testFile();
  const msg = `${where}: needs ${need.what} (${need.how})`;
  if (inCi()) throw new Error(`${msg}; it is absent under CI=true, where .ci/run must provide it`);
  process.stderr.write(`SKIP ${msg}\n`);
  return true;
}

/** requireSystem for a Debian package: `check()` says whether it is installed */
export function requirePackage(name: string, check: () => boolean, opts: { install?: string; scope?: string } = {}): boolean {
  return requireSystem(check(), { what: `Debian package '${name}'`, how: opts.install ?? `apt-get install ${name}`, scope: opts.scope });
}
