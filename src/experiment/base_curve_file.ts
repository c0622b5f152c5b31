/**
 * The training curve of a cached base network, DIR/cache/base-<key>.curve.json, beside the weights
 * (base-<key>.f32, base_cache_file.ts):
 *
 *   { "format": "rramsim-base-curve-v1", "key": "<base key>", "loss": [L_1..L_E], "accuracy": [A_1..A_E] }
 *
 * L_k, A_k = mean training loss and training accuracy of epoch k (src/experiment/curves.ts). Numbers
 * are JSON doubles (the round trip keeps every float64 bit). Written atomically before the weights
 * file, so a complete base file written by this version has its curve. `readBaseCurve` gives the
 * curve, or undefined when the file is absent, of another key, longer than the training's epochs or not JSON
 * (a base cached before curves were stored): the point then records no base curve.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomicSync } from '../util/atomic_write.js';
import { readRegularFile } from '../util/read_regular_file.js';
import type { EpochCurve } from './curves.js';

const FORMAT = 'rramsim-base-curve-v1';
/** a curve of 10⁵ epochs is far below this */
const MAX_BYTES = 16 << 20;

export function baseCurvePath(cacheDir: string, key: string): string {
  return join(cacheDir, `base-${key}.curve.json`);
}

export function writeBaseCurve(file: string, key: string, curve: EpochCurve): void {
  writeFileAtomicSync(file, JSON.stringify({ format: FORMAT, key, loss: curve.loss, accuracy: curve.accuracy }));
}

export function readBaseCurve(file: string, key: string, epochs: number): EpochCurve | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const buf = readRegularFile(file, { label: 'base curve file', maxBytes: MAX_BYTES });
    if (!buf) return undefined;
    const v = JSON.parse(buf.toString('utf8')) as Record<string, unknown>;
    const ok = (a: unknown): a is number[] => Array.isArray(a) && a.length <= epochs && a.every((x) => typeof x === 'number' && Number.isFinite(x));
    if (v.format !== FORMAT || v.key !== key || !ok(v.loss) || !ok(v.accuracy) || v.loss.length !== v.accuracy.length) return undefined;
    return { loss: v.loss, accuracy: v.accuracy };
  } catch {
    return undefined;
  }
}
