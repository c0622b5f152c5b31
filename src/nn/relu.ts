/**
 * ReLU:  y = max(x, 0);  backward  ∂L/∂x = ∂L/∂y · [y > 0]  (the subgradient at 0 is taken as 0).
 * Shape-preserving; uses the forward output y for the mask.
 *
 * Fused (relu_fusion.ts): when the layer before this one already applied max(·, 0) in its own
 * output pass, it hands that buffer over (`acceptFused`) and this layer's forward returns it as it
 * is (its y); if that layer also applies the mask in its own backward, this backward returns dy
 * unchanged. The same values either way.
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
  /** the producer's output this ReLU was fused into (consumed by the next forward) */
  private fusedInput: Float32Array | null = null;
  private fusedTakesBackward = false;
  /** the last forward was fused and its producer applies the mask in its backward */
  private passBackward = false;

  constructor(readonly name: string, shape: Shape) {
    this.inShape = [...shape];
    this.outShape = [...shape];
    this.size = shapeSize(shape);
    this.yb = new BatchBuffer(this.size);
    this.dxb = new BatchBuffer(this.size);
  }

  /**
   * the producer (the layer right before this one) wrote max(·, 0) of its output into y; the next
   * forward, given y, returns it as its own. takesBackward: the producer's backward applies the mask.
   */
  acceptFused(y: Float32Array, takesBackward: boolean): void {
    this.fusedInput = y;
    this.fusedTakesBackward = takesBackward;
  }

  forward(x: Float32Array, n: number): Float32Array {
    if (this.fusedInput !== null && x === this.fusedInput) {
      this.fusedInput = null;
      this.y = x;
      this.passBackward = this.fusedTakesBackward;
      return x;
    }
    this.fusedInput = null;
    this.passBackward = false;
    const y = this.yb.view(n);
    reluForward(x, y, n * this.size);
    this.y = y;
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    if (!this.y) throw new Error(`${this.name}: backward before forward`);
    if (this.passBackward) return dy;
    const dx = this.dxb.view(n);
    reluBackward(this.y, dy, dx, n * this.size);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
