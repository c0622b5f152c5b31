/**
 * `rramsim slurm CONFIG --shards N`: write a Slurm script that trains the sweep's base networks once
 * (a base job into the shared cache DIR-cache), runs the shards as a job array reading them, and
 * merges (sim/sweep/slurm_script.ts). The jobs run the CLI that wrote the script (dist/sim/cli.js of
 * this install, an absolute path) unless RRAMSIM_CLI is set when the script is submitted.
 * Defaults fitted to the sweep (sim/sweep/slurm_resources.ts): --mem from the memory estimate of
 * --cpus workers, --attempts from the time estimate and --time (each attempt continues what the
 * one before left, so the time limit only splits the work).
 */
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { UserError } from '../../src/util/errors.js';
import { checkMemory, parseMemorySize } from '../sweep/preflight.js';
import { checkOutputFile } from '../../src/util/output_file.js';
import { printable } from '../../src/util/safe_text.js';
import { shellQuote } from '../../src/util/shell_quote.js';
import { ALLOW_PATH_OPTION, EXIT_EPILOG, parseAllowPaths } from '../sweep/cli_common.js';
import { defaultOutDir } from '../sweep/run_sweep.js';
import { checkShardCount } from '../sweep/shard.js';
import { SLURM_SCRIPT_MARKER, slurmScript } from '../sweep/slurm_script.js';
import { defaultAttempts, defaultMem, estimatedJobSeconds, slurmSeconds } from '../sweep/slurm_resources.js';
import { basePoints } from '../sweep/train_bases.js';
import { formatSeconds } from '../../src/experiment/memory_estimate.js';

interface Args {
  config: string;
  shards: number;
  out?: string;
  force: boolean;
  dir?: string;
  cpus: number;
  time: string;
  mem?: string;
  attempts?: number;
  partition?: string;
  'data-dir'?: string;
  'allow-path'?: string[];
}

const command: CommandModule<object, Args> = {
  command: 'slurm <config>',
  describe: 'write a Slurm job-array script that runs a sweep in N shards and then merges them',
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', demandOption: true, describe: 'sweep config (JSON)' })
      .option('shards', { type: 'number', demandOption: true, describe: 'number of array tasks (shards)' })
      .option('out', { type: 'string', describe: 'script file (default: print to stdout); replaces only a script rramsim slurm wrote, unless --force' })
      .option('force', { type: 'boolean', default: false, describe: 'let --out replace an existing file rramsim did not write' })
      .option('dir', { type: 'string', describe: 'merged result directory (default runs/<name>-<config hash>)' })
      .option('cpus', { type: 'number', default: 2, describe: 'CPUs per task (= worker threads)' })
      .option('time', { type: 'string', default: '04:00:00', describe: 'wall-time limit per task (Slurm --time)' })
      .option('mem', { type: 'string', describe: 'memory per task (Slurm --mem; default: the memory estimate of --cpus workers of the largest point, +25 %, in whole G)' })
      .option('attempts', { type: 'number', describe: 'times the base job and the shard array are submitted, each continuing what the one before left (default: from the time estimate and --time, at least 2)' })
      .option('partition', { type: 'string', describe: 'Slurm partition' })
      .option('data-dir', { type: 'string', describe: 'IDX dataset directory on the cluster' })
      .option('allow-path', ALLOW_PATH_OPTION)
      .example('$0 slurm configs/ittrna-lenet5.json --shards 16 --out lenet5.sbatch', 'then: bash lenet5.sbatch')
      .epilog(EXIT_EPILOG) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const allowPaths = parseAllowPaths(a['allow-path']);
    const isOwn = (head: string) => head.split('\n', 2)[1] === SLURM_SCRIPT_MARKER;
    if (a.out !== undefined) checkOutputFile(a.out, { flag: '--out', force: a.force, what: 'a script rramsim slurm wrote', isOwn });
    const plan = await loadSweepConfig(a.config, { allowPaths });
    checkShardCount(a.shards, plan.points.length, '--shards');
    if (!Number.isInteger(a.cpus) || a.cpus < 1) throw new UserError(`--cpus: got '${a.cpus}'; allowed: an integer >= 1`, '--cpus');
    if (!/^(\d+-)?\d+(:\d{2}){0,2}$/.test(a.time)) throw new UserError(`--time: got '${a.time}'; allowed: a Slurm time such as 04:00:00 or 1-00:00:00`, '--time');
    const mem = a.mem ?? defaultMem(plan.points, a.cpus);
    if (!/^\d+[KMGT]?$/.test(mem)) throw new UserError(`--mem: got '${mem}'; allowed: a Slurm memory size such as 4G, 500M or 4096`, '--mem');
    // each task runs its shard (or the bases) with --cpus worker threads in --mem (sim/sweep/preflight.ts, checkMemory)
    checkMemory(plan.points.map((p) => p.point), { workers: a.cpus, workersFlag: '--cpus', limit: { bytes: parseMemorySize(mem, 2 ** 20)!, what: `--mem ${mem} per task` } });
    const bases = basePoints(plan.points);
    const est = estimatedJobSeconds(plan.points, bases, a.shards, a.cpus);
    if (a.attempts !== undefined && (!Number.isInteger(a.attempts) || a.attempts < 1 || a.attempts > 100)) {
      throw new UserError(`--attempts: got '${a.attempts}'; allowed: an integer in [1, 100]`, '--attempts');
    }
    const attempts = a.attempts ?? defaultAttempts(Math.max(est.bases, est.shard), slurmSeconds(a.time));
    if (a.partition !== undefined && !/^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/.test(a.partition)) {
      throw new UserError(`--partition: got '${a.partition}'; allowed: a partition name (letters, digits, '_', '.', '-'), or several separated by commas`, '--partition');
    }
    const text = slurmScript({
      config: a.config,
      name: plan.name,
      configHash: plan.configHash,
      shards: a.shards,
      dir: a.dir ?? defaultOutDir(plan),
      cpusPerTask: a.cpus,
      time: a.time,
      mem,
      bases: bases.length,
      attempts,
      partition: a.partition,
      dataDir: a['data-dir'],
      allowPaths: allowPaths.map((p) => resolve(p)),
      points: plan.points.length,
      cli: fileURLToPath(new URL('../cli.js', import.meta.url)),
    });
    if (a.out) {
      writeFileAtomicSync(a.out, text, 0o755);
      process.stderr.write(`wrote ${printable(a.out)}: ${a.shards} shards of ${plan.points.length} points; submit with: bash ${shellQuote(a.out)} (from this directory; --wait to wait for the merged result)\n`);
      process.stderr.write(`jobs: ${bases.length} base network(s) trained once by a base job, then the shard array; each task --cpus ${a.cpus} --mem ${mem} --time ${a.time}; ` +
        `${attempts} attempt(s) each (estimated: base job ${formatSeconds(est.bases)}, longest shard ${formatSeconds(est.shard)})\n`);
    } else process.stdout.write(text);
  },
};
export default command;
