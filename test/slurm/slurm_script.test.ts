// The script `rramsim slurm` writes (sim/sweep/slurm_script.ts), driven without a cluster: a stub
// `sbatch` on PATH records what would be submitted, then the array tasks and the merge job are run
// by hand with the environment Slurm gives them (SLURM_JOB_ID, SLURM_ARRAY_TASK_ID,
// SLURM_SUBMIT_DIR, SLURM_CPUS_PER_TASK) and the fast fake runner. The merged result must equal a
// local sweep. test/slurm/slurm_cluster.test.ts runs the same script on a real cluster.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsByHash, readRecords, tmp } from '../sweep/helpers.js';
import { CLI, cli, ensureBuilt, FAKE_RUNNER_PATH, writeJson } from '../cli/cli_helpers.js';
import { printable } from '../../src/util/safe_text.js';
import { shellQuote } from '../../src/util/shell_quote.js';
import { notAnOption } from '../../sim/sweep/slurm_script.js';

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
    expect(text).toContain(`cli_default=${shellQuote(CLI)}\nRRAMSIM_CLI=\${RRAMSIM_CLI:-$cli_default}`); // the CLI that wrote it, absolute
    expect(text).toMatch(/^#SBATCH --cpus-per-task=1$/m);

    // submit: the base job twice (the second continues the first), the shard array twice, the merge job; each after the one before
    const log = join(d, 'sbatch.log');
    const bin = stubSbatch(d, log);
    const PATH = `${bin}:${process.env.PATH}`;
    const sub = bash(['job.sbatch'], d, { PATH });
    expect(sub.code, sub.stderr).toBe(0);
    expect(sub.stdout).toBe('submitted base-network job(s) 101 102 (2 bases into runs/x-cache)\nsubmitted shard array job 103 (3 tasks)\n' +
      'submitted follow-up shard array job(s) 104 (each continues what the one before left)\nSubmitted batch job 105\n');
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => l.split('\t'));
    const bases = (after: string[]) => ['--parsable', ...after, '--job-name=rramsim-slurmtest-bases', `--chdir=${d}`, '--output=runs/x-logs/%x-%j.out', 'job.sbatch', 'bases'];
    const array = (after: string) => ['--parsable', `--dependency=afterany:${after}`, '--array=0-2', `--chdir=${d}`, '--output=runs/x-logs/%x-%A_%a.out', 'job.sbatch'];
    expect(calls.slice(0, 4)).toEqual([bases([]), bases(['--dependency=afterany:101']), array('102'), array('103')]);
    expect(calls[4]).toEqual([
      '--dependency=afterany:104', '--kill-on-invalid-dep=yes', '--job-name=rramsim-slurmtest-merge', '--cpus-per-task=1', '--time=00:30:00',
      `--chdir=${d}`, '--output=runs/x-logs/%x-%j.out', 'job.sbatch', 'merge',
    ]);
    expect(existsSync(join(d, 'runs', 'x-logs'))).toBe(true); // Slurm does not create the log directory
    expect(bash(['job.sbatch', '--wait'], d, { PATH }).code).toBe(0);
    expect(readFileSync(log, 'utf8').trim().split('\n')[9].split('\t')[0]).toBe('--wait');

    // the base job (the fake runner trains nothing: it only goes through the two bases)
    const b = bash([join(d, 'job.sbatch'), 'bases'], '/', { ...FAKE, SLURM_JOB_ID: '101', SLURM_SUBMIT_DIR: d, SLURM_CPUS_PER_TASK: '1' });
    expect(b.code, b.stderr).toBe(0);
    expect(b.stderr).toContain('bases: 2 of 2 base networks in runs/x-cache, 0 failed');
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
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(10);
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
      expect(r.stderr).toContain(`${flag}: got '${printable(value)}'`); // one line: a newline is shown as \n
      expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
      expect(existsSync(join(d, 'job.sbatch'))).toBe(false);
    }
  });

  it('--allow-path reaches every shard command as an absolute path (defects.file outside the config tree)', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), grid);
    expect(cli(['slurm', 'c.json', '--shards', '2', '--allow-path', 'maps dir', '--out', 'job.sbatch'], {}, d).code).toBe(0);
    const script = readFileSync(join(d, 'job.sbatch'), 'utf8');
    expect(script).toContain(`--allow-path '${join(d, 'maps dir')}'`);
  });
});

