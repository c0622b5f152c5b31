// Outputs never destroy what rramsim did not make, through the real CLI: `report --out`, `import
// --out`, `train --out` replace only a file of their own kind (or anything with --force), never a
// device, never create a missing parent directory; an --out on a pseudo file system (/proc, /sys,
// /dev) is exit 2 with one line, for sweep, merge, run and the file outputs alike.
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { tmp } from '../sweep/helpers.js';
import { cli, ensureBuilt, FAKE_RUNNER_PATH, ROOT, writeJson } from './cli_helpers.js';

const MLP_ONNX = join(ROOT, 'test', 'fixtures', 'onnx', 'mlp.onnx');
const FAKE = { RRAMSIM_RUNNER: FAKE_RUNNER_PATH };

beforeAll(() => ensureBuilt());

function oneLine(r: { code: number | null; stderr: string }, code = 2): void {
  expect(r.code, r.stderr).toBe(code);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  expect(r.stderr).not.toContain('internal error');
}

describe('report --out', () => {
  it('replaces its own report (DIR/report.html again, or --out), not a file it did not write; --force does', () => {
    const d = tmp();
    const dir = join(d, 'sweep');
    mkdirSync(dir);
    writeSyntheticSweep(dir, { methods: ['ideal', 'fat'], rates: [0.1], seeds: [1] });
    expect(cli(['report', dir]).code).toBe(0);
    const again = cli(['report', dir]);
    expect(again.code, again.stderr).toBe(0); // its own DIR/report.html
    const mine = join(d, 'notes.html');
    writeFileSync(mine, '<html>my notes</html>\n');
    const r = cli(['report', dir, '--out', mine]);
    oneLine(r);
    expect(r.stderr).toBe(`rramsim: --out: '${mine}' exists and is a file, not a report rramsim wrote; add --force to replace it, or choose another --out\n`);
    expect(readFileSync(mine, 'utf8')).toBe('<html>my notes</html>\n');
    const f = cli(['report', dir, '--out', mine, '--force']);
    expect(f.code, f.stderr).toBe(0);
    expect(readFileSync(mine, 'utf8')).toContain('<title>rramsim report: ');
    expect(cli(['report', dir, '--out', mine]).code).toBe(0); // now it is a report rramsim wrote
    expect(readdirSync(d).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a foreign DIR/report.html is refused too; a symlink is replaced (with --force), never written through', () => {
    const d = tmp();
    const dir = join(d, 'sweep');
    mkdirSync(dir);
    writeSyntheticSweep(dir, { methods: ['ideal'], rates: [0.1], seeds: [1] });
    writeFileSync(join(dir, 'report.html'), 'hand-written\n');
    oneLine(cli(['report', dir]));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe('hand-written\n');
    const target = join(d, 'target.txt');
    writeFileSync(target, 'keep me\n');
    const link = join(d, 'link.html');
    symlinkSync(target, link);
    oneLine(cli(['report', dir, '--out', link]));
    expect(cli(['report', dir, '--out', link, '--force']).code).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('keep me\n');
    expect(lstatSync(link).isFile()).toBe(true);
  });

  it('a missing directory is named and not created; /dev/null and /proc are refused even with --force', () => {
    const d = tmp();
    writeSyntheticSweep(d, { methods: ['ideal'], rates: [0.1], seeds: [1] });
    const r = cli(['report', d, '--out', join(d, 'a', 'b', 'r.html')]);
    oneLine(r);
    expect(r.stderr).toContain(`--out: directory '${join(d, 'a', 'b')}' does not exist; create it first`);
    expect(existsSync(join(d, 'a'))).toBe(false);
    for (const out of ['/dev/null', '/proc/r.html', '/sys/r.html']) {
      const s = cli(['report', d, '--out', out, '--force']);
      oneLine(s);
      expect(s.stderr).toMatch(/pseudo file system/);
    }
  });
});

describe('a sweep never replaces a report.html it did not write', () => {
  it('the results are written, the foreign report.html is kept, exit 2 says why', () => {
    const d = tmp();
    const cfg = writeJson(join(d, 'tiny.json'), { name: 'tiny', method: ['unaware'], defects: { rate: [0, 0.1] }, seed: [0] });
    const out = join(d, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'report.html'), 'hand-written\n');
    const r = cli(['sweep', cfg, '--out', out], FAKE);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(`rramsim: report not written (results are complete in ${out}): DIR/report.html: '${join(out, 'report.html')}' exists and is a file, not a report rramsim wrote`);
    expect(r.stderr).not.toContain('internal error');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toBe('hand-written\n');
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
  });
});

