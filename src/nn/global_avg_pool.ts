/**
 * Global average pooling (NHWC): [n, H, W, C] → [n, C], one mean per sample and channel
 *   y[b, c] = (1/(H·W)) Σ_{y<H, x<W} x[b, y, x, c]
 * Backward (the adjoint): ∂L/∂x[b, y, x, c] = ∂L/∂y[b, c] / (H·W).
 * (ResNet's pooling before the classifier; ONNX GlobalAveragePool + Flatten.)
 * Sums run in float64 in pixel order, per sample (deterministic); buffers per batch size.
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';

export class GlobalAvgPool implements Layer {
  readonly kind = 'globalavgpool';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly H: number; readonly W: number; readonly C: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private readonly acc: Float64Array;

  constructor(readonly name: string, inShape: Shape) {
    if (inShape.length !== 3) throw new Error(`${name}: global average pooling needs an [H, W, C] input, got [${inShape.join(', ')}]`);
    [this.H, this.W, this.C] = inShape as [number, number, number];
    this.inShape = [this.H, this.W, this.C];
    this.outShape = [this.C];
    this.yb = new BatchBuffer(this.C);
    this.dxb = new BatchBuffer(this.H * this.W * this.C);
    this.acc = new Float64Array(this.C);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const { C } = this, pix = this.H * this.W, inv = 1 / pix, acc = this.acc;
    const y = this.yb.view(n);
    for (let b = 0; b < n; b++) {
      acc.fill(0);
      for (let p = 0, o = b * pix * C; p < pix; p++, o += C) for (let c = 0; c < C; c++) acc[c] += x[o + c];
      for (let c = 0; c < C; c++) y[b * C + c] = acc[c] * inv;
    }
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const { C } = this, pix = this.H * this.W, inv = 1 / pix;
    const dx = this.dxb.view(n);
    for (let b = 0; b < n; b++) {
      for (let p = 0, o = b * pix * C; p < pix; p++, o += C) for (let c = 0; c < C; c++) dx[o + c] = dy[b * C + c] * inv;
    }
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
