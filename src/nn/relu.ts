/**
 * ReLU:  y = max(x, 0);  backward  ∂L/∂x = ∂L/∂y · [y > 0]  (the subgradient at 0 is taken as 0).
 * Shape-preserving; uses the forward output y for the mask.
 */
import { reluBackward, reluForward } from '../kernels/relu.js';
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Layer, type Shape } from './layer.js';
import type { Param } from './param.js';

export class ReLU implements Layer {
  readonly kind = 'relu';
  readonly inShape: Shape;
  readonly outShape: Shape;
  private readonly size: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private y: Float32Array | null = null;

  constructor(readonly name: string, shape: Shape) {
    this.inShape = [...shape];
    this.outShape = [...shape];
    this.size = shapeSize(shape);
    this.yb = new BatchBuffer(this.size);
    this.dxb = new BatchBuffer(this.size);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const y = this.yb.view(n);
    reluForward(x, y, n * this.size);
    this.y = y;
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    if (!this.y) throw new Error(`${this.name}: backward before forward`);
    const dx = this.dxb.view(n);
    reluBackward(this.y, dy, dx, n * this.size);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
