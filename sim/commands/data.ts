/**
 * `rramsim data check [--data-dir DIR] [--json]`: for every registered data set (mnist,
 * fashion-mnist, mnist-embedded, cifar10, cifar10-jpeg, …: src/data/sets/registry.ts) say whether
 * it is available, where (or every place it looked), its split sizes, and whether every file's
 * checksum matches (cifar10, which has no published per-file checksums: its structure). Exit 0 if
 * every check that ran passed (an unavailable dataset is reported, not a failure); exit 2 if a
 * dataset was found but a file is corrupt or its checksum does not match.
 */
import type { Argv, CommandModule } from 'yargs';
import { checkDatasets, type DatasetCheck } from '../../src/data/check.js';

interface CheckArgs {
  'data-dir'?: string;
  json?: boolean;
}

function describeCheck(c: DatasetCheck): string {
  const head = `${c.dataset.padEnd(15)} ${c.available ? (c.ok ? 'available' : 'BAD') : 'not available'}`;
  const lines = [head];
  const indent = ' '.repeat(16);
  if (c.where) lines.push(`${indent}where: ${c.where}`);
  if (c.splits) lines.push(`${indent}sizes: ${c.splits.map((s) => `${s.name} ${s.n}`).join(', ')}`);
  if (c.available && c.files.length > 0) {
    const okCount = c.files.filter((f) => f.ok).length;
    const origins = [...new Set(c.files.map((f) => f.gzipOrigin).filter((o): o is string => !!o))];
    const gzNote = origins.length ? `; .gz files: ${origins.join(', ')}` : '';
    if (c.verifiedBy === 'structure') {
      lines.push(`${indent}checksums: none published; structure ${okCount === c.files.length ? 'OK' : 'BAD'} (${okCount}/${c.files.length} files well-formed)`);
    } else {
      lines.push(`${indent}checksums: ${okCount === c.files.length ? 'OK' : 'MISMATCH'} (${okCount}/${c.files.length} files match${gzNote})`);
    }
  }
  if (c.problem) for (const l of c.problem.split('\n')) lines.push(`${indent}${l}`);
  if (c.describe) lines.push(`${indent}what: ${c.describe}`);
  return lines.join('\n');
}

const check: CommandModule<object, CheckArgs> = {
  command: 'check',
  describe: 'say which datasets are available where, their sizes, and whether their checksums match',
  builder: (y: Argv<object>) =>
    y
      .option('data-dir', {
        type: 'string',
        describe: 'directory holding a data set\'s files (or a parent with mnist/, fashion-mnist/, cifar10-jpeg/, …); default: env RRAMSIM_DATA, then ./data/<name>, ../shared/data/<name>, /usr/share/datasets/fashion-mnist',
      })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON object per dataset instead of text' }) as Argv<CheckArgs>,
  handler: (args) => {
    const checks = checkDatasets({ dataDir: args['data-dir'] });
    for (const c of checks) process.stdout.write(`${args.json ? JSON.stringify(c) : describeCheck(c)}\n`);
    const failed = checks.filter((c) => c.available && !c.ok);
    if (!args.json) {
      const avail = checks.filter((c) => c.available).length;
      process.stdout.write(
        failed.length === 0
          ? `\n${avail} of ${checks.length} datasets available; all checks passed\n`
          : `\n${failed.length} dataset(s) failed the check: ${failed.map((c) => c.dataset).join(', ')}\n`,
      );
    }
    if (failed.length > 0) process.exitCode = 2;
  },
};

const command: CommandModule = {
  command: 'data',
  describe: 'data check: say which datasets are available where',
  builder: (y) => y.command(check).demandCommand(1, 'Name an action: check'),
  handler: () => {},
};
export default command;
