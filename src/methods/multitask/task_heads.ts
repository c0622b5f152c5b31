/**
 * Per-task output heads (digital): task k has its own weight H_k (rows x classes) and bias b_k of
 * the network's output layer, y = x·H_k + b_k. Selecting task k routes the output layer through
 * H_k (a DigitalMatrixOp) and loads b_k into the layer's bias; the previous task's bias is saved
 * first, so training a task's head through the layer updates exactly that task's head.
 * New heads start as a copy of the layer's weights and bias at the time the head bank is made
 * (the base network's trained head: for the task the base was trained on it is that head; for
 * the others a starting point). The output layer's own (crossbar) op is left as it is and unused
 * while heads are selected: heads are digital, 0 cells.
 */
import { DigitalMatrixOp, type MatrixOp } from '../../nn/matrix_op.js';
import { makeParam, type Param } from '../../nn/param.js';
import type { WeightLayer } from '../../nn/weight_layer.js';

export class TaskHeads {
  readonly weights: Param[] = [];
  readonly biases: Float32Array[] = [];
  private readonly ops: MatrixOp[] = [];
  private readonly initW: Float32Array;
  private readonly initB: Float32Array;
  /** the output layer's op before any head was selected */
  readonly baseOp: MatrixOp;
  private _active = -1;

  constructor(readonly layer: WeightLayer) {
    this.baseOp = layer.op;
    this.initW = Float32Array.from(layer.op.weight.value);
    this.initB = Float32Array.from(layer.bias.value);
  }

  get active(): number { return this._active; }

  /** a new head (copy of the initial head); returns its index */
  addTask(): number {
    const k = this.weights.length;
    const w = this.layer.op.weight;
    const H = makeParam(`${this.layer.name}.head${k}`, w.rows, w.cols, true);
    H.value.set(this.initW);
    this.weights.push(H);
    this.biases.push(Float32Array.from(this.initB));
    this.ops.push(new DigitalMatrixOp(H));
    return k;
  }

  /** save the active head's bias, route the layer through head k and load its bias */
  select(k: number): void {
    if (!(Number.isInteger(k) && k >= 0 && k < this.weights.length)) throw new RangeError(`TaskHeads.select: no head ${k}`);
    if (this._active >= 0) this.biases[this._active].set(this.layer.bias.value);
    this.layer.op = this.ops[k];
    this.layer.bias.value.set(this.biases[k]);
    this.layer.bias.trainable = true;
    this._active = k;
  }

  /** head k's trainable params: its weight and the layer's bias (which holds b_k while selected) */
  trainableParams(k: number): Param[] {
    if (k !== this._active) throw new Error(`TaskHeads.trainableParams(${k}): select head ${k} first`);
    return [this.weights[k], this.layer.bias];
  }
}
