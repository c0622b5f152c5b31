/**
 * Batch normalisation (Ioffe & Szegedy 2015), PyTorch semantics (nn.BatchNorm1d / 2d).
 *
 * Channels: the last axis of the per-sample shape. For NHWC images [H, W, C] the statistics of
 * channel c run over the m = n·H·W values x[b, y, x, c]; for flat inputs [F] (after a Dense) each
 * feature is a channel and m = n.
 *
 * Training mode (forward(…, training = true)): batch statistics (biased variance)
 *   μ_c  = (1/m) Σ_i x_ic,      σ²_c = (1/m) Σ_i (x_ic − μ_c)²
 *   x̂_ic = (x_ic − μ_c) / √(σ²_c + ε),     y_ic = γ_c · x̂_ic + β_c
 * and the running averages (momentum ρ, default 0.1; running variance unbiased, as PyTorch):
 *   μ_run ← (1 − ρ)·μ_run + ρ·μ_c,   σ²_run ← (1 − ρ)·σ²_run + ρ·σ²_c · m/(m − 1)   (m > 1;
 *   m = 1, a Dense batch of one: the biased σ²_c = 0 is used instead of failing as PyTorch does)
 * Backward (x̂ and 1/√(σ²+ε) kept from the forward; all sums over the m values of channel c):
 *   ∂L/∂β_c += Σ_i dy_ic,   ∂L/∂γ_c += Σ_i dy_ic · x̂_ic
 *   ∂L/∂x_ic  = γ_c / √(σ²_c + ε) · ( dy_ic − (1/m) Σ_j dy_jc − x̂_ic · (1/m) Σ_j dy_jc x̂_jc )
 *
 * Inference mode (training = false): running statistics, an affine map per channel
 *   y_ic = γ_c · (x_ic − μ_run,c) / √(σ²_run,c + ε) + β_c
 * with backward ∂L/∂x_ic = γ_c / √(σ²_run,c + ε) · dy_ic and the same ∂L/∂γ, ∂L/∂β (x̂ from the
 * running statistics). This backward is used by ITT-RNA's importance (forward in inference mode).
 *
 * γ (init 1) and β (init 0) are Params `<name>.gamma`, `<name>.beta` (trained like biases, with
 * weight decay as every trainable param, src/nn/sgd.ts). The running mean and variance (init 0 and
 * 1) are not Params: they are the layer's `state()`, copied by Network.clone and stored by
 * Network.getWeights. On hardware this layer is digital (it is not a weight layer, so it is never
 * mapped onto a crossbar and costs no cells). Per-channel sums run in float64 in a fixed order
 * (deterministic; two passes for the variance, no E[x²] − μ² cancellation). Buffers are per
 * batch size (BatchBuffer): a step allocates nothing. With the native backend the same float64
 * operations in the same order run in the addon (src/native/batch_norm_impl.h: row-major passes
 * with one accumulator per channel instead of this loop's stride-C passes): the same bits.
 *
 * A ReLU right after this layer (relu_fusion.ts) is applied inside the native output pass,
 * y_ic ← max(y_ic, 0), and its mask inside the native backward (dy_ic ← y_ic > 0 ? dy_ic : 0 before
 * the sums): the values the separate ReLU layer would give.
 *
 * Folded (`folded = true`, set by fold_batch_norm.ts when the deployment folds γ/σ and
 * β − γμ/σ into the preceding weight layer): the layer is the identity, y = x and ∂L/∂x = dy,
 * in both modes; γ and β are frozen and the running statistics no longer update.
 */
import { allocF32 } from '../kernels/alloc.js';
import { nativeFor } from '../kernels/elementwise_dispatch.js';
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Layer, type Shape } from './layer.js';
import { makeParam, type Param } from './param.js';
import type { ReLU } from './relu.js';
import type { ReluProducer } from './relu_fusion.js';

export interface BatchNormOptions {
  /** running-average momentum ρ in [0, 1] (PyTorch's `momentum`, default 0.1) */
  momentum?: number;
  /** ε > 0 added to the variance (default 1e-5) */
  eps?: number;
}

export class BatchNorm implements Layer, ReluProducer {
  readonly kind = 'batchnorm';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly channels: number;
  readonly momentum: number;
  readonly eps: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: Float32Array;
  readonly runningVar: Float32Array;
  private readonly size: number;
  private readonly yb: BatchBuffer;
  private readonly xhatb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  /** per channel: mean and 1/√(σ² + ε) of the last forward */
  private readonly mean: Float64Array;
  private readonly invStd: Float64Array;
  private xhat: Float32Array | null = null;
  private lastN = 0;
  private lastTraining = false;
  /** folded into the preceding weight layer at deployment: the identity (fold_batch_norm.ts) */
  folded = false;
  /** the ReLU right after this layer (relu_fusion.ts), applied in the native passes */
  private reluAfter: ReLU | null = null;
  /** the last forward's output when it had the ReLU applied (its backward applies the mask) */
  private fusedY: Float32Array | null = null;

