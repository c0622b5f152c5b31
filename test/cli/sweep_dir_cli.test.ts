// Sweep-directory safety through the real CLI (child processes, fake runner): two sweeps on one
// --out at once, the shard-resume probe, SIGTERM, shell-quoted hints that really run, merge and
// --out errors as one line, `list` with ANSI escapes, `reproduce` under another kernel backend,
// a directory from someone else (files linking out, /dev/zero, a FIFO) under a memory cap.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../sim/sweep/manifest.js';
import { readRecords, tmp } from '../sweep/helpers.js';
import { CLI, cli, cliAsync, ensureBuilt, exited, FAKE_RUNNER_PATH, lineCount, ROOT, waitFor, writeJson } from './cli_helpers.js';

const FAKE = { RRAMSIM_RUNNER: FAKE_RUNNER_PATH };
const grid = { name: 'dirtest', method: ['unaware', 'fat', 'ittrna'], defects: { rate: [0, 0.1, 0.2, 0.3] }, seed: [0, 1] };
const LOCK = '.rramsim.lock';

beforeAll(() => ensureBuilt());

/** one line on stderr, starting with 'rramsim: ', no stack trace */
function oneLine(stderr: string): string {
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trim().split('\n')).toHaveLength(1);
  expect(stderr).not.toMatch(/\n\s+at /);
  return stderr.trim();
}

