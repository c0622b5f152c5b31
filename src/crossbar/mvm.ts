/**
 * Literal analog matrix-vector product of a programmed CrossbarArray, tile by tile, in physical
 * units (the reference model; CrossbarMatrixOp computes the same in the weight domain, faster).
 *
 * For input row b (a vector of word-line voltages V = x, in volts per unit input), tile (tr, tc):
 *     I_col = Σ_{r ∈ tile rows} V_r · G_{r,col}                          (amperes; G in siemens)
 *     differential:  partial_j = wMax · (I_{G⁺ col of j} − I_{G⁻ col of j}) / (gMax − gMin)
 *     offset:        partial_j = wMax · 2 · (I_{col of j} − I_ref) / (gMax − gMin),
 *                    I_ref = Σ_r V_r · G_ref,  G_ref = (gMin + gMax)/2 (reference column)
 *     y_j = Σ_{tiles tr of tile column tc} ADC(partial_j)                 (periphery adds partial sums)
 * with the inputs through the DAC first (converters.ts). Stuck cells contribute their stuck
 * conductance (gMin or gMax), programmed cells their actual (possibly varied) conductance.
 * Ideal case (no defects, levels = 0, no variation, no converters): y = x · clip(W) exactly up to
 * float rounding.
 *
 * Xp: n x rows in *physical* row order; Yp: n x cols in physical slot-column order.
 * Allocates (reference implementation, not for the training hot path).
 */
import { conductance } from './device.js';
import type { CrossbarArray } from './crossbar_array.js';
import { maxAbs, quantiseSymmetric } from './converters.js';

export interface ConverterOptions {
  dacBits?: number;
  adcBits?: number;
  /** DAC input range R (default: max |x| of the batch) */
  dacRange?: number;
  /** ADC range R in the weight domain (default: max |partial| of the tile in the batch) */
  adcRange?: number;
}

export function analogMvm(
  arr: CrossbarArray, wMax: number, Xp: Float32Array, n: number, Yp: Float32Array, opts: ConverterOptions = {},
): void {
  const d = arr.device, layout = arr.layout, rows = layout.rows, cols = layout.cols;
  const delta = d.gMax - d.gMin;
  const gRef = (d.gMin + d.gMax) / 2;
  const two = arr.mapping.cellsPerWeight === 2;
  const scale = (wMax * arr.mapping.currentScale) / delta;
  const x = Float64Array.from(Xp.subarray(0, n * rows));
  if (opts.dacBits) quantiseSymmetric(x, x.length, opts.dacBits, opts.dacRange ?? maxAbs(x, x.length));
  const y = new Float64Array(n * cols);
  for (let tr = 0; tr < layout.gridRows; tr++) {
    const [r0, r1] = layout.rowRange(tr);
    for (let tc = 0; tc < layout.gridCols; tc++) {
      const [c0, c1] = layout.colRange(tc);
      const w = c1 - c0;
      const part = new Float64Array(n * w);
      for (let b = 0; b < n; b++) {
        for (let pc = c0; pc < c1; pc++) {
          let iP = 0, iN = 0;
          for (let r = r0; r < r1; r++) {
            const v = x[b * rows + r], s = r * cols + pc;
            iP += v * conductance(d, arr.uP[s]);
            iN += v * (two ? conductance(d, arr.uN[s]) : gRef);
          }
          part[b * w + (pc - c0)] = (iP - iN) * scale;
        }
      }
      if (opts.adcBits) quantiseSymmetric(part, part.length, opts.adcBits, opts.adcRange ?? maxAbs(part, part.length));
      for (let b = 0; b < n; b++) for (let k = 0; k < w; k++) y[b * cols + c0 + k] += part[b * w + k];
    }
  }
  for (let i = 0; i < n * cols; i++) Yp[i] = y[i];
}
