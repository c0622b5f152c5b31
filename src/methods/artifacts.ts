/**
 * Per-point artefacts read by the report (formats in docs/DESIGN.md), written when
 * `ctx.artifactDir` is set:
 *   defect_tile.json    tile (0, 0) of the first weight layer: { layer, tileRow, tileCol, rows,
 *                       cols, distribution, state } (0 healthy, 1 stuck at HRS, 2 stuck at LRS)
 *   importance_map.json first weight layer: { layer, rows, cols, faulty (0/1 per physical slot),
 *                       before, after } = importance of the weight on each physical slot before
 *                       and after the defect-aware mapping (values rounded to 4 significant digits)
 * Files are written to a temporary name and renamed (atomic); a failed write removes the temp file.
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import { physicalFaulty } from './deploy.js';
import type { RunContext } from './registry.js';

async function writeJson(dir: string, name: string, value: unknown): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, name);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, JSON.stringify(value));
    await rename(tmp, file);
  } catch (e) {
    // disk full / permission: leave no temp file behind
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}

const r4 = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(4)));

export async function writeDefectTile(ctx: RunContext, op: CrossbarMatrixOp): Promise<void> {
  if (!ctx.artifactDir) return;
  await writeJson(ctx.artifactDir, 'defect_tile.json', op.defectMapJSON()[0]);
}

export async function writeImportanceMap(
  ctx: RunContext, op: CrossbarMatrixOp, before: Float32Array, after: Float32Array,
): Promise<void> {
  if (!ctx.artifactDir) return;
  await writeJson(ctx.artifactDir, 'importance_map.json', {
    layer: op.layer,
    rows: op.rows,
    cols: op.cols,
    faulty: Array.from(physicalFaulty(op)),
    before: Array.from(before, r4),
    after: Array.from(after, r4),
  });
}
