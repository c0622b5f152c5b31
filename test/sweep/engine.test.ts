// The sweep engine in-process (inline runner = the fake): complete runs, resume after a partial
// run with a torn line, failures and NaN recorded, refusal of foreign/occupied dirs, shards.
import { appendFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { planSweep, type SweepPlan } from '../../src/config/expand.js';
import { UserError } from '../../src/util/errors.js';
import { type Manifest } from '../../sim/sweep/manifest.js';
import { mergeDirs } from '../../sim/sweep/merge_dirs.js';
import { runSweep, type SweepOptions } from '../../sim/sweep/run_sweep.js';
import { FAKE_RUNNER, metricsByHash, readRecords, tmp } from './helpers.js';

const cfg = { name: 't', method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, defects: { rate: [0, 0.1, 0.2] }, seed: [0, 1] };
const quiet = { start() {}, current() {}, finished() {}, log() {}, stop() {} };

let basePlan: SweepPlan;
beforeAll(async () => {
  basePlan = await planSweep(cfg);
});

function opts(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return { plan: basePlan, out, workers: 1, resume: false, runnerModule: FAKE_RUNNER, inline: true, command: 'test', progress: quiet, report: false, handleSigint: false, ...extra };
}

afterEach(() => {
  delete process.env.FAKE_FAIL_METHOD;
  delete process.env.FAKE_NAN_METHOD;
});

describe('sweep engine', () => {
  it('runs every point once and writes manifest, artefact and cache dirs', async () => {
    const out = tmp();
    const r = await runSweep(opts(out));
    const plan = basePlan;
    expect(r).toMatchObject({ total: 18, ok: 18, failed: 0, ran: 18, interrupted: false });
    const recs = readRecords(out);
    expect(recs.map((x) => x.pointHash).sort()).toEqual(plan.points.map((p) => p.hash).sort());
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.configHash).toBe(plan.configHash);
    expect(m.expectedPoints.map((e) => e.pointHash)).toEqual(plan.points.map((p) => p.hash));
    expect(m.finishedAt).not.toBeNull();
    expect(m.datasetChecksums).toEqual({ 'mnist-embedded': { 'fake.idx': 'abc123' } });
    expect(m.versions.node).toBe(process.version);
    expect(existsSync(join(out, 'artifacts', plan.points[0].hash, 'fake.json'))).toBe(true);
    expect(existsSync(join(out, 'cache'))).toBe(true);
    expect(recs.every((x) => x.configHash === plan.configHash && x.status === 'ok' && x.wallSeconds >= 0)).toBe(true);
  });

  it('resume after a partial run with a torn last line re-runs exactly the missing points', async () => {
    const full = tmp();
    await runSweep(opts(full));
    const part = tmp();
    const plan = basePlan;
    // a first run that only got through shard 0/3, then died while writing one more line
    await runSweep(opts(part, { shard: { index: 0, count: 3 } }));
    const before = readRecords(part).length;
    expect(before).toBe(6);
    // simulate the same directory as a whole-grid sweep (manifest of the unsharded run)
    const firstRecs = readFileSync(join(part, 'results.jsonl'), 'utf8');
    const whole = tmp();
    await runSweep(opts(whole, { runnerModule: FAKE_RUNNER }));
    const torn = JSON.stringify(readRecords(whole)[17]).slice(0, 50);
    const again = tmp();
    appendFileSync(join(again, 'results.jsonl'), firstRecs + torn);
    const r = await runSweep(opts(again, { resume: true }));
    expect(r).toMatchObject({ total: 18, ok: 18, ran: 12 });
    const recs = readRecords(again);
    expect(recs).toHaveLength(18);
    expect(new Set(recs.map((x) => x.pointHash)).size).toBe(18);
    expect(metricsByHash(recs)).toEqual(metricsByHash(readRecords(full)));
    expect(plan.points.length).toBe(18);
  });

  it('a throwing point and a NaN point are recorded as failed; the sweep goes on; resume re-runs them', async () => {
    process.env.FAKE_FAIL_METHOD = 'fat';
    process.env.FAKE_NAN_METHOD = 'lora';
    const out = tmp();
    const r = await runSweep(opts(out));
    expect(r).toMatchObject({ total: 18, ok: 6, failed: 12 });
    const recs = readRecords(out);
    const fat = recs.find((x) => x.point.method === 'fat')!;
    expect(fat.status).toBe('failed');
    expect(fat.error).toMatch(/fake failure for method fat/);
    const lora = recs.find((x) => x.point.method === 'lora')!;
    expect(lora).toMatchObject({ status: 'failed', error: 'diverged: metrics.loss is NaN' });
    expect(lora.metrics).toBeUndefined();
    delete process.env.FAKE_FAIL_METHOD;
    delete process.env.FAKE_NAN_METHOD;
    const r2 = await runSweep(opts(out, { resume: true }));
    expect(r2).toMatchObject({ ok: 18, failed: 0, ran: 12 });
    const after = readRecords(out);
    expect(after).toHaveLength(18);
    expect(after.every((x) => x.status === 'ok')).toBe(true);
  });

  it('refuses a directory with results unless --resume, and a resume of another config', async () => {
    const out = tmp();
    await runSweep(opts(out));
    await expect(runSweep(opts(out))).rejects.toThrow(/^--out: '.*' already holds sweep results; add --resume/);
    const other = await planSweep({ ...cfg, seed: [5] });
    const err = await runSweep(opts(out, { plan: other, resume: true })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^--resume: '.*' holds a sweep of another config \(hash [0-9a-f]{16}, this config [0-9a-f]{16}\)/);
  });

  it('two shards merged equal the unsharded sweep (same records, same expected points)', async () => {
    const full = tmp();
    await runSweep(opts(full));
    const s0 = tmp();
    const s1 = tmp();
    await runSweep(opts(s0, { shard: { index: 0, count: 2 } }));
    await runSweep(opts(s1, { shard: { index: 1, count: 2 } }));
    expect(readRecords(s0)).toHaveLength(9);
    const merged = tmp();
    const r = mergeDirs([s0, s1], merged, 'test');
    expect(r).toMatchObject({ expected: 18, ok: 18, failed: 0, missing: 0, conflicts: [] });
    expect(metricsByHash(readRecords(merged))).toEqual(metricsByHash(readRecords(full)));
    const mm = JSON.parse(readFileSync(join(merged, 'manifest.json'), 'utf8')) as Manifest;
    const fm = JSON.parse(readFileSync(join(full, 'manifest.json'), 'utf8')) as Manifest;
    expect(mm.expectedPoints.map((e) => e.pointHash).sort()).toEqual(fm.expectedPoints.map((e) => e.pointHash).sort());
    expect(mm.mergedFrom).toEqual([s0, s1]);
    expect(readdirSync(join(merged, 'artifacts')).length).toBe(18);
  });

  it('merge refuses shards of different configs', async () => {
    const a = tmp();
    const b = tmp();
    await runSweep(opts(a, { shard: { index: 0, count: 2 } }));
    await runSweep(opts(b, { plan: await planSweep({ ...cfg, seed: [7] }) }));
    expect(() => mergeDirs([a, b], tmp(), 'test')).toThrow(/^merge: '.*' ran config hash [0-9a-f]{16} but '.*' ran [0-9a-f]{16}; only shards of one config can be merged/);
  });
});
