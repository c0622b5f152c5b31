// `npm run bench` stops loudly when a section's module does not load: the built bench entry is run
// from a scratch directory holding only it (every section module absent), or beside a planted
// section module that throws at load or lacks its function; each must end with exit 1 and one
// stderr line naming the section and the cause, and print no table.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, ensureBuilt } from '../cli/cli_helpers.js';

let dir: string;
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'rramsim-bench-load-'));
  copyFileSync(join(ROOT, 'dist', 'sim', 'bench', 'main.js'), join(dir, 'main.js'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function bench(section: string) {
  const r = spawnSync(process.execPath, [join(dir, 'main.js'), section], { encoding: 'utf8', timeout: 60_000 });
  const lines = r.stderr.split('\n').filter((l) => l.length > 0 && !l.endsWith(' …'));
  return { code: r.status, stdout: r.stdout, lines };
}

describe('bench sections that fail to load', () => {
  it('a missing section module: exit 1, one line naming the section and the module', () => {
    const r = bench('gemm');
    expect(r.code).toBe(1);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toMatch(/^bench: section 'gemm' failed to load \(\.\/gemm\.js\): .*gemm\.js/);
    expect(r.stdout).toBe('');
  });

  it('a section module that throws while loading: the error is named', () => {
    writeFileSync(join(dir, 'crossbar.js'), "throw new Error('planted load failure');\n");
    const r = bench('crossbar');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["bench: section 'crossbar' failed to load (./crossbar.js): planted load failure"]);
  });

  it('a section module without its bench function', () => {
    writeFileSync(join(dir, 'sweep.js'), 'export const other = 1;\n');
    const r = bench('sweep');
    expect(r.code).toBe(1);
    expect(r.lines).toEqual(["bench: section 'sweep' failed to load (./sweep.js): it does not export benchSweep()"]);
  });
});
