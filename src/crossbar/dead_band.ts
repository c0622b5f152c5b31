/**
 * Programming dead band (crossbar.writeThreshold = h > 0 level steps, needs device.levels L ≥ 2):
 * the cells are programmed from a copy P of the weights (the value last sent to the cells)
 * instead of W itself, and a weight's entry is refreshed only once the software weight has moved
 * far enough from it:
 *
 *     Δw = wMax / (L − 1)  (differential: one level of one cell; offset: 2·wMax / (L − 1))
 *     every forward (training or evaluation) and sync(true):
 *         P_k ← W_k  if |W_k − P_k| ≥ h·Δw,  else P_k kept;  program cells from P
 *     sync() (deployment, first programming, a LoRA merge): P ← W exactly.
 *
 * So the network is evaluated as the device holds it (P), like the device weights of mixed-precision
 * training, whose digital remainder W − P is never programmed.
 *
 * This is the device-update rule of mixed-precision in-memory training (Nandakumar et al.,
 * Frontiers in Neuroscience 2020): the update is accumulated digitally and the device is
 * programmed only when the accumulated change reaches the device granularity. It suppresses the
 * writes of weights that wander back and forth within h levels, but the forward then runs on
 * cells up to h levels stale, which can make weights overshoot and swing (whether write events
 * drop is measured, not assumed: docs/performance.md). The gradient still updates W (straight-through).
 */
import { allocF32 } from '../kernels/alloc.js';
import { UserError } from '../util/errors.js';

export class DeadBand {
  /** P, the weights last sent to the cells (in wasm memory) */
  private readonly sent: Float32Array;

  private constructor(readonly threshold: number, readonly levels: number, readonly cellsPerWeight: 1 | 2, n: number) {
    this.sent = allocF32(n);
  }

  /** the dead band of a layer, or null when crossbar.writeThreshold is 0 (off) */
  static create(threshold: number, levels: number, cellsPerWeight: 1 | 2, n: number): DeadBand | null {
    if (!(threshold > 0)) return null;
    if (levels < 2) {
      throw new UserError(`crossbar.writeThreshold (${threshold}) needs quantised cells: device.levels must be >= 2 (got ${levels})`, 'crossbar.writeThreshold');
    }
    return new DeadBand(threshold, levels, cellsPerWeight, n);
  }

  /** refresh P from the weights w (exactly when `exact`, else by the rule above); returns P */
  source(w: Float32Array, n: number, wMax: number, exact: boolean): Float32Array {
    const P = this.sent;
    if (!exact) {
      const step = (this.cellsPerWeight === 2 ? 1 : 2) * wMax / (this.levels - 1);
      const h = this.threshold * step;
      for (let k = 0; k < n; k++) {
        const d = w[k] - P[k];
        if (d >= h || d <= -h) P[k] = w[k];
      }
    } else {
      P.set(w.subarray(0, n));
    }
    return P;
  }
}
