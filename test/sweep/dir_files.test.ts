// Files read from a sweep directory that came from someone else (a tarball, a shared path): each
// must be the directory's own regular file, of bounded size, or the command stops (UserError, exit
// 2) naming it before anything is read, copied or written. The probes: results.jsonl a symlink to
// a secret (report, sweep --resume, merge, reproduce), manifest.json a link to /dev/zero or
// oversized, links in cache/ and artifacts/, a symlinked lock, and appends that never follow a link.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { planSweep, type SweepPlan } from '../../src/config/expand.js';
import { writeSyntheticSweep } from '../../sim/report/synthetic_sweep.js';
import { readSweepDir } from '../../sim/report/sweep_dir.js';
import { writeReport } from '../../sim/report/write_report.js';
import { UserError } from '../../src/util/errors.js';
import { readRegularFile } from '../../src/util/read_regular_file.js';
import { runCli } from '../../sim/main.js';
import { acquireDirLock, LOCK, lockHolder } from '../../sim/sweep/dir_lock.js';
import { readManifest } from '../../sim/sweep/manifest.js';
import { mergeDirs } from '../../sim/sweep/merge_dirs.js';
import { appendLines } from '../../sim/sweep/results_file.js';
import { runSweep, type SweepOptions } from '../../sim/sweep/run_sweep.js';
import { FAKE_RUNNER, tmp } from './helpers.js';

const SECRET = 'TOP-SECRET-ssh-key-7f3a';
const cfg = { name: 'files', method: ['unaware', 'fat'], defects: { rate: [0, 0.1] }, seed: [0] };
const quiet = { start() {}, current() {}, finished() {}, log() {}, stop() {} };
let plan: SweepPlan;
beforeAll(async () => {
  plan = await planSweep(cfg);
});
afterEach(() => vi.restoreAllMocks());

function opts(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return { plan, out, workers: 1, resume: false, runnerModule: FAKE_RUNNER, inline: true, command: 'test', progress: quiet, report: false, handleSigint: false, ...extra };
}

/** A file outside every sweep directory, with a line an old --resume would have "rejected" into the directory. */
function secretFile(): string {
  const f = join(tmp(), 'secret');
  writeFileSync(f, `${SECRET}\n{"torn": \n`);
  return f;
}

/** Every byte under `dir` (following nothing), to prove the secret was copied nowhere. */
function allText(dir: string): string {
  let s = '';
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) s += readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return s;
}

function replaceWithLink(path: string, target: string): void {
  rmSync(path, { recursive: true, force: true });
  symlinkSync(target, path);
}

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<UserError> {
  const e = await (typeof p === 'function' ? Promise.resolve().then(p) : p).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(UserError);
  return e as UserError;
}

