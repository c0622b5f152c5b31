/**
 * Lifetime summary: rounds until accuracy < threshold per setting, and the lifetime ratio of
 * each method against a reference method, from one or more sweep directories with `lifetime` points.
 *
 *   setting      (method, device.endurance.n50, lifetime.mergeEvery)
 *   rounds       L = extra.lifetimeRoundsAbove per seed (censored at R = lifetime.rounds when accuracy
 *                never fell below the threshold: then L = R and the true lifetime is ≥ R)
 *   ratio        ρ_s = L_method,s / L_ref,s per seed s (same N50; undefined when L_ref,s = 0); shown with
 *                '≤' when only the reference is censored, '≥' when only the method is, '?' when both are
 *                (the mean ± CI then only summarises the censored values)
 *   statistics   mean ± Student-t 95 % CI over seeds (sim/report/stats.ts summarise: x̄ ± t_{0.975,n−1}·s/√n)
 *
 * `node dist/sim/lifetime_summary.js DIR... [--ref fat]` prints two markdown tables.
 */
import { fileURLToPath } from 'node:url';
import { readSweepDir } from './report/sweep_dir.js';
import { summarise, type Summary } from './report/stats.js';
import type { ResultRecord } from '../src/experiment/result.js';

interface Row { method: string; n50: number | null; merge: number; seed: number; rounds: number; R: number; round0: number; final: number; worn: number }

function rowsOf(records: ResultRecord[]): Row[] {
  const out: Row[] = [];
  for (const r of records) {
    const x = r.metrics?.extra;
    if (r.status !== 'ok' || !r.point.lifetime || !x || typeof x.lifetimeRoundsAbove !== 'number') continue;
    out.push({
      method: r.point.method, n50: r.point.device.endurance?.n50 ?? null, merge: r.point.lifetime.mergeEvery, seed: r.point.seed,
      rounds: x.lifetimeRoundsAbove, R: r.point.lifetime.rounds, round0: Number(x.lifetimeRound0Accuracy), final: r.metrics!.accuracy,
      worn: Number(x.lifetimeWornOut),
    });
  }
  return out;
}

const f = (s: Summary, d = 1) => (s.mean === null ? '—' : `${s.mean.toFixed(d)}${s.ci95 === null ? '' : ` ± ${s.ci95.toFixed(d)}`}`);
const label = (r: Row) => `${r.method}${r.merge > 0 ? ` (merge every ${r.merge})` : ''}`;

export function lifetimeSummary(records: ResultRecord[], ref = 'fat'): string {
  const rows = rowsOf(records);
  const key = (r: Row) => `${label(r)}|${r.n50}`;
  const groups = new Map<string, Row[]>();
  for (const r of rows) { if (!groups.has(key(r))) groups.set(key(r), []); groups.get(key(r))!.push(r); }
  const t1 = ['| method | N50 | seeds | rounds ≥ threshold (mean ± 95 % CI) | censored at R | round-0 accuracy % | final accuracy % | worn-out cells |', '|---|---|---|---|---|---|---|---|'];
  for (const [, g] of groups) {
    const r0 = g[0];
    t1.push(`| ${label(r0)} | ${r0.n50} | ${g.map((r) => r.seed).join(', ')} | ${f(summarise(g.map((r) => r.rounds)))} (${g.map((r) => r.rounds).join(', ')}) | ${g.filter((r) => r.rounds >= r.R).length} of ${g.length} (R = ${r0.R}) | ${f(summarise(g.map((r) => 100 * r.round0)))} | ${f(summarise(g.map((r) => 100 * r.final)))} | ${f(summarise(g.map((r) => r.worn)), 0)} |`);
  }
  const t2 = [`| method | N50 | lifetime ratio vs ${ref} per seed | mean ± 95 % CI |`, '|---|---|---|---|'];
  for (const [, g] of groups) {
    const r0 = g[0];
    if (r0.method === ref && r0.merge === 0) continue;
    const ratios: number[] = [];
    const shown: string[] = [];
    for (const r of g) {
      const b = rows.find((x) => x.method === ref && x.merge === 0 && x.n50 === r.n50 && x.seed === r.seed);
      if (!b) continue;
      // censored lifetimes (never below the threshold within R rounds) make the ratio a bound
      const mc = r.rounds >= r.R, bc = b.rounds >= b.R;
      const bound = mc && bc ? '? ' : bc ? '≤ ' : mc ? '≥ ' : '';
      if (b.rounds === 0) { shown.push(`${r.rounds}/0`); continue; }
      ratios.push(r.rounds / b.rounds);
      shown.push(`${bound}${(r.rounds / b.rounds).toFixed(2)} (${r.rounds}/${b.rounds})`);
    }
    t2.push(`| ${label(r0)} | ${r0.n50} | ${shown.join(', ')} | ${f(summarise(ratios), 2)} |`);
  }
  return `${t1.join('\n')}\n\n${t2.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--ref');
  const ref = i >= 0 ? args[i + 1] : 'fat';
  const dirs = args.filter((a, k) => a !== '--ref' && (i < 0 || k !== i + 1));
  const records = dirs.flatMap((d) => readSweepDir(d).records);
  process.stdout.write(lifetimeSummary(records, ref));
}
