/**
 * `rramsim report DIR [--out FILE]`: write the self-contained HTML report of a sweep directory
 * (default DIR/report.html). Bad DIR (no results.jsonl, unreadable manifest) → UserError (exit 2).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { writeReport } from '../../src/report/write_report.js';
import { UserError } from '../../src/util/errors.js';

interface ReportArgs {
  dir?: string;
  out?: string;
}

const command: CommandModule<object, ReportArgs> = {
  command: 'report [dir]',
  describe: 'write DIR/report.html (self-contained, works offline) from a sweep directory',
  builder: (y) =>
    y
      .positional('dir', { type: 'string', describe: 'sweep directory holding results.jsonl and manifest.json' })
      .option('out', { type: 'string', describe: 'output HTML file (default DIR/report.html)' })
      .example('$0 report runs/fig2', 'write runs/fig2/report.html')
      .example('$0 report runs/fig2 --out fig2.html', 'write fig2.html'),
  handler: async (args) => {
    if (!args.dir) throw new UserError('report: DIR is required: rramsim report DIR [--out FILE] (DIR = a sweep directory holding results.jsonl)', 'DIR');
    if (args.out !== undefined && args.out.trim() === '') throw new UserError('report: --out needs a file name (e.g. --out report.html)', 'out');
    if (args.out !== undefined && existsSync(args.out) && statSync(args.out).isDirectory()) {
      throw new UserError(`report: --out ${args.out} is a directory; give a file name (e.g. --out ${join(args.out, 'report.html')})`, 'out');
    }
    const path = await writeReport(args.dir, { out: args.out });
    process.stdout.write(`report written: ${path}\n`);
  },
};
export default command;
