/**
 * `rramsim report DIR [--out FILE]`: write the self-contained HTML report of a sweep directory
 * (default DIR/report.html). Bad DIR (no results.jsonl, unreadable manifest) → UserError (exit 2).
 * The output replaces only a report rramsim wrote, unless --force (src/util/output_file.ts); its
 * directory must exist.
 */
import type { CommandModule } from 'yargs';
import { writeReport } from '../report/write_report.js';
import { UserError } from '../../src/util/errors.js';
import { printable } from '../../src/util/safe_text.js';

interface ReportArgs {
  dir?: string;
  out?: string;
  force?: boolean;
}

const command: CommandModule<object, ReportArgs> = {
  command: 'report [dir]',
  describe: 'write DIR/report.html (self-contained, works offline) from a sweep directory',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'sweep directory holding results.jsonl and manifest.json' })
      .option('out', { type: 'string', describe: 'output HTML file (default DIR/report.html); replaces only a report rramsim wrote, unless --force' })
      .option('force', { type: 'boolean', default: false, describe: 'let the output replace an existing file that is not an rramsim report' })
      .example('$0 report runs/fig2', 'write runs/fig2/report.html')
      .example('$0 report runs/fig2 --out fig2.html', 'write fig2.html'),
  handler: async (args) => {
    if (!args.dir) throw new UserError('report: DIR is required: rramsim report DIR [--out FILE] (DIR = a sweep directory holding results.jsonl)', 'DIR');
    if (args.out !== undefined && args.out.trim() === '') throw new UserError('report: --out needs a file name (e.g. --out report.html)', 'out');
    const path = await writeReport(args.dir, { out: args.out, force: args.force });
    process.stdout.write(`report written: ${printable(path)}\n`);
  },
};
export default command;
