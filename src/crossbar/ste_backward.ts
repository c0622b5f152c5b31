/**
 * Backward of a crossbar op (straight-through estimator for clipping, quantisation, the read
 * stages and the converters):
 *     dX = dY · W_usedᵀ,    dW += Xᵀ · dY   for weights with at least one programmable cell;
 * weights whose cells are all stuck (`stuckIdx`) keep their old gradient (they receive none), and
 * the weight's update mask (routing.ts) is 0 there so the optimiser never moves them. A frozen
 * weight (trainable = false, e.g. a LoRA base) skips dW, the largest product of the backward.
 */
import { gemm } from '../kernels/gemm.js';
import type { Param } from '../nn/param.js';

export class SteBackward {
  private save = new Float32Array(0);

  backward(
    weight: Param, stuckIdx: Int32Array, used: Float32Array,
    X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null,
  ): void {
    const rows = weight.rows, cols = weight.cols;
    this.weightGrad(weight, stuckIdx, (g) => gemm(true, false, rows, cols, n, X, dY, g, true));
    if (dX) gemm(false, true, n, rows, cols, dY, used, dX, false);
  }

  /** dW += Xᵀ·dY as `addXtDY(grad)` forms it, for a trainable weight; the stuck weights keep their gradient */
  weightGrad(weight: Param, stuckIdx: Int32Array, addXtDY: (grad: Float32Array) => void): void {
    if (!weight.trainable) return;
    if (this.save.length !== stuckIdx.length) this.save = new Float32Array(stuckIdx.length);
    const g = weight.grad, idx = stuckIdx, save = this.save;
    for (let k = 0; k < idx.length; k++) save[k] = g[idx[k]];
    addXtDY(g);
    for (let k = 0; k < idx.length; k++) g[idx[k]] = save[k];
  }
}
