/**
 * The sweep engine behind `rramsim sweep`: plan → output directory → lock → checks → (resume) →
 * manifest → worker pool → results.jsonl → report → unlock.
 *
 * Nothing finished is lost or mixed:
 * - DIR/.rramsim.lock (dir_lock.ts) is held from before the first check to after the report, so a
 *   second sweep/merge on the same directory is refused (exit 2, naming the holder) and can never
 *   interleave its lines with ours.
 * - One config per directory: a DIR whose manifest or results carry another configHash is refused
 *   (with or without --resume); a DIR with results of this config needs --resume.
 * - Crash safety: every finished point is one fsync'ed line of results.jsonl (results_file.ts), so
 *   kill -9 loses only points in flight. `resume` keeps EVERY valid record (other shards' too): a
 *   point counts as done when it has a valid ok record (recordProblem: metrics present and finite);
 *   torn/invalid lines and failed records of the points re-run now move to results.rejected.jsonl.
 *   The manifest's expectedPoints become the union of the old and the new ones.
 * - SIGINT/SIGTERM stop dispatching, abandon points in flight, release the lock and return
 *   `interrupted` (the CLI exits 130). A write error stops the pool, releases the lock and
 *   propagates (the CLI turns it into one line: src/util/fs_errors.ts); a full disk does so
 *   wherever it happens, in results.jsonl or inside a point (pool.ts), and the CLI prints the
 *   --resume command (exit 5).
 * - A directory from someone else: every file read or appended to must be rramsim's own regular
 *   file, checked before anything is read (dir_contents.ts, read_regular_file.ts).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { PlannedPoint, SweepPlan } from '../../src/config/expand.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { writeReport } from '../report/write_report.js';
import { ensureDir } from '../../src/util/ensure_dir.js';
import { UserError } from '../../src/util/errors.js';
import { checkSweepDirContents } from './dir_contents.js';
import { printable } from '../../src/util/safe_text.js';
import { specialFileSystem } from '../../src/util/special_fs.js';
import { acquireDirLock } from './dir_lock.js';
import { gitCommit, type Manifest, MANIFEST, readManifest, RESULTS, versions, writeManifest } from './manifest.js';
import { pointLabel } from './point_label.js';
import { preflight } from './preflight.js';
import { PointPool } from './pool.js';
import { LiveProgress } from './live_progress.js';
import { makeProgress, type Progress } from './progress.js';
import { baseKey } from './schedule.js';
import { appendResult, applyResumeSplit, REJECTED, resumeSplit, scanResults } from './results_file.js';
import { manifestEnv } from './run_env.js';
import { isUserNotice, runUntilSignal } from './run_until_signal.js';
import { inShard, type Shard } from './shard.js';

export interface SweepOptions {
  plan: SweepPlan;
  out?: string;
  workers: number;
  shard?: Shard;
  resume: boolean;
  dataDir?: string;
  /** the base-network cache (default DIR/cache): shared by the shards of a Slurm job */
  cacheDir?: string;
  /** runner module URL (tests: a fake); default: the real methods */
  runnerModule?: string;
  /** run points in this thread (tests) */
  inline?: boolean;
  /** command line recorded in the manifest */
  command: string;
  progress?: Progress;
  /** write the report at the end (default true) */
  report?: boolean;
  /** install SIGINT/SIGTERM handlers (default true) */
  handleSigint?: boolean;
  /** scripts and tests: the live progress (its ETA) once the points are about to run */
  onLive?: (live: LiveProgress) => void;
  /** tests: called once the directory is locked and checked, before the first point */
  onLocked?: () => void | Promise<void>;
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
  /** the error writeReport threw (to classify disk-full / permission errors) */
  reportCause?: unknown;
}

export function defaultOutDir(plan: SweepPlan, shard?: Shard): string {
  const base = join('runs', `${plan.name}-${plan.configHash}`);
  return shard ? `${base}-shard${shard.index}of${shard.count}` : base;
}

export function shardPoints(plan: SweepPlan, shard?: Shard): PlannedPoint[] {
  return plan.points.filter((p) => inShard(p.index, shard));
}

