// Sweep-directory safety in-process (inline fake runner): nothing finished is lost or mixed.
// --resume with a shard keeps the other shards' records; one config per directory; a second
// sweep on a locked directory is refused; stale and foreign locks; invalid records re-run with
// the original line kept in results.rejected.jsonl; merge refuses conflicting metrics.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planSweep, type SweepPlan } from '../../src/config/expand.js';
import { UserError } from '../../src/util/errors.js';
import { LOCK } from '../../sim/sweep/dir_lock.js';
import { type Manifest } from '../../sim/sweep/manifest.js';
import { mergeDirs } from '../../sim/sweep/merge_dirs.js';
import { runSweep, type SweepOptions } from '../../sim/sweep/run_sweep.js';
import { FAKE_RUNNER, metricsByHash, readRecords, tmp } from './helpers.js';

const cfg = { name: 't', method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, defects: { rate: [0, 0.1, 0.2] }, seed: [0, 1] };
const quiet = { start() {}, current() {}, finished() {}, log() {}, stop() {} };

let plan: SweepPlan;
let other: SweepPlan;
beforeAll(async () => {
  plan = await planSweep(cfg);
  other = await planSweep({ ...cfg, seed: [5] });
});

function opts(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return { plan, out, workers: 1, resume: false, runnerModule: FAKE_RUNNER, inline: true, command: 'test', progress: quiet, report: false, handleSigint: false, ...extra };
}

