/**
 * worker_threads pool that runs planned points and reports each ResultRecord as it finishes.
 * One worker per requested slot (default: number of cores), each a sim/sweep/worker.js thread
 * that loads the runner module (and so each dataset) once. Dispatch order comes from schedule.ts.
 * `inline: true` runs the points one by one in this thread instead (tests; no build needed).
 *
 * A full disk (ENOSPC/EDQUOT) inside a point (an artefact, a cache file, errors.log) stops the pool
 * at once: `run` rejects with that error, the points in flight are abandoned (not recorded, so
 * --resume runs them) and no further point starts. A worker that dies mid-point records the point
 * as failed with one line (stored_error.ts), its full trace going to DIR/errors.log.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { PlannedPoint } from '../../src/config/expand.js';
import { threadsPerPoint } from '../../src/kernels/threads.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { executePoint, isDiskFull, logFailure } from './execute_point.js';
import { recordEnvSafe } from './run_env.js';
import type { RunPointFn } from './point_runner.js';
import { Scheduler } from './schedule.js';
import { storedError } from './stored_error.js';
import type { FatalError, WorkerInit } from './worker.js';

export type Checksums = Record<string, Record<string, string>>;

export interface PoolOptions {
  workers: number;
  /** URL (file:) of the runner module; default sim/sweep/point_runner.js */
  runnerModule?: string;
  dataDir?: string;
  outDir?: string;
  /** the base-network cache (default outDir/cache): a directory shared by several sweeps, e.g. the shards of a Slurm job */
  cacheDir?: string;
  configHash: string;
  inline?: boolean;
  onStart?: (p: PlannedPoint) => void;
  onDone: (rec: ResultRecord, checksums: Checksums) => void;
  onLog?: (hash: string, msg: string) => void;
  /** a running point finished a training epoch of a phase ('base': its base network) */
  onEpoch?: (hash: string, phase: string, epoch: number, epochs: number) => void;
}

/** The runner module shipped with rramsim. */
export function defaultRunnerModule(): string {
  return compiledSibling('point_runner.js');
}

/** sim/sweep/<file>.js next to this module, or in dist/ when this module runs from TypeScript source. */
function compiledSibling(file: string): string {
  const here = new URL(`./${file}`, import.meta.url);
  if (existsSync(fileURLToPath(here))) return here.href;
  return new URL(`../../dist/sim/sweep/${file}`, import.meta.url).href;
}

export class PointPool {
  private workers: Worker[] = [];
  private stopped = false;
  private finish?: () => void;

  constructor(private readonly opts: PoolOptions) {}