// Paths and names are data: whatever they hold, the script runs exactly what it was asked to run.
// The values hold a newline followed by a command, $(…), backticks, quotes and spaces; a marker file
// PWNED* appears if any of it runs.
const HOSTILE = 'o\ntouch PWNED1 $(touch PWNED2) `touch PWNED3` it\'s "q" a b 100%x';
/** sbatch's --output pattern for a literal path: % doubled */
const pattern = (p: string) => p.replace(/%/g, '%%');

/** a stub on PATH that writes its arguments, NUL-separated, to LOG.<n> (n = call number) */
function recordingStub(bin: string, name: string, log: string, reply = ''): void {
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, name),
    `#!/bin/bash\nn=$(ls ${JSON.stringify(log)}.* 2>/dev/null | wc -l)\nprintf '%s\\0' "$@" > ${JSON.stringify(log)}.$((n + 1))\n${reply}`,
  );
  chmodSync(join(bin, name), 0o755);
}

function calls(log: string): string[][] {
  const out: string[][] = [];
  for (let n = 1; existsSync(`${log}.${n}`); n++) out.push(readFileSync(`${log}.${n}`, 'utf8').split('\0').slice(0, -1));
  return out;
}

/** every file or directory whose name starts with PWNED below d (a command from a value ran) */
function markers(d: string): string[] {
  const found: string[] = [];
  const walk = (p: string) => {
    for (const f of readdirSync(p)) {
      if (f.startsWith('PWNED')) found.push(join(p, f));
      if (statSync(join(p, f)).isDirectory()) walk(join(p, f));
    }
  };
  walk(d);
  return found;
}

