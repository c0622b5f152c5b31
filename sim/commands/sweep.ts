/**
 * `rramsim sweep CONFIG`: run every point of a sweep config in parallel, resumably; then write the report.
 * `--cache-dir DIR` keeps the base networks in DIR instead of OUT/cache (shared by a job's shards);
 * `--bases-only --cache-dir DIR` trains only the sweep's base networks into DIR (sim/sweep/train_bases.ts).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { describeFsError } from '../../src/util/fs_errors.js';
import { UserError } from '../../src/util/errors.js';
import { printable } from '../../src/util/safe_text.js';
import { shellCommand } from '../../src/util/shell_quote.js';
import { ALLOW_PATH_OPTION, commandLine, EXIT, EXIT_EPILOG, parseAllowPaths, parseWorkers, printBackendNotice, printWarnings, runnerFromEnv } from '../sweep/cli_common.js';
import { resumeCommand } from '../sweep/invocation.js';
import { makeProgress } from '../sweep/progress.js';
import { isDiskFull } from '../sweep/execute_point.js';
import { defaultOutDir, runSweep } from '../sweep/run_sweep.js';
import { checkShardCount, parseShard } from '../sweep/shard.js';
import { trainBases } from '../sweep/train_bases.js';
import { existsSync, statSync } from 'node:fs';

interface Args {
  config: string;
  out?: string;
  workers?: number;
  shard?: string;
  resume: boolean;
  'cache-dir'?: string;
  'bases-only': boolean;
  'data-dir'?: string;
  'allow-path'?: string[];
}

const command: CommandModule<object, Args> = {
  command: 'sweep <config>',
  describe: 'run every point of a sweep config (parallel, resumable) and write the report',
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', describe: 'sweep config (JSON), e.g. configs/quick.json', demandOption: true })
      .option('out', { type: 'string', describe: 'output directory (default runs/<config name>-<config hash>[-shard<i>of<n>])' })
      .option('workers', { type: 'number', describe: 'worker threads (default: number of cores)' })
      .option('shard', { type: 'string', describe: 'run only shard i of n (0 <= i < n): the points with grid index = i mod n' })
      .option('resume', { type: 'boolean', default: false, describe: 'continue an interrupted sweep in --out: skip finished points, re-run failed and torn ones' })
      .option('cache-dir', { type: 'string', describe: 'base-network cache directory (default OUT/cache); several sweeps may share one, e.g. the shards of a Slurm job' })
      .option('bases-only', { type: 'boolean', default: false, describe: 'only train the base networks of every point (all shards) into --cache-dir, resumably; no results, no report' })
      .option('data-dir', { type: 'string', describe: 'IDX dataset directory (else env RRAMSIM_DATA, else the default search path)' })
      .option('allow-path', ALLOW_PATH_OPTION)
      .example('$0 sweep configs/quick.json', 'the main job: embedded MNIST, a few minutes on 2 cores')
      .example('$0 sweep configs/ittrna-mlp.json --shard 0/4 --out runs/mlp-0', 'one of four shards (merge them with `rramsim merge`)')
      .epilog(
        `Results: DIR/results.jsonl (one line per finished point, fsync'ed), DIR/manifest.json, DIR/artifacts/<pointHash>/, DIR/cache/, DIR/report.html; ` +
          `a failed point's error is one line in its record, its full trace in DIR/errors.log. A full disk stops the sweep at once (exit 5) with the --resume command. ` +
          `DIR is locked while the sweep runs (DIR/.rramsim.lock; a second sweep on it exits 2) and holds one config. ` +
          `After Ctrl-C or a crash, run the same command with --resume: every valid record is kept, invalid lines move to DIR/results.rejected.jsonl.\n\n${EXIT_EPILOG}`,
      ) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const plan = await loadSweepConfig(a.config, { allowPaths: parseAllowPaths(a['allow-path']) });
    const workers = parseWorkers(a.workers);
    const shard = a.shard !== undefined ? parseShard(a.shard) : undefined;
    if (shard) checkShardCount(shard.count, plan.points.length, '--shard');
    printWarnings(plan.warnings);
    if (!runnerFromEnv()) printBackendNotice();
    const tty = Boolean(process.stderr.isTTY);
    // messages quote the output directory, which may hold control characters: escaped
    const err = (s: string) => process.stderr.write(`${printable(s)}\n`);
    const cacheDir = a['cache-dir'];
    if (cacheDir !== undefined && (cacheDir.trim() === '' || (existsSync(cacheDir) && !statSync(cacheDir).isDirectory()))) {
      throw new UserError(`--cache-dir: got '${printable(cacheDir)}'; allowed: a directory (created when absent)`, '--cache-dir');
    }
    if (a['bases-only']) {
      if (cacheDir === undefined) throw new UserError('--bases-only: needs --cache-dir DIR, the directory the bases go to (and the shards read with the same --cache-dir)', '--bases-only');
      if (shard) throw new UserError('--bases-only: trains the bases of every shard; drop --shard', '--bases-only');
      const b = await trainBases({ plan, cacheDir, workers, dataDir: a['data-dir'], runnerModule: runnerFromEnv(), progress: makeProgress(tty) });
      if (b.interrupted) {
        err(`interrupted: ${b.ok} of ${b.total} base networks done in ${cacheDir}; run the same command again to continue from their checkpoints`);
        process.exitCode = EXIT.interrupted;
        return;
      }
      err(`bases: ${b.ok} of ${b.total} base networks in ${cacheDir}, ${b.failed} failed`);
      process.exitCode = b.failed > 0 ? EXIT.pointsFailed : EXIT.ok;
      return;
    }
    const dir = a.out ?? defaultOutDir(plan, shard);
    // the user's own command line (launcher, every flag) with --out and --resume: sim/sweep/invocation.ts
    const resumeHint = () => err(`continue with: ${resumeCommand(dir)}`);
    let outcome;
    try {
      outcome = await runSweep({
        plan,
        out: a.out,
        workers,
        shard,
        resume: a.resume,
        dataDir: a['data-dir'],
        cacheDir,
        runnerModule: runnerFromEnv(),
        command: commandLine(),
        progress: makeProgress(tty),
      });
    } catch (e) {
      // a full disk, in results.jsonl or inside a point, stops the sweep at once: one line and the command that continues it
      const full = isDiskFull(e) ? describeFsError(e) : undefined;
      if (!full) throw e;
      err(`rramsim: ${full.message}`);
      resumeHint();
      process.exitCode = full.exitCode;
      return;
    }
    if (outcome.interrupted) {
      err(`interrupted: ${outcome.ok} of ${outcome.total} points done in ${outcome.dir}`);
      resumeHint();
      process.exitCode = EXIT.interrupted;
      return;
    }
    err(`sweep: ${outcome.ok} of ${outcome.total} points ok, ${outcome.failed} failed (${outcome.ran} run now) in ${outcome.dir}`);
    if (outcome.reportPath) process.stdout.write(`report: ${printable(outcome.reportPath)}\n`);
    const fsFail = outcome.reportCause !== undefined ? describeFsError(outcome.reportCause) : undefined;
    if (fsFail) {
      err(`rramsim: report not written (results are complete in ${outcome.dir}; re-create it with ${shellCommand(['rramsim', 'report', outcome.dir])}): ${fsFail.message}`);
      process.exitCode = fsFail.exitCode;
      return;
    }
    if (outcome.reportCause instanceof UserError) {
      // e.g. DIR/report.html exists and is not a report rramsim wrote (src/util/output_file.ts)
      err(`rramsim: report not written (results are complete in ${outcome.dir}): ${printable(outcome.reportCause.message)}`);
      process.exitCode = EXIT.badInput;
      return;
    }
    if (outcome.reportError) {
      err(`rramsim: internal error while writing the report (results are complete in ${outcome.dir}): ${outcome.reportError}`);
      process.exitCode = EXIT.internal;
      return;
    }
    process.exitCode = outcome.failed > 0 ? EXIT.pointsFailed : EXIT.ok;
  },
};
export default command;
