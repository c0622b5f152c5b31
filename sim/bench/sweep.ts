/**
 * Sweep throughput (`npm run bench -- sweep`): points per hour of the real sweep engine
 * (sim/sweep/run_sweep.ts: worker pool, real methods, full MNIST) on a FIXED subset of the two
 * ITT-RNA acceptance tables, with 1 and 2 workers:
 *
 *   points/hour = points / wall-clock seconds · 3600
 *
 * Subset (SWEEP_SUBSETS below): each table config with its grid narrowed to
 *   MLP:     seed [0, 1], method ['fat'],     defects.rate [0.1]
 *   LeNet-5: seed [0, 1], method ['unaware'], defects.rate [0.1]
 * i.e. 2 points per table. An MLP point trains its ideal base (train.epochs = 3) and then retrains
 * fault-aware on the 10 %-defect crossbar (retrain.epochs = 4): the sweep's dominant costs, plain
 * and crossbar-mode training. A LeNet-5 point trains its base (3 epochs) and deploys it on the
 * defective crossbar (LeNet-5 fat retraining would take several minutes per point on the old
 * path). Every other setting is the table's own. Each
 * run writes into a fresh temporary directory (removed afterwards), so no cache is shared between
 * runs and the two worker counts do the same work. Needs the MNIST IDX files (the default data
 * search path, or RRAMSIM_DATA). Also reported: process CPU seconds (worker threads included)
 * and points per CPU-hour, which other jobs on a shared machine disturb much less than wall time.
 * Env RRAMSIM_BENCH_SWEEP_TABLES=mlp|lenet5 (comma list) runs only those tables and
 * RRAMSIM_BENCH_SWEEP_WORKERS=2 (comma list) only those worker counts (default: both, 1 and 2).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { planSweep } from '../../src/config/expand.js';
import { getBackend } from '../../src/kernels/gemm.js';
import { runSweep } from '../sweep/run_sweep.js';

export const SWEEP_SUBSETS = [
  { config: 'configs/ittrna-mlp-table.json', narrow: { seed: [0, 1], method: ['fat'], rate: [0.1] } },
  { config: 'configs/ittrna-lenet5-table.json', narrow: { seed: [0, 1], method: ['unaware'], rate: [0.1] } },
];
export const SWEEP_WORKERS = [1, 2];

function repoRoot(): string {
  // dist/sim/bench/sweep.js → repo root three levels up
  return join(fileURLToPath(new URL('.', import.meta.url)), '..', '..', '..');
}

function envList(name: string): string[] | null {
  const v = process.env[name];
  return v ? v.split(',').map((t) => t.trim()).filter((t) => t !== '') : null;
}

export async function benchSweep(): Promise<Array<Record<string, unknown>>> {
  const rows: Array<Record<string, unknown>> = [];
  const tables = envList('RRAMSIM_BENCH_SWEEP_TABLES');
  const workerList = envList('RRAMSIM_BENCH_SWEEP_WORKERS')?.map(Number) ?? SWEEP_WORKERS;
  for (const w of workerList) {
    if (!Number.isInteger(w) || w < 1) throw new Error(`RRAMSIM_BENCH_SWEEP_WORKERS: expected positive integers, got ${process.env.RRAMSIM_BENCH_SWEEP_WORKERS}`);
  }
  for (const s of SWEEP_SUBSETS) {
    if (tables && !tables.some((t) => s.config.includes(`-${t}-table`))) continue;
    const cfg = JSON.parse(readFileSync(join(repoRoot(), s.config), 'utf8')) as Record<string, unknown>;
    cfg.seed = s.narrow.seed;
    cfg.method = s.narrow.method;
    (cfg.defects as Record<string, unknown>).rate = s.narrow.rate;
    const plan = await planSweep(cfg);
    for (const workers of workerList) {
      const dir = mkdtempSync(join(tmpdir(), 'rramsim-bench-sweep-'));
      try {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const out = await runSweep({
          plan, out: join(dir, 'sweep'), workers, resume: false, command: 'bench sweep',
          report: false, handleSigint: false,
        });
        const sec = (performance.now() - t0) / 1000;
        const cu = process.cpuUsage(c0);
        const cpuSec = (cu.user + cu.system) / 1e6;
        if (out.failed > 0) throw new Error(`bench sweep: ${out.failed} point(s) of ${s.config} failed`);
        rows.push({
          bench: 'sweep', config: s.config, subset: JSON.stringify(s.narrow), backend: getBackend(), workers,
          loadAverage: Number(loadavg()[0].toFixed(1)),
          points: out.total, seconds: Number(sec.toFixed(1)), pointsPerHour: Math.round((out.total / sec) * 3600),
          cpuSeconds: Number(cpuSec.toFixed(1)), pointsPerCpuHour: Math.round((out.total / cpuSec) * 3600),
        });
        process.stderr.write(`bench sweep: ${s.config} ${workers} worker(s): ${out.total} points in ${sec.toFixed(1)} s\n`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const r of await benchSweep()) process.stdout.write(`${JSON.stringify(r)}\n`);
}