export function shardLabel(shard?: Shard): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}

/**
 * --out must name a directory: not empty, not an existing file, not on a pseudo file system (/proc,
 * /sys, /dev: special_fs.ts), where mkdir and the lock file fail with misleading errors or succeed.
 */
export function checkOutDir(out: string | undefined, flag = '--out'): void {
  if (out === undefined) return;
  if (out.trim() === '') throw new UserError(`${flag}: got an empty path; give a directory, e.g. ${flag} runs/mysweep`, flag);
  const special = specialFileSystem(out);
  if (special !== undefined) {
    throw new UserError(`${flag}: '${printable(out)}' is on the ${special} pseudo file system, where no results can be written; choose a directory on a disk`, flag);
  }
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UserError(`${flag}: '${printable(out)}' exists and is not a directory; choose a directory`, flag);
}

export async function runSweep(o: SweepOptions): Promise<SweepOutcome> {
  const { plan } = o;
  const points = shardPoints(plan, o.shard);
  checkOutDir(o.out);
  const dir = o.out ?? defaultOutDir(plan, o.shard);
  const resultsFile = join(dir, RESULTS);
  const progress = o.progress ?? makeProgress(false);
  // fake runners (tests) need no data
  if (!o.runnerModule) preflight(points.map((p) => p.point), o.dataDir, { workers: o.workers });

  ensureDir(dir);
  const lock = acquireDirLock(dir, o.command, (m) => progress.log(m));
  try {
    return await runLocked(o, points, dir, resultsFile, progress);
  } finally {
    lock.release();
  }
}

