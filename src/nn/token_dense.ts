/**
 * Token-wise fully connected layer: the same Dense applied to every token of a sequence.
 *
 *   Y[b, t, :] = X[b, t, :] · W + bᵀ,   X [n, T, in], W [in, out] (rows = fan-in), b [out]
 *
 * i.e. one matrix product over the n·T token rows: Y (n·T x out) = X (n·T x in) · W + 1·bᵀ.
 * Backward (dY = ∂L/∂Y):  ∂L/∂W += Xᵀ·dY,  ∂L/∂b += Σ_rows dY,  ∂L/∂X = dY·Wᵀ (all over n·T rows).
 *
 * kind 'dense': it is a weight layer (crossbar mapping, LoRA, ITT-RNA, cost see it). The product
 * goes through the swappable `op`, exactly as in Dense; `rowsPerSample` = T is the number of
 * product rows per input sample (the cost counts T·rows·cols MACs per image). Used for the
 * attention projections q, k, v, o and the transformer MLP fc1, fc2 (src/nn/transformer_block.ts).
 * Activations [n, T, D] row-major. Buffers per batch size (BatchBuffer): no allocation per step.
 */
import { addBiasRows, biasGrad } from '../kernels/bias.js';
import { BatchBuffer } from './batch_buffer.js';
import type { Shape } from './layer.js';
import { DigitalMatrixOp, type MatrixOp } from './matrix_op.js';
import { makeParam, type Param } from './param.js';
import type { WeightLayer } from './weight_layer.js';

export class TokenDense implements WeightLayer {
  readonly kind = 'dense' as const;
  op: MatrixOp;
  readonly bias: Param;
  readonly inShape: Shape;
  readonly outShape: Shape;
  /** tokens T: rows of the matrix product per sample */
  readonly rowsPerSample: number;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly y: BatchBuffer;
  private readonly dx: BatchBuffer;
  private x: Float32Array | null = null;

  /** inShape [T, in] */
  constructor(readonly name: string, inShape: Shape, outFeatures: number) {
    if (inShape.length !== 2) throw new Error(`${name}: a token-wise dense layer needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    this.inShape = [T, D];
    this.outShape = [T, outFeatures];
    this.rowsPerSample = T;
    this.inFeatures = D;
    this.outFeatures = outFeatures;
    this.op = new DigitalMatrixOp(makeParam(`${name}.weight`, D, outFeatures));
    this.bias = makeParam(`${name}.bias`, outFeatures, 1);
    this.y = new BatchBuffer(T * outFeatures);
    this.dx = new BatchBuffer(T * D);
  }

  get fanIn(): number { return this.inFeatures; }
  get fanOut(): number { return this.outFeatures; }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const y = this.y.view(n);
    const m = n * this.rowsPerSample;
    this.x = x.length === m * this.inFeatures ? x : x.subarray(0, m * this.inFeatures);
    this.op.forward(this.x, m, y, training);
    addBiasRows(y, m, this.outFeatures, this.bias.value);
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!this.x) throw new Error(`${this.name}: backward before forward`);
    const m = n * this.rowsPerSample;
    biasGrad(dy, m, this.outFeatures, this.bias.grad);
    const dx = needDx ? this.dx.view(n) : null;
    this.op.backward(this.x, dy, m, dx);
    return dx;
  }

  params(): Param[] {
    return [...this.op.params(), this.bias];
  }
}
