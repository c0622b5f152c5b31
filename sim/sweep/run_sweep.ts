/**
 * The sweep engine behind `rramsim sweep`: plan → output directory → (resume) → manifest →
 * worker pool → results.jsonl → report.
 *
 * Crash safety: every finished point is one fsync'ed line of results.jsonl (results_file.ts), so
 * kill -9 loses only points in flight. `resume` keeps the 'ok' records (matching pointHash),
 * drops a torn last line and earlier failures, and runs the rest. SIGINT stops dispatching,
 * abandons points in flight, and returns `interrupted` (the CLI exits 130).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedPoint, SweepPlan } from '../../src/config/expand.js';
import type { ResultRecord } from '../../src/methods/result.js';
import { writeReport } from '../../src/report/write_report.js';
import { UserError } from '../../src/util/errors.js';
import { gitCommit, type Manifest, MANIFEST, readManifest, RESULTS, versions, writeManifest } from './manifest.js';
import { pointLabel } from './point_label.js';
import { preflight } from './preflight.js';
import { PointPool } from './pool.js';
import { makeProgress, type Progress } from './progress.js';
import { appendResult, latestByHash, readResults, rewriteResults } from './results_file.js';
import { inShard, type Shard } from './shard.js';

export interface SweepOptions {
  plan: SweepPlan;
  out?: string;
  workers: number;
  shard?: Shard;
  resume: boolean;
  dataDir?: string;
  /** runner module URL (tests: a fake); default: the real methods */
  runnerModule?: string;
  /** run points in this thread (tests) */
  inline?: boolean;
  /** command line recorded in the manifest */
  command: string;
  progress?: Progress;
  /** write the report at the end (default true) */
  report?: boolean;
  /** install a SIGINT handler (default true) */
  handleSigint?: boolean;
}

export interface SweepOutcome {
  dir: string;
  total: number;
  ok: number;
  failed: number;
  /** run by this invocation */
  ran: number;
  interrupted: boolean;
  reportPath?: string;
  /** writeReport threw (the results are complete; re-create the report with `rramsim report DIR`) */
  reportError?: string;
}

export function defaultOutDir(plan: SweepPlan, shard?: Shard): string {
  const base = join('runs', `${plan.name}-${plan.configHash}`);
  return shard ? `${base}-shard${shard.index}of${shard.count}` : base;
}

export function shardPoints(plan: SweepPlan, shard?: Shard): PlannedPoint[] {
  return plan.points.filter((p) => inShard(p.index, shard));
}

export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const { plan } = o;
  const points = shardPoints(plan, o.shard);
  const dir = o.out ?? defaultOutDir(plan, o.shard);
  const resultsFile = join(dir, RESULTS);
  const progress = o.progress ?? makeProgress(false);
  // fake runners (tests) need no data
  if (!o.runnerModule) preflight(points.map((p) => p.point), o.dataDir);

  // ---- existing directory: refuse, or resume
  let startedAt = new Date().toISOString();
  let checksums: Manifest['datasetChecksums'] = {};
  const done = new Map<string, ResultRecord>();
  const hasResults = existsSync(resultsFile) && statSync(resultsFile).size > 0;
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`--out: '${dir}' exists and is not a directory`, '--out');
  if (hasResults && !o.resume) {
    throw new UserError(`--out: '${dir}' already holds sweep results; add --resume to continue that sweep, or choose another --out`, '--out');
  }
  if (o.resume && existsSync(join(dir, MANIFEST))) {
    const m = readManifest(dir);
    if (m.configHash !== plan.configHash) {
      throw new UserError(
        `--resume: '${dir}' holds a sweep of another config (hash ${m.configHash}, this config ${plan.configHash}); resume with the same config, or choose another --out`,
        '--resume',
      );
    }
    startedAt = m.startedAt;
    checksums = m.datasetChecksums ?? {};
  }
  if (o.resume && hasResults) {
    const { records, dropped } = readResults(resultsFile);
    for (const d of dropped) progress.log(`resume: dropped line ${d.line} of ${resultsFile}: ${d.reason}; its point runs again`);
    const wanted = new Set(points.map((p) => p.hash));
    const latest = latestByHash(records);
    const keep: ResultRecord[] = [];
    for (const r of latest.values()) {
      if (r.status === 'ok' && wanted.has(r.pointHash)) {
        done.set(r.pointHash, r);
        keep.push(r);
      }
    }
    // keep the file to exactly one ok line per finished point: failures and torn lines are re-run
    if (dropped.length > 0 || keep.length !== records.length) rewriteResults(resultsFile, keep);
  }

  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  mkdirSync(join(dir, 'cache'), { recursive: true });
  const manifest: Manifest = {
    name: plan.name,
    config: plan.config,
    configHash: plan.configHash,
    gitCommit: gitCommit(),
    versions: versions(),
    datasetChecksums: checksums,
    startedAt,
    finishedAt: null,
    command: o.command,
    shard: o.shard ? `${o.shard.index}/${o.shard.count}` : null,
    expectedPoints: points.map((p) => ({ pointHash: p.hash, point: p.point })),
  };
  writeManifest(dir, manifest);

  const todo = points.filter((p) => !done.has(p.hash));
  let ok = done.size;
  let failed = 0;
  let ran = 0;
  let interrupted = false;
  progress.start(points.length, done.size);
  const labels = new Map(points.map((p) => [p.hash, pointLabel(p.point, plan.varying)]));
  const pool = new PointPool({
    workers: o.workers,
    runnerModule: o.runnerModule,
    dataDir: o.dataDir,
    outDir: dir,
    configHash: plan.configHash,
    inline: o.inline,
    onStart: (p) => progress.current(labels.get(p.hash) ?? p.hash),
    onDone: (rec, cs) => {
      appendResult(resultsFile, rec);
      ran++;
      if (rec.status === 'ok') ok++;
      else failed++;
      const label = labels.get(rec.pointHash) ?? rec.pointHash;
      const detail =
        rec.status === 'ok'
          ? `acc=${rec.metrics!.accuracy.toFixed(4)} (${rec.wallSeconds.toFixed(1)} s)`
          : (rec.error ?? '').split('\n')[0];
      progress.finished(rec.status === 'ok', label, detail);
      let changed = false;
      for (const [name, c] of Object.entries(cs)) {
        if (!manifest.datasetChecksums[name]) {
          manifest.datasetChecksums[name] = c;
          changed = true;
        }
      }
      if (changed) writeManifest(dir, manifest);
    },
  });
  const onSigint = () => {
    interrupted = true;
    void pool.stop();
  };
  if (o.handleSigint !== false) process.once('SIGINT', onSigint);
  try {
    await pool.run(todo);
  } finally {
    process.removeListener('SIGINT', onSigint);
    progress.stop();
  }
  if (!interrupted) manifest.finishedAt = new Date().toISOString();
  writeManifest(dir, manifest);

  let reportPath: string | undefined;
  let reportError: string | undefined;
  if (!interrupted && o.report !== false) {
    // the results are safe on disk whatever the report does; a report failure is reported, not fatal here
    try {
      reportPath = await writeReport(dir);
    } catch (e) {
      reportError = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
  }
  return { dir, total: points.length, ok, failed, ran, interrupted, reportPath, reportError };
}
