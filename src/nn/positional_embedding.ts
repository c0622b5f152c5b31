/**
 * Learned positional embedding (ViT, BERT): a Param E [T, D] added to every sample's tokens,
 *
 *   Y[b, t, :] = X[b, t, :] + E[t, :]
 *   ∂L/∂E += Σ_b ∂L/∂Y[b],   ∂L/∂X = ∂L/∂Y
 *
 * E = Param `<name>.pos` (rows T, cols D), initialised to 0 (deterministic, no stream; the ViT
 * reference draws N(0, 0.02²): at this scale zero init trains as well, and the patch contents
 * already break the symmetry between tokens). Digital element-wise work, not a weight layer.
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import { makeParam, type Param } from './param.js';

export class PositionalEmbedding implements Layer {
  readonly kind = 'posembed';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly pos: Param;
  private readonly size: number;
  private readonly yb: BatchBuffer;

  /** inShape [T, D] */
  constructor(readonly name: string, inShape: Shape) {
    if (inShape.length !== 2) throw new Error(`${name}: positional embedding needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    this.inShape = [T, D];
    this.outShape = [T, D];
    this.size = T * D;
    this.pos = makeParam(`${name}.pos`, T, D);
    this.yb = new BatchBuffer(this.size);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const y = this.yb.view(n), e = this.pos.value, S = this.size;
    for (let b = 0, o = 0; b < n; b++) for (let i = 0; i < S; i++, o++) y[o] = x[o] + e[i];
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const g = this.pos.grad, S = this.size;
    for (let b = 0, o = 0; b < n; b++) for (let i = 0; i < S; i++, o++) g[i] += dy[o];
    return needDx ? dy : null;
  }

  params(): Param[] {
    return [this.pos];
  }
}
