// A full disk (ENOSPC) and unwritable outputs, by fault injection: node:fs writeSync is wrapped
// so that, once armed, every write fails with ENOSPC. The sweep stops with the error, every line
// already in results.jsonl stays a valid record, no *.tmp-* file is left, the lock is released,
// and --resume (disk freed) finishes with the same metrics as a clean run. The CLI turns it into
// one line, the --resume command and exit 5; permission errors into one line and exit 2. A point
// whose own writes (artefacts, cache) hit a full disk stops the sweep the same way, at once.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { planSweep, type SweepPlan } from '../../src/config/expand.js';
import { writeReport } from '../../sim/report/write_report.js';
import { describeFsError } from '../../src/util/fs_errors.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';
import { LOCK } from '../../sim/sweep/dir_lock.js';
import { runSweep, type SweepOptions } from '../../sim/sweep/run_sweep.js';
import { FAKE_RUNNER, metricsByHash, readRecords, tmp } from './helpers.js';
import { FAKE_RUNNER_PATH, ensureBuilt, writeJson } from '../cli/cli_helpers.js';

const fault = vi.hoisted(() => ({ writesLeft: Infinity, failures: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const orig = await importOriginal<typeof import('node:fs')>();
  const writeSync = ((...args: Parameters<typeof orig.writeSync>) => {
    if (fault.writesLeft <= 0) {
      fault.failures++;
      const e = new Error('ENOSPC: no space left on device, write') as NodeJS.ErrnoException;
      e.code = 'ENOSPC';
      e.syscall = 'write';
      throw e;
    }
    fault.writesLeft--;
    return orig.writeSync(...args);
  }) as typeof orig.writeSync;
  return { ...orig, default: { ...orig, writeSync }, writeSync };
});

const cfg = { name: 't', method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, defects: { rate: [0, 0.1, 0.2] }, seed: [0, 1] };
const quiet = { start() {}, current() {}, finished() {}, log() {}, stop() {} };
let plan: SweepPlan;
beforeAll(async () => {
  plan = await planSweep(cfg);
});
afterEach(() => {
  fault.writesLeft = Infinity;
  fault.failures = 0;
});

function opts(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return { plan, out, workers: 1, resume: false, runnerModule: FAKE_RUNNER, inline: true, command: 'test', progress: quiet, report: false, handleSigint: false, ...extra };
}
const tmpFiles = (dir: string) => readdirSync(dir).filter((f) => f.includes('.tmp-'));

describe('disk full mid-sweep', () => {
  it('stops with ENOSPC, keeps every finished line valid, leaves no temp file, releases the lock; --resume recovers', async () => {
    const clean = tmp();
    await runSweep(opts(clean));
    const out = tmp();
    // one write each: the manifest, result 1, the manifest again (first dataset checksums), results 2..6; result 7 fails
    fault.writesLeft = 8;
    const e = await runSweep(opts(out)).catch((x: unknown) => x);
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(fault.failures).toBeGreaterThan(0);
    const partial = readRecords(out);
    expect(partial).toHaveLength(6);
    expect(tmpFiles(out)).toEqual([]);
    expect(existsSync(join(out, LOCK))).toBe(false);
    expect(describeFsError(e)).toEqual({
      exitCode: 5,
      message: 'disk full (ENOSPC) while writing: every result line written before is intact; free space, then run the same command with --resume',
    });

    fault.writesLeft = Infinity;
    const r = await runSweep(opts(out, { resume: true }));
    expect(r).toMatchObject({ total: 18, ok: 18, ran: 12 });
    expect(metricsByHash(readRecords(out))).toEqual(metricsByHash(readRecords(clean)));
  });

  it('a manifest or report write that fails removes its temp file', async () => {
    const out = tmp();
    fault.writesLeft = 0;
    await expect(runSweep(opts(out))).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(tmpFiles(out)).toEqual([]);
    expect(existsSync(join(out, 'manifest.json'))).toBe(false);
    fault.writesLeft = Infinity;
    await runSweep(opts(out, { resume: true }));
    fault.writesLeft = 0;
    await expect(writeReport(out)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(tmpFiles(out)).toEqual([]);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
  });
});

describe('disk full inside a point (an artefact or cache write in a worker)', () => {
  const withEnv = async <T>(vars: Record<string, string>, f: () => Promise<T>): Promise<T> => {
    const prev = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
    Object.assign(process.env, vars);
    try {
      return await f();
    } finally {
      for (const [k, v] of Object.entries(prev)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  };
  const allTmpFiles = (dir: string) => readdirSync(dir, { recursive: true }).map(String).filter((f) => f.includes('.tmp-'));

  it('stops the sweep at the first such point: no failed record, every line before intact, no temp file, lock released; --resume completes', async () => {
    const clean = tmp();
    await runSweep(opts(clean));
    const order = readRecords(clean).map((r) => r.point.method);
    const firstFat = order.indexOf('fat');
    expect(firstFat).toBeGreaterThan(0);
    const out = tmp();
    const e = await withEnv({ FAKE_ENOSPC_METHOD: 'fat' }, () => runSweep(opts(out)).catch((x: unknown) => x));
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
    const partial = readRecords(out);
    // exactly the points before the first fat one: nothing recorded as failed, nothing run after it
    expect(partial.map((r) => r.point.method)).toEqual(order.slice(0, firstFat));
    expect(partial.every((r) => r.status === 'ok')).toBe(true);
    expect(allTmpFiles(out)).toEqual([]);
    expect(existsSync(join(out, LOCK))).toBe(false);
    expect(existsSync(join(out, 'errors.log'))).toBe(false);
    const r = await runSweep(opts(out, { resume: true }));
    expect(r).toMatchObject({ total: 18, ok: 18, failed: 0 });
    expect(metricsByHash(readRecords(out))).toEqual(metricsByHash(readRecords(clean)));
  });

  it('the CLI with worker threads: exit 5, one line and the --resume command, which then completes', async () => {
    ensureBuilt();
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), cfg);
    const out = join(dir, 'out');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      const code = await withEnv({ RRAMSIM_RUNNER: FAKE_RUNNER_PATH, FAKE_ENOSPC_METHOD: 'lora' }, () => runCli(['sweep', config, '--out', out, '--workers', '2']));
      process.exitCode = undefined;
      expect(code).toBe(5);
      expect(lines.filter((l) => l.startsWith('rramsim:'))).toEqual([
        'rramsim: disk full (ENOSPC) while writing: every result line written before is intact; free space, then run the same command with --resume\n',
      ]);
      const hint = lines.find((l) => l.startsWith('continue with: '));
      // the user's command line, every flag (--workers too), with --resume
      expect(hint).toBe(`continue with: rramsim sweep ${config} --out ${out} --workers 2 --resume\n`);
      expect(lines.join('')).not.toMatch(/\n\s+at /);
      const partial = readRecords(out);
      expect(partial.every((r) => r.status === 'ok' && r.point.method !== 'lora')).toBe(true);
      expect(partial.length).toBeLessThan(12);
      expect(allTmpFiles(out)).toEqual([]);
      expect(existsSync(join(out, LOCK))).toBe(false);
      const again = await withEnv({ RRAMSIM_RUNNER: FAKE_RUNNER_PATH }, () => runCli(['sweep', config, '--out', out, '--workers', '2', '--resume']));
      process.exitCode = undefined;
      expect(again).toBe(0);
      expect(readRecords(out).filter((r) => r.status === 'ok')).toHaveLength(18);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('fs errors as one line', () => {
  it('the CLI prints one line and exits 5 on a full disk; --resume then completes', async () => {
    ensureBuilt();
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), cfg);
    const out = join(dir, 'out');
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    const prevRunner = process.env.RRAMSIM_RUNNER;
    process.env.RRAMSIM_RUNNER = FAKE_RUNNER_PATH;
    try {
      fault.writesLeft = 5;
      const code = await runCli(['sweep', config, '--out', out, '--workers', '1']);
      process.exitCode = undefined;
      expect(code).toBe(5);
      const msg = lines.filter((l) => l.startsWith('rramsim:'));
      expect(msg).toEqual(['rramsim: disk full (ENOSPC) while writing: every result line written before is intact; free space, then run the same command with --resume\n']);
      expect(lines.filter((l) => l.startsWith('continue with: '))).toEqual([`continue with: rramsim sweep ${config} --out ${out} --workers 1 --resume\n`]);
      expect(lines.join('')).not.toMatch(/\n\s+at /);
      expect(tmpFiles(out)).toEqual([]);
      fault.writesLeft = Infinity;
      const again = await runCli(['sweep', config, '--out', out, '--workers', '1', '--resume']);
      process.exitCode = undefined;
      expect(again).toBe(0);
      expect(readRecords(out)).toHaveLength(18);
    } finally {
      spy.mockRestore();
      if (prevRunner === undefined) delete process.env.RRAMSIM_RUNNER;
      else process.env.RRAMSIM_RUNNER = prevRunner;
    }
  });

  it('permission, read-only and not-a-directory errors are exit 2; unknown errors stay bugs', () => {
    const err = (code: string, path: string, syscall = 'mkdir') => Object.assign(new Error(code), { code, path, syscall });
    expect(describeFsError(err('EACCES', '/data/out'))).toEqual({
      exitCode: 2,
      message: "permission denied (EACCES, mkdir) '/data/out': choose a directory you can write (--out) or fix its permissions",
    });
    expect(describeFsError(err('EROFS', '/mnt/ro/x', 'open'))).toEqual({ exitCode: 2, message: "read-only file system (EROFS, open) '/mnt/ro/x': choose a writable --out" });
    expect(describeFsError(err('EPERM', '/sys/x'))?.exitCode).toBe(2);
    expect(describeFsError(err('ENOTDIR', '/a/file/b'))?.exitCode).toBe(2);
    expect(describeFsError(err('EDQUOT', '/q', 'write'))?.exitCode).toBe(5);
    expect(describeFsError(new Error('plain bug'))).toBeUndefined();
    expect(describeFsError(err('ENOENT', '/x', 'open'))).toBeUndefined();
  });

  it('an unwritable --out fails before any point runs', async () => {
    // root ignores permission bits: use a directory the kernel refuses to anyone (sysfs), else a chmod 0555 one
    let out: string;
    if (process.getuid?.() === 0) out = '/sys/rramsim-unwritable-test';
    else {
      const parent = tmp();
      mkdirSync(join(parent, 'ro'));
      const { chmodSync } = await import('node:fs');
      chmodSync(join(parent, 'ro'), 0o555);
      out = join(parent, 'ro', 'out');
    }
    const e = await runSweep(opts(out)).catch((x: unknown) => x);
    if (process.getuid?.() === 0) {
      // sysfs is refused by name before any mkdir (a pseudo file system: src/util/special_fs.ts)
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toBe(`--out: '${out}' is on the sysfs pseudo file system, where no results can be written; choose a directory on a disk`);
    } else {
      const d = describeFsError(e);
      expect(d?.exitCode).toBe(2);
      expect(d?.message).toMatch(/^permission denied \(E(ACCES|PERM), mkdir\) '/);
    }
    expect(existsSync(out)).toBe(false);
  });

  it('--out under a file, or on a file system that refuses mkdir (/proc: Node\'s recursive mkdir would loop), is exit 2', async () => {
    const { writeFileSync } = await import('node:fs');
    const f = join(tmp(), 'file');
    writeFileSync(f, 'x');
    const under = describeFsError(await runSweep(opts(join(f, 'sub'))).catch((x: unknown) => x));
    expect(under).toEqual({ exitCode: 2, message: `not a directory (ENOTDIR, stat) '${join(f, 'sub')}': a part of the path is a file; choose another --out` });
    // /proc is refused by name before any mkdir (where Node's recursive mkdir would loop and the lock file fail)
    const proc = await runSweep(opts('/proc/rramsim-no-such/out')).catch((x: unknown) => x);
    expect(proc).toBeInstanceOf(UserError);
    expect((proc as Error).message).toBe("--out: '/proc/rramsim-no-such/out' is on the proc pseudo file system, where no results can be written; choose a directory on a disk");
    expect(describeFsError(Object.assign(new Error('x'), { code: 'ENOENT', syscall: 'mkdir', path: '/proc/x' }))?.exitCode).toBe(2);
  });
});