describe('rramsim slurm: paths and names are data, never script text', () => {
  it('hostile --dir, config path, --data-dir, --allow-path: no line added, #SBATCH first, sbatch and the jobs get the exact paths, nothing runs', () => {
    const d = tmp();
    const config = `cfg ${HOSTILE}.json`;
    writeJson(join(d, config), { ...grid, seed: [0] });
    const dir = `runs/${HOSTILE}`;
    const dataDir = `data ${HOSTILE}`;
    const allow = `maps ${HOSTILE}`;
    const args = ['--shards', '2', '--cpus', '1', '--out', 'job.sbatch', '--data-dir', dataDir, '--allow-path', allow];
    const w = cli(['slurm', config, ...args, '--dir', dir], {}, d);
    expect(w.code, w.stderr).toBe(0);
    const text = readFileSync(join(d, 'job.sbatch'), 'utf8');
    // the same script for plain values has exactly as many lines: no value starts a line
    writeJson(join(d, 'plain.json'), { ...grid, seed: [0] });
    const p = cli(['slurm', 'plain.json', '--shards', '2', '--cpus', '1', '--out', 'plain.sbatch', '--data-dir', 'data', '--allow-path', 'maps', '--dir', 'runs/x'], {}, d);
    expect(p.code, p.stderr).toBe(0);
    const lines = text.split('\n');
    expect(lines).toHaveLength(readFileSync(join(d, 'plain.sbatch'), 'utf8').split('\n').length);
    expect(lines.some((l) => /^\s*touch\b/.test(l))).toBe(false);
    // sbatch reads #SBATCH lines only before the first line that is neither a comment nor blank
    const firstCommand = lines.findIndex((l, i) => i > 0 && l.trim() !== '' && !l.startsWith('#'));
    const sbatchLines = lines.flatMap((l, i) => (l.startsWith('#SBATCH') ? [i] : []));
    expect(sbatchLines.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...sbatchLines)).toBeLessThan(firstCommand);
    expect(spawnSync('bash', ['-n', join(d, 'job.sbatch')]).status).toBe(0);

    // submit with a stub sbatch
    const bin = join(d, 'bin');
    const sblog = join(d, 'sbatch.log');
    recordingStub(bin, 'sbatch', sblog, 'echo 10$((n + 1))\n');
    const PATH = `${bin}:${process.env.PATH}`;
    const sub = bash(['job.sbatch'], d, { PATH });
    expect(sub.code, sub.stderr).toBe(0);
    const basesCall = (after: string[]) => ['--parsable', ...after, '--job-name=rramsim-slurmtest-bases', `--chdir=${d}`, `--output=${pattern(dir)}-logs/%x-%j.out`, 'job.sbatch', 'bases'];
    const arrayCall = (after: string) => ['--parsable', `--dependency=afterany:${after}`, '--array=0-1', `--chdir=${d}`, `--output=${pattern(dir)}-logs/%x-%A_%a.out`, 'job.sbatch'];
    expect(calls(sblog)).toEqual([
      basesCall([]), basesCall(['--dependency=afterany:101']), arrayCall('102'), arrayCall('103'),
      ['--dependency=afterany:104', '--kill-on-invalid-dep=yes', '--job-name=rramsim-slurmtest-merge', '--cpus-per-task=1', '--time=00:30:00',
        `--chdir=${d}`, `--output=${pattern(dir)}-logs/%x-%j.out`, 'job.sbatch', 'merge'],
    ]);
    expect(statSync(join(d, `${dir}-logs`)).isDirectory()).toBe(true);

    // inside the jobs, with a stub node: each array task and the merge job
    const nodelog = join(d, 'node.log');
    recordingStub(bin, 'node', nodelog);
    const job = { PATH, SLURM_SUBMIT_DIR: d, SLURM_CPUS_PER_TASK: '1' };
    expect(bash([join(d, 'job.sbatch'), 'bases'], '/', { ...job, SLURM_JOB_ID: '100' }).code).toBe(0);
    for (const i of [0, 1]) {
      const t = bash([join(d, 'job.sbatch')], '/', { ...job, SLURM_JOB_ID: '101', SLURM_ARRAY_TASK_ID: String(i) });
      expect(t.code, t.stderr).toBe(0);
    }
    const m = bash([join(d, 'job.sbatch'), 'merge'], '/', { ...job, SLURM_JOB_ID: '102' });
    expect(m.code, m.stderr).toBe(0);
    const shardArgs = (i: number) => [CLI, 'sweep', config, '--shard', `${i}/2`, '--out', `${dir}-shard${i}of2`, '--cache-dir', `${dir}-cache`, '--workers', '1', '--resume',
      '--data-dir', dataDir, '--allow-path', join(d, allow)];
    const basesArgs = [CLI, 'sweep', config, '--bases-only', '--cache-dir', `${dir}-cache`, '--workers', '1', '--data-dir', dataDir, '--allow-path', join(d, allow)];
    expect(calls(nodelog)).toEqual([basesArgs, shardArgs(0), shardArgs(1), [CLI, 'merge', `${dir}-shard0of2`, `${dir}-shard1of2`, '--out', dir]]);
    expect(markers(d)).toEqual([]);
  });

  it('a --dir, config or --data-dir that starts with "-" reaches the jobs as ./-…, never as an option', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), { ...grid, seed: [0] });
    const w = cli(['slurm', 'c.json', '--shards', '2', '--cpus', '1', '--out', 'job.sbatch', '--dir=-Dz', '--data-dir=-data'], {}, d);
    expect(w.code, w.stderr).toBe(0);
    const bin = join(d, 'bin');
    const nodelog = join(d, 'node.log');
    recordingStub(bin, 'node', nodelog);
    const job = { PATH: `${bin}:${process.env.PATH}`, SLURM_SUBMIT_DIR: d, SLURM_CPUS_PER_TASK: '1' };
    expect(bash([join(d, 'job.sbatch')], '/', { ...job, SLURM_JOB_ID: '7', SLURM_ARRAY_TASK_ID: '1' }).code).toBe(0);
    expect(bash([join(d, 'job.sbatch'), 'merge'], '/', { ...job, SLURM_JOB_ID: '8' }).code).toBe(0);
    const [task, merge] = calls(nodelog);
    expect(task).toEqual([CLI, 'sweep', 'c.json', '--shard', '1/2', '--out', './-Dz-shard1of2', '--cache-dir', './-Dz-cache', '--workers', '1', '--resume', '--data-dir', './-data']);
    expect(merge).toEqual([CLI, 'merge', './-Dz-shard0of2', './-Dz-shard1of2', '--out', './-Dz']);
    // every argument that names a path starts with something other than '-'
    for (const a of [...task.slice(2), ...merge.slice(2)]) if (!a.startsWith('--')) expect(a.startsWith('-')).toBe(false);
    // a config path given as '-c.json' (e.g. by a library caller) is written as './-c.json'
    expect(notAnOption('-c.json')).toBe('./-c.json');
    expect(notAnOption('runs/-x')).toBe('runs/-x');
  });

  it('the job name is a safe token derived from the sweep name', async () => {
    const { jobName, slurmScript } = await import('../../sim/sweep/slurm_script.js');
    expect(jobName('fig2.a_b-c')).toBe('rramsim-fig2.a_b-c');
    expect(jobName('a b\n#SBATCH --x $(y)')).toBe('rramsim-a_b__SBATCH_--x___y_');
    const text = slurmScript({ config: 'c.json', name: 'n\ntouch PWNED', configHash: 'abc123', shards: 2, dir: 'o', cpusPerTask: 1, time: '1:00', mem: '1G', points: 2, bases: 1, attempts: 2, cli: '/x/cli.js' });
    expect(text).toMatch(/^#SBATCH --job-name=rramsim-n_touch_PWNED$/m);
    expect(text).toContain("name=$'n\\ntouch PWNED'");
    expect(text.split('\n').some((l) => l.startsWith('touch'))).toBe(false);
  });
});

