/** `rramsim merge DIR... --out DIR`: merge shard directories of one sweep into one result set + report. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { writeReport } from '../report/write_report.js';
import { commandLine, EXIT, EXIT_EPILOG } from '../sweep/cli_common.js';
import { type ConflictPolicy, mergeDirs } from '../sweep/merge_dirs.js';
import { printable } from '../../src/util/safe_text.js';

interface Args {
  dirs: string[];
  out: string;
  report: boolean;
  'on-conflict': ConflictPolicy;
  prefer?: string;
}

const command: CommandModule<object, Args> = {
  command: 'merge <dirs..>',
  describe: 'merge shard directories (same config) into one: dedup by point hash, check config hashes agree, write the report',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'shard directories written by `rramsim sweep --shard i/n`', demandOption: true })
      .option('out', { type: 'string', demandOption: true, describe: 'merged sweep directory (new or empty, or one of DIR...)' })
      .option('report', { type: 'boolean', default: true, describe: 'write DIR/report.html (--no-report to skip)' })
      .option('on-conflict', {
        choices: ['error', 'first', 'last'] as const,
        default: 'error' as const,
        describe: 'two ok records of one point with different metrics: refuse (error, exit 2), or keep the first / last in argument order',
      })
      .option('prefer', { type: 'string', describe: 'on a conflict keep the record from this directory (one of DIR...)' })
      .example('$0 merge runs/x-shard0of2 runs/x-shard1of2 --out runs/x', 'merge two shards')
      .epilog(`${EXIT_EPILOG}\n\nmerge: exit 3 when expected points are missing or failed; exit 2 when two directories disagree on a point's metrics (timings excluded) and neither --prefer nor --on-conflict first|last says which to keep.`) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    // messages quote directory names and values from results files: control characters escaped
    const err = (s: string) => process.stderr.write(`${printable(s)}\n`);
    const r = mergeDirs(a.dirs.map(String), a.out, commandLine(), { onConflict: a['on-conflict'], prefer: a.prefer, log: (m) => err(`merge: ${m}`) });
    for (const d of r.dropped) err(`merge: dropped ${d}`);
    for (const c of r.conflicts) err(`merge: warning: ${c}`);
    err(`merge: ${r.ok} of ${r.expected} expected points ok, ${r.failed} failed, ${r.missing} missing -> ${a.out}`);
    if (a.report) process.stdout.write(`report: ${printable(await writeReport(a.out))}\n`);
    process.exitCode = r.failed + r.missing > 0 ? EXIT.pointsFailed : EXIT.ok;
  },
};
export default command;
