/**
 * The general programming path: any device model, slot by slot, through the model (quantise,
 * land) and the mapping (targets, weight). Taken when the model has no fast path
 * (device_model.ts; e.g. 'linear-levels' with programming variation σp > 0, 'clipped-window').
 *
 * For logical weight (i, j) on slot s = (permR[i], permC[j]) (s = i·cols + j when `identity`):
 *   t = w·(1/wMax), or ±1 beyond ±wMax (counted as clipped)                          (float64)
 *   (uP*, uN*) = mapping.targets(t, kind, uP, uN)           (stuck cells keep their u)
 *   each free cell: q = model.quantise(u*); if q ≠ its last target (NaN before the first write):
 *       target ← q, u ← model.land(q), writes +1
 *   W_eff[i, j] = wMax · mapping.weight(uP, uN) where a cell was written, or everywhere when `full`
 *   (all-stuck slots: nothing written, W_eff refreshed only when `full`).
 * Draw order of the model's streams: slots in logical row-major order, cell P before cell N.
 * Returns the clipped count; adds the writes to out[0].
 */
import { SlotKind } from './cell_state.js';
import type { DeviceModel } from './device_model.js';
import type { WeightMapping } from './mapping.js';

/** the arrays of one CrossbarArray that programming reads and writes */
export interface GenericCells {
  readonly slotKind: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
  readonly tgtP: Float32Array;
  readonly tgtN: Float32Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
}

export function programGeneric(
  c: GenericCells, model: DeviceModel, mapping: WeightMapping, rows: number, cols: number,
  val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
  wEff: Float32Array, full: boolean, tmp: Float64Array, out: Float64Array,
): number {
  const two = mapping.cellsPerWeight === 2;
  const { tgtP, tgtN, uP, uN, writesP, writesN, slotKind } = c;
  const inv = 1 / wMax;
  let clipped = 0, writes = 0;
  for (let i = 0; i < rows; i++) {
    const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (let j = 0; j < cols; j++) {
      const idx = base + j, s = identity ? idx : pr + permC[j];
      const w = val[idx];
      let t: number;
      if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
      const kind = slotKind[s];
      if (kind === SlotKind.AllStuck) {
        if (full) wEff[idx] = wMax * mapping.weight(uP[s], uN[s]);
        continue;
      }
      mapping.targets(t, kind, uP[s], uN[s], tmp);
      let ch = 0;
      if (kind !== SlotKind.PStuck) {
        const q = model.quantise(tmp[0]);
        if (q !== tgtP[s]) { tgtP[s] = q; uP[s] = model.land(q); writesP[s]++; ch++; }
      }
      if (two && kind !== SlotKind.NStuck) {
        const q = model.quantise(tmp[1]);
        if (q !== tgtN[s]) { tgtN[s] = q; uN[s] = model.land(q); writesN[s]++; ch++; }
      }
      if (ch > 0 || full) wEff[idx] = wMax * mapping.weight(uP[s], uN[s]);
      writes += ch;
    }
  }
  out[0] += writes;
  return clipped;
}
