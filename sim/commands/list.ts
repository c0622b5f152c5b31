/**
 * `rramsim list CONFIG`: validate and expand a sweep config and print the grid, without running it,
 * each point with its memory and time estimate (src/experiment/memory_estimate.ts), the estimated CPU
 * time per method, of the base trainings and in total (src/experiment/cost_model.ts: each base network
 * once; the reference machine's rates, uncalibrated), and on stderr the
 * largest point's memory × --workers against the machine's (the check `rramsim sweep` makes,
 * sim/sweep/preflight.ts: refused above it, warned above half of it).
 * Names, descriptions and labels pass through `printable` (control characters escaped); --json
 * output is JSON (escapes control characters itself).
 */
import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { printable } from '../../src/util/safe_text.js';
import { estimatePoint, formatBytes, formatSeconds, PROCESS_BASE_BYTES } from '../../src/experiment/memory_estimate.js';
import { sweepCost } from '../../src/experiment/cost_model.js';
import { defaultThreads } from '../../src/kernels/threads.js';
import { baseKey } from '../sweep/schedule.js';
import { ALLOW_PATH_OPTION, EXIT_EPILOG, parseAllowPaths, parseWorkers, printWarnings } from '../sweep/cli_common.js';
import { checkMemory, machineMemory } from '../sweep/preflight.js';
import { pointLabel } from '../sweep/point_label.js';
import { shardPoints } from '../sweep/run_sweep.js';
import { checkShardCount, parseShard } from '../sweep/shard.js';

interface Args {
  config: string;
  shard?: string;
  json: boolean;
  workers?: number;
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
      .option('workers', { type: 'number', describe: 'worker threads the sweep would use, for the memory check (default: number of cores)' })
      .option('json', { type: 'boolean', default: false, describe: 'print one JSON line per point: {index, pointHash, point} (full PointSpec)' })
      .epilog(EXIT_EPILOG) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const plan = await loadSweepConfig(a.config, { allowPaths: parseAllowPaths(a['allow-path']) });
    const shard = a.shard !== undefined ? parseShard(a.shard) : undefined;
    if (shard) checkShardCount(shard.count, plan.points.length, '--shard');
    printWarnings(plan.warnings);
    const points = shardPoints(plan, shard);
    const workers = parseWorkers(a.workers);
    checkMemory(points.map((p) => p.point), { workers });
    const out: string[] = [];
    if (a.json) {
      for (const p of points) out.push(JSON.stringify({ index: p.index, pointHash: p.hash, point: p.point }));
    } else {
      // config text goes to a terminal: control characters (ANSI escapes) are shown escaped, never sent raw
      out.push(`# ${printable(plan.name)} (config hash ${plan.configHash})${plan.description ? `: ${printable(plan.description)}` : ''}`);
      out.push(`# varying: ${plan.varying.map((v) => `${printable(v.path.join('.'))} (${v.values.length})`).join(', ') || 'nothing'}`);
      let big = { index: -1, bytes: 0, seconds: 0 };
      for (const p of points) {
        const e = estimatePoint(p.point);
        if (e.bytes > big.bytes) big = { index: p.index, bytes: e.bytes, seconds: e.seconds };
        out.push(`${String(p.index).padStart(5)}  ${p.hash}  ${printable(pointLabel(p.point, plan.varying))}  [~${formatBytes(e.bytes)}, ~${formatSeconds(e.seconds)}]`);
      }
      if (points.length > 0) {
        const w = Math.min(workers, points.length), m = machineMemory();
        process.stderr.write(`rramsim: estimate: largest point ${big.index} ~${formatBytes(big.bytes)}; ${w} worker${w > 1 ? 's' : ''} + the process ~${formatBytes(PROCESS_BASE_BYTES + w * big.bytes)} of ${formatBytes(m.bytes)} (${m.what})\n`);
      }
      if (points.length > 0) {
        // CPU time: a point on t threads takes about cost / t wall seconds; the sweep about total / cores
        const c = sweepCost(points.map((p) => p.point), baseKey);
        const w = Math.min(workers, points.length), cores = w * defaultThreads(w);
        const per = [...c.byMethod].map(([m, s]) => `${m} ${formatSeconds(s)}`);
        if (c.nBases > 0) per.push(`base training (${c.nBases} network${c.nBases > 1 ? 's' : ''}) ${formatSeconds(c.bases)}`);
        out.push(`# estimated CPU time: ${per.join(', ')}`);
        out.push(`# estimated CPU time in total: ${formatSeconds(c.total)} (about ${formatSeconds(c.total / cores)} on ${cores} core${cores > 1 ? 's' : ''} with ${w} worker${w > 1 ? 's' : ''}; reference-machine rates, src/experiment/cost_model.ts)`);
      }
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
