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
 *     malformed or mis-sized map fails here rather than in each worker.
 */
import { existsSync, statSync } from 'node:fs';
import { locateCifar } from '../../src/data/cifar10.js';
import { locateDataset } from '../../src/data/locate.js';
import { verifyDatasetOnce } from '../../src/data/verify_cache.js';
import { modelLayers } from '../../src/config/model_layers.js';
import { resolveCrossbar } from '../../src/crossbar/crossbar_spec.js';
import { validateDefects } from '../../src/crossbar/defect_generator.js';
import { fileTileState, loadDefectFile } from '../../src/crossbar/defects_file.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { TileLayout } from '../../src/crossbar/tiling.js';
import { getBackend } from '../../src/kernels/backend.js';
import type { PointSpec } from '../../src/methods/point.js';
import { UserError } from '../../src/util/errors.js';
import { parseTaskName } from '../../src/tasks/registry.js';

export interface PreflightOptions {
  /** verification cache file (default: verify_cache.ts's rule) */
  verifyCache?: string;
}

export function preflight(points: PointSpec[], dataDir?: string, opts: PreflightOptions = {}): void {
  getBackend();
  for (const p of points) {
    resolveDevice(p.device);
    resolveCrossbar(p.crossbar);
    validateDefects(p.defects);
  }
  if (dataDir !== undefined && !(existsSync(dataDir) && statSync(dataDir).isDirectory())) {
    throw new UserError(`--data-dir: '${dataDir}' is not a directory; give the directory holding the IDX files (e.g. ../shared/data/mnist)`, '--data-dir');
  }
  const names = new Set(points.map((p) => p.dataset));
  // multi-task points also read their tasks' source data sets
  for (const p of points) for (const t of p.multitask?.tasks ?? []) names.add(parseTaskName(t, 'multitask.tasks').source);
  for (const n of names) {
    if (n === 'mnist' || n === 'fashion-mnist') {
      verifyDatasetOnce(locateDataset(n, { dataDir }), opts.verifyCache);
    }
    if (n === 'cifar10' || n === 'cifar10-jpeg') locateCifar(n, { dataDir });
  }
  checkDefectMaps(points);
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

