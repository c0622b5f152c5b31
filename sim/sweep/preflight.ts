/**
 * Checks before any point runs (`rramsim sweep` and `rramsim run`); any failure is ONE UserError
 * (exit 2) instead of every point failing one by one (exit 3):
 *  1. the kernel backend chosen by env RRAMSIM_BACKEND exists here (src/kernels/backend.ts);
 *  2. every point's device, crossbar and defect spec passes the validators the workers call
 *     (the sweep planner already checked the same schemas; points from `reproduce` records too);
 *  3. the --data-dir exists, every IDX dataset the points need is found (src/data/locate.ts), and
 *     each file's header, size and SHA-256 are verified once; the verdict is cached by
 *     (path, size, mtime) so later runs only stat the files (src/data/verify_cache.ts);
 *  4. every defect map file is read, parsed, and matched to every tile of every layer of every
 *     point that uses it (the base layers of the model, and the LoRA adapter arrays), so a
 *     malformed or mis-sized map fails here rather than in each worker;
 *  5. (checked before 3 and 4) memory (checkMemory): need = PROCESS_BASE_BYTES + workers · max_points M(point), M the
 *     per-point estimate of src/experiment/memory_estimate.ts (each worker thread holds its own
 *     point and data), against the machine's memory (os.totalmem(), or the cgroup limit when
 *     lower, or env RRAMSIM_MEMORY) or a Slurm task's --mem: refused above it (naming the
 *     estimate, the memory and the field that drives the largest point), one warning line above
 *     half of it; and one warning line when a point is expected to take over an hour.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { estimatePoint, formatBytes, formatSeconds, PROCESS_BASE_BYTES } from '../../src/experiment/memory_estimate.js';
import { datasetContext, datasetEntry } from '../../src/data/sets/registry.js';
import { modelLayers } from '../../src/config/model_layers.js';
import { resolveCrossbar } from '../../src/crossbar/crossbar_spec.js';
import { validateDefects } from '../../src/crossbar/defect_generator.js';
import { fileTileState, loadDefectFile } from '../../src/crossbar/defects_file.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { TileLayout } from '../../src/crossbar/tiling.js';
import { getBackend } from '../../src/kernels/backend.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { UserError } from '../../src/util/errors.js';
import { parseTaskName } from '../../src/tasks/registry.js';

export interface PreflightOptions {
  /** verification cache file (default: verify_cache.ts's rule) */
  verifyCache?: string;
  /** worker threads the points run on (memory check; default 1) */
  workers?: number;
  /** where warnings go (default: stderr, one line each) */
  warn?: (line: string) => void;
}

export function preflight(points: PointSpec[], dataDir?: string, opts: PreflightOptions = {}): void {
  getBackend();
  for (const p of points) {
    resolveDevice(p.device);
    resolveCrossbar(p.crossbar);
    validateDefects(p.defects);
  }
  // memory first: cheap, and a point that cannot fit should not wait for the data to be verified
  checkMemory(points, { workers: opts.workers ?? 1, warn: opts.warn });
  if (dataDir !== undefined && !(existsSync(dataDir) && statSync(dataDir).isDirectory())) {
    throw new UserError(`--data-dir: '${dataDir}' is not a directory; give the directory holding the IDX files (e.g. ../shared/data/mnist)`, '--data-dir');
  }
  const names = new Set(points.map((p) => p.dataset));
  // multi-task points also read their tasks' source data sets
  for (const p of points) for (const t of p.multitask?.tasks ?? []) names.add(parseTaskName(t, 'multitask.tasks').source);
  // each data set's own check before any work (IDX: verified once and remembered; CIFAR: located)
  for (const n of names) datasetEntry(n)?.preflight({ dataDir, verifyCache: opts.verifyCache }, datasetContext());
  checkDefectMaps(points);
}

