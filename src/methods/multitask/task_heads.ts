/**
 * Per-task output heads (digital, or each on its own crossbar array): task k has its own weight
 * H_k (rows x classes) and bias b_k of the network's output layer,
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
 * are selected.
 *
 * Where H_k sits (`TaskHeads(layer, factory?)`):
 *   digital (no factory)  `HeadMatrixOp`: y = x·H_k + b_k in float32, 0 cells
 *   on a crossbar         `ArrayHeadMatrixOp`: H_k on the op `factory('<layer>/head/task<k>', H_k)`
 *                         (its own array; on a crossbar factory its own defect map from stream
 *                         `defects/<layer>/head/task<k>/tile<r>_<c>`, programming `prog/<layer>/head/task<k>`,
 *                         reads `read/<layer>/head/task<k>`), the bias b_k digital (added after the
 *                         array as for every deployed layer):
 *                             y = op_k(x) + b_k,  ∂L/∂H_k via op_k.backward (crossbar: STE, stuck
 *                             cells get no gradient),  ∂L/∂b_k += Σ_rows dY,  dX = op_k's dY·W_usedᵀ
 *                         Its cells and writes are op_k.cost() (programming on the first forward of
 *                         the task, then every training update).
 */
import { addBiasRows, biasGrad } from '../../kernels/bias.js';
import { gemm } from '../../kernels/gemm.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import { makeParam, type Param } from '../../nn/param.js';
import type { WeightLayer } from '../../nn/weight_layer.js';
import type { ArrayOpFactory } from './array_factory.js';

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

/** y = op(x) + b: the head's weight on its own array op (crossbar), the bias digital (file header) */
export class ArrayHeadMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly weight: Param;
  constructor(readonly op: MatrixOp, readonly bias: Param) {
    this.rows = op.rows;
    this.cols = op.cols;
    this.weight = op.weight;
  }
  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    this.op.forward(X, n, Y, training);
    addBiasRows(Y, n, this.cols, this.bias.value);
  }
  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    this.op.backward(X, dY, n, dX);
    if (this.bias.trainable) biasGrad(dY, n, this.cols, this.bias.grad);
  }
  params(): Param[] {
    return [...this.op.params(), this.bias];
  }
  cost() {
    return this.op.cost?.() ?? { cellsUsed: 0, cellWrites: 0, macsPerRow: this.rows * this.cols };
  }
  sync(deadBand = false): void {
    this.op.sync?.(deadBand);
  }
}

export class TaskHeads {
  readonly ops: (HeadMatrixOp | ArrayHeadMatrixOp)[] = [];
  private readonly initW: Float32Array;
  private readonly initB: Float32Array;
  /** the output layer's op and bias state before any head was selected */
  readonly baseOp: MatrixOp;
  private readonly baseBiasTrainable: boolean;
  private _active = -1;

  /** `factory` absent = digital heads; given = head k's weight on `factory('<layer>/head/task<k>', H_k)` */
  constructor(readonly layer: WeightLayer, readonly factory?: ArrayOpFactory) {
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
    this.ops.push(this.factory ? new ArrayHeadMatrixOp(this.factory(`${this.layer.name}/head/task${k}`, H), b) : new HeadMatrixOp(H, b));
    return k;
  }

  /** the array ops holding the heads' weights (crossbar heads; [] when digital) */
  arrayOps(): MatrixOp[] {
    return this.ops.flatMap((o) => (o instanceof ArrayHeadMatrixOp ? [o.op] : []));
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
