// The Slurm path on a real cluster: submit the script `rramsim slurm configs/quick.json --shards 4`
// writes (array job of 4 shards + dependent merge job) with `bash FILE --wait`, and check that the
// merged results are bit-identical to a local `rramsim sweep configs/quick.json` (every point,
// status, point hash and metric; timings excluded, as `rramsim reproduce` does:
// sim/sweep/compare_records.ts).
//
// Needs `sbatch` (Debian slurm-client) and a cluster that answers `sinfo` with a usable node;
// as root, `.ci/slurm-cluster.sh up` starts a one-node cluster on this machine (.ci/run does,
// after installing slurmctld, slurmd, munge and slurm-client). Without them the file skips with one
// line; under CI=true it fails. Flags beyond --shards: --cpus 1 (two shard tasks at a time on a
// 2-CPU node, each with one worker), --mem 1G (the default 4G may exceed a small CI node's
// RealMemory) and --time 00:30:00.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
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
    for (let i = 0; i < 4; i++) {
      const m = JSON.parse(readFileSync(join(`${merged}-shard${i}of4`, 'manifest.json'), 'utf8')) as Manifest;
      expect(m.shard).toBe(`${i}/4`);
    }

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
    expect(ref).toHaveLength(40);
    expect(mine.size).toBe(40);
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
});
