/**
 * 2-D convolution on NHWC activations, computed as im2col → matrix product → bias:
 *
 *   P = im2col(X)                     [n·OH·OW, kh·kw·C]   (column (ky·kw + kx)·C + c, zero padding)
 *   Y = P · W + 1·bᵀ                  [n·OH·OW, out] = NHWC output [n, OH, OW, out]
 *   OH = ⌊(H + 2·pad − kh)/stride⌋ + 1,  OW = ⌊(W + 2·pad − kw)/stride⌋ + 1
 *
 * i.e. y[n,oy,ox,o] = b[o] + Σ_{ky,kx,c} x[n, oy·s−pad+ky, ox·s−pad+kx, c] · W[(ky·kw+kx)·C + c, o].
 * The weight matrix W is [kh·kw·C, out] (rows = fan-in): the matrix a crossbar maps.
 *
 * Backward: ∂L/∂b += Σ_rows dY, ∂L/∂W += Pᵀ·dY (through `op`), ∂L/∂P = dY·Wᵀ and
 * ∂L/∂X = col2im(∂L/∂P) (col2im is the adjoint of im2col).
 *
 * When the op's product is one plain GEMM (MatrixOp.plainWeights: the digital op; a crossbar op
 * without tiles or converters; with per-output read noise, plainNoisyWeights, whose variance
 * (P∘P)·S the addon forms chunk by chunk with the product) and the backend is native, P·W_used and
 * Pᵀ·dY and col2im(dY·W_usedᵀ) go through src/kernels/conv_gemm.ts (P and ∂L/∂P in L2-sized row
 * chunks, never whole; the same bits), and the layer keeps x instead of P for the backward. Other ops (LoRA, tiled or converter
 * crossbars) get the whole P as before.
 */
import { addBiasRows, biasGrad } from '../kernels/bias.js';
import { col2im } from '../kernels/col2im.js';
import { type ConvGeometry, convChunked, convForward, convInputGrad, convWeightGrad } from '../kernels/conv_gemm.js';
import { im2col } from '../kernels/im2col.js';
import { BatchBuffer } from './batch_buffer.js';
import type { Shape } from './layer.js';
import { DigitalMatrixOp, type MatrixOp } from './matrix_op.js';
import { makeParam, type Param } from './param.js';
import type { WeightLayer } from './weight_layer.js';

export interface Conv2dOptions {
  kernel: number;
  stride?: number;
  pad?: number;
}

export class Conv2d implements WeightLayer {
  readonly kind = 'conv2d' as const;
  op: MatrixOp;
  readonly bias: Param;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly H: number; readonly W: number; readonly C: number;
  readonly OH: number; readonly OW: number;
  readonly kh: number; readonly kw: number;
  readonly stride: number; readonly pad: number;
  readonly outChannels: number;
  private readonly cols: BatchBuffer;
  private readonly dcols: BatchBuffer;
  private readonly y: BatchBuffer;
  private readonly dx: BatchBuffer;
  private P: Float32Array | null = null;
  /** input of the last forward when it ran chunked (backward recomputes P's chunks from it) */
  private xChunked: Float32Array | null = null;
  private xN = 0;
  /** the op that ran the last chunked forward (its backward must be the one that follows) */
  private chunkedOp: MatrixOp | null = null;

