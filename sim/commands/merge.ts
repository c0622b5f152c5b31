/** `rramsim merge DIR... --out DIR`: merge shard directories of one sweep into one result set + report. */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { writeReport } from '../../src/report/write_report.js';
import { commandLine, EXIT, EXIT_EPILOG } from '../sweep/cli_common.js';
import { mergeDirs } from '../sweep/merge_dirs.js';

interface Args {
  dirs: string[];
  out: string;
  report: boolean;
}

const command: CommandModule<object, Args> = {
  command: 'merge <dirs..>',
  describe: 'merge shard directories (same config) into one: dedup by point hash, check config hashes agree, write the report',
  builder: (y: Argv) =>
    y
      .positional('dirs', { type: 'string', array: true, describe: 'shard directories written by `rramsim sweep --shard i/n`', demandOption: true })
      .option('out', { type: 'string', demandOption: true, describe: 'merged sweep directory' })
      .option('report', { type: 'boolean', default: true, describe: 'write DIR/report.html (--no-report to skip)' })
      .example('$0 merge runs/x-shard0of2 runs/x-shard1of2 --out runs/x', 'merge two shards')
      .epilog(`Exit 3 when expected points are missing or failed. ${EXIT_EPILOG}`) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const r = mergeDirs(a.dirs.map(String), a.out, commandLine());
    const err = (s: string) => process.stderr.write(`${s}\n`);
    for (const d of r.dropped) err(`merge: dropped ${d}`);
    for (const c of r.conflicts) err(`merge: warning: ${c}`);
    err(`merge: ${r.ok} of ${r.expected} expected points ok, ${r.failed} failed, ${r.missing} missing -> ${a.out}`);
    if (a.report) process.stdout.write(`report: ${await writeReport(a.out)}\n`);
    process.exitCode = r.failed + r.missing > 0 ? EXIT.pointsFailed : EXIT.ok;
  },
};
export default command;