const results = (dir: string) => readFileSync(join(dir, 'results.jsonl'), 'utf8');
const manifest = (dir: string) => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const rejected = (dir: string) =>
  readFileSync(join(dir, 'results.rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { line: number; reason: string; text: string });

/** pid of a process that has exited (a dead holder on this host) */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('--resume never deletes a valid record', () => {
  it('whole sweep, then --resume --shard 0/2 in the same directory: every line stays, byte for byte', async () => {
    const out = tmp();
    await runSweep(opts(out));
    const before = results(out);
    expect(before.trim().split('\n')).toHaveLength(18);
    const logs: string[] = [];
    const r = await runSweep(opts(out, { resume: true, shard: { index: 0, count: 2 }, progress: { ...quiet, log: (m: string) => logs.push(m) } }));
    expect(r).toMatchObject({ total: 9, ok: 9, ran: 0 });
    expect(results(out)).toBe(before);
    expect(existsSync(join(out, 'results.rejected.jsonl'))).toBe(false);
    const m = manifest(out);
    expect(m.expectedPoints.map((e) => e.pointHash).sort()).toEqual(plan.points.map((p) => p.hash).sort());
    expect(m.shard).toBeNull();
  });

  it('shard 1/2 resumed into a shard-0/2 directory: both shards kept, manifest expects the union', async () => {
    const out = tmp();
    await runSweep(opts(out, { shard: { index: 0, count: 2 } }));
    const s0 = results(out);
    expect(manifest(out).shard).toBe('0/2');
    const r = await runSweep(opts(out, { resume: true, shard: { index: 1, count: 2 } }));
    expect(r).toMatchObject({ total: 9, ok: 9, ran: 9 });
    expect(results(out).startsWith(s0)).toBe(true);
    const full = tmp();
    await runSweep(opts(full));
    expect(metricsByHash(readRecords(out))).toEqual(metricsByHash(readRecords(full)));
    expect(manifest(out).expectedPoints).toHaveLength(18);
    expect(manifest(out).shard).toBeNull();
    // a partial union keeps both shard labels
    const q = tmp();
    await runSweep(opts(q, { shard: { index: 0, count: 4 } }));
    await runSweep(opts(q, { resume: true, shard: { index: 2, count: 4 } }));
    expect(manifest(q).shard).toBe('0/4,2/4');
    expect(readRecords(q)).toHaveLength(manifest(q).expectedPoints.length);
  });

  it('an ok record without metrics (or with a malformed metric) is re-run; the original lines go to results.rejected.jsonl', async () => {
    const full = tmp();
    await runSweep(opts(full));
    const out = tmp();
    await runSweep(opts(out));
    const lines = results(out).trim().split('\n');
    const a = JSON.parse(lines[3]) as Record<string, unknown>;
    delete a.metrics;
    const b = JSON.parse(lines[8]) as { metrics: Record<string, unknown> };
    b.metrics.accuracy = 'high';
    const c = JSON.parse(lines[12]) as { metrics: Record<string, unknown> };
    delete c.metrics.cellsUsed;
    const edited = [...lines];
    edited[3] = JSON.stringify(a);
    edited[8] = JSON.stringify(b);
    edited[12] = JSON.stringify(c);
    writeFileSync(join(out, 'results.jsonl'), `${edited.join('\n')}\n`);
    const r = await runSweep(opts(out, { resume: true }));
    expect(r).toMatchObject({ total: 18, ok: 18, ran: 3 });
    const rej = rejected(out);
    expect(rej.map((x) => x.line)).toEqual([4, 9, 13]);
    expect(rej.map((x) => x.text)).toEqual([edited[3], edited[8], edited[12]]);
    expect(rej[0].reason).toContain("status 'ok' without metrics");
    expect(rej[1].reason).toContain('metrics.accuracy is "high"');
    expect(rej[2].reason).toContain('metrics.cellsUsed is missing');
    const recs = readRecords(out);
    expect(recs).toHaveLength(18);
    expect(metricsByHash(recs)).toEqual(metricsByHash(readRecords(full)));
    // the 15 untouched lines are still there, verbatim
    const now = results(out).trim().split('\n');
    for (const i of lines.keys()) if (![3, 8, 12].includes(i)) expect(now).toContain(lines[i]);
  });
});

describe('one config per directory', () => {
  it('another config is refused with and without --resume, naming both hashes; nothing changes', async () => {
    const out = tmp();
    await runSweep(opts(out));
    const before = results(out);
    const mBefore = readFileSync(join(out, 'manifest.json'), 'utf8');
    for (const resume of [false, true]) {
      const e = await runSweep(opts(out, { plan: other, resume })).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(UserError);
      expect((e as Error).message).toContain(`holds a sweep of another config (hash ${plan.configHash}, this config ${other.configHash})`);
      expect((e as Error).message).toMatch(/choose another --out/);
    }
    expect(results(out)).toBe(before);
    expect(readFileSync(join(out, 'manifest.json'), 'utf8')).toBe(mBefore);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it('results of another config without a manifest (or mixed in by an old rramsim) are refused too', async () => {
    const a = tmp();
    await runSweep(opts(a));
    const b = tmp();
    await runSweep(opts(b, { plan: other }));
    const mixed = tmp();
    writeFileSync(join(mixed, 'results.jsonl'), results(a) + results(b));
    writeFileSync(join(mixed, 'manifest.json'), readFileSync(join(a, 'manifest.json')));
    const before = results(mixed);
    const e = await runSweep(opts(mixed, { resume: true })).catch((x: unknown) => x);
    expect((e as Error).message).toMatch(new RegExp(`holds results of another config \\(hash ${other.configHash}: ${readRecords(b).length} record\\(s\\), this config ${plan.configHash}\\)`));
    expect(results(mixed)).toBe(before);
    const bare = tmp();
    writeFileSync(join(bare, 'results.jsonl'), results(b));
    await expect(runSweep(opts(bare, { resume: true }))).rejects.toThrow(/holds results of another config/);
  });

  it('the same config twice without --resume is refused (no duplicates)', async () => {
    const out = tmp();
    await runSweep(opts(out));
    const before = results(out);
    await expect(runSweep(opts(out))).rejects.toThrow(/already holds sweep results; add --resume to continue that sweep, or choose another --out/);
    expect(results(out)).toBe(before);
  });

  it("--out '' and --out FILE are refused before anything is written", async () => {
    await expect(runSweep(opts(''))).rejects.toThrow(/^--out: got an empty path/);
    const f = join(tmp(), 'file');
    writeFileSync(f, 'x');
    await expect(runSweep(opts(f))).rejects.toThrow(/^--out: '.*file' exists and is not a directory/);
    expect(readFileSync(f, 'utf8')).toBe('x');
  });
});

describe('directory lock', () => {
  it('a second sweep on a locked directory is refused naming the holder; the first finishes untouched', async () => {
    const out = tmp();
    let second: unknown;
    const r = await runSweep(
      opts(out, {
        onLocked: async () => {
          expect(JSON.parse(readFileSync(join(out, LOCK), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'test' });
          second = await runSweep(opts(out, { plan: other, command: 'second' })).catch((x: unknown) => x);
          const same = await runSweep(opts(out, { resume: true })).catch((x: unknown) => x);
          expect((same as Error).message).toMatch(/is in use by another rramsim command/);
        },
      }),
    );
    expect(second).toBeInstanceOf(UserError);
    expect((second as Error).message).toContain(`'${out}' is in use by another rramsim command (pid ${process.pid} on host ${hostname()}`);
    expect(r).toMatchObject({ total: 18, ok: 18, ran: 18 });
    const recs = readRecords(out);
    expect(recs).toHaveLength(18);
    expect(new Set(recs.map((x) => x.configHash))).toEqual(new Set([plan.configHash]));
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it('is released when the run fails (a write error inside the lock)', async () => {
    const out = tmp();
    // manifest.json as a directory: writing it fails after the lock is taken
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(out, 'manifest.json', 'x'), { recursive: true });
    await expect(runSweep(opts(out))).rejects.toThrow();
    expect(existsSync(join(out, LOCK))).toBe(false);
    expect(readdirSync(out).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('a stale lock of this host (dead pid) is taken over with a message', async () => {
    const out = tmp();
    const pid = deadPid();
    writeFileSync(join(out, LOCK), JSON.stringify({ pid, hostname: hostname(), command: 'rramsim sweep old.json', startedAt: '2026-01-01T00:00:00.000Z' }));
    const logs: string[] = [];
    const r = await runSweep(opts(out, { progress: { ...quiet, log: (m: string) => logs.push(m) } }));
    expect(r.ok).toBe(18);
    expect(logs.join('\n')).toContain(`took over the stale lock of '${out}' (pid ${pid} on host ${hostname()}`);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it("a lock of another host is refused with how to remove it, and left alone", async () => {
    const out = tmp();
    const text = JSON.stringify({ pid: 12345, hostname: 'node17.cluster', command: 'rramsim sweep x.json', startedAt: '2026-01-01T00:00:00.000Z' });
    writeFileSync(join(out, LOCK), text);
    const e = await runSweep(opts(out)).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toContain('is locked by pid 12345 on host node17.cluster');
    expect((e as Error).message).toContain(`remove it with: rm ${join(out, LOCK)}`);
    expect(readFileSync(join(out, LOCK), 'utf8')).toBe(text);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
    // a lock file that is not a holder record is refused as well
    writeFileSync(join(out, LOCK), 'garbage');
    await expect(runSweep(opts(out))).rejects.toThrow(/not a rramsim lock record/);
  });
});

describe('merge refuses conflicting metrics unless told which to keep', () => {
  async function shards(): Promise<{ s0: string; s1: string; dup: string; hash: string }> {
    const s0 = tmp();
    const s1 = tmp();
    await runSweep(opts(s0, { shard: { index: 0, count: 2 } }));
    await runSweep(opts(s1, { shard: { index: 1, count: 2 } }));
    // a third directory re-ran shard 0, and one of its points disagrees in the last bit
    const dup = tmp();
    await runSweep(opts(dup, { shard: { index: 0, count: 2 } }));
    const recs = readRecords(dup);
    recs[2].metrics!.accuracy += 2 ** -40;
    // timings differ everywhere: never a conflict
    for (const r of recs) r.metrics!.extra = { ...r.metrics!.extra, methodSeconds: Math.random() };
    writeFileSync(join(dup, 'results.jsonl'), recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return { s0, s1, dup, hash: recs[2].pointHash };
  }

  it('exit-2 error lists the hash and the source dirs, and writes nothing', async () => {
    const { s0, s1, dup, hash } = await shards();
    const out = join(tmp(), 'merged');
    const e = (() => {
      try {
        mergeDirs([s0, s1, dup], out, 'test');
      } catch (x) {
        return x;
      }
    })();
    expect(e).toBeInstanceOf(UserError);
    const msg = (e as Error).message;
    expect(msg).toContain('merge: 1 point(s) have different metrics in different directories');
    expect(msg).toContain(`${hash}: '${s0}' (accuracy`);
    expect(msg).toContain(` vs '${dup}' (accuracy`);
    expect(msg).toContain('--prefer DIR');
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
    expect(existsSync(join(out, LOCK))).toBe(false);
  });

  it('--on-conflict first|last and --prefer DIR pick the record and say so', async () => {
    const { s0, s1, dup, hash } = await shards();
    const want = (dir: string) => readRecords(dir).find((r) => r.pointHash === hash)!.metrics!.accuracy;
    for (const [o, from] of [[{ onConflict: 'first' as const }, s0], [{ onConflict: 'last' as const }, dup], [{ prefer: dup }, dup], [{ prefer: s0, onConflict: 'last' as const }, s0]] as const) {
      const out = tmp();
      const r = mergeDirs([s0, s1, dup], out, 'test', o);
      expect(r).toMatchObject({ expected: 18, ok: 18, missing: 0 });
      expect(r.conflicts).toHaveLength(1);
      expect(r.conflicts[0]).toContain(`kept the record of '${from}'`);
      const recs = readRecords(out);
      expect(recs).toHaveLength(18);
      expect(recs.find((x) => x.pointHash === hash)!.metrics!.accuracy).toBe(want(from));
    }
    expect(() => mergeDirs([s0, s1], tmp(), 'test', { prefer: tmp() })).toThrow(/^--prefer: '.*' is not one of the merged directories/);
  });

  it('timing-only differences are not conflicts; --out FILE and --out empty are refused', async () => {
    const s0 = tmp();
    const s1 = tmp();
    await runSweep(opts(s0, { shard: { index: 0, count: 2 } }));
    await runSweep(opts(s1, { shard: { index: 1, count: 2 } }));
    const again = tmp();
    await runSweep(opts(again, { shard: { index: 0, count: 2 } }));
    const recs = readRecords(again).map((r) => ({ ...r, wallSeconds: 99, metrics: { ...r.metrics!, extra: { ...r.metrics!.extra, methodSeconds: 7, stepMs: 3 } } }));
    writeFileSync(join(again, 'results.jsonl'), recs.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const r = mergeDirs([s0, s1, again], tmp(), 'test');
    expect(r).toMatchObject({ ok: 18, conflicts: [] });
    const f = join(tmp(), 'f.txt');
    writeFileSync(f, 'keep');
    expect(() => mergeDirs([s0, s1], f, 'test')).toThrow(/^--out: '.*f\.txt' exists and is not a directory/);
    expect(readFileSync(f, 'utf8')).toBe('keep');
    expect(() => mergeDirs([s0, s1], '', 'test')).toThrow(/^--out: got an empty path/);
  });

  it('merging into one of the sources keeps every line it drops in results.rejected.jsonl', async () => {
    const s0 = tmp();
    const s1 = tmp();
    await runSweep(opts(s0, { shard: { index: 0, count: 2 } }));
    await runSweep(opts(s1, { shard: { index: 1, count: 2 } }));
    const before = results(s0).trim().split('\n');
    // s1 also holds a copy of one s0 record: identical, so merging s1 into itself drops that duplicate line
    writeFileSync(join(s1, 'results.jsonl'), `${before[0]}\n${results(s1)}`);
    const r = mergeDirs([s0, s1], s1, 'test');
    expect(r).toMatchObject({ expected: 18, ok: 18 });
    expect(readRecords(s1)).toHaveLength(18);
    expect(rejected(s1)).toEqual([expect.objectContaining({ line: 1, text: before[0] })]);
  });

  it('a source directory still being written (live lock) is refused', async () => {
    const s0 = tmp();
    await runSweep(opts(s0, { shard: { index: 0, count: 2 } }));
    const s1 = tmp();
    await runSweep(
      opts(s1, {
        shard: { index: 1, count: 2 },
        onLocked: () => {
          expect(() => mergeDirs([s0, s1], tmp(), 'test')).toThrow(/is being written by a running rramsim command \(pid \d+/);
        },
      }),
    );
  });
});
