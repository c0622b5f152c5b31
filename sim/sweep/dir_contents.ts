/**
 * What a sweep directory may hold before a command reads it or writes into it (`sweep`, `sweep
 * --resume`, `merge`): the directory may come from someone else, so everything rramsim reads,
 * copies or appends to must be its own regular file, not a link to elsewhere, a FIFO or a device,
 * and of bounded size (src/util/sweep_file_limits.ts):
 *   manifest.json, results.jsonl                 regular, ≤ their limits
 *   results.rejected.jsonl, errors.log           regular (appended to, never read)
 *   cache/                                       a real directory; each base-*.f32 regular, ≤ CACHE_FILE_LIMIT;
 *                                                each base-*.ckpt[.prev] (a training's checkpoint) ≤ CHECKPOINT_LIMIT
 *   artifacts/, artifacts/<hash>/                real directories; each file in them regular, ≤ ARTIFACT_LIMIT
 * Otherwise a UserError (exit 2) naming the file and what it is, before anything is read or written.
 * The directory itself may be a symlink (the user's choice). The lock file is checked by dir_lock.ts.
 */
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { checkRealDir, checkRegularFile } from '../../src/util/read_regular_file.js';
import { CHECKPOINT_LIMIT } from '../../src/experiment/base_checkpoint_file.js';
import { ARTIFACT_LIMIT, CACHE_FILE_LIMIT, MANIFEST_LIMIT, RESULTS_LIMIT } from '../../src/util/sweep_file_limits.js';
import { MANIFEST, RESULTS } from './manifest.js';
import { REJECTED } from './results_file.js';
import { ERRORS_LOG } from './stored_error.js';

const APPEND_ONLY = Number.MAX_SAFE_INTEGER;

export function checkSweepDirContents(dir: string): void {
  checkRegularFile(join(dir, MANIFEST), MANIFEST_LIMIT);
  checkRegularFile(join(dir, RESULTS), RESULTS_LIMIT);
  for (const f of [REJECTED, ERRORS_LOG]) checkRegularFile(join(dir, f), { label: f, maxBytes: APPEND_ONLY });
  const cache = join(dir, 'cache');
  if (checkRealDir(cache, 'cache')) {
    for (const f of readdirSync(cache)) {
      if (f.startsWith('base-')) checkRegularFile(join(cache, f), { ...(f.includes('.ckpt') ? CHECKPOINT_LIMIT : CACHE_FILE_LIMIT), label: `cache/${f}` });
    }
  }
  const artifacts = join(dir, 'artifacts');
  if (checkRealDir(artifacts, 'artifacts')) {
    for (const h of readdirSync(artifacts)) {
      const sub = join(artifacts, h);
      // a stray regular file is no point's artefacts (the report ignores it); a link is refused
      if (lstatSync(sub).isFile()) continue;
      checkRealDir(sub, `artifacts/${h}`);
      for (const f of readdirSync(sub)) checkRegularFile(join(sub, f), { ...ARTIFACT_LIMIT, label: `artifacts/${h}/${f}` });
    }
  }
}
