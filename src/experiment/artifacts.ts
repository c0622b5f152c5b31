/**
 * Per-point artefacts read by the report (formats in docs/DESIGN.md): the methods emit them as
 * values (src/methods/method_context.ts onArtifact), the experiment layer writes them into
 * `ctx.artifactDir` (method_runners.ts):
 *   defect_tile.json    tile (0, 0) of the first weight layer: { layer, tileRow, tileCol, rows,
 *                       cols, distribution, state } (0 healthy, 1 stuck at HRS, 2 stuck at LRS)
 *   importance_map.json first weight layer: { layer, rows, cols, faulty (0/1 per physical slot),
 *                       before, after } = importance of the weight on each physical slot before
 *                       and after the defect-aware mapping (values rounded to 4 significant digits)
 * Files are written to a temporary name and renamed (atomic); a failed write removes the temp file.
 */
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MethodArtifact } from '../methods/method_context.js';

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

/** write one artefact a method emitted (src/methods/method_context.ts) into `dir` */
export async function writeArtifact(dir: string, a: MethodArtifact): Promise<void> {
  await writeJson(dir, a.name, a.value);
}
