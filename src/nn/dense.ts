/**
 * Fully connected layer:  Y = X · W + 1·bᵀ,  X [n, in], W [in, out] (rows = fan-in), b [out].
 *
 * Backward (given dY = ∂L/∂Y):  ∂L/∂W += Xᵀ·dY,  ∂L/∂b += Σ_rows dY,  ∂L/∂X = dY·Wᵀ.
 * The product and its backward go through the swappable `op` (DigitalMatrixOp by default), so a
 * crossbar or LoRA op changes what W is without the layer knowing.
 * Any input shape is accepted and read as [n, prod(inShape)] (a Flatten is implicit).
 */
import { addBiasRows, biasGrad } from '../kernels/bias.js';
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Shape } from './layer.js';
import { DigitalMatrixOp, type MatrixOp } from './matrix_op.js';
import { makeParam, type Param } from './param.js';
import type { WeightLayer } from './weight_layer.js';

export class Dense implements WeightLayer {
  readonly kind = 'dense' as const;
  op: MatrixOp;
  readonly bias: Param;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private readonly y: BatchBuffer;
  private readonly dx: BatchBuffer;
  private x: Float32Array | null = null;

  constructor(readonly name: string, inShape: Shape | number, outFeatures: number) {
    this.inShape = typeof inShape === 'number' ? [inShape] : [...inShape];
    this.inFeatures = shapeSize(this.inShape);
    this.outFeatures = outFeatures;
    this.outShape = [outFeatures];
    this.op = new DigitalMatrixOp(makeParam(`${name}.weight`, this.inFeatures, outFeatures));
    this.bias = makeParam(`${name}.bias`, outFeatures, 1);
    this.y = new BatchBuffer(outFeatures);
    this.dx = new BatchBuffer(this.inFeatures);
  }

  get fanIn(): number { return this.inFeatures; }
  get fanOut(): number { return this.outFeatures; }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const y = this.y.view(n);
    this.x = x;
    this.op.forward(x, n, y, training);
    addBiasRows(y, n, this.outFeatures, this.bias.value);
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!this.x) throw new Error(`${this.name}: backward before forward`);
    biasGrad(dy, n, this.outFeatures, this.bias.grad);
    const dx = needDx ? this.dx.view(n) : null;
    this.op.backward(this.x, dy, n, dx);
    return dx;
  }

  params(): Param[] {
    return [...this.op.params(), this.bias];
  }
}