  constructor(readonly name: string, inShape: Shape, o: BatchNormOptions = {}) {
    if (inShape.length !== 1 && inShape.length !== 3) throw new Error(`${name}: BatchNorm needs a [features] or [H, W, C] input, got [${inShape.join(', ')}]`);
    this.inShape = [...inShape];
    this.outShape = [...inShape];
    this.size = shapeSize(inShape);
    this.channels = inShape[inShape.length - 1];
    this.momentum = o.momentum ?? 0.1;
    this.eps = o.eps ?? 1e-5;
    const C = this.channels;
    this.gamma = makeParam(`${name}.gamma`, C, 1);
    this.beta = makeParam(`${name}.beta`, C, 1);
    this.gamma.value.fill(1);
    this.runningMean = allocF32(C);
    this.runningVar = allocF32(C).fill(1);
    this.yb = new BatchBuffer(this.size);
    this.xhatb = new BatchBuffer(this.size);
    this.dxb = new BatchBuffer(this.size);
    this.mean = new Float64Array(C);
    this.invStd = new Float64Array(C);
  }

  fuseRelu(relu: ReLU): void {
    this.reluAfter = relu;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const C = this.channels, len = n * this.size, rows = len / C;
    const y = this.yb.view(n), xhat = this.xhatb.view(n);
    this.fusedY = null;
    if (this.folded) {
      y.set(x.subarray(0, len));
      this.xhat = xhat;
      this.lastN = n;
      return y;
    }
    const mean = this.mean, inv = this.invStd, g = this.gamma.value, b = this.beta.value;
    const nk = nativeFor();
    if (nk) {
      const relu = this.reluAfter;
      nk.batchNormForward(x, y, xhat, rows, C, training ? 1 : 0, g, b, this.runningMean, this.runningVar,
        this.momentum, this.eps, mean, inv, relu ? 1 : 0);
      if (relu) {
        relu.acceptFused(y, true);
        this.fusedY = y;
      }
      this.xhat = xhat;
      this.lastN = n;
      this.lastTraining = training;
      return y;
    }
    // channel-outer loops with stride C keep each channel's sums in registers (measured ~3x
    // faster than row-outer loops over per-channel Float64Array accumulators for C = 16..64)
    for (let c = 0; c < C; c++) {
      let mu: number, is: number;
      if (training) {
        let s = 0;
        for (let i = c; i < len; i += C) s += x[i];
        mu = s / rows;
        let v = 0;
        for (let i = c; i < len; i += C) { const d = x[i] - mu; v += d * d; }
        v /= rows;
        const rho = this.momentum;
        this.runningMean[c] = (1 - rho) * this.runningMean[c] + rho * mu;
        this.runningVar[c] = (1 - rho) * this.runningVar[c] + rho * (rows > 1 ? v * rows / (rows - 1) : v);
        is = 1 / Math.sqrt(v + this.eps);
      } else {
        mu = this.runningMean[c];
        is = 1 / Math.sqrt(this.runningVar[c] + this.eps);
      }
      mean[c] = mu;
      inv[c] = is;
      const gc = g[c], bc = b[c];
      for (let i = c; i < len; i += C) {
        const h = (x[i] - mu) * is;
        xhat[i] = h;
        y[i] = gc * h + bc;
      }
    }
    this.xhat = xhat;
    this.lastN = n;
    this.lastTraining = training;
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!this.xhat || n !== this.lastN) throw new Error(`${this.name}: backward before forward (or with another batch size)`);
    const C = this.channels, len = n * this.size, rows = len / C;
    const xhat = this.xhat, g = this.gamma.value, inv = this.invStd;
    const dx = needDx ? this.dxb.view(n) : null;
    if (this.folded) {
      if (dx) dx.set(dy.subarray(0, len));
      return dx;
    }
    const nk = nativeFor();
    if (nk) {
      nk.batchNormBackward(dy, xhat, dx, rows, C, this.lastTraining ? 1 : 0, g, inv,
        this.gamma.trainable ? this.gamma.grad : null, this.beta.trainable ? this.beta.grad : null, this.fusedY);
      return dx;
    }
    if (this.fusedY) throw new Error(`${this.name}: a forward with the fused ReLU (native) needs the native backward`);
    for (let c = 0; c < C; c++) {
      let sDy = 0, sDyX = 0;
      for (let i = c; i < len; i += C) { const d = dy[i]; sDy += d; sDyX += d * xhat[i]; }
      if (this.beta.trainable) this.beta.grad[c] += sDy;
      if (this.gamma.trainable) this.gamma.grad[c] += sDyX;
      if (!dx) continue;
      // training: dx = k·(dy − mean(dy) − x̂·mean(dy·x̂)), k = γ/√(σ²+ε); inference: dx = k·dy
      const k = g[c] * inv[c];
      const a = this.lastTraining ? sDy / rows : 0, bx = this.lastTraining ? sDyX / rows : 0;
      for (let i = c; i < len; i += C) dx[i] = k * (dy[i] - a - xhat[i] * bx);
    }
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  /** running mean and variance (model state that is not trained by gradients) */
  state(): Float32Array[] {
    return [this.runningMean, this.runningVar];
  }
}