describe('import --out and train --out', () => {
  it('import: a missing parent directory is exit 2 naming it, nothing created', () => {
    const d = tmp();
    const r = cli(['import', MLP_ONNX, '--out', join(d, 'x', 'desc.json')]);
    oneLine(r);
    expect(r.stderr).toContain(`--out: directory '${join(d, 'x')}' does not exist`);
    expect(existsSync(join(d, 'x'))).toBe(false);
  });

  it('train: a file it did not write is refused before training (unchanged); its own result is replaced', () => {
    const d = tmp();
    const foreign = join(d, 'notes.json');
    writeFileSync(foreign, '{"mine": 1}\n');
    const r = cli(['train', '--limit', '100', '--epochs', '1', '--out', foreign]);
    oneLine(r);
    expect(r.stdout).toBe(''); // refused before anything was trained or printed
    expect(readFileSync(foreign, 'utf8')).toBe('{"mine": 1}\n');
    const own = join(d, 'r.json');
    expect(cli(['train', '--limit', '100', '--epochs', '1', '--out', own]).code).toBe(0);
    const again = cli(['train', '--limit', '100', '--epochs', '1', '--seed', '1', '--out', own]);
    expect(again.code, again.stderr).toBe(0);
    expect((JSON.parse(readFileSync(own, 'utf8')) as { config: { seed: number } }).config.seed).toBe(1);
    oneLine(cli(['train', '--limit', '100', '--epochs', '1', '--out', join(d, 'no', 'r.json')]));
    expect(existsSync(join(d, 'no'))).toBe(false);
  });
});

describe('train with its default output under a dangling reports/ link', () => {
  it('is refused before training (exit 2, one line naming the link), nothing created through it', () => {
    const d = tmp();
    symlinkSync(join(d, 'gone'), join(d, 'reports'));
    const r = cli(['train', '--limit', '100', '--epochs', '1'], {}, d);
    oneLine(r);
    expect(r.stderr).toContain('is a symbolic link to a missing directory');
    expect(r.stdout).toBe(''); // nothing trained or printed
    expect(existsSync(join(d, 'gone'))).toBe(false);
    // a plain missing reports/ is still created
    const d2 = tmp();
    const ok = cli(['train', '--limit', '100', '--epochs', '1'], {}, d2);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readdirSync(join(d2, 'reports')).length).toBe(1);
  });
});

describe('--out on a pseudo file system is exit 2, one line', () => {
  it('sweep --out /proc, /proc/x, /sys, /dev, /dev/null; merge --out /proc; run --cache-dir /proc/x', () => {
    const d = tmp();
    const cfg = writeJson(join(d, 'tiny.json'), { name: 'tiny', method: ['unaware'], defects: { rate: [0, 0.1] }, seed: [0] });
    for (const out of ['/proc', '/proc/x', '/sys', '/dev', '/dev/null']) {
      const r = cli(['sweep', cfg, '--out', out], FAKE);
      oneLine(r);
      expect(r.stderr, out).toMatch(/^rramsim: --out: '.*' (is on the .* pseudo file system|exists and is not a directory)/);
    }
    const sweep = join(d, 'ok');
    expect(cli(['sweep', cfg, '--out', sweep], FAKE).code).toBe(0);
    const m = cli(['merge', sweep, '--out', '/proc']);
    oneLine(m);
    expect(m.stderr).toContain("--out: '/proc' is on the proc pseudo file system");
    const run = cli(['run', '--cache-dir', '/proc/x'], FAKE);
    oneLine(run);
    expect(run.stderr).toContain("--cache-dir: '/proc/x' is on the proc pseudo file system");
  });
});

describe('an output named through /dev or /proc/self/fd is refused even when stdout goes to a file', () => {
  // `--out /dev/stdout --force` with stdout redirected to a file: the link /dev/stdout leads, through
  // /proc/self/fd/1, to an ordinary file, but the output would replace /dev/stdout itself (a system
  // symlink). Only the checker runs here (never an output), with its stdout redirected to a file.
  it('specialFileSystem judges the last component where it sits, not only where it leads', () => {
    const dir = tmp('rramsim-devout-');
    const sink = join(dir, 'stdout.txt');
    const probe = join(dir, 'probe.mjs');
    const mod = join(ROOT, 'dist', 'src', 'util', 'special_fs.js');
    writeFileSync(probe, `import { specialFileSystem } from ${JSON.stringify(mod)};\n` +
      `for (const p of ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', ${JSON.stringify(join(dir, 'ok.txt'))}]) process.stderr.write(p + '=' + specialFileSystem(p) + '\\n');\n`);
    const r = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(probe)} > ${JSON.stringify(sink)}`], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const got = Object.fromEntries(r.stderr.trim().split('\n').map((l) => l.split('=')));
    expect(got['/dev/stdout']).toBe('devtmpfs (/dev)');
    expect(got['/dev/fd/1']).not.toBe('undefined');
    expect(got['/proc/self/fd/1']).toBe('proc');
    expect(got[join(dir, 'ok.txt')]).toBe('undefined');
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });
});
