/**
 * Accuracy benchmark of the training methods: for each seed, defect rate and method, one
 * point through `runPoint` on the full dataset; appends one JSON line per point to --out and prints
 * a mean ± sample-std accuracy table (methods x rates) at the end.
 *
 *   node dist/sim/bench/methods.js --model=mlp --rates=0,0.05,0.1,0.2,0.3 \
 *     --methods=ideal,unaware,remap,fat,ittrna --seeds=0,1,2 --out=reports/bench_methods_mlp.jsonl
 *
 * Method variants for the ablation: ittrna:mapping, ittrna:penalty, ittrna:compensation (only that
 * part on) and ittrna:all. The base network is trained once per seed (cache --cache, default
 * reports/.cache). Flags: --train-epochs (3), --retrain-epochs (default: the ITT-RNA budget
 * L·epochsPerStage + finalEpochs, so fat and ittrna get the same number of epochs), --lambda,
 * --epochs-per-stage, --final-epochs, --data-dir, --limit (trainLimit, 0 = all).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULTS } from '../../src/config/defaults.js';
import { loadDataset } from '../../src/data/load.js';
import type { IttrnaSpec, MethodName, PointSpec } from '../../src/experiment/point.js';
/** the presets this bench runs (the MNIST-sized ones) */
type ModelName = 'mlp' | 'lenet5';
import type { PointMetrics } from '../../src/experiment/result.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { UserError } from '../../src/util/errors.js';

const LAYERS: Record<ModelName, number> = { mlp: 3, lenet5: 5 };

export const VARIANTS: Record<string, (s: IttrnaSpec) => IttrnaSpec> = {
  'ittrna:mapping': (s) => ({ ...s, lambda: 0, compensation: false }),
  'ittrna:penalty': (s) => ({ ...s, mapping: 'none', compensation: false }),
  'ittrna:compensation': (s) => ({ ...s, mapping: 'none', lambda: 0 }),
  'ittrna:all': (s) => s,
};

function parseArgs(argv: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (!m) throw new UserError(`bench methods: arguments are --name=value, got '${a}'`, 'argv');
    o[m[1]] = m[2];
  }
  return o;
}

const num = (v: string, f: string) => {
  const x = Number(v);
  if (!Number.isFinite(x)) throw new UserError(`--${f} must be a number, got '${v}'`, f);
  return x;
};

export async function main(argv: string[]): Promise<void> {
  const a = parseArgs(argv);
  const model = (a.model ?? 'mlp') as ModelName;
  if (!(model in LAYERS)) throw new UserError(`--model must be mlp or lenet5, got '${model}'`, 'model');
  const rates = (a.rates ?? '0,0.05,0.1,0.2,0.3').split(',').map((r) => num(r, 'rates'));
  const seeds = (a.seeds ?? '0').split(',').map((r) => num(r, 'seeds'));
  const meths = (a.methods ?? 'ideal,unaware,remap,fat,ittrna').split(',');
  for (const m of meths) {
    if (!['ideal', 'unaware', 'remap', 'fat', 'ittrna'].includes(m) && !(m in VARIANTS)) {
      throw new UserError(`--methods: unknown '${m}' (allowed: ideal, unaware, remap, fat, ittrna, ${Object.keys(VARIANTS).join(', ')})`, 'methods');
    }
  }
  const out = a.out ?? `reports/bench_methods_${model}.jsonl`;
  const cacheDir = a.cache ?? 'reports/.cache';
  const eps = num(a['epochs-per-stage'] ?? '1', 'epochs-per-stage');
  const fin = num(a['final-epochs'] ?? '1', 'final-epochs');
  const ittrna: IttrnaSpec = {
    ...DEFAULTS.ittrna,
    epochsPerStage: eps, finalEpochs: fin,
    lambda: num(a.lambda ?? String(DEFAULTS.ittrna.lambda), 'lambda'),
    mapping: (a.mapping ?? DEFAULTS.ittrna.mapping) as IttrnaSpec['mapping'],
  };
  const retrainEpochs = num(a['retrain-epochs'] ?? String(LAYERS[model] * eps + fin), 'retrain-epochs');
  const dataset = await loadDataset('mnist', { dataDir: a['data-dir'] });
  mkdirSync(dirname(out), { recursive: true });
  const acc = new Map<string, number[]>();
  for (const seed of seeds) {
    for (const rate of rates) {
      for (const m of meths) {
        const method = (m.startsWith('ittrna:') ? 'ittrna' : m) as MethodName;
        const point: PointSpec = {
          ...DEFAULTS, model, dataset: 'mnist', method, seed,
          trainLimit: num(a.limit ?? '0', 'limit'),
          defects: { ...DEFAULTS.defects, rate, lrsShare: 0.5, distribution: 'uniform' },
          train: { ...DEFAULTS.train, epochs: num(a['train-epochs'] ?? '3', 'train-epochs') },
          retrain: { ...DEFAULTS.retrain, epochs: retrainEpochs },
          ittrna: m in VARIANTS ? VARIANTS[m](ittrna) : ittrna,
        };
        const t0 = performance.now();
        const metrics: PointMetrics = await runPoint(point, { dataset, cacheDir, log: a.verbose ? (s) => console.error(s) : undefined });
        const sec = (performance.now() - t0) / 1000;
        appendFileSync(out, JSON.stringify({ variant: m, model, rate, seed, seconds: sec, metrics, point }) + '\n');
        console.log(`${model} seed ${seed} rate ${rate} ${m}: acc ${(100 * metrics.accuracy).toFixed(2)}% loss ${metrics.loss.toFixed(4)} writes ${metrics.cellWrites} penalty ${metrics.extra?.penalty ?? '-'} (${sec.toFixed(1)} s)`);
        const key = `${m}@${rate}`;
        acc.set(key, [...(acc.get(key) ?? []), metrics.accuracy]);
      }
    }
  }
  console.log(`\n| method | ${rates.map((r) => `${r * 100}%`).join(' | ')} |`);
  console.log(`|---|${rates.map(() => '---').join('|')}|`);
  for (const m of meths) {
    const cells = rates.map((r) => {
      const v = (acc.get(`${m}@${r}`) ?? []).map((x) => 100 * x);
      const mean = v.reduce((s, x) => s + x, 0) / v.length;
      const sd = v.length > 1 ? Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / (v.length - 1)) : 0;
      return `${mean.toFixed(2)} ± ${sd.toFixed(2)}`;
    });
    console.log(`| ${m} | ${cells.join(' | ')} |`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    console.error(e instanceof UserError ? e.message : e);
    process.exit(e instanceof UserError ? 2 : 1);
  });
}
