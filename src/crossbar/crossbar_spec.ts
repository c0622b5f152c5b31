/**
 * Crossbar configuration (CrossbarSpec, src/methods/point.ts) defaults and validation:
 *   tileRows x tileCols   cells per crossbar tile (default 128 x 128)
 *   mapping               'differential' (default; G⁺/G⁻ pair) | 'offset' (one cell + reference column)
 *   range                 per-layer weight range: { kind: 'fixed', wMax } or
 *                         { kind: 'percentile', percentile } of |w| at mapping time (default 100 = max |w|)
 *   dacBits, adcBits      converter resolution, 0 = ideal (default)
 *   writeThreshold        programming dead band during training, in weight level steps
 *                         (0 = off, the default; crossbar_matrix_op.ts)
 */
import type { CrossbarSpec } from '../methods/point.js';
import { UserError } from '../util/errors.js';
import { validateBits } from './converters.js';
import { validateRange } from './weight_range.js';

export type { CrossbarSpec };

export const DEFAULT_CROSSBAR: Readonly<CrossbarSpec> = Object.freeze<CrossbarSpec>({
  tileRows: 128,
  tileCols: 128,
  mapping: 'differential',
  range: { kind: 'percentile', percentile: 100 },
  dacBits: 0,
  adcBits: 0,
  writeThreshold: 0,
});

export function resolveCrossbar(spec: Partial<CrossbarSpec> = {}, path = 'crossbar'): CrossbarSpec {
  const c: CrossbarSpec = { ...DEFAULT_CROSSBAR, ...spec };
  for (const f of ['tileRows', 'tileCols'] as const) {
    if (!Number.isInteger(c[f]) || c[f] < 1 || c[f] > 65536) {
      throw new UserError(`${path}.${f} must be an integer in 1..65536, got ${String(c[f])}`, `${path}.${f}`);
    }
  }
  if (c.mapping !== 'differential' && c.mapping !== 'offset') {
    throw new UserError(`${path}.mapping must be 'differential' or 'offset', got ${String(c.mapping)}`, `${path}.mapping`);
  }
  if (c.mapping === 'differential' && c.tileCols < 2) {
    throw new UserError(`${path}.tileCols must be >= 2 with the differential mapping (a pair needs 2 columns), got ${c.tileCols}`, `${path}.tileCols`);
  }
  validateRange(c.range, `${path}.range`);
  validateBits(c.dacBits, `${path}.dacBits`);
  validateBits(c.adcBits, `${path}.adcBits`);
  const th = c.writeThreshold ?? 0;
  if (typeof th !== 'number' || !Number.isFinite(th) || th < 0 || th > 1000) {
    throw new UserError(`${path}.writeThreshold must be a number in [0, 1000] (weight level steps; 0 = off), got ${String(th)}`, `${path}.writeThreshold`);
  }
  return c;
}