describe('rramsim slurm --out never replaces a file rramsim did not write', () => {
  it('refuses the config itself (exit 2, file unchanged); --force replaces it', () => {
    const d = tmp();
    const cfg = writeJson(join(d, 'c.json'), grid);
    const before = readFileSync(cfg, 'utf8');
    const r = cli(['slurm', 'c.json', '--shards', '2', '--out', 'c.json'], {}, d);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("rramsim: --out: 'c.json' exists and is a file, not a script rramsim slurm wrote; add --force to replace it, or choose another --out\n");
    expect(readFileSync(cfg, 'utf8')).toBe(before);
    writeFileSync(join(d, 'notes.sh'), '#!/bin/bash\necho mine\n');
    expect(cli(['slurm', 'c.json', '--shards', '2', '--out', 'notes.sh'], {}, d).code).toBe(2);
    expect(readFileSync(join(d, 'notes.sh'), 'utf8')).toBe('#!/bin/bash\necho mine\n');
    expect(cli(['slurm', 'c.json', '--shards', '2', '--out', 'notes.sh', '--force'], {}, d).code).toBe(0);
    expect(readFileSync(join(d, 'notes.sh'), 'utf8')).toContain('#SBATCH --job-name=rramsim-slurmtest');
  });

  it('replaces a script it wrote (atomically, executable, no temp file left); a missing directory is exit 2 and is not created', () => {
    const d = tmp();
    writeJson(join(d, 'c.json'), grid);
    expect(cli(['slurm', 'c.json', '--shards', '2', '--out', 'job.sbatch'], {}, d).code).toBe(0);
    const again = cli(['slurm', 'c.json', '--shards', '3', '--out', 'job.sbatch'], {}, d);
    expect(again.code, again.stderr).toBe(0);
    expect(readFileSync(join(d, 'job.sbatch'), 'utf8')).toContain('shards=3');
    expect(statSync(join(d, 'job.sbatch')).mode & 0o111).not.toBe(0);
    expect(readdirSync(d).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const missing = cli(['slurm', 'c.json', '--shards', '2', '--out', 'nope/job.sbatch'], {}, d);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`rramsim: --out: directory '${join(d, 'nope')}' does not exist; create it first or choose another --out\n`);
    expect(existsSync(join(d, 'nope'))).toBe(false);
    const dev = cli(['slurm', 'c.json', '--shards', '2', '--out', '/dev/null', '--force'], {}, d);
    expect(dev.code).toBe(2);
    expect(dev.stderr).toContain("--out: '/dev/null' is on the devtmpfs (/dev) pseudo file system");
  });
});