  /** Run all points; resolves when all are done or after stop(). */
  async run(points: PlannedPoint[]): Promise<void> {
    if (points.length === 0) return;
    const runner = this.opts.runnerModule ?? defaultRunnerModule();
    if (this.opts.inline) return this.runInline(points, runner);
    const workerFile = compiledSibling('worker.js');
    if (!existsSync(fileURLToPath(workerFile))) {
      throw new Error(`worker script ${fileURLToPath(workerFile)} is missing: run \`npm run build\` first`);
    }
    const sched = new Scheduler(points);
    const byHash = new Map(points.map((p) => [p.hash, p]));
    let inFlight = 0;
    const n = Math.max(1, Math.min(this.opts.workers, points.length));
    await new Promise<void>((resolve, reject) => {
      this.finish = resolve;
      const idle: Worker[] = [];
      const current = new Map<Worker, string>();
      const dispatch = () => {
        if (this.stopped) return;
        while (idle.length > 0) {
          const p = sched.next();
          if (!p) break;
          const w = idle.pop()!;
          current.set(w, p.hash);
          inFlight++;
          this.opts.onStart?.(p);
          w.postMessage({ type: 'run', hash: p.hash, point: p.point });
        }
        if (sched.remaining === 0 && inFlight === 0) {
          void this.terminate().then(resolve);
        }
      };
      // the disk is full: stop everything, abandon the points in flight, reject run()
      const fail = (err: unknown) => {
        this.stopped = true;
        void this.terminate().then(() => reject(err));
      };
      const spawn = () => {
        const init: WorkerInit = { runnerModule: runner, dataDir: this.opts.dataDir, outDir: this.opts.outDir, cacheDir: this.opts.cacheDir, configHash: this.opts.configHash };
        // kernel threads per point: --threads, else cores / running workers (src/kernels/threads.ts)
        const w = new Worker(new URL(workerFile), { workerData: init, env: { ...process.env, RRAMSIM_THREADS: String(threadsPerPoint(n)) } });
        let ready = false;
        this.workers.push(w);
        w.on('message', (m: { type: string; hash?: string; msg?: string; record?: ResultRecord; checksums?: Checksums; error?: FatalError; phase?: string; epoch?: number; epochs?: number }) => {
          if (m.type === 'ready') {
            ready = true;
            idle.push(w);
            dispatch();
          } else if (m.type === 'log') {
            this.opts.onLog?.(m.hash!, m.msg!);
          } else if (m.type === 'epoch') {
            if (!this.stopped) this.opts.onEpoch?.(m.hash!, m.phase!, m.epoch!, m.epochs!);
          } else if (m.type === 'done') {
            current.delete(w);
            inFlight--;
            sched.done(m.record!.pointHash);
            if (this.stopped) return;
            this.opts.onDone(m.record!, m.checksums ?? {});
            idle.push(w);
            dispatch();
          } else if (m.type === 'fatal') {
            if (this.stopped) return;
            const { message, ...fields } = m.error!;
            fail(Object.assign(new Error(message), fields));
          }
        });
        w.on('error', (err) => {
          if (this.stopped) return;
          this.workers = this.workers.filter((x) => x !== w);
          if (!ready) {
            this.stopped = true;
            void this.terminate().then(() => reject(err));
            return;
          }
          if (isDiskFull(err)) {
            fail(err);
            return;
          }
          // a worker died mid-point (e.g. out of memory): record the point as failed, replace the worker
          const hash = current.get(w);
          current.delete(w);
          if (hash) {
            inFlight--;
            sched.done(hash);
            const now = new Date().toISOString();
            let error = `worker crashed: ${storedError(err)}`;
            try {
              if (this.opts.outDir !== undefined) error += logFailure(this.opts.outDir, hash, err);
            } catch (full) {
              fail(full);
              return;
            }
            this.opts.onDone(
              { pointHash: hash, configHash: this.opts.configHash, status: 'failed', point: byHash.get(hash)!.point, error, wallSeconds: 0, startedAt: now, finishedAt: now, env: recordEnvSafe() },
              {},
            );
          }
          spawn();
        });
      };
      for (let i = 0; i < n; i++) spawn();
    });
  }

  /** Stop dispatching and terminate the workers (points in flight are abandoned, not recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.terminate();
    this.finish?.();
  }

  private async terminate(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private async runInline(points: PlannedPoint[], runner: string): Promise<void> {
    const mod = (await import(runner)) as { runPoint: RunPointFn; datasetChecksums?: () => Checksums };
    const sched = new Scheduler(points);
    const { join } = await import('node:path');
    const { mkdirSync } = await import('node:fs');
    for (let p = sched.next(); p && !this.stopped; p = sched.next()) {
      this.opts.onStart?.(p);
      const out = this.opts.outDir;
      const artifactDir = out ? join(out, 'artifacts', p.hash) : undefined;
      if (artifactDir) mkdirSync(artifactDir, { recursive: true });
      const hash = p.hash;
      const rec = await executePoint(mod.runPoint, p.point, hash, this.opts.configHash, {
        dataDir: this.opts.dataDir,
        cacheDir: this.opts.cacheDir ?? (out ? join(out, 'cache') : undefined),
        artifactDir,
        log: (msg) => this.opts.onLog?.(hash, msg),
        onEpoch: (phase, e) => this.opts.onEpoch?.(hash, phase, e.epoch, e.epochs),
      }, out);
      sched.done(hash);
      if (this.stopped) return;
      this.opts.onDone(rec, mod.datasetChecksums?.() ?? {});
    }
  }
}

/** file: URL of a module path given on the command line or in RRAMSIM_RUNNER. */
export function moduleUrl(pathOrUrl: string): string {
  return /^[a-z]+:/i.test(pathOrUrl) ? pathOrUrl : pathToFileURL(pathOrUrl).href;
}
