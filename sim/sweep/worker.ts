/**
 * Sweep worker thread: imports the point-runner module once (which loads each dataset once and
 * keeps it), then runs the points the pool sends, one at a time, and posts back each ResultRecord.
 *
 * Messages in:  { type: 'run', hash, point }
 * Messages out: { type: 'ready' } | { type: 'log', hash, msg } | { type: 'epoch', hash, phase, epoch, epochs }
 *               | { type: 'done', record, checksums }
 *               | { type: 'fatal', hash, error: FatalError }  (the disk is full: the pool stops the sweep)
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { arenaMark, arenaRelease } from '../../src/kernels/alloc.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { executePoint, isDiskFull } from './execute_point.js';
import type { RunPointFn } from './point_runner.js';

export interface WorkerInit {
  runnerModule: string;
  dataDir?: string;
  /** sweep directory: artefacts go to DIR/artifacts/<hash>/, caches to DIR/cache/ (none = no files) */
  outDir?: string;
  /** the base-network cache, when not DIR/cache/ */
  cacheDir?: string;
  configHash: string;
}

export type ToWorker = { type: 'run'; hash: string; point: PointSpec };

/** A disk-full error sent across threads (structured clone keeps no `code` of an Error). */
export interface FatalError {
  message: string;
  code?: string;
  syscall?: string;
  path?: string;
}

async function start(): Promise<void> {
  const init = workerData as WorkerInit;
  const mod = (await import(init.runnerModule)) as { runPoint: RunPointFn; datasetChecksums?: () => Record<string, Record<string, string>> };
  const port = parentPort!;
  port.on('message', (m: ToWorker) => {
    void (async () => {
      const artifactDir = init.outDir ? join(init.outDir, 'artifacts', m.hash) : undefined;
      // Everything a point allocates from the kernels' wasm arena (networks, crossbar cells,
      // batch buffers) is dead once its record exists: give it back, so a long-lived worker
      // never fills the arena and every point starts from the same memory state whatever ran
      // before it in this worker. (Datasets are ordinary arrays and stay cached.)
      const mark = arenaMark();
      let record;
      try {
        if (artifactDir) mkdirSync(artifactDir, { recursive: true });
        record = await executePoint(
          mod.runPoint,
          m.point,
          m.hash,
          init.configHash,
          {
            dataDir: init.dataDir,
            cacheDir: init.cacheDir ?? (init.outDir ? join(init.outDir, 'cache') : undefined),
            artifactDir,
            log: (msg) => port.postMessage({ type: 'log', hash: m.hash, msg }),
            onEpoch: (phase, e) => port.postMessage({ type: 'epoch', hash: m.hash, phase, epoch: e.epoch, epochs: e.epochs }),
          },
          init.outDir,
        );
      } catch (e) {
        if (!isDiskFull(e)) throw e;
        const x = e as NodeJS.ErrnoException;
        const error: FatalError = { message: x.message, code: x.code, syscall: x.syscall, path: x.path };
        port.postMessage({ type: 'fatal', hash: m.hash, error });
        return;
      } finally {
        arenaRelease(mark);
      }
      port.postMessage({ type: 'done', record, checksums: mod.datasetChecksums?.() ?? {} });
    })();
  });
  port.postMessage({ type: 'ready' });
}

void start();