/** bytes in a memory size such as 4G, 500M, 4096 (Slurm --mem: plain numbers are megabytes) or 2.5G */
export function parseMemorySize(text: string, plainUnit = 1e6): number | undefined {
  const m = /^(\d+(?:\.\d+)?)([KMGT]?)B?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = { '': plainUnit, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G' | 'T'];
  return Number(m[1]) * unit;
}

/** this machine's memory: env RRAMSIM_MEMORY (e.g. 8G), else os.totalmem() or the cgroup v2 limit when lower */
export function machineMemory(): { bytes: number; what: string } {
  const env = process.env.RRAMSIM_MEMORY;
  if (env !== undefined && env !== '') {
    const b = parseMemorySize(env, 1);
    if (b === undefined || !(b > 0)) throw new UserError(`RRAMSIM_MEMORY: got '${env}'; allowed: a memory size such as 8G or 512M`, 'RRAMSIM_MEMORY');
    return { bytes: b, what: `RRAMSIM_MEMORY ${env}` };
  }
  let bytes = totalmem(), what = "this machine's memory";
  try {
    const limit = Number(readFileSync('/sys/fs/cgroup/memory.max', 'utf8').trim());
    if (Number.isFinite(limit) && limit > 0 && limit < bytes) { bytes = limit; what = "this container's memory limit"; }
  } catch { /* no cgroup v2 limit */ }
  return { bytes, what };
}

export interface MemoryCheckOptions {
  /** worker threads in one process */
  workers: number;
  /** the memory to fit in (default machineMemory()) and what it is, for the message */
  limit?: { bytes: number; what: string };
  /** the flag that sets the workers, for the message */
  workersFlag?: string;
  warn?: (line: string) => void;
}

/** refuse (UserError) or warn, formula in the file header */
export function checkMemory(points: PointSpec[], o: MemoryCheckOptions): void {
  if (points.length === 0) return;
  const warn = o.warn ?? ((l: string) => process.stderr.write(`rramsim: ${l}\n`));
  const limit = o.limit ?? machineMemory();
  const workers = Math.max(1, Math.min(o.workers, points.length));
  let big = { i: 0, e: estimatePoint(points[0]) };
  let slow = big;
  for (let i = 1; i < points.length; i++) {
    const e = estimatePoint(points[i]);
    if (e.bytes > big.e.bytes) big = { i, e };
    if (e.seconds > slow.e.seconds) slow = { i, e };
  }
  const need = PROCESS_BASE_BYTES + workers * big.e.bytes;
  const which = points.length > 1 ? `point ${big.i}` : 'the point';
  const what = `${which} needs an estimated ${formatBytes(big.e.bytes)}${workers > 1 ? ` per worker; ${workers} workers` : ''} + ${formatBytes(PROCESS_BASE_BYTES)} for the process = ${formatBytes(need)}`;
  const smaller = big.e.field.startsWith('model (') ? 'a smaller model' : `a smaller ${big.e.field}`;
  const lower = workers > 1 ? `${smaller} or fewer ${o.workersFlag ?? '--workers'}` : smaller;
  if (need > limit.bytes) {
    throw new UserError(`${big.e.field}: ${what}, above ${limit.what} (${formatBytes(limit.bytes)}), driven by ${big.e.field}; use ${lower}`, big.e.field);
  }
  if (need > limit.bytes / 2) warn(`warning: ${what}, over half of ${limit.what} (${formatBytes(limit.bytes)}), driven by ${big.e.field}`);
  if (slow.e.seconds > 3600) {
    warn(`warning: ${points.length > 1 ? `point ${slow.i}` : 'the point'} is expected to take about ${formatSeconds(slow.e.seconds)}, driven by ${slow.e.timeField}`);
  }
}

/** The arrays a point maps onto crossbars: [layer name as the defect streams see it, rows, cols]. */
function crossbarArrays(p: PointSpec): [string, number, number][] {
  const layers = modelLayers(p.model, p.pool, p.dataset);
  const out: [string, number, number][] = layers.map((l) => [l.name, l.rows, l.cols]);
  if (p.method === 'lora' || p.method === 'lori') {
    const adapted = p.lora.layers.length === 0 ? layers : layers.filter((l) => p.lora.layers.includes(l.name));
    for (const l of adapted) out.push([`${l.name}/loraA`, l.rows, p.lora.rank], [`${l.name}/loraB`, p.lora.rank, l.cols]);
  }
  return out;
}

function checkDefectMaps(points: PointSpec[]): void {
  const seen = new Set<string>();
  for (const p of points) {
    if (p.defects.distribution !== 'file' || p.defects.file === undefined) continue;
    const cpw = p.crossbar.mapping === 'differential' ? 2 : 1;
    const key = `${p.defects.file}\u0000${JSON.stringify(p.model)}\u0000${p.method}\u0000${JSON.stringify(p.lora)}\u0000${p.crossbar.tileRows}x${p.crossbar.tileCols}x${cpw}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const src = loadDefectFile(p.defects.file);
    for (const [layer, rows, cols] of crossbarArrays(p)) {
      const L = new TileLayout(rows, cols, p.crossbar.tileRows, p.crossbar.tileCols, cpw);
      for (let tr = 0; tr < L.gridRows; tr++) {
        for (let tc = 0; tc < L.gridCols; tc++) fileTileState(src, layer, tr, tc, tr * L.gridCols + tc, L.tileRows, L.tileCols);
      }
    }
  }
}