  /** inShape is [H, W, C] (NHWC per sample) */
  constructor(readonly name: string, inShape: Shape, outChannels: number, o: Conv2dOptions) {
    if (inShape.length !== 3) throw new Error(`${name}: Conv2d needs an [H, W, C] input, got [${inShape.join(', ')}]`);
    [this.H, this.W, this.C] = inShape as [number, number, number];
    this.kh = this.kw = o.kernel;
    this.stride = o.stride ?? 1;
    this.pad = o.pad ?? 0;
    this.outChannels = outChannels;
    this.OH = Math.floor((this.H + 2 * this.pad - this.kh) / this.stride) + 1;
    this.OW = Math.floor((this.W + 2 * this.pad - this.kw) / this.stride) + 1;
    if (this.OH < 1 || this.OW < 1) throw new Error(`${name}: kernel ${o.kernel} does not fit input ${this.H}x${this.W} with pad ${this.pad}`);
    this.inShape = [this.H, this.W, this.C];
    this.outShape = [this.OH, this.OW, outChannels];
    const rows = this.kh * this.kw * this.C;
    this.op = new DigitalMatrixOp(makeParam(`${name}.weight`, rows, outChannels));
    this.bias = makeParam(`${name}.bias`, outChannels, 1);
    const pix = this.OH * this.OW;
    this.cols = new BatchBuffer(pix * rows);
    this.dcols = new BatchBuffer(pix * rows);
    this.y = new BatchBuffer(pix * outChannels);
    this.dx = new BatchBuffer(this.H * this.W * this.C);
  }

  get fanIn(): number { return this.kh * this.kw * this.C; }
  get fanOut(): number { return this.kh * this.kw * this.outChannels; }

  private geometry(n: number): ConvGeometry {
    return { N: n, H: this.H, W: this.W, C: this.C, kh: this.kh, kw: this.kw, stride: this.stride, pad: this.pad };
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const chunked = convChunked();
    let W = chunked && this.op.plainWeights ? this.op.plainWeights(training) : null;
    // per-output read noise fused into the product: V = (P∘P)·S formed chunk by chunk with it
    const noisy = W === null && chunked && this.op.plainNoisyWeights ? this.op.plainNoisyWeights(training) : null;
    if (noisy !== null) W = noisy.W;
    if (W !== null) {
      const y = this.y.view(n);
      const m = n * this.OH * this.OW;
      const variance = noisy !== null ? noisy.variance(m * this.outChannels) : undefined;
      convForward(x, this.geometry(n), W, this.outChannels, y, () => this.cols.view(n), variance);
      if (noisy !== null) noisy.finish(y, m * this.outChannels);
      addBiasRows(y, m, this.outChannels, this.bias.value);
      this.P = null;
      this.xChunked = x;
      this.xN = n;
      this.chunkedOp = this.op;
      return y;
    }
    this.xChunked = null;
    const P = this.cols.view(n);
    im2col(x, n, this.H, this.W, this.C, this.kh, this.kw, this.stride, this.pad, P);
    this.P = P;
    const m = n * this.OH * this.OW;
    const y = this.y.view(n);
    this.op.forward(P, m, y, training);
    addBiasRows(y, m, this.outChannels, this.bias.value);
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const m = n * this.OH * this.OW;
    const xc = this.xChunked;
    if (xc && this.op === this.chunkedOp && this.op.plainWeightGrad && n === this.xN) {
      // the op's backward on P = im2col(x): dW += Pᵀ·dY (chunked), dP = dY·W_usedᵀ
      biasGrad(dy, m, this.outChannels, this.bias.grad);
      const W = this.op.plainWeightGrad((g) => convWeightGrad(xc, this.geometry(n), dy, this.outChannels, g, () => this.cols.view(n)));
      if (!needDx) return null;
      const dx = this.dx.view(n);
      convInputGrad(dy, this.geometry(n), W, this.outChannels, dx, () => this.dcols.view(n));
      return dx;
    }
    if (!this.P) throw new Error(`${this.name}: backward before forward`);
    biasGrad(dy, m, this.outChannels, this.bias.grad);
    if (!needDx) {
      this.op.backward(this.P, dy, m, null);
      return null;
    }
    const dP = this.dcols.view(n);
    this.op.backward(this.P, dy, m, dP);
    const dx = this.dx.view(n);
    col2im(dP, n, this.H, this.W, this.C, this.kh, this.kw, this.stride, this.pad, dx);
    return dx;
  }

  params(): Param[] {
    return [...this.op.params(), this.bias];
  }
}
