/**
 * The one product every weight layer is built on: Y = X · W, X is n x rows, W is rows x cols.
 * Dense uses it with n = batch; Conv2d with X = im2col patches (n = batch*OH*OW, rows = C*kh*kw).
 *
 * A layer holds a `MatrixOp` and can swap it: the plain digital op (this file), a crossbar-mapped
 * op (src/crossbar), or a LoRA op (base + adapters, each possibly on a crossbar). This is how the
 * device → tile → mapped layer → network stack composes without the layer knowing about devices.
 */
import { gemm } from '../kernels/gemm.js';
import type { Param } from './param.js';

/** hardware cost of an op (crossbar and LoRA ops; src/methods/cost.ts sums it over a network) */
export interface OpCost {
  cellsUsed: number;
  cellWrites: number;
  macsPerRow: number;
  cellsWritten?: number;
  /** a pulsed update scheme's cost since it began (crossbar ops with update.scheme ≠ 'write-verify') */
  update?: { pulses: number; reads: number; energy: number; time: number; accumulatorBytes: number };
}

export interface MatrixOp {
  readonly rows: number;
  readonly cols: number;
  /** Y (n x cols) = X (n x rows) · W_used. Overwrites Y. `training` enables e.g. per-forward read noise. */
  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void;
  /**
   * Backward of the last forward with the same X. Accumulates (+=) into the grads of the trainable
   * `params()` (a param with trainable = false may be left untouched),
   * and, if dX is non-null, overwrites dX (n x rows) with dY · W_usedᵀ.
   */
  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void;
  /** parameters this op owns (the optimiser collects them through the layer) */
  params(): Param[];
  /** The logical weight matrix (rows x cols) this op computes with in the ideal digital case. */
  readonly weight: Param;
  /**
   * Optional hardware cost (crossbar and LoRA ops implement it): cells occupied, cell writes so
   * far, and multiply-accumulates per input row (rows*cols for a plain product).
   */
  cost?(): OpCost;
  /** Optional: start the write counters of `cost()` again from 0 (crossbar ops; digital: nothing to count). */
  resetCost?(): void;
  /**
   * Optional: program the weights' last update into the device now (crossbar ops; otherwise this
   * happens on the next forward). `deadBand` = true applies the programming dead band as a
   * forward would; false (default) programs the weights exactly.
   */
  sync?(deadBand?: boolean): void;
  /** Optional: the weight range ±wMax the op represents (crossbar ops). */
  weightRange?(): number;
  /**
   * Optional, for a caller that forms the product itself (Conv2d's chunked convolution,
   * src/kernels/conv_gemm.ts, which never builds the whole X): when this forward is exactly one
   * product Y = X·W_used, do what `forward` does before its product and return W_used; else
   * (tiles, converters, output noise) return null and the caller uses `forward`.
   */
  plainWeights?(training: boolean): Float32Array | null;
  /**
   * Optional, the backward after `plainWeights`: `addXtDY(g)` adds Xᵀ·dY into a gradient, called
   * as `backward` would form dW (not for a frozen weight; crossbar: stuck weights keep theirs);
   * returns W_used for the caller's dX = dY·W_usedᵀ.
   */
  plainWeightGrad?(addXtDY: (grad: Float32Array) => void): Float32Array;
  /**
   * Optional, like `plainWeights` when the forward is one product plus per-output read noise whose
   * variance V = (X∘X)·S the caller can form with its product (crossbar ops: src/crossbar/read_path.ts);
   * null (and nothing done) otherwise. Backward: `plainWeightGrad`.
   */
  plainNoisyWeights?(training: boolean): PlainNoisyProduct | null;
}

/** what `plainNoisyWeights` hands the caller: W_used, the variance inputs for m outputs, the noise step */
export interface PlainNoisyProduct {
  W: Float32Array;
  /** S's cells and coefficients (aP, bP, aN, bN) and the buffer to fill with V (≥ m values) */
  variance(m: number): { readonly uP: Float32Array; readonly uN: Float32Array; readonly coef: Float64Array; readonly V: Float32Array };
  /** Y (m values) += √V·ζ: the forward's output noise */
  finish(Y: Float32Array, m: number): void;
}

/** Plain float32 digital product: W_used = weight.value. */
export class DigitalMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  constructor(readonly weight: Param) {
    this.rows = weight.rows;
    this.cols = weight.cols;
  }
  forward(X: Float32Array, n: number, Y: Float32Array): void {
    gemm(false, false, n, this.cols, this.rows, X, this.weight.value, Y, false);
  }
  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    // dW += Xᵀ · dY (not for a frozen weight: nothing reads its gradient)
    if (this.weight.trainable) gemm(true, false, this.rows, this.cols, n, X, dY, this.weight.grad, true);
    // dX = dY · Wᵀ
    if (dX) gemm(false, true, n, this.rows, this.cols, dY, this.weight.value, dX, false);
  }
  plainWeights(): Float32Array {
    return this.weight.value;
  }
  plainWeightGrad(addXtDY: (grad: Float32Array) => void): Float32Array {
    if (this.weight.trainable) addXtDY(this.weight.grad);
    return this.weight.value;
  }
  params(): Param[] {
    return [this.weight];
  }
}