async function runLocked(o: SweepOptions, points: PlannedPoint[], dir: string, resultsFile: string, progress: Progress): Promise<SweepOutcome> {
  const { plan } = o;
  const flag = o.resume ? '--resume' : '--out';
  const another = (hash: string, what: string) =>
    new UserError(
      `${flag}: '${dir}' holds ${what} of another config (hash ${hash}, this config ${plan.configHash}); one directory holds one config: ` +
        `${o.resume ? 'resume with the config that wrote it, or ' : ''}choose another --out (e.g. the default ${defaultOutDir(plan, o.shard)})`,
      flag,
    );

  // ---- existing directory: only rramsim's own regular files (dir_contents.ts), one config only; results need --resume
  checkSweepDirContents(dir);
  let old: Manifest | undefined;
  if (existsSync(join(dir, MANIFEST))) {
    old = readManifest(dir);
    if (old.configHash !== plan.configHash) throw another(String(old.configHash), 'a sweep');
  }
  const scanned = scanResults(resultsFile);
  const foreign = new Map<string, number>();
  for (const s of scanned) if (s.record && s.record.configHash !== plan.configHash) foreign.set(s.record.configHash, (foreign.get(s.record.configHash) ?? 0) + 1);
  if (foreign.size > 0) {
    throw another([...foreign].map(([h, n]) => `${h}: ${n} record(s)`).join(', '), 'results');
  }
  if (scanned.length > 0 && !o.resume) {
    throw new UserError(`--out: '${dir}' already holds sweep results; add --resume to continue that sweep, or choose another --out`, '--out');
  }

  const done = new Map<string, ResultRecord>();
  if (o.resume && scanned.length > 0) {
    const split = resumeSplit(scanned, new Set(points.map((p) => p.hash)));
    for (const r of split.rejected) progress.log(`resume: moved line ${r.line} of ${resultsFile} to ${REJECTED}: ${r.reason}; its point runs again if it is in this run`);
    applyResumeSplit(resultsFile, join(dir, REJECTED), split);
    for (const [h, r] of split.done) done.set(h, r);
  }

  // expectedPoints: the union of what this directory expected before (other shards resumed here) and this run
  const expected = new Map<string, Manifest['expectedPoints'][number]>();
  for (const e of old?.expectedPoints ?? []) expected.set(e.pointHash, e);
  for (const p of points) if (!expected.has(p.hash)) expected.set(p.hash, { pointHash: p.hash, point: p.point });
  const label = shardLabel(o.shard);
  let shard: string | null = label;
  if (old) {
    if (expected.size >= plan.points.length) shard = null;
    else if (old.shard !== label) shard = [...new Set([...(old.shard ? old.shard.split(',') : []), ...(label ? [label] : [])])].join(',') || null;
  }

  mkdirSync(join(dir, 'artifacts'), { recursive: true });
  mkdirSync(join(dir, 'cache'), { recursive: true });
  const manifest: Manifest = {
    name: plan.name,
    config: plan.config,
    configHash: plan.configHash,
    gitCommit: gitCommit(),
    versions: versions(),
    env: manifestEnv(),
    datasetChecksums: old?.datasetChecksums ?? {},
    startedAt: o.resume && old?.startedAt ? old.startedAt : new Date().toISOString(),
    finishedAt: null,
    command: o.command,
    shard,
    expectedPoints: [...expected.values()],
  };
  writeManifest(dir, manifest);
  await o.onLocked?.();

  const todo = points.filter((p) => !done.has(p.hash));
  let ok = done.size;
  let failed = 0;
  let ran = 0;
  let fatal: unknown;
  progress.start(points.length, done.size);
  const labels = new Map(points.map((p) => [p.hash, pointLabel(p.point, plan.varying)]));
  const live = new LiveProgress({
    todo, doneKeys: [...done.values()].map((r) => baseKey(r.point)), workers: o.workers, progress, label: (h) => labels.get(h) ?? '',
  });
  live.tick();
  o.onLive?.(live);
  const pool = new PointPool({
    workers: o.workers,
    runnerModule: o.runnerModule,
    dataDir: o.dataDir,
    outDir: dir,
    cacheDir: o.cacheDir,
    configHash: plan.configHash,
    inline: o.inline,
    onStart: (p) => {
      progress.current(labels.get(p.hash) ?? p.hash);
      live.onStart(p);
    },
    onEpoch: (hash, phase, epoch, epochs) => live.onEpoch(hash, phase, epoch, epochs),
    // a point's log lines are progress chatter (epochs), except warnings, which the user must see,
    // and where a base training continued from its checkpoint
    onLog: (hash, msg) => {
      if (isUserNotice(msg)) progress.log(`${labels.get(hash) ?? hash}: ${msg}`);
    },
    onDone: (rec, cs) => {
      if (fatal !== undefined) return;
      try {
        appendResult(resultsFile, rec);
        ran++;
        if (rec.status === 'ok') ok++;
        else failed++;
        live.onDone(rec.pointHash, rec.wallSeconds, rec.status === 'ok');
        const lbl = labels.get(rec.pointHash) ?? rec.pointHash;
        const detail =
          rec.status === 'ok'
            ? `acc=${rec.metrics!.accuracy.toFixed(4)} (${rec.wallSeconds.toFixed(1)} s)`
            : (rec.error ?? '').split('\n')[0];
        progress.finished(rec.status === 'ok', lbl, detail);
        let changed = false;
        for (const [name, c] of Object.entries(cs)) {
          if (!manifest.datasetChecksums[name]) {
            manifest.datasetChecksums[name] = c;
            changed = true;
          }
        }
        if (changed) writeManifest(dir, manifest);
      } catch (e) {
        // a write failed (disk full, permission): stop at once; what is on disk stays valid
        fatal = e;
        void pool.stop();
      }
    },
  });
  const interrupted = await runUntilSignal(pool, todo, o.handleSigint !== false, () => { live.stop(); progress.stop(); });
  if (fatal !== undefined) throw fatal;
  if (!interrupted) manifest.finishedAt = new Date().toISOString();
  writeManifest(dir, manifest);

  let reportPath: string | undefined;
  let reportError: string | undefined;
  let reportCause: unknown;
  if (!interrupted && o.report !== false) {
    // the results are safe on disk whatever the report does; a report failure is reported, not fatal here
    try {
      reportPath = await writeReport(dir);
    } catch (e) {
      reportCause = e;
      reportError = e instanceof Error ? (e.stack ?? e.message) : String(e);
    }
  }
  return { dir, total: points.length, ok, failed, ran, interrupted, reportPath, reportError, reportCause };
}
