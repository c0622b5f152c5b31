/**
 * Local copy of the skip rule for tests needing a system package (the same API as
 * test/support/system_package.ts on the h12-ci branch; replace the import with that file once it
 * is merged, then delete this one). When the package is absent the tests skip with ONE visible line
 *   SKIP test/crossbar/line_resistance/spice.test.ts: needs Debian package 'ngspice' (apt-get install ngspice)
 * and under CI=true (where .ci/run installs it) the absence fails the file with the same message.
 */
import { relative } from 'node:path';
import { expect } from 'vitest';

/** true under CI=true (any value but '', '0' and 'false') */
export function inCi(): boolean {
  const v = process.env.CI;
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

function testFile(): string {
  const p = expect.getState().testPath;
  return p ? relative(process.cwd(), p) : '(test file)';
}

/** true (skip) after one SKIP line when `check()` is false; throws under CI=true; false when present */
export function requirePackage(name: string, check: () => boolean, opts: { install?: string; scope?: string } = {}): boolean {
  if (check()) return false;
  const where = opts.scope ? `${testFile()} (${opts.scope})` : testFile();
  const msg = `${where}: needs Debian package '${name}' (${opts.install ?? `apt-get install ${name}`})`;
  if (inCi()) throw new Error(`${msg}; it is absent under CI=true, where .ci/run must provide it`);
  process.stderr.write(`SKIP ${msg}\n`);
  return true;
}
