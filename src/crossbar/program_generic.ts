/**
 * The general programming path: any device model, slot by slot, through the model (quantise,
 * land) and the mapping (targets, weight). Taken when the model has no fast path
 * (device_model.ts; e.g. 'linear-levels' with programming variation σp > 0, 'clipped-window').
 *
 * For logical weight (i, j) on slot s = (permR[i], permC[j]) (s = i·cols + j when `identity`):
 *   t = w·(1/wMax), or ±1 beyond ±wMax (counted as clipped)                          (float64)
 *   uP* = mapping.targetP(t, kind, uN), uN* = mapping.targetN(t, kind, uP)   (free cells only)
 *   each free cell: q = model.quantise(u*); if q ≠ its last target (NaN before the first write):
 *       target ← q, u ← model.land(q, cell), writes +1   (cell = s·cellsPerWeight + 0 (P) / 1 (N))
 *   W_eff[i, j] = wMax · mapping.weight(uP, uN) where a cell was written, or everywhere when `full`
 *   (all-stuck slots: nothing written, W_eff refreshed only when `full`).
 * Draw order of the model's streams: slots in logical row-major order, cell P before cell N.
 * Three passes (same results as one): levels and write decisions, then the landings of the
 * written cells in that order (a tight loop the JIT inlines model.land into), then W_eff of the
 * changed slots. Returns the clipped count; adds the writes to out[0].
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

/** reusable lists of one array (sized to its slots) */
export class GenericScratch {
  /** written cells in write order: 2·s (cell P) or 2·s + 1 (cell N) */
  readonly written: Int32Array;
  /** logical index and slot of every slot whose W_eff is refreshed */
  readonly changedIdx: Int32Array;
  readonly changedSlot: Int32Array;
  constructor(slots: number) {
    this.written = new Int32Array(2 * slots);
    this.changedIdx = new Int32Array(slots);
    this.changedSlot = new Int32Array(slots);
  }
}

/**
 * u ← model.land(target, cell) for the written cells, in write order; cell = the written entry
 * 2·s + b for two cells per weight, s for one (the drift hook's index)
 */
function landWritten(c: GenericCells, model: DeviceModel, written: Int32Array, n: number, two: boolean): void {
  const { tgtP, tgtN, uP, uN } = c;
  for (let k = 0; k < n; k++) {
    const w = written[k], s = w >> 1;
    if ((w & 1) === 0) uP[s] = model.land(tgtP[s], two ? w : s);
    else uN[s] = model.land(tgtN[s], w);
  }
}

export function programGeneric(
  c: GenericCells, model: DeviceModel, mapping: WeightMapping, rows: number, cols: number,
  val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
  wEff: Float32Array, full: boolean, scratch: GenericScratch, out: Float64Array,
): number {
  const two = mapping.cellsPerWeight === 2;
  const { tgtP, tgtN, uP, uN, writesP, writesN, slotKind } = c;
  const { written, changedIdx, changedSlot } = scratch;
  const inv = 1 / wMax;
  let clipped = 0, nw = 0, nc = 0;
  for (let i = 0; i < rows; i++) {
    const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
    for (let j = 0; j < cols; j++) {
      const idx = base + j, s = identity ? idx : pr + permC[j];
      const w = val[idx];
      let t: number;
      if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
      const kind = slotKind[s];
      let ch = false;
      if (kind !== SlotKind.AllStuck) {
        if (kind !== SlotKind.PStuck) {
          const q = model.quantise(mapping.targetP(t, kind, uN[s]));
          if (q !== tgtP[s]) { tgtP[s] = q; writesP[s]++; written[nw++] = 2 * s; ch = true; }
        }
        if (two && kind !== SlotKind.NStuck) {
          const q = model.quantise(mapping.targetN(t, kind, uP[s]));
          if (q !== tgtN[s]) { tgtN[s] = q; writesN[s]++; written[nw++] = 2 * s + 1; ch = true; }
        }
      }
      if (ch || full) { changedIdx[nc] = idx; changedSlot[nc] = s; nc++; }
    }
  }
  landWritten(c, model, written, nw, two);
  for (let k = 0; k < nc; k++) {
    const s = changedSlot[k];
    wEff[changedIdx[k]] = wMax * mapping.weight(uP[s], uN[s]);
  }
  out[0] += nw;
  return clipped;
}
