/**
 * `node dist/sim/cost_check.js DIR...`: the cost model (src/experiment/cost_model.ts) against the
 * measured point times of finished sweep directories (e.g. the committed reports/*):
 *
 *   measured CPU-seconds = Σ_records wallSeconds · t,   t = kernel threads per point
 *                          = max(1, ⌊cores / workers⌋) (src/kernels/threads.ts), workers from the
 *                          manifest's command (--workers, default the cores), cores = --cores (default 2,
 *                          the reference machine the reports were measured on)
 *   predicted            = sweepCost(the records' points) (each base network once)
 *   ratio                = predicted / measured            (per directory and per method)
 *
 * Prints one line per directory and, with --methods, one per method (base trainings are attributed
 * to the first point of their base group by start time). --rates '{"train": 9e9}' overrides rates
 * (e.g. those fitted without the directories checked); --fit prints the rates fitted on the
 * directories given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CostRates, pointCost, RATES, sweepCost } from '../src/experiment/cost_model.js';
import type { ResultRecord } from '../src/experiment/result.js';
import { baseKey } from './sweep/schedule.js';

function fmt(s: number): string {
  return s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 90 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`;
}

export interface DirCheck {
  dir: string;
  points: number;
  measured: number;
  predicted: number;
  byMethod: Map<string, { measured: number; predicted: number }>;
}

const cache = new Map<string, { threads: number; recs: ResultRecord[] }>();

/** the finished records of a directory (by start time) and the kernel threads each point had */
function readDir(dir: string, cores: number): { threads: number; recs: ResultRecord[] } {
  const hit = cache.get(`${dir}\0${cores}`);
  if (hit) return hit;
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { command?: string };
  const w = /--workers[ =](\d+)/.exec(manifest.command ?? '');
  const workers = w ? Number(w[1]) : cores;
  const threads = Math.max(1, Math.floor(cores / workers));
  const recs = readFileSync(join(dir, 'results.jsonl'), 'utf8').split('\n').filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as ResultRecord).filter((r) => r.status === 'ok');
  recs.sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  const got = { threads, recs: recs.filter((r) => !r.point.lifetime) };
  cache.set(`${dir}\0${cores}`, got);
  return got;
}

export function checkDir(dir: string, cores = 2, k: CostRates = RATES): DirCheck {
  const { threads, recs } = readDir(dir, cores);
  const byMethod = new Map<string, { measured: number; predicted: number }>();
  const seen = new Set<string>();
  let measured = 0;
  for (const r of recs) {
    const c = pointCost(r.point, k);
    let pred = c.method;
    const key = baseKey(r.point);
    if (c.base > 0 && !seen.has(key)) { seen.add(key); pred += c.base; }
    const m = byMethod.get(r.point.method) ?? { measured: 0, predicted: 0 };
    m.measured += r.wallSeconds * threads;
    m.predicted += pred;
    byMethod.set(r.point.method, m);
    measured += r.wallSeconds * threads;
  }
  const predicted = sweepCost(recs.map((r) => r.point), baseKey, k).total;
  return { dir, points: recs.length, measured, predicted, byMethod };
}

/**
 * --fit: the rates minimising Σ_(dir, method) log²(predicted/measured) (coordinate search in log
 * space, the solver rate held), over the directories given
 */
export function fit(dirs: string[], cores: number): CostRates {
  const data: string[] = [];
  for (const d of dirs) { try { checkDir(d, cores); data.push(d); } catch { /* not a sweep directory */ } }
  const loss = (k: CostRates) => {
    let s = 0;
    for (const d of data) for (const v of checkDir(d, cores, k).byMethod.values()) s += Math.log(v.predicted / v.measured) ** 2;
    return s;
  };
  const k: CostRates = { ...RATES };
  const keys = ['train', 'device', 'eval', 'act', 'program', 'point'] as const;
  let best = loss(k);
  for (let step = 1; step > 0.02; step /= 2) {
    for (let again = true; again;) {
      again = false;
      for (const key of keys) {
        for (const f of [Math.exp(step), Math.exp(-step)]) {
          const t = { ...k, [key]: k[key] * f };
          const l = loss(t);
          if (l < best) { best = l; Object.assign(k, t); again = true; }
        }
      }
    }
  }
  return k;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const methods = args.includes('--methods');
  const ci = args.indexOf('--cores');
  const ri = args.indexOf('--rates');
  const rates: CostRates = ri >= 0 ? { ...RATES, ...(JSON.parse(args[ri + 1]) as Partial<CostRates>) } : RATES;
  const cores = ci >= 0 ? Number(args[ci + 1]) : 2;
  const dirs = args.filter((a, i) => !a.startsWith('--') && !(ci >= 0 && i === ci + 1) && !(ri >= 0 && i === ri + 1));
  if (args.includes('--fit')) {
    const k = fit(dirs, cores);
    process.stdout.write(`fitted rates: ${JSON.stringify(k)}\n`);
    return;
  }
  for (const d of dirs) {
    let c: DirCheck;
    try { c = checkDir(d, cores, rates); } catch (e) { process.stdout.write(`${d}: skipped (${(e as Error).message.split('\n')[0]})\n`); continue; }
    process.stdout.write(`${d.padEnd(42)} ${String(c.points).padStart(4)} points  measured ${fmt(c.measured).padStart(9)}  predicted ${fmt(c.predicted).padStart(9)}  ratio ${(c.predicted / c.measured).toFixed(2)}\n`);
    if (methods) for (const [m, v] of c.byMethod) process.stdout.write(`    ${m.padEnd(10)} measured ${fmt(v.measured).padStart(9)}  predicted ${fmt(v.predicted).padStart(9)}  ratio ${(v.predicted / v.measured).toFixed(2)}\n`);
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) void main();
