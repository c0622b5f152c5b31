/**
 * `rramsim run`: run ONE point, every PointSpec field as a flag (dotted like the config:
 * --defects.rate 0.1 --lora.rank 4), print its ResultRecord as JSON. Flags are validated exactly
 * like a sweep config with single values (same defaults, same messages).
 */
import type { ArgumentsCamelCase, Argv, CommandModule, Options } from 'yargs';
import { planSweep } from '../../src/config/expand.js';
import { leaves } from '../../src/config/fields.js';
import { ensureDir } from '../../src/util/ensure_dir.js';
import { UserError } from '../../src/util/errors.js';
import { executePoint } from '../sweep/execute_point.js';
import { ALLOW_PATH_OPTION, EXIT, EXIT_EPILOG, parseAllowPaths, printBackendNotice, runnerFromEnv } from '../sweep/cli_common.js';
import { defaultRunnerModule } from '../sweep/pool.js';
import { preflight } from '../sweep/preflight.js';
import { checkOutDir } from '../sweep/run_sweep.js';
import type { RunPointFn } from '../sweep/point_runner.js';

type Args = Record<string, unknown> & {
  'data-dir'?: string;
  'cache-dir'?: string;
  'artifact-dir'?: string;
  'allow-path'?: string[];
};

/** Flag name -> yargs option, for every PointSpec leaf. */
function pointOptions(): Record<string, Options> {
  const opts: Record<string, Options> = {};
  for (const { path, leaf } of leaves()) {
    const name = path.join('.');
    const group = path.length > 1 ? `${path[0]}:` : 'Point:';
    if (leaf.type === 'range') {
      opts[`${name}.kind`] = { type: 'string', group, describe: `weight range kind: 'fixed' or 'percentile' (default ${leaf.describe.replace(/^.*\(default /, '').replace(/\)$/, '')})` };
      opts[`${name}.wMax`] = { type: 'number', group, describe: 'fixed: |w| max, > 0' };
      opts[`${name}.percentile`] = { type: 'number', group, describe: 'percentile: of |w|, in (0, 100]' };
      continue;
    }
    const type = leaf.type === 'number' ? 'number' : leaf.type === 'boolean' ? 'boolean' : leaf.type === 'stringList' ? 'array' : 'string';
    opts[name] = { type, group, describe: `${leaf.describe}; ${leaf.allowed}` } as Options;
    if (type === 'array') (opts[name] as Options).string = true;
  }
  return opts;
}

const NOT_POINT = new Set(['_', '$0', 'data-dir', 'dataDir', 'cache-dir', 'cacheDir', 'artifact-dir', 'artifactDir', 'allow-path', 'allowPath', 'help', 'h', 'version']);

/**
 * Nested config object from the parsed flags (only the flags given). yargs' strict mode cannot
 * check dotted flags, so every other key goes to the config validator, which names unknown ones.
 */
function configFromArgs(a: Args): Record<string, unknown> {
  const cfg: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(a)) if (!NOT_POINT.has(k) && v !== undefined) cfg[k] = structuredClone(v);
  dropKebabAliases(cfg);
  // --model takes a preset's name or a model description as JSON text ('{"name": …}');
  // --train.schedule / --retrain.schedule take JSON text ('{"kind": "cosine"}')
  for (const { path, leaf } of leaves()) {
    if (leaf.type !== 'model' && leaf.type !== 'object') continue;
    let o: Record<string, unknown> | undefined = cfg;
    for (const k of path.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    const key = path[path.length - 1];
    const v = o?.[key];
    if (o === undefined || typeof v !== 'string' || !(v.trimStart().startsWith('{') || leaf.type === 'object')) continue;
    try {
      o[key] = JSON.parse(v) as unknown;
    } catch (e) {
      const eg = leaf.type === 'model'
        ? `a preset name or a model description like '{"name": "mlp-784-10", "input": [1, 28, 28], "layers": [{"type": "flatten"}, {"type": "dense", "out": 10}]}'`
        : `JSON: ${leaf.allowed}`;
      throw new UserError(`--${path.join('.')}: not valid JSON (${(e as Error).message}); give ${eg}`, path.join('.'));
    }
  }
  for (const { path, leaf } of leaves()) {
    let o: Record<string, unknown> | undefined = cfg;
    for (const k of path.slice(0, -1)) o = o?.[k] as Record<string, unknown> | undefined;
    const key = path[path.length - 1];
    const v = o?.[key];
    if (o === undefined || v === undefined) continue;
    const name = path.join('.');
    if (leaf.type !== 'stringList' && leaf.type !== 'range' && Array.isArray(v)) {
      throw new UserError(`--${name}: given ${v.length} times; \`run\` takes one value per field (use \`rramsim sweep\` for grids)`, name);
    }
    if (leaf.type === 'stringList') o[key] = [(Array.isArray(v) ? v : [v]).map(String)]; // one value of a list-valued field
  }
  return cfg;
}

/** yargs adds kebab-case twins of camelCase flags (train-limit for trainLimit): drop them. */
function dropKebabAliases(o: Record<string, unknown>): void {
  for (const k of Object.keys(o)) {
    const camel = k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (camel !== k && camel in o) delete o[k];
    else if (o[k] && typeof o[k] === 'object' && !Array.isArray(o[k])) dropKebabAliases(o[k] as Record<string, unknown>);
  }
}

const command: CommandModule<object, Args> = {
  command: 'run',
  describe: 'run one experiment point (every PointSpec field as a flag) and print its ResultRecord JSON',
  builder: (y: Argv) =>
    y
      .strict(false)
      .options(pointOptions())
      .option('data-dir', { type: 'string', describe: 'IDX dataset directory (else env RRAMSIM_DATA, else the default search path)' })
      .option('cache-dir', { type: 'string', describe: 'shared cache directory (trained base networks); none = no cache' })
      .option('allow-path', ALLOW_PATH_OPTION)
      .option('artifact-dir', { type: 'string', describe: "directory for this point's artefacts (defect maps, importance maps); none = none written" })
      .example('$0 run --method lora --lora.rank 4 --defects.rate 0.1 --dataset mnist-embedded --trainLimit 2000', 'LoRA rank 4 at 10 % stuck cells')
      .epilog(`Unset fields take the defaults in src/config/defaults.ts. ${EXIT_EPILOG}`) as unknown as Argv<Args>,
  handler: async (a: ArgumentsCamelCase<Args>) => {
    const plan = await planSweep(configFromArgs(a), 'run', { allowPaths: parseAllowPaths(a['allow-path']) });
    const p = plan.points[0];
    // the named directories only (checked like a sweep's --out: not a file, not on /proc, /sys, /dev)
    for (const [flag, d] of [['--cache-dir', a['cache-dir']], ['--artifact-dir', a['artifact-dir']]] as const) {
      if (d === undefined) continue;
      checkOutDir(d, flag);
      ensureDir(d);
    }
    if (!runnerFromEnv()) preflight([p.point], a['data-dir']);
    if (!runnerFromEnv()) printBackendNotice();
    const runner = runnerFromEnv() ?? defaultRunnerModule();
    const mod = (await import(runner)) as { runPoint: RunPointFn };
    const rec = await executePoint(mod.runPoint, p.point, p.hash, plan.configHash, {
      dataDir: a['data-dir'],
      cacheDir: a['cache-dir'],
      artifactDir: a['artifact-dir'],
      log: (msg) => process.stderr.write(`${msg}\n`),
    });
    process.stdout.write(`${JSON.stringify(rec, null, 2)}\n`);
    process.exitCode = rec.status === 'ok' ? EXIT.ok : EXIT.pointsFailed;
  },
};
export default command;