describe('report: only the directory\'s own regular files', () => {
  it('results.jsonl a symlink to a secret: refused naming the file; no report.html; the secret is nowhere', async () => {
    const dir = tmp();
    writeSyntheticSweep(dir, { methods: ['ideal', 'fat'], rates: [0.1], seeds: [1] });
    replaceWithLink(join(dir, 'results.jsonl'), secretFile());
    const e = await refusal(writeReport(dir));
    expect(e.message).toBe(`results.jsonl: '${join(dir, 'results.jsonl')}' is a symbolic link; files read from a sweep directory must be regular files inside it (not links to elsewhere, pipes or devices): replace it with the file itself or remove it`);
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
    const out = join(tmp(), 'r.html');
    await refusal(writeReport(dir, { out }));
    expect(existsSync(out)).toBe(false);
  });

  // (a link to /dev/zero and a FIFO: test/cli/sweep_dir_cli.test.ts, in a child under a memory cap)
  it('manifest.json a regular file above its limit: refused at once, nothing read', async () => {
    const dir = tmp();
    writeSyntheticSweep(dir, { methods: ['ideal'], rates: [0.1], seeds: [1] });
    // a sparse file: 501 MiB by its size, no disk used, and never read
    rmSync(join(dir, 'manifest.json'));
    writeFileSync(join(dir, 'manifest.json'), '');
    truncateSync(join(dir, 'manifest.json'), 501 * 1024 * 1024);
    expect((await refusal(() => readSweepDir(dir))).message).toBe(
      `manifest.json: '${join(dir, 'manifest.json')}' holds ${501 * 1024 * 1024} bytes, more than the ${500 * 1024 * 1024} bytes allowed for it (docs/DESIGN.md "Report and sweep directory"): not a file rramsim wrote`,
    );
    expect((await refusal(() => readManifest(dir))).message).toMatch(/^manifest\.json: .* holds 525336576 bytes, more than/);
  });

  it('artifacts/<hash> a link to a directory elsewhere, or an artefact file linking out: refused', async () => {
    const dir = tmp();
    const s = writeSyntheticSweep(dir, { methods: ['ideal', 'fat'], rates: [0.1], seeds: [1] });
    const hash = s.records[0].pointHash;
    const outside = tmp();
    writeFileSync(join(outside, 'defect_tile.json'), JSON.stringify({ secret: SECRET }));
    mkdirSync(join(dir, 'artifacts'), { recursive: true });
    replaceWithLink(join(dir, 'artifacts', hash), outside);
    expect((await refusal(writeReport(dir))).message).toMatch(new RegExp(`^artifacts/${hash}: '.*' is a symbolic link; directories inside a sweep directory must be real directories`));
    rmSync(join(dir, 'artifacts', hash));
    mkdirSync(join(dir, 'artifacts', hash));
    symlinkSync(join(outside, 'defect_tile.json'), join(dir, 'artifacts', hash, 'defect_tile.json'));
    expect((await refusal(writeReport(dir))).message).toMatch(new RegExp(`^artifacts/${hash}/defect_tile.json: '.*' is a symbolic link;`));
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  it('the directory itself may be a symlink (the user\'s choice)', async () => {
    const dir = tmp();
    writeSyntheticSweep(dir, { methods: ['ideal'], rates: [0.1], seeds: [1] });
    const link = join(tmp(), 'link');
    symlinkSync(dir, link);
    expect(await writeReport(link)).toBe(join(link, 'report.html'));
  });

  it('the reader: a regular file within its limit is read whole; one byte more is refused', () => {
    const f = join(tmp(), 'f');
    writeFileSync(f, '0123456789');
    expect(readRegularFile(f, { label: 'f', maxBytes: 10 })?.toString()).toBe('0123456789');
    expect(() => readRegularFile(f, { label: 'f', maxBytes: 9 })).toThrow(/^f: '.*' holds 10 bytes, more than the 9 bytes allowed/);
    expect(readRegularFile(join(tmp(), 'absent'), { label: 'f', maxBytes: 9 })).toBeUndefined();
  });
});

describe('sweep --resume, merge, reproduce and the lock: nothing from a link is copied', () => {
  it('--resume with results.jsonl a symlink: refused; nothing reaches results.rejected.jsonl; the target is untouched', async () => {
    const out = tmp();
    await runSweep(opts(out));
    const secret = secretFile();
    const before = readFileSync(secret, 'utf8');
    replaceWithLink(join(out, 'results.jsonl'), secret);
    const e = await refusal(runSweep(opts(out, { resume: true })));
    expect(e.message).toMatch(/^results\.jsonl: '.*results\.jsonl' is a symbolic link;/);
    expect(existsSync(join(out, 'results.rejected.jsonl'))).toBe(false);
    expect(readFileSync(secret, 'utf8')).toBe(before);
    expect(allText(out)).not.toContain(SECRET);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it('--resume with cache/ or a cache file, results.rejected.jsonl or errors.log linking out: refused before any point', async () => {
    for (const [name, target] of [['cache', 'dir'], ['cache/base-0123.f32', 'file'], ['results.rejected.jsonl', 'file'], ['errors.log', 'file'], ['artifacts', 'dir']] as const) {
      const out = tmp();
      await runSweep(opts(out));
      const lines = readFileSync(join(out, 'results.jsonl'), 'utf8');
      const elsewhere = target === 'dir' ? tmp() : secretFile();
      mkdirSync(join(out, 'cache'), { recursive: true });
      replaceWithLink(join(out, name), elsewhere);
      const e = await refusal(runSweep(opts(out, { resume: true })));
      expect(e.message, name).toMatch(new RegExp(`^${name.replace(/[.]/g, '\\.')}: '.*' is a symbolic link;`));
      expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(lines);
      if (target === 'dir') expect(readdirSync(elsewhere)).toEqual([]);
    }
  });

  it('appends never follow a link planted after the checks (O_NOFOLLOW)', () => {
    const dir = tmp();
    const secret = secretFile();
    const before = readFileSync(secret, 'utf8');
    symlinkSync(secret, join(dir, 'results.jsonl'));
    expect(() => appendLines(join(dir, 'results.jsonl'), ['{"x":1}'])).toThrow(UserError);
    expect(readFileSync(secret, 'utf8')).toBe(before);
  });

  it('merge: a source whose results.jsonl or artefact links out is refused; --out gets nothing', async () => {
    const a = tmp();
    await runSweep(opts(a, { shard: { index: 0, count: 2 } }));
    const b = tmp();
    await runSweep(opts(b, { shard: { index: 1, count: 2 } }));
    const out = join(tmp(), 'merged');
    const hash = readdirSync(join(b, 'artifacts'))[0];
    replaceWithLink(join(b, 'artifacts', hash, 'fake.json'), secretFile());
    expect((await refusal(() => mergeDirs([a, b], out, 'test'))).message).toMatch(new RegExp(`^artifacts/${hash}/fake\\.json: '.*' is a symbolic link;`));
    expect(existsSync(out)).toBe(false);
    rmSync(join(b, 'artifacts', hash, 'fake.json'));
    replaceWithLink(join(b, 'results.jsonl'), secretFile());
    expect((await refusal(() => mergeDirs([a, b], out, 'test'))).message).toMatch(/^results\.jsonl: .* is a symbolic link;/);
    expect(existsSync(out)).toBe(false);
  });

  it('reproduce: results.jsonl linking out exits 2 naming it, before any point runs', async () => {
    const out = tmp();
    await runSweep(opts(out));
    replaceWithLink(join(out, 'results.jsonl'), secretFile());
    let err = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((s) => {
      err += String(s);
      return true;
    });
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await runCli(['reproduce', out]);
    process.exitCode = undefined;
    expect(code).toBe(2);
    expect(err).toMatch(/^rramsim: results\.jsonl: '.*results\.jsonl' is a symbolic link;/);
    expect(err).not.toContain(SECRET);
  });

  it('.rramsim.lock a symlink: the lock reader refuses it (never reads the target)', () => {
    const dir = tmp();
    symlinkSync(secretFile(), join(dir, LOCK));
    expect(() => lockHolder(dir)).toThrow(/^\.rramsim\.lock: '.*' is a symbolic link;/);
    expect(() => acquireDirLock(dir, 'test', () => undefined)).toThrow(/^\.rramsim\.lock: '.*' is a symbolic link;/);
  });
});
