/**
 * Classification token (ViT, BERT's [CLS]): a learned Param c [D] prepended to every sample's
 * token sequence,
 *
 *   Y[b, 0, :] = c,   Y[b, t+1, :] = X[b, t, :]      [n, T, D] → [n, T+1, D]
 *   ∂L/∂c += Σ_b ∂L/∂Y[b, 0, :],   ∂L/∂X[b, t, :] = ∂L/∂Y[b, t+1, :]
 *
 * c = Param `<name>.token` (rows 1, cols D), initialised to 0 (deterministic; the positional
 * embedding added after it makes the first position distinct). Digital, not a weight layer.
 * The classifier reads token 0 through TokenPool('cls').
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import { makeParam, type Param } from './param.js';

export class ClassToken implements Layer {
  readonly kind = 'clstoken';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly token: Param;
  private readonly T: number;
  private readonly D: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;

  /** inShape [T, D] */
  constructor(readonly name: string, inShape: Shape) {
    if (inShape.length !== 2) throw new Error(`${name}: a class token needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    this.T = T; this.D = D;
    this.inShape = [T, D];
    this.outShape = [T + 1, D];
    this.token = makeParam(`${name}.token`, 1, D);
    this.yb = new BatchBuffer((T + 1) * D);
    this.dxb = new BatchBuffer(T * D);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const y = this.yb.view(n), { T, D } = this, c = this.token.value;
    for (let b = 0; b < n; b++) {
      let o = b * (T + 1) * D;
      for (let j = 0; j < D; j++) y[o++] = c[j];
      for (let i = b * T * D, e = i + T * D; i < e; i++) y[o++] = x[i];
    }
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const { T, D } = this, g = this.token.grad;
    for (let b = 0; b < n; b++) {
      const o = b * (T + 1) * D;
      for (let j = 0; j < D; j++) g[j] += dy[o + j];
    }
    if (!needDx) return null;
    const dx = this.dxb.view(n);
    for (let b = 0; b < n; b++) {
      for (let i = (b * (T + 1) + 1) * D, e = (b + 1) * (T + 1) * D, o = b * T * D; i < e; i++) dx[o++] = dy[i];
    }
    return dx;
  }

  params(): Param[] {
    return [this.token];
  }
}