describe('sweep directory safety (child process)', () => {
  it('a second sweep on a running --out exits 2 naming the holder; the first run loses and mixes nothing', async () => {
    const dir = tmp();
    const a = writeJson(join(dir, 'a.json'), grid);
    const b = writeJson(join(dir, 'b.json'), { ...grid, name: 'other', seed: [7] });
    const out = join(dir, 'x');
    // the first sweep finishes one point, then waits at the gate until the probes are done
    const gate = join(dir, 'gate');
    const child = cliAsync(['sweep', a, '--out', out, '--workers', '1'], { ...FAKE, FAKE_GATE: gate });
    const done = exited(child);
    await waitFor(() => lineCount(join(out, 'results.jsonl')) >= 1);
    for (const args of [['sweep', b, '--out', out], ['sweep', a, '--out', out, '--resume'], ['merge', out, '--out', out]]) {
      expect(child.exitCode).toBeNull();
      const r = cli(args, FAKE);
      expect(r.code, args.join(' ')).toBe(2);
      expect(oneLine(r.stderr)).toContain(`is in use by another rramsim command (pid ${child.pid} on host ${hostname()}`);
    }
    writeFileSync(gate, '');
    const first = await done;
    expect(first.code).toBe(0);
    const recs = readRecords(out);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(recs).toHaveLength(24);
    expect(new Set(recs.map((r) => r.configHash))).toEqual(new Set([m.configHash]));
    expect(recs.map((r) => r.pointHash).sort()).toEqual(m.expectedPoints.map((e) => e.pointHash).sort());
    expect(existsSync(join(out, LOCK))).toBe(false);
    // afterwards the other config is still refused: one directory, one config
    const again = cli(['sweep', b, '--out', out], FAKE);
    expect(again.code).toBe(2);
    expect(oneLine(again.stderr)).toMatch(/holds a sweep of another config \(hash [0-9a-f]{16}, this config [0-9a-f]{16}\)/);
    expect(readRecords(out)).toHaveLength(24);
  });

  it('the probe: sweep, then --resume --shard 0/2 on the same --out keeps all lines', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'q');
    expect(cli(['sweep', config, '--out', out], FAKE).code).toBe(0);
    const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
    const r = cli(['sweep', config, '--out', out, '--resume', '--shard', '0/2'], FAKE);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('sweep: 12 of 12 points ok, 0 failed (0 run now)');
    expect(readFileSync(join(out, 'results.jsonl'), 'utf8')).toBe(before);
    expect(lineCount(join(out, 'results.jsonl'))).toBe(24);
  });

  it('SIGTERM: exit 130, lock released, and the printed resume command (shell-quoted) runs as printed', async () => {
    const dir = join(tmp(), `it's a $HOME \`dir\``);
    mkdirSync(dir);
    const config = writeJson(join(dir, 'my config.json'), grid);
    const out = join(dir, 'out $x');
    // one point finishes, the rest wait at a gate that never opens: SIGTERM always lands mid-sweep
    const child = cliAsync(['sweep', config, '--out', out, '--workers', '1'], { ...FAKE, FAKE_GATE: join(dir, 'never') });
    const done = exited(child);
    await waitFor(() => lineCount(join(out, 'results.jsonl')) >= 1);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(130);
    expect(existsSync(join(out, LOCK))).toBe(false);
    // the interrupted sweep (manifest finishedAt null) still gets a report
    const rep = cli(['report', out]);
    expect(rep.code).toBe(0);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('not finished (interrupted, or still running)');
    const hint = /continue with: (.*)\n/.exec(r.stderr)![1];
    expect(hint.startsWith('rramsim sweep ')).toBe(true);
    // run the hint through bash exactly as a user would paste it
    const sh = spawnSync('bash', ['-c', `rramsim() { "${process.execPath}" "${CLI}" "$@"; }\n${hint}`], { env: { ...process.env, ...FAKE }, encoding: 'utf8' });
    expect(sh.stderr).toContain('sweep: 24 of 24 points ok');
    expect(sh.status).toBe(0);
    expect(readRecords(out)).toHaveLength(24);
    // the manifest's command is quoted the same way
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.command).toContain(`'${out.replace(/'/g, `'\\''`)}'`);
  });

  it('merge --out FILE, --out empty, a read-only --out and conflicting shards are one-line exit-2 errors', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const s0 = join(dir, 's0');
    const s1 = join(dir, 's1');
    expect(cli(['sweep', config, '--out', s0, '--shard', '0/2'], FAKE).code).toBe(0);
    expect(cli(['sweep', config, '--out', s1, '--shard', '1/2'], FAKE).code).toBe(0);
    const file = join(dir, 'merged.txt');
    writeFileSync(file, 'x');
    const f = cli(['merge', s0, s1, '--out', file]);
    expect(f.code).toBe(2);
    expect(oneLine(f.stderr)).toMatch(/^rramsim: --out: '.*merged\.txt' exists and is not a directory/);
    const e = cli(['merge', s0, s1, '--out', '']);
    expect(e.code).toBe(2);
    expect(oneLine(e.stderr)).toMatch(/^rramsim: --out: got an empty path/);
    const se = cli(['sweep', config, '--out', ''], FAKE);
    expect(se.code).toBe(2);
    expect(oneLine(se.stderr)).toMatch(/^rramsim: --out: got an empty path/);
    // root ignores permission bits: sysfs refuses everyone
    const ro = process.getuid?.() === 0 ? '/sys/rramsim-ro-test' : (() => {
      const p = join(dir, 'ro');
      mkdirSync(p, { mode: 0o555 });
      return join(p, 'out');
    })();
    for (const args of [['merge', s0, s1, '--out', ro], ['sweep', config, '--out', ro]]) {
      const r = cli(args, FAKE);
      expect(r.code, args[0]).toBe(2);
      // as root: sysfs, refused by name as a pseudo file system
      expect(oneLine(r.stderr)).toMatch(/^rramsim: (permission denied \(E(ACCES|PERM), mkdir\) '|--out: '\/sys\/rramsim-ro-test' is on the sysfs pseudo file system)/);
    }
    // a shard that disagrees on one point
    const recs = readRecords(s1);
    recs[0].metrics!.accuracy += 2 ** -40;
    const s1b = join(dir, 's1b');
    mkdirSync(s1b);
    writeFileSync(join(s1b, 'manifest.json'), readFileSync(join(s1, 'manifest.json')));
    writeFileSync(join(s1b, 'results.jsonl'), recs.map((x) => `${JSON.stringify(x)}\n`).join(''));
    const c = cli(['merge', s0, s1, s1b, '--out', join(dir, 'm')]);
    expect(c.code).toBe(2);
    expect(c.stderr).toContain(`${recs[0].pointHash}: '${s1}' (accuracy`);
    expect(c.stderr).toContain(`vs '${s1b}'`);
    expect(c.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'm', 'results.jsonl'))).toBe(false);
    const p = cli(['merge', s0, s1, s1b, '--out', join(dir, 'm'), '--prefer', s1b]);
    expect(p.code).toBe(0);
    expect(p.stderr).toContain(`kept the record of '${s1b}' (--prefer)`);
  });

  it('a directory from someone else: report and --resume refuse a results.jsonl linking to a secret, report refuses a manifest linking to /dev/zero or a FIFO, under a 1.5 GB memory cap', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'd');
    expect(cli(['sweep', config, '--out', out], FAKE).code).toBe(0);
    const secret = join(dir, 'secret');
    writeFileSync(secret, 'TOP-SECRET-ssh-key-7f3a\n{"torn":\n');
    rmSync(join(out, 'report.html'));
    const results = readFileSync(join(out, 'results.jsonl'));
    // run the CLI with its address space capped: a read of /dev/zero fails instead of filling memory
    const capped = (args: string[]) => {
      const r = spawnSync('sh', ['-c', 'ulimit -v 1500000; exec "$0" "$@"', process.execPath, CLI, ...args], {
        cwd: ROOT,
        env: { ...process.env, ...FAKE },
        encoding: 'utf8',
        timeout: 60_000,
      });
      return { code: r.status, stderr: r.stderr };
    };
    renameSync(join(out, 'results.jsonl'), join(dir, 'results.keep'));
    symlinkSync(secret, join(out, 'results.jsonl'));
    for (const args of [['report', out], ['sweep', config, '--out', out, '--resume']]) {
      const r = capped(args);
      expect(r.code, args[0]).toBe(2);
      expect(oneLine(r.stderr), args[0]).toBe(
        `rramsim: results.jsonl: '${join(out, 'results.jsonl')}' is a symbolic link; files read from a sweep directory must be regular files inside it (not links to elsewhere, pipes or devices): replace it with the file itself or remove it`,
      );
    }
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(existsSync(join(out, 'results.rejected.jsonl'))).toBe(false);
    expect(readFileSync(secret, 'utf8')).toBe('TOP-SECRET-ssh-key-7f3a\n{"torn":\n');
    rmSync(join(out, 'results.jsonl'));
    renameSync(join(dir, 'results.keep'), join(out, 'results.jsonl'));

    rmSync(join(out, 'manifest.json'));
    symlinkSync('/dev/zero', join(out, 'manifest.json'));
    const z = capped(['report', out]);
    expect(z.code).toBe(2);
    expect(oneLine(z.stderr)).toMatch(/^rramsim: manifest\.json: '.*manifest\.json' is a symbolic link;/);
    rmSync(join(out, 'manifest.json'));
    execFileSync('mkfifo', [join(out, 'manifest.json')]);
    const f = capped(['report', out]);
    expect(f.code).toBe(2);
    expect(oneLine(f.stderr)).toMatch(/^rramsim: manifest\.json: '.*manifest\.json' is a FIFO \(named pipe\);/);
    expect(existsSync(join(out, 'report.html'))).toBe(false);
    expect(readFileSync(join(out, 'results.jsonl'))).toEqual(results);
  });

  it('list escapes control characters (ANSI) of the description instead of sending them to the terminal', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), { ...grid, description: 'evil \u001b[2J\u001b]0;pwned\u0007 text\r\nmore' });
    const r = cli(['list', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    expect(r.stdout.split('\n')[0]).toContain('evil \\x1b[2J\\x1b]0;pwned\\x07 text\\x0d\\nmore');
  });

  it('records carry the kernel backend; reproduce under another backend says so; older records count as wasm', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), { ...grid, method: ['unaware'], seed: [0] });
    const out = join(dir, 'out');
    const env = { ...FAKE, FAKE_BACKEND_SENSITIVE: '1', RRAMSIM_BACKEND: 'wasm' };
    expect(cli(['sweep', config, '--out', out], env).code).toBe(0);
    const recs = readRecords(out);
    expect(recs.every((r) => r.env?.backend === 'wasm' && r.env.node === process.version)).toBe(true);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.env).toMatchObject({ backend: 'wasm', node: process.version, wasm: { kernels: expect.stringMatching(/^[0-9a-f]{16}$/) } });
    const ts = cli(['reproduce', out, '--all'], { ...env, RRAMSIM_BACKEND: 'ts' });
    expect(ts.code).toBe(4);
    const note = 'recorded with backend wasm, re-run with ts: results are bit-identical only within one numeric contract (native = wasm; ts differs); run with RRAMSIM_BACKEND=wasm';
    expect(ts.stderr).toContain(`reproduce: warning: 4 point(s) ${note}`);
    expect(ts.stderr).toMatch(new RegExp(`MISMATCH point [0-9a-f]+ .*metrics\\.accuracy recorded [\\d.]+, re-run [\\d.]+ \\(${note.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    expect(cli(['reproduce', out, '--all'], env).code).toBe(0);
    // native and wasm share one numeric contract: no warning, no mismatch
    const native = cli(['reproduce', out, '--all'], { ...env, RRAMSIM_BACKEND: 'native' });
    if (native.stderr.includes('native') && native.code === 2) {
      // the addon did not build on this machine: RRAMSIM_BACKEND=native is refused up front
      expect(native.stderr).toMatch(/RRAMSIM_BACKEND/);
    } else {
      expect(native.code).toBe(0);
      expect(native.stderr).not.toContain('warning');
    }
    // records written before the field existed
    writeFileSync(join(out, 'results.jsonl'), recs.map((r) => `${JSON.stringify({ ...r, env: undefined })}\n`).join(''));
    const legacy = cli(['reproduce', out, '--all'], env);
    expect(legacy.code).toBe(0);
    expect(legacy.stderr).toContain("reproduce: 4 of 4 record(s) do not say which kernel backend produced them (written before rramsim recorded it): taken as 'wasm', the default then");
  });
});
