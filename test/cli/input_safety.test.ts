// Input safety and early errors, through the real CLI (child processes):
// a config must not read files outside its directory tree / the working directory, devices,
// or huge files, and errors quote no file content; late errors become exit 2 before any work.
import { existsSync, mkdirSync, mkdtempSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, writeJson } from './cli_helpers.js';
import { writeSmallIdxDir } from '../data/fixtures.js';

const SECRET = 'root:$6$saltsaltsalt$hashhashhashhashhash:19000:0:99999:7:::';
let T: string;
let cfgDir: string;
let cache: string;

function fileConfig(file: string, extra: Record<string, unknown> = {}): string {
  return writeJson(join(cfgDir, `c${Math.random().toString(36).slice(2)}.json`), {
    method: 'unaware',
    trainLimit: 100,
    train: { epochs: 1 },
    defects: { rate: 0.1, distribution: 'file', file },
    ...extra,
  });
}

function noLeak(r: { stdout: string; stderr: string }): void {
  expect(r.stderr + r.stdout).not.toContain('hashhash');
  expect(r.stderr + r.stdout).not.toContain('saltsalt');
  expect(r.stderr).not.toMatch(/\n\s+at /);
}

beforeAll(() => {
  ensureBuilt();
  T = mkdtempSync(join(tmpdir(), 'rramsim-safety-'));
  cfgDir = join(T, 'cfg');
  mkdirSync(cfgDir);
  mkdirSync(join(T, 'secret'));
  writeFileSync(join(T, 'secret', 'shadow'), `${SECRET}\n`);
  cache = join(T, 'cache');
});

describe('defects.file is confined and bounded', () => {
  it('a file outside the config tree and the working directory is refused (exit 2), nothing of it shown or written', () => {
    const out = join(T, 'out-outside');
    const r = cli(['sweep', fileConfig('../secret/shadow'), '--out', out], {}, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/defects\.file: '\.\.\/secret\/shadow' resolves to .*outside the config's directory/);
    expect(r.stderr).toContain('--allow-path');
    noLeak(r);
    expect(existsSync(out)).toBe(false);
    // an absolute path too, and from `list` and `run`
    const l = cli(['list', fileConfig(join(T, 'secret', 'shadow'))], {}, cfgDir);
    expect(l.code).toBe(2);
    noLeak(l);
    const run = cli(['run', '--defects.rate', '0.1', '--defects.distribution', 'file', '--defects.file', join(T, 'secret', 'shadow')], {}, cfgDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/outside/);
    noLeak(run);
  });

  it('--allow-path admits the directory; the parse error then quotes at most the cut offending token', () => {
    const r = cli(['sweep', fileConfig('../secret/shadow'), '--allow-path', join(T, 'secret'), '--out', join(T, 'out-allowed')], { RRAMSIM_CACHE_DIR: cache }, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/line 1: 'root:\$6\$salt…' is not a cell state/);
    noLeak(r);
  });

  it('/dev/zero and other devices are refused as not regular files, even when allowed', () => {
    const r = cli(['list', fileConfig('/dev/zero'), '--allow-path', '/dev'], {}, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'\/dev\/zero' is not a regular file/);
    const r2 = cli(['list', fileConfig('/dev/zero')], {}, cfgDir);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(/outside/);
  });

  it('a symlink inside the config directory pointing outside is refused', () => {
    symlinkSync(join(T, 'secret', 'shadow'), join(cfgDir, 'innocent.csv'));
    const r = cli(['list', fileConfig('innocent.csv')], {}, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/'innocent\.csv' resolves to .*secret\/shadow, outside/);
    noLeak(r);
  });

  it('a file over 64 MiB is refused by size before it is read', () => {
    const big = join(cfgDir, 'big.csv');
    writeFileSync(big, '0');
    truncateSync(big, 64 * 1024 * 1024 + 1); // sparse: costs no disk
    const r = cli(['list', fileConfig('big.csv')], {}, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has 67108865 bytes; a defect map may have at most 67108864 bytes \(64 MiB\)/);
  });

  it("paths are relative to the config file's directory, recorded relative to the working directory", () => {
    mkdirSync(join(cfgDir, 'maps'), { recursive: true });
    writeFileSync(join(cfgDir, 'maps', 'ok.csv'), '0,1\n2,0\n');
    const r = cli(['list', '--json', fileConfig('maps/ok.csv', { crossbar: { tileRows: 2, tileCols: 2 } })], {}, T);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n')[0]).point.defects.file).toBe('cfg/maps/ok.csv');
  });

  it('a mis-sized defect map fails the preflight with exit 2 before any point runs', () => {
    mkdirSync(join(cfgDir, 'maps'), { recursive: true });
    writeFileSync(join(cfgDir, 'maps', 'small.csv'), '0,1\n2,0\n');
    const out = join(T, 'out-missized');
    const r = cli(['sweep', fileConfig('maps/small.csv'), '--out', out], { RRAMSIM_CACHE_DIR: cache }, cfgDir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/a map is 2x2 but crossbar tiles are 128x128/);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });
});

describe('late errors become exit 2 before any work', () => {
  it.each([
    [{ crossbar: { tileCols: 1 } }, 'crossbar.tileCols'],
    [{ crossbar: { dacBits: 1 } }, 'crossbar.dacBits'],
    [{ device: { progSigma: 10 } }, 'device.progSigma'],
    [{ defects: { rate: 0.1, distribution: 'clustered', clusters: { radius: 0 } } }, 'defects.clusters.radius'],
    [{ defects: { rate: 0.1, distribution: 'clustered', clusters: { perTile: 100000, radius: 100000 } } }, 'defects.clusters.perTile'],
  ])('%j names %s', (cfg, field) => {
    const out = join(T, `out-${field}`);
    const r = cli(['sweep', writeJson(join(T, `${field}.json`), { method: 'unaware', ...cfg }), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.stderr).toContain(field);
    expect(existsSync(out)).toBe(false);
  });

  it('RRAMSIM_BACKEND=bogus is refused before any point', () => {
    const r = cli(['run', '--trainLimit', '10'], { RRAMSIM_BACKEND: 'bogus' });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rramsim: RRAMSIM_BACKEND must be one of 'ts', 'wasm', 'native', got 'bogus'\n");
  });

  it('a truncated IDX file is named with what is wrong, before any point', () => {
    const d = writeSmallIdxDir(join(T, 'trunc'), { gzip: false });
    truncateSync(join(d, 't10k-labels-idx1-ubyte'), 12);
    const r = cli(['run', '--dataset', 'mnist', '--data-dir', d], { RRAMSIM_CACHE_DIR: cache });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t10k-labels-idx1-ubyte: truncated IDX file: header says 10 = 10 bytes of data, but only 4 follow/);
  });

  it('a gzip bomb in the data directory is cut at the expected size', () => {
    const d = writeSmallIdxDir(join(T, 'bomb'));
    writeFileSync(join(d, 't10k-labels-idx1-ubyte.gz'), gzipSync(Buffer.alloc(8 * 1024 * 1024)));
    const r = cli(['run', '--dataset', 'mnist', '--data-dir', d], { RRAMSIM_CACHE_DIR: cache });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/t10k-labels-idx1-ubyte\.gz decompresses to more than 1058584 bytes/);
  });
});
