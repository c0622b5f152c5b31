/**
 * `rramsim sweep CONFIG --bases-only --cache-dir DIR`: train the base networks of a whole sweep (every
 * shard's points) once into a cache directory, and nothing else (no results, no report). The
 * Slurm script (slurm_script.ts) runs it as the job before the shard array, whose tasks read the
 * bases from the same DIR (`--cache-dir`) instead of each training its own copy.
 *
 * Bases: the points grouped as schedule.ts groups them (baseKey: model, pool, dataset, seed, train,
 * trainLimit: the inputs of src/experiment/base.ts's cache key); one base per group that holds a point
 * whose method trains its base on the point's data set through trainedBase (every method but the
 * multi-task ones, whose bases are per task and stay with their points) and whose model is not an
 * imported ONNX network (already trained). Each base runs as that point with method `ideal`
 * (trainedBase, then its digital accuracy, the line printed per base): the cache entry is the one
 * every method of the group reads. Bases run in parallel on the worker pool, each resumable from
 * its per-epoch checkpoint (an interrupted job, run again, continues where it stopped; a base
 * already in the cache only loads). Two jobs on the same DIR at once are harmless: both compute
 * the same bits and every file is replaced atomically.
 */
import type { PlannedPoint, SweepPlan } from '../../src/config/expand.js';
import { METHOD_INFO } from '../../src/methods/method_info.js';
import { isOnnxRef, modelLabel } from '../../src/nn/model.js';
import { LiveProgress } from './live_progress.js';
import { PointPool } from './pool.js';
import { preflight } from './preflight.js';
import type { Progress } from './progress.js';
import { isUserNotice, runUntilSignal } from './run_until_signal.js';
import { baseKey } from './schedule.js';

/** one `ideal` point per base network the sweep trains (file comment); hash = the group's key */
export function basePoints(points: readonly PlannedPoint[]): PlannedPoint[] {
  const out = new Map<string, PlannedPoint>();
  for (const p of points) {
    const info = METHOD_INFO[p.point.method] as { reads: { multitask?: boolean } };
    if (info.reads.multitask || isOnnxRef(p.point.model)) continue;
    const key = baseKey(p.point);
    if (!out.has(key)) out.set(key, { index: p.index, hash: key, point: { ...p.point, method: 'ideal' } });
  }
  return [...out.values()];
}

export interface TrainBasesOptions {
  plan: SweepPlan;
  cacheDir: string;
  workers: number;
  dataDir?: string;
  runnerModule?: string;
  progress: Progress;
  /** install SIGINT/SIGTERM handlers (default true) */
  handleSigint?: boolean;
}

export interface TrainBasesOutcome {
  total: number;
  ok: number;
  failed: number;
  interrupted: boolean;
}

export async function trainBases(o: TrainBasesOptions): Promise<TrainBasesOutcome> {
  const bases = basePoints(o.plan.points);
  if (!o.runnerModule) preflight(bases.map((b) => b.point), o.dataDir, { workers: o.workers });
  let ok = 0, failed = 0;
  // the base's own key (base.ts) appears in its log lines; this names what it is
  const label = (p: PlannedPoint) => `base network (${modelLabel(p.point.model)} on ${p.point.dataset}, seed ${p.point.seed}, ${p.point.train.epochs} epochs)`;
  const labels = new Map(bases.map((b) => [b.hash, label(b)]));
  o.progress.start(bases.length, 0);
  const live = new LiveProgress({ todo: bases, doneKeys: [], workers: o.workers, progress: o.progress, label: (h) => labels.get(h) ?? '', what: 'bases' });
  live.tick();
  const pool = new PointPool({
    workers: o.workers,
    runnerModule: o.runnerModule,
    dataDir: o.dataDir,
    cacheDir: o.cacheDir,
    configHash: o.plan.configHash,
    onStart: (p) => {
      o.progress.current(labels.get(p.hash)!);
      live.onStart(p);
    },
    onEpoch: (hash, phase, epoch, epochs) => live.onEpoch(hash, phase, epoch, epochs),
    onLog: (hash, msg) => {
      if (isUserNotice(msg)) o.progress.log(`${labels.get(hash)}: ${msg}`);
    },
    onDone: (rec) => {
      live.onDone(rec.pointHash, rec.wallSeconds, rec.status === 'ok');
      if (rec.status === 'ok') ok++;
      else failed++;
      o.progress.finished(rec.status === 'ok', labels.get(rec.pointHash)!, rec.status === 'ok'
        ? `digital acc=${rec.metrics!.accuracy.toFixed(4)} (${rec.wallSeconds.toFixed(1)} s)` : (rec.error ?? '').split('\n')[0]);
    },
  });
  const interrupted = await runUntilSignal(pool, bases, o.handleSigint !== false, () => { live.stop(); o.progress.stop(); });
  return { total: bases.length, ok, failed, interrupted };
}
