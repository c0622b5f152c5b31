/**
 * Per-task output heads (digital): task k has its own weight H_k (rows x classes) and bias b_k of
 * the network's output layer,
 *
 *     y = x·H_k + b_k        (forward),    ∂L/∂H_k += xᵀ·dY,  ∂L/∂b_k += Σ_rows dY,  dX = dY·H_kᵀ
 *
 * computed by a `HeadMatrixOp` that owns both H_k and b_k (so every head has its own parameters
 * and optimiser state; nothing is copied when switching). While heads are in use the output
 * layer's own bias is held at 0 and frozen (`restore()` puts the layer's op and bias back).
 * Selecting task k routes the output layer through head k: a pointer change.
 * New heads start as a copy of the layer's weights and bias when the bank was made (the base
 * network's trained head: for the task the base was trained on it is that head; for the others a
 * starting point). The output layer's own (crossbar) op is left as it is and unused while heads
 * are selected: heads are digital, 0 cells.
 */
import { addBiasRows, biasGrad } from '../../kernels/bias.js';
import { gemm } from '../../kernels/gemm.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import { makeParam, type Param } from '../../nn/param.js';
import type { WeightLayer } from '../../nn/weight_layer.js';

/** y = x·H + b in float32 (a digital head: the bias is part of the op, see the file header) */
export class HeadMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  constructor(readonly weight: Param, readonly bias: Param) {
    this.rows = weight.rows;
    this.cols = weight.cols;
  }
  forward(X: Float32Array, n: number, Y: Float32Array): void {
    gemm(false, false, n, this.cols, this.rows, X, this.weight.value, Y, false);
    addBiasRows(Y, n, this.cols, this.bias.value);
  }
  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    if (this.weight.trainable) gemm(true, false, this.rows, this.cols, n, X, dY, this.weight.grad, true);
    if (this.bias.trainable) biasGrad(dY, n, this.cols, this.bias.grad);
    if (dX) gemm(false, true, n, this.rows, this.cols, dY, this.weight.value, dX, false);
  }
  params(): Param[] {
    return [this.weight, this.bias];
  }
}

export class TaskHeads {
  readonly ops: HeadMatrixOp[] = [];
  private readonly initW: Float32Array;
  private readonly initB: Float32Array;
  /** the output layer's op and bias state before any head was selected */
  readonly baseOp: MatrixOp;
  private readonly baseBiasTrainable: boolean;
  private _active = -1;

  constructor(readonly layer: WeightLayer) {
    this.baseOp = layer.op;
    this.initW = Float32Array.from(layer.op.weight.value);
    this.initB = Float32Array.from(layer.bias.value);
    this.baseBiasTrainable = layer.bias.trainable;
  }

  get active(): number { return this._active; }
  get count(): number { return this.ops.length; }

  /** a new head (copy of the initial head); returns its index */
  addTask(): number {
    const k = this.ops.length;
    const w = this.baseOp.weight;
    const H = makeParam(`${this.layer.name}.head${k}`, w.rows, w.cols, true);
    H.value.set(this.initW);
    const b = makeParam(`${this.layer.name}.head${k}.bias`, w.cols, 1, true);
    b.value.set(this.initB);
    this.ops.push(new HeadMatrixOp(H, b));
    return k;
  }

  /** route the output layer through head k (the layer's own bias held at 0, frozen) */
  select(k: number): void {
    if (!(Number.isInteger(k) && k >= 0 && k < this.ops.length)) throw new RangeError(`TaskHeads.select: no head ${k}`);
    this.layer.op = this.ops[k];
    this.layer.bias.value.fill(0);
    this.layer.bias.trainable = false;
    this._active = k;
  }

  /** put the output layer's own op and bias back */
  restore(): void {
    this.layer.op = this.baseOp;
    this.layer.bias.value.set(this.initB);
    this.layer.bias.trainable = this.baseBiasTrainable;
    this._active = -1;
  }

  /** head k's trainable params: H_k and b_k */
  trainableParams(k: number): Param[] {
    return this.ops[k].params();
  }
}
