// The Slurm path on a real cluster: submit the script `rramsim slurm configs/quick.json --shards 4`
// writes (base job, array job of 4 shards, dependent merge job) with `bash FILE --wait`, and check
// that the merged results are bit-identical to a local `rramsim sweep configs/quick.json` (every
// point, status, point hash and metric; timings excluded, as `rramsim reproduce` does:
// sim/sweep/compare_records.ts), and that the base networks were trained once, by the base job,
// before any shard started. Then a job killed mid-way (scancel of the first base job while it
// trains, as a time limit would): the next attempt continues the base training from its checkpoint
// and the merged results still equal a local sweep.
//
// Needs `sbatch` (Debian slurm-client) and a cluster that answers `sinfo` with a usable node;
// as root, `.ci/slurm-cluster.sh up` starts a one-node cluster on this machine (.ci/run does,
// after installing slurmctld, slurmd, munge and slurm-client). Without them the file skips with one
// line; under CI=true it fails. Flags beyond --shards: --cpus 1 (two shard tasks at a time on a
// 2-CPU node, each with one worker), --mem 1G (explicit: the derived default may exceed a small CI node's
// RealMemory) and --time 00:30:00.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResultRecord } from '../../src/experiment/result.js';
import type { Manifest } from '../../sim/sweep/manifest.js';
import { compareRecords } from '../../sim/sweep/compare_records.js';
import { CLI, ensureBuilt, ROOT } from '../cli/cli_helpers.js';
import { readRecords } from '../sweep/helpers.js';
import { requirePackage, requireSystem } from '../support/system_package.js';

const CLUSTER_UP = 'as root: .ci/slurm-cluster.sh up';

function answers(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15_000 });
  return r.status === 0 ? r.stdout : undefined;
}

/** a node the cluster can schedule on: sinfo lists one in state idle, mix or alloc */
function clusterAnswers(): boolean {
  const states = answers('sinfo', ['-h', '-o', '%t']);
  return states !== undefined && /^(idle|mix|alloc)\b/m.test(states);
}

const skip =
  requirePackage('slurm-client', () => answers('sbatch', ['--version']) !== undefined, {
    install: `apt-get install slurm-client slurmctld slurmd munge, then ${CLUSTER_UP}`,
  }) || requireSystem(clusterAnswers(), { what: 'a running Slurm cluster: sinfo shows no idle node', how: CLUSTER_UP });

/** run to completion (async, so vitest's worker stays responsive), collecting output */
function run(cmd: string, args: string[], cwd: string): Promise<{ code: number | null; out: string; seconds: number }> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out, seconds: (Date.now() - t0) / 1000 }));
  });
}

function logs(dir: string): string {
  try {
    return readdirSync(dir).map((f) => `--- ${f}\n${readFileSync(join(dir, f), 'utf8')}`).join('\n');
  } catch {
    return `(no ${dir})`;
  }
}

