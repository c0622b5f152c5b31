/**
 * The package as a user gets it: `npm pack` this checkout (its build, dist/), `npm install` the
 * tarball into an empty temporary directory (dependencies from the registry; the install script
 * builds the native backend or falls back to wasm), then run the library example of the
 * installed README.md there: it must exit 0 and print an accuracy well above chance.
 * Slow (minutes: npm install from the registry and the native build), so it is not part of
 * `npm test`: it runs with RRAMSIM_PACKED=1 or RRAMSIM_LONG=1 (`.ci/run` runs it after the suite),
 * else one SKIP line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureLibraryBuilt, ROOT } from './library_build.js';
import { printedAccuracies, readmeExample, runExample } from './readme_example.js';

const on = (v: string | undefined) => (v ?? '') !== '' && v !== '0';
const long = on(process.env.RRAMSIM_PACKED) || on(process.env.RRAMSIM_LONG);
if (!long) process.stderr.write('SKIP test/api/packed_install.test.ts: slow (npm pack + npm install from the registry); runs with RRAMSIM_PACKED=1 (.ci/run does) or RRAMSIM_LONG=1\n');

const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 1_200_000, env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } });

describe.skipIf(!long)('packed install', () => {
  it('npm pack, npm install the tarball in an empty directory, run the README example there', () => {
    ensureLibraryBuilt();
    const work = mkdtempSync(join(tmpdir(), 'rramsim-pack-'));
    try {
      // the build is already there (npm test builds first): pack it without running prepare again
      npm(['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
      const tgz = readdirSync(work).find((f) => /^rramsim-.*\.tgz$/.test(f));
      expect(tgz, 'npm pack wrote no rramsim-*.tgz').toBeDefined();
      const app = join(work, 'app');
      execFileSync('mkdir', [app]);
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'rramsim-user', version: '1.0.0', private: true, type: 'module' }));
      npm(['install', join(work, tgz!)], app);
      const installed = join(app, 'node_modules', 'rramsim');
      const code = readmeExample(readFileSync(join(installed, 'README.md'), 'utf8'));
      const r = runExample(app, code, 1_200_000);
      expect(r.code, r.stderr).toBe(0);
      const acc = printedAccuracies(r.stdout);
      expect(acc.length, r.stdout).toBeGreaterThan(0);
      expect(acc[0], r.stdout).toBeGreaterThan(0.5);
      process.stderr.write(`packed install (${tgz}): README example printed\n${r.stdout}`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 2_400_000);
});
