/**
 * Token embedding: integer token ids → vectors, a weight layer on a table W [V, D] (V = vocab).
 *
 *   Y[b, t, :] = W[id(b,t), :] + bᵀ  =  onehot(id(b,t)) · W + bᵀ
 *   ∂L/∂W[v, :] += Σ_{(b,t): id = v} ∂L/∂Y[b, t, :]  =  onehotᵀ · dY,   ∂L/∂b += Σ_rows dY
 *   (ids are not differentiable: no ∂L/∂x.)
 *
 * Crossbar mapping: a one-hot input row times the table is exactly a crossbar read of one word line
 * (V word lines, D bit lines), so the table lives in `op.weight` (rows = V = fan-in, cols = D) and
 * the layer is a Dense over one-hot token rows (kind 'dense', `rowsPerSample` = T): mapping, LoRA
 * (Embedding LoRA: Y = onehot·(W + (α/r)·A·B) with A [V, r], B [r, D]), ITT-RNA and cost see it as
 * such. Two equivalent forwards:
 *   - op is a plain DigitalMatrixOp: a row gather (and a row scatter-add for ∂L/∂W), which is
 *     bit-identical to the one-hot product (1·w + Σ 0·w' = w exactly in float32);
 *   - any other op (crossbar, LoRA): the one-hot rows [n·T, V] go through op.forward/backward, so
 *     the effective weights are whatever the op represents.
 * The bias b [D] is kept as in Dense (init from the layer's init stream like every weight layer).
 * Input: ids stored as floats [n, T] (exact integers < 2²⁴); an id outside 0..V−1 throws.
 * Buffers per batch size: no allocation per step.
 */
import { addBiasRows, biasGrad } from '../kernels/bias.js';
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Shape } from './layer.js';
import { DigitalMatrixOp, type MatrixOp } from './matrix_op.js';
import { makeParam, type Param } from './param.js';
import type { WeightLayer } from './weight_layer.js';

export class Embedding implements WeightLayer {
  readonly kind = 'dense' as const;
  op: MatrixOp;
  readonly bias: Param;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly vocab: number;
  readonly dim: number;
  /** tokens T per sample = rows of the (one-hot) product per sample */
  readonly rowsPerSample: number;
  private readonly y: BatchBuffer;
  private readonly oneHot: BatchBuffer;
  /** token ids of the last forward (grown when a larger batch arrives) */
  private ids = new Int32Array(0);
  private lastX: Float32Array | null = null;
  private lastOneHot: Float32Array | null = null;

  /** inShape: any shape of T token ids per sample */
  constructor(readonly name: string, inShape: Shape, vocab: number, dim: number) {
    if (!Number.isInteger(vocab) || vocab < 1) throw new Error(`${name}: vocab must be an integer >= 1 (got ${vocab})`);
    this.inShape = [...inShape];
    this.rowsPerSample = shapeSize(inShape);
    this.vocab = vocab;
    this.dim = dim;
    this.outShape = [this.rowsPerSample, dim];
    this.op = new DigitalMatrixOp(makeParam(`${name}.weight`, vocab, dim));
    this.bias = makeParam(`${name}.bias`, dim, 1);
    this.y = new BatchBuffer(this.rowsPerSample * dim);
    this.oneHot = new BatchBuffer(this.rowsPerSample * vocab);
  }

  get fanIn(): number { return this.vocab; }
  get fanOut(): number { return this.dim; }

  private idsOf(x: Float32Array, m: number): Int32Array {
    if (this.ids.length < m) this.ids = new Int32Array(m);
    const ids = this.ids;
    for (let r = 0; r < m; r++) {
      const v = x[r];
      if (!Number.isInteger(v) || v < 0 || v >= this.vocab) throw new Error(`${this.name}: token id ${v} at position ${r} is not an integer in 0..${this.vocab - 1}`);
      ids[r] = v;
    }
    return ids;
  }

  private digital(): boolean {
    return this.op.constructor === DigitalMatrixOp;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const m = n * this.rowsPerSample, D = this.dim, V = this.vocab;
    const ids = this.idsOf(x, m);
    const y = this.y.view(n);
    this.lastX = x;
    if (this.digital()) {
      const w = this.op.weight.value;
      for (let r = 0; r < m; r++) for (let j = 0, src = ids[r] * D, o = r * D; j < D; j++) y[o + j] = w[src + j];
      this.lastOneHot = null;
    } else {
      const oh = this.oneHot.view(n);
      oh.fill(0);
      for (let r = 0; r < m; r++) oh[r * V + ids[r]] = 1;
      this.op.forward(oh, m, y, training);
      this.lastOneHot = oh;
    }
    addBiasRows(y, m, D, this.bias.value);
    return y;
  }

  backward(dy: Float32Array, n: number): Float32Array | null {
    if (!this.lastX) throw new Error(`${this.name}: backward before forward`);
    const m = n * this.rowsPerSample, D = this.dim;
    biasGrad(dy, m, D, this.bias.grad);
    if (this.lastOneHot) {
      this.op.backward(this.lastOneHot, dy, m, null);
    } else if (this.op.weight.trainable) {
      const ids = this.ids, g = this.op.weight.grad;
      for (let r = 0; r < m; r++) {
        const o = ids[r] * D;
        for (let j = 0; j < D; j++) g[o + j] += dy[r * D + j];
      }
    }
    return null;
  }

  params(): Param[] {
    return [...this.op.params(), this.bias];
  }
}