describe.skipIf(skip)('rramsim slurm on a Slurm cluster', () => {
  let work = '';
  let passed = false;

  beforeAll(() => {
    ensureBuilt();
    // under the checkout (test-artifacts/, git-ignored), not /tmp: on a real cluster the compute
    // nodes share the checkout's file system, not the submit host's /tmp
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    work = mkdtempSync(join(ROOT, 'test-artifacts', 'slurm-'));
  });
  afterAll(() => {
    if (passed) rmSync(work, { recursive: true, force: true });
    else process.stderr.write(`slurm test: kept ${work} for inspection\n`);
  });

  it('the 4-shard job array plus merge gives bit for bit the results of a local sweep', { timeout: 20 * 60_000 }, async () => {
    const config = join(ROOT, 'configs', 'quick.json');
    const merged = join(work, 'slurm');
    const w = await run(process.execPath, [CLI, 'slurm', config, '--shards', '4', '--cpus', '1', '--mem', '1G', '--time', '00:30:00', '--dir', merged, '--out', 'quick.sbatch'], work);
    expect(w.code, w.out).toBe(0);

    const sub = await run('bash', ['quick.sbatch', '--wait'], work);
    expect(sub.code, `${sub.out}\n${logs(`${merged}-logs`)}`).toBe(0);
    const arrayJob = /submitted shard array job (\d+) \(4 tasks\)/.exec(sub.out)?.[1];
    expect(arrayJob, sub.out).toBeDefined();
    // the four shards ran as tasks of that array job, each writing its own log and shard directory
    const logNames = readdirSync(`${merged}-logs`).sort();
    expect(logNames.filter((f) => f.startsWith(`rramsim-quick-${arrayJob}_`))).toEqual([0, 1, 2, 3].map((i) => `rramsim-quick-${arrayJob}_${i}.out`));
    expect(logNames.filter((f) => f.startsWith('rramsim-quick-merge-'))).toHaveLength(1);
    let firstShardStart = Infinity;
    for (let i = 0; i < 4; i++) {
      const m = JSON.parse(readFileSync(join(`${merged}-shard${i}of4`, 'manifest.json'), 'utf8')) as Manifest;
      expect(m.shard).toBe(`${i}/4`);
      firstShardStart = Math.min(firstShardStart, Date.parse(m.startedAt));
    }
    // the two base networks (seeds 0 and 1) trained once, by the base job, before any shard started;
    // a shard that trained one again would have replaced its file later
    const baseLogs = logNames.filter((f) => f.startsWith('rramsim-quick-bases-'));
    expect(baseLogs.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(`${merged}-logs`, baseLogs[0]), 'utf8')).toContain('bases: 2 of 2 base networks');
    const cached = readdirSync(`${merged}-cache`);
    expect(cached.filter((f) => f.endsWith('.f32'))).toHaveLength(2);
    expect(cached.filter((f) => f.includes('.ckpt'))).toEqual([]);
    for (const f of cached) expect(statSync(join(`${merged}-cache`, f)).mtimeMs).toBeLessThan(firstShardStart);

    const localDir = join(work, 'local');
    const local = await run(process.execPath, [CLI, 'sweep', config, '--out', localDir], work);
    expect(local.code, local.out).toBe(0);
    process.stderr.write(`slurm test: 4-shard quick sweep on the cluster ${sub.seconds.toFixed(1)} s (submit to merged), local sweep ${local.seconds.toFixed(1)} s\n`);

    const mine = new Map(readRecords(merged).map((r) => [r.pointHash, r] as const));
    const ref: ResultRecord[] = readRecords(localDir);
    const mManifest = JSON.parse(readFileSync(join(merged, 'manifest.json'), 'utf8')) as Manifest;
    const lManifest = JSON.parse(readFileSync(join(localDir, 'manifest.json'), 'utf8')) as Manifest;
    expect(mManifest.configHash).toBe(lManifest.configHash);
    expect(mManifest.expectedPoints.map((e) => e.pointHash).sort()).toEqual(lManifest.expectedPoints.map((e) => e.pointHash).sort());
    // 4 methods on defects × 4 rates × 2 seeds + ideal once per seed (its rate is not read)
    expect(ref).toHaveLength(34);
    expect(mine.size).toBe(34);
    for (const r of ref) {
      expect(r.status).toBe('ok');
      const s = mine.get(r.pointHash);
      expect(s, `point ${r.pointHash} missing from the merged Slurm results`).toBeDefined();
      expect(s!.configHash).toBe(r.configHash);
      expect(s!.point).toEqual(r.point);
      expect(compareRecords(r, s!), `point ${r.pointHash}`).toBeUndefined();
      expect(Object.keys(s!.metrics!).sort()).toEqual(Object.keys(r.metrics!).sort()); // nothing extra on either side
    }
    passed = true;
  });

  it('the first base job killed while it trains (as by its time limit): the next attempt continues from the checkpoint; merged = local', { timeout: 20 * 60_000 }, async () => {
    passed = false;
    const config = join(work, 'killed.json');
    writeFileSync(config, JSON.stringify({
      name: 'killed', model: 'lenet5', dataset: 'mnist-embedded', trainLimit: 6000, seed: 4,
      train: { epochs: 12, lr: 0.01, momentum: 0.9, batch: 64 },
      method: ['ideal', 'unaware'], defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
      device: { levels: 0 }, crossbar: { tileRows: 128, tileCols: 128 },
    }));
    const merged = join(work, 'killed-slurm');
    const w = await run(process.execPath, [CLI, 'slurm', config, '--shards', '2', '--cpus', '1', '--mem', '1G', '--time', '00:30:00', '--attempts', '2', '--dir', merged, '--out', 'killed.sbatch'], work);
    expect(w.code, w.out).toBe(0);
    const sub = run('bash', ['killed.sbatch', '--wait'], work);
    // the first base job: its id is the first one `bash FILE` prints
    let first: string | undefined;
    const cache = `${merged}-cache`;
    const t0 = Date.now();
    while (Date.now() - t0 < 10 * 60_000) {
      const q = answers('squeue', ['-h', '-o', '%i %j', '-n', 'rramsim-killed-bases']);
      first ??= q?.split('\n').map((l) => l.split(' ')[0]).filter((x) => /^\d+$/.test(x)).sort((a, b) => Number(a) - Number(b))[0];
      if (first && existsSync(cache) && readdirSync(cache).some((f) => f.endsWith('.ckpt'))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(first, 'the base job never wrote a checkpoint').toBeDefined();
    expect(spawnSync('scancel', [first!]).status).toBe(0);
    const s = await sub;
    expect(s.code, `${s.out}\n${logs(`${merged}-logs`)}`).toBe(0);
    const baseLogs = readdirSync(`${merged}-logs`).filter((f) => f.startsWith('rramsim-killed-bases-')).sort();
    expect(baseLogs).toHaveLength(2);
    const second = readFileSync(join(`${merged}-logs`, baseLogs[1]), 'utf8');
    expect(second, logs(`${merged}-logs`)).toMatch(/resume: base [0-9a-f]+ continues from its checkpoint after epoch \d+\/12/);
    expect(second).toContain('bases: 1 of 1 base networks');

    const localDir = join(work, 'killed-local');
    const local = await run(process.execPath, [CLI, 'sweep', config, '--out', localDir, '--workers', '1'], work);
    expect(local.code, local.out).toBe(0);
    const mine = new Map(readRecords(merged).map((r) => [r.pointHash, r] as const));
    const ref = readRecords(localDir);
    expect(ref).toHaveLength(2);
    for (const r of ref) expect(compareRecords(r, mine.get(r.pointHash)!), r.point.method).toBeUndefined();
    passed = true;
  });
});
