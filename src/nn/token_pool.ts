/**
 * Sequence → one vector per sample for the classifier, [n, T, D] → [n, D]:
 *
 *   'cls':   y[b, :] = x[b, 0, :]                    ∂L/∂x[b, 0, :] = g[b, :], other tokens 0
 *   'mean':  y[b, :] = (1/T) Σ_t x[b, t, :]          ∂L/∂x[b, t, :] = g[b, :] / T
 *
 * ('cls' reads the classification token prepended by ClassToken.) Digital; mean sums in float64.
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';

export const TOKEN_POOLS = ['cls', 'mean'] as const;
export type TokenPoolMode = (typeof TOKEN_POOLS)[number];

export class TokenPool implements Layer {
  readonly kind = 'tokenpool';
  readonly inShape: Shape;
  readonly outShape: Shape;
  private readonly T: number;
  private readonly D: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private readonly acc: Float64Array;

  /** inShape [T, D] */
  constructor(readonly name: string, inShape: Shape, readonly mode: TokenPoolMode) {
    if (inShape.length !== 2) throw new Error(`${name}: token pooling needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    this.T = T; this.D = D;
    this.inShape = [T, D];
    this.outShape = [D];
    this.yb = new BatchBuffer(D);
    this.dxb = new BatchBuffer(T * D);
    this.acc = new Float64Array(D);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const y = this.yb.view(n), { T, D } = this, acc = this.acc;
    for (let b = 0; b < n; b++) {
      const o = b * T * D;
      if (this.mode === 'cls') { for (let j = 0; j < D; j++) y[b * D + j] = x[o + j]; continue; }
      acc.fill(0);
      for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) acc[j] += x[o + t * D + j];
      for (let j = 0; j < D; j++) y[b * D + j] = acc[j] / T;
    }
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const dx = this.dxb.view(n), { T, D } = this;
    if (this.mode === 'cls') dx.fill(0);
    for (let b = 0; b < n; b++) {
      const o = b * T * D;
      if (this.mode === 'cls') { for (let j = 0; j < D; j++) dx[o + j] = dy[b * D + j]; continue; }
      for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) dx[o + t * D + j] = dy[b * D + j] / T;
    }
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
