/**
 * `rramsim list CONFIG`: validate and expand a sweep config and print the grid, without running it.
 * Names, descriptions and labels pass through `printable` (control characters escaped); --json
 * output is JSON (escapes control characters itself).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { printable } from '../../src/util/safe_text.js';
import { ALLOW_PATH_OPTION, EXIT_EPILOG, parseAllowPaths, printWarnings } from '../sweep/cli_common.js';
import { pointLabel } from '../sweep/point_label.js';
import { shardPoints } from '../sweep/run_sweep.js';
import { checkShardCount, parseShard } from '../sweep/shard.js';

interface Args {
  config: string;
  shard?: string;
  json: boolean;
  'allow-path'?: string[];
}

const command: CommandModule<object, Args> = {
  command: 'list <config>',
  describe: 'expand a sweep config and print the grid (index, point hash, varying fields) and the count',
  builder: (y: Argv) =>
    y
      .positional('config', { type: 'string', describe: 'sweep config (JSON)', demandOption: true })
      .option('shard', { type: 'string', describe: 'list only shard i of n' })
      .option('allow-path', ALLOW_PATH_OPTION)
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON line per point: {index, pointHash, point} (full PointSpec)' })
      .epilog(EXIT_EPILOG) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const plan = await loadSweepConfig(a.config, { allowPaths: parseAllowPaths(a['allow-path']) });
    const shard = a.shard !== undefined ? parseShard(a.shard) : undefined;
    if (shard) checkShardCount(shard.count, plan.points.length, '--shard');
    printWarnings(plan.warnings);
    const points = shardPoints(plan, shard);
    const out: string[] = [];
    if (a.json) {
      for (const p of points) out.push(JSON.stringify({ index: p.index, pointHash: p.hash, point: p.point }));
    } else {
      // config text goes to a terminal: control characters (ANSI escapes) are shown escaped, never sent raw
      out.push(`# ${printable(plan.name)} (config hash ${plan.configHash})${plan.description ? `: ${printable(plan.description)}` : ''}`);
      out.push(`# varying: ${plan.varying.map((v) => `${printable(v.path.join('.'))} (${v.values.length})`).join(', ') || 'nothing'}`);
      for (const p of points) out.push(`${String(p.index).padStart(5)}  ${p.hash}  ${printable(pointLabel(p.point, plan.varying))}`);
      const dup = plan.gridSize - plan.points.length;
      out.push(
        `${points.length} points${shard ? ` in shard ${shard.index}/${shard.count} of ${plan.points.length}` : ''} ` +
          `(grid ${plan.gridSize}${dup > 0 ? `, ${dup} combinations collapsed: fields the method does not read` : ''})`,
      );
    }
    process.stdout.write(`${out.join('\n')}\n`);
  },
};
export default command;
