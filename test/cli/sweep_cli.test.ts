// The CLI as a real child process (node dist/sim/cli.js) with the fast deterministic fake runner
// (env RRAMSIM_RUNNER): kill -9 then --resume, SIGINT, exit codes, workers/shards invariance,
// reproduce, list, run, --help (the slurm script: test/slurm/).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../sim/sweep/manifest.js';
import { metricsByHash, readRecords, tmp } from '../sweep/helpers.js';
import { cli, cliAsync, ensureBuilt, exited, FAKE_RUNNER_PATH, lineCount, waitFor, writeJson } from './cli_helpers.js';

const FAKE = { RRAMSIM_RUNNER: FAKE_RUNNER_PATH };
const grid = { name: 'clitest', method: ['unaware', 'fat', 'ittrna'], defects: { rate: [0, 0.1, 0.2, 0.3] }, seed: [0, 1] };

beforeAll(() => ensureBuilt());

describe('rramsim sweep (child process)', () => {
  it('killed with SIGKILL mid-sweep, --resume finishes with exactly the expected points, no duplicates', async () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'out');
    const results = join(out, 'results.jsonl');
    const child = cliAsync(['sweep', config, '--out', out, '--workers', '2'], { ...FAKE, FAKE_DELAY_MS: '150' });
    const done = exited(child);
    await waitFor(() => lineCount(results) >= 5);
    child.kill('SIGKILL');
    const first = await done;
    expect(first.signal).toBe('SIGKILL');
    const partial = lineCount(results);
    expect(partial).toBeGreaterThanOrEqual(5);
    expect(partial).toBeLessThan(24);

    const again = cli(['sweep', config, '--out', out, '--workers', '2', '--resume'], FAKE);
    expect(again.stderr).toContain(`24 points, ${partial} already done`);
    expect(again.code).toBe(0);
    const recs = readRecords(out);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(recs).toHaveLength(24);
    expect(recs.map((r) => r.pointHash).sort()).toEqual(manifest.expectedPoints.map((e) => e.pointHash).sort());
    expect(manifest.finishedAt).not.toBeNull();
    expect(again.stdout).toBe(`report: ${join(out, 'report.html')}\n`);
  });

  it('a torn last line is dropped with a message and its point re-run', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'out');
    expect(cli(['sweep', config, '--out', out, '--workers', '1'], FAKE).code).toBe(0);
    const file = join(out, 'results.jsonl');
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writeFileSync(file, `${lines.slice(0, 10).join('\n')}\n${lines[10].slice(0, 40)}`);
    const r = cli(['sweep', config, '--out', out, '--resume', '--workers', '1'], FAKE);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resume: moved line 11 of .*results\.jsonl to results\.rejected\.jsonl: torn last line/);
    expect(r.stderr).toContain('24 points, 10 already done');
    expect(readRecords(out)).toHaveLength(24);
    // the torn fragment is kept verbatim beside the results, not thrown away
    const rejected = readFileSync(join(out, 'results.rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; text: string; reason: string });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatchObject({ line: 11, text: lines[10].slice(0, 40) });
  });

  it('SIGINT stops, keeps finished points, says how to resume, exits 130', async () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'out');
    const child = cliAsync(['sweep', config, '--out', out, '--workers', '2'], { ...FAKE, FAKE_DELAY_MS: '200' });
    const done = exited(child);
    await waitFor(() => lineCount(join(out, 'results.jsonl')) >= 2);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted: \d+ of 24 points done in /);
    expect(r.stderr).toContain('--resume');
    const n = readRecords(out).length;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThan(24);
  });

  it('results are identical for --workers 1 and 2, and for 2 merged shards', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const w1 = join(dir, 'w1');
    const w2 = join(dir, 'w2');
    expect(cli(['sweep', config, '--out', w1, '--workers', '1'], FAKE).code).toBe(0);
    expect(cli(['sweep', config, '--out', w2, '--workers', '2'], FAKE).code).toBe(0);
    expect(metricsByHash(readRecords(w2))).toEqual(metricsByHash(readRecords(w1)));
    const s0 = join(dir, 's0');
    const s1 = join(dir, 's1');
    expect(cli(['sweep', config, '--out', s0, '--shard', '0/2'], FAKE).code).toBe(0);
    expect(cli(['sweep', config, '--out', s1, '--shard', '1/2'], FAKE).code).toBe(0);
    const m = cli(['merge', s0, s1, '--out', join(dir, 'merged')]);
    expect(m.code).toBe(0);
    expect(m.stderr).toContain('merge: 24 of 24 expected points ok, 0 failed, 0 missing');
    expect(metricsByHash(readRecords(join(dir, 'merged')))).toEqual(metricsByHash(readRecords(w1)));
  });

  it('reproduce passes on an untouched sweep and exits 4 naming the point and field of a tampered metric', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const out = join(dir, 'out');
    expect(cli(['sweep', config, '--out', out], FAKE).code).toBe(0);
    const ok = cli(['reproduce', out, '--all'], FAKE);
    expect(ok.stderr).toContain('reproduce: all 24 points bit-identical');
    expect(ok.code).toBe(0);
    const recs = readRecords(out);
    const victim = recs[7];
    victim.metrics!.accuracy = victim.metrics!.accuracy + 2 ** -40; // one low bit
    writeFileSync(join(out, 'results.jsonl'), recs.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const bad = cli(['reproduce', out, '--all'], FAKE);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain(`MISMATCH point ${victim.pointHash}`);
    expect(bad.stderr).toMatch(/metrics\.accuracy recorded [\d.]+, re-run [\d.]+/);
    expect(bad.stderr).toContain('reproduce: 1 of 24 points differ');
  });

  it('exit 2 with one message (no stack) for a bad config; exit 3 when points fail', () => {
    const dir = tmp();
    const bad = writeJson(join(dir, 'bad.json'), { defects: { rate: [0, 0.1, 1.5] } });
    const r = cli(['sweep', bad, '--out', join(dir, 'o')], FAKE);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('rramsim: defects.rate[2]: got 1.5; allowed: a number in [0, 1], a list of them, or a range expression "start:step:stop"\n');
    const w = cli(['sweep', bad, '--workers', '0'], FAKE);
    expect(w.code).toBe(2);
    const s = cli(['sweep', writeJson(join(dir, 'g.json'), grid), '--shard', '2/2'], FAKE);
    expect(s.stderr).toBe("rramsim: --shard: got '2/2'; allowed: i/n with integers 0 <= i < n <= 10000, e.g. 0/4\n");
    const d = cli(['sweep', join(dir, 'g.json'), '--out', join(dir, 'd'), '--data-dir', join(dir, 'nope')]);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/^rramsim: --data-dir: '.*nope' is not a directory/);
    const f = cli(['sweep', join(dir, 'g.json'), '--out', join(dir, 'f')], { ...FAKE, FAKE_FAIL_METHOD: 'fat' });
    expect(f.code).toBe(3);
    expect(f.stderr).toContain('sweep: 16 of 24 points ok, 8 failed');
  });

  it('list prints the grid and the count; --json gives full PointSpecs', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'c.json'), grid);
    const r = cli(['list', config]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('24 points (grid 24)');
    // 2 header lines, 24 points, the CPU time per method and in total, the count
    expect(lines).toHaveLength(2 + 24 + 2 + 1);
    expect(lines.at(-3)).toMatch(/^# estimated CPU time: /);
    expect(lines.at(-2)).toMatch(/^# estimated CPU time in total: /);
    const j = cli(['list', config, '--json', '--shard', '1/3']);
    const pts = j.stdout.trim().split('\n').map((l) => JSON.parse(l) as { index: number });
    expect(pts.map((p) => p.index)).toEqual([1, 4, 7, 10, 13, 16, 19, 22]);
  });

  it('run takes every field as a dotted flag and prints the ResultRecord', () => {
    const r = cli(['run', '--method', 'lora', '--lora.rank', '3', '--defects.rate', '0.1', '--crossbar.range.kind', 'fixed', '--crossbar.range.wMax', '0.5', '--lora.layers', 'fc1', 'fc2'], FAKE);
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as { status: string; point: { lora: { rank: number; alpha: number; layers: string[] }; crossbar: { range: unknown } } };
    expect(rec.status).toBe('ok');
    expect(rec.point.lora).toMatchObject({ rank: 3, alpha: 3, layers: ['fc1', 'fc2'] });
    expect(rec.point.crossbar.range).toEqual({ kind: 'fixed', wMax: 0.5 });
    const typo = cli(['run', '--defects.rat', '0.1'], FAKE);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/^rramsim: defects\.rat: unknown key \(did you mean 'rate'\?\)/);
    const twice = cli(['run', '--seed', '1', '--seed', '2'], FAKE);
    expect(twice.stderr).toMatch(/--seed: given 2 times; `run` takes one value per field/);
  });

  it('--help of every command documents the exit codes', () => {
    for (const c of ['sweep', 'run', 'list', 'merge', 'reproduce', 'slurm']) {
      const r = cli([c, '--help']);
      expect(r.code, c).toBe(0);
      expect(r.stdout, c).toMatch(/Exit codes?: 0/);
    }
  });
});
