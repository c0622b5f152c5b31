/**
 * `node dist/sim/eta_check.js CONFIG [--seeds 0,1] [--rates 0.1,0.3] [--train-limit N] [--workers W]
 *  [--data-dir DIR] [--out DIR]`: how honest the sweep's ETA is (sim/sweep/eta.ts). Runs a subset of
 * CONFIG (a derived copy in a temporary directory: the committed config is never touched) as a real
 * sweep and records, at every finished point, the ETA the sweep showed; at the end the true
 * remaining time of each:
 *
 *   error(k) = ETA(k) / (t_end − t_k) − 1      k = points finished, t_k its time, t_end the last point's
 *
 * It prints every k and the first k ≥ 10 % of the points (the acceptance: |error| ≤ 30 %).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSweepConfig } from '../src/config/load_config.js';
import { formatSeconds } from '../src/experiment/memory_estimate.js';
import { makeProgress } from './sweep/progress.js';
import type { LiveProgress } from './sweep/live_progress.js';
import { runSweep } from './sweep/run_sweep.js';

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = args[0];
  const cfg = JSON.parse(readFileSync(config, 'utf8')) as Record<string, unknown> & { defects?: Record<string, unknown> };
  const seeds = flag(args, '--seeds');
  const rates = flag(args, '--rates');
  const limit = flag(args, '--train-limit');
  if (seeds) cfg.seed = seeds.split(',').map(Number);
  if (rates && cfg.defects) cfg.defects.rate = rates.split(',').map(Number);
  if (limit) cfg.trainLimit = Number(limit);
  cfg.name = `${String(cfg.name)}-eta-check`;
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-eta-'));
  const file = join(dir, 'config.json');
  writeFileSync(file, JSON.stringify(cfg, null, 2));
  const plan = await loadSweepConfig(file);
  const workers = Number(flag(args, '--workers') ?? 2);
  let live: LiveProgress | undefined;
  const marks: { k: number; t: number; eta: number; calibrated: boolean }[] = [];
  const shown = makeProgress(false);
  let k = 0;
  const t0 = Date.now();
  const progress = {
    ...shown,
    finished: (ok: boolean, label: string, detail: string) => {
      shown.finished(ok, label, detail);
      k++;
      const t = Date.now();
      if (live) marks.push({ k, t, eta: live.eta.remaining(t), calibrated: live.eta.calibrated });
    },
  };
  marks.push({ k: 0, t: t0, eta: NaN, calibrated: false });
  await runSweep({
    plan, out: flag(args, '--out') ?? join(dir, 'out'), workers, resume: false, dataDir: flag(args, '--data-dir'),
    command: `eta_check ${config}`, progress, report: false,
    onLive: (l) => {
      live = l;
      marks[0] = { k: 0, t: Date.now(), eta: l.eta.remaining(Date.now()), calibrated: false };
    },
  });
  const tEnd = marks[marks.length - 1].t;
  const n = plan.points.length;
  process.stdout.write(`${n} points, ${workers} workers, total ${formatSeconds((tEnd - marks[0].t) / 1000)} (${((tEnd - marks[0].t) / 1000).toFixed(0)} s)\n`);
  process.stdout.write('done  ETA (s)  true remaining (s)  error\n');
  for (const m of marks) {
    const truth = (tEnd - m.t) / 1000;
    process.stdout.write(`${String(m.k).padStart(4)}  ${m.eta.toFixed(0).padStart(7)}  ${truth.toFixed(0).padStart(18)}  ${truth > 0 ? `${(((m.eta / truth) - 1) * 100).toFixed(0)} %` : '-'}${m.calibrated ? '' : ' (uncalibrated)'}\n`);
  }
  const at = marks.find((m) => m.k >= Math.ceil(0.1 * n));
  if (at) {
    const truth = (tEnd - at.t) / 1000;
    process.stdout.write(`at ${at.k}/${n} points (>= 10 %): ETA ${at.eta.toFixed(0)} s, true ${truth.toFixed(0)} s, error ${(((at.eta / truth) - 1) * 100).toFixed(1)} %\n`);
  }
}

void main();
