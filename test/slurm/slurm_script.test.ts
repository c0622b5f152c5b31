// The script `rramsim slurm` writes (sim/sweep/slurm_script.ts), driven without a cluster: a stub
// `sbatch` on PATH records what would be submitted, then the array tasks and the merge job are run
// by hand with the environment Slurm gives them (SLURM_JOB_ID, SLURM_ARRAY_TASK_ID,
// SLURM_SUBMIT_DIR, SLURM_CPUS_PER_TASK) and the fast fake runner. The merged result must equal a
// local sweep. test/slurm/slurm_cluster.test.ts runs the same script on a real cluster.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsByHash, readRecords, tmp } from '../sweep/helpers.js';
import { CLI, cli, ensureBuilt, FAKE_RUNNER_PATH, writeJson } from '../cli/cli_helpers.js';

const FAKE = { RRAMSIM_RUNNER: FAKE_RUNNER_PATH };
const grid = { name: 'slurmtest', method: ['unaware', 'fat', 'ittrna'], defects: { rate: [0, 0.1, 0.2, 0.3] }, seed: [0, 1] };

beforeAll(() => ensureBuilt());

/** a directory with a stub sbatch: appends its arguments (one line, tab-separated) to LOG, prints a job id */
function stubSbatch(dir: string, log: string): string {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(
    join(bin, 'sbatch'),
    `#!/bin/bash\n(IFS=$'\\t'; echo "$*") >> ${JSON.stringify(log)}\nn=$(wc -l < ${JSON.stringify(log)})\nif [[ " $* " == *" --parsable "* ]]; then echo "10$n"; else echo "Submitted batch job 10$n"; fi\n`,
  );
  chmodSync(join(bin, 'sbatch'), 0o755);
  return bin;
}

function bash(args: string[], cwd: string, env: Record<string, string>) {
  const r = spawnSync('bash', args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 110_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('rramsim slurm: the job script', () => {
  it('submits an array of N shard tasks and a merge job after it; tasks + merge give the local sweep', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), grid);
    const w = cli(['slurm', 'c.json', '--shards', '3', '--out', 'job.sbatch', '--dir', 'runs/x', '--cpus', '1'], {}, d);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('wrote job.sbatch: 3 shards of 24 points; submit with: bash job.sbatch');
    const text = readFileSync(join(d, 'job.sbatch'), 'utf8');
    expect(spawnSync('bash', ['-n', join(d, 'job.sbatch')]).status).toBe(0);
    expect(text).toContain(`RRAMSIM_CLI=\${RRAMSIM_CLI:-'${CLI}'}`); // the CLI that wrote it, absolute
    expect(text).toMatch(/^#SBATCH --cpus-per-task=1$/m);

    // submit: two sbatch calls, the second depending on the first
    const log = join(d, 'sbatch.log');
    const bin = stubSbatch(d, log);
    const PATH = `${bin}:${process.env.PATH}`;
    const sub = bash(['job.sbatch'], d, { PATH });
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toBe('submitted shard array job 101 (3 tasks)\nSubmitted batch job 102\n');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    expect(calls[0]).toEqual(['--parsable', '--array=0-2', `--chdir=${d}`, '--output=runs/x-logs/%x-%A_%a.out', 'job.sbatch']);
    expect(calls[1]).toEqual([
      '--dependency=afterany:101', '--kill-on-invalid-dep=yes', '--job-name=rramsim-slurmtest-merge', '--cpus-per-task=1', '--time=00:30:00',
      `--chdir=${d}`, '--output=runs/x-logs/%x-%j.out', 'job.sbatch', 'merge',
    ]);
    expect(existsSync(join(d, 'runs', 'x-logs'))).toBe(true); // Slurm does not create the log directory
    expect(bash(['job.sbatch', '--wait'], d, { PATH }).code).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')[3].split('\t')[0]).toBe('--wait');

    // what Slurm would run: each array task (from another working directory), then the merge job
    for (let i = 0; i < 3; i++) {
      const t = bash([join(d, 'job.sbatch')], '/', { ...FAKE, SLURM_JOB_ID: '101', SLURM_ARRAY_TASK_ID: String(i), SLURM_SUBMIT_DIR: d, SLURM_CPUS_PER_TASK: '1' });
      expect(t.code, t.stderr).toBe(0);
      expect(t.stderr).toContain(`sweep: 8 of 8 points ok`);
    }
    const m = bash([join(d, 'job.sbatch'), 'merge'], '/', { SLURM_JOB_ID: '102', SLURM_SUBMIT_DIR: d });
    expect(m.code, m.stderr).toBe(0);
    expect(m.stderr).toContain('merge: 24 of 24 expected points ok, 0 failed, 0 missing -> runs/x');

    const local = join(d, 'local');
    expect(cli(['sweep', join(d, 'c.json'), '--out', local, '--workers', '2'], FAKE).code).toBe(0);
    expect(metricsByHash(readRecords(join(d, 'runs', 'x')))).toEqual(metricsByHash(readRecords(local)));

    // a second submission would merge over the finished result: refused before anything is submitted
    const again = bash(['job.sbatch'], d, { PATH });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('runs/x already holds merged results; move it away to merge again');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(4);
  });

  it('refuses to submit from a directory where the config is not, or without the CLI', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), grid);
    expect(cli(['slurm', 'c.json', '--shards', '2', '--out', 'job.sbatch'], {}, d).code).toBe(0);
    const log = join(d, 'sbatch.log');
    const PATH = `${stubSbatch(d, log)}:${process.env.PATH}`;
    const elsewhere = bash([join(d, 'job.sbatch')], '/', { PATH });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain('config c.json not found from /; submit from the directory rramsim slurm ran in');
    const noCli = bash(['job.sbatch'], d, { PATH, RRAMSIM_CLI: join(d, 'nope.js') });
    expect(noCli.code).toBe(2);
    expect(noCli.stderr).toContain(`rramsim CLI ${join(d, 'nope.js')} not found; set RRAMSIM_CLI=`);
    expect(existsSync(log)).toBe(false); // nothing submitted
    const task = bash(['job.sbatch'], d, { SLURM_JOB_ID: '5' }); // a job that is no array task
    expect(task.code).not.toBe(0);
    expect(task.stderr).toContain('this script runs as a Slurm array task');
  });

  it('bad --mem, --partition, --time, --shards: exit 2 naming the flag, no script written', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), grid);
    for (const [flag, value] of [['--mem', '4 G'], ['--partition', 'a b'], ['--partition', 'x\n#SBATCH --foo'], ['--time', 'soon'], ['--shards', '0']]) {
      const r = cli(['slurm', 'c.json', ...(flag === '--shards' ? [] : ['--shards', '2']), flag, value, '--out', 'job.sbatch'], {}, d);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toContain(`${flag}: got '${value}'`);
      expect(existsSync(join(d, 'job.sbatch'))).toBe(false);
    }
  });
});
