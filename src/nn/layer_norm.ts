/**
 * Layer normalisation (Ba et al. 2016; PyTorch nn.LayerNorm over the last axis), per token:
 * for each row x ∈ R^D of a [n, T, D] (or [n, D]) batch,
 *
 *   μ = (1/D) Σ_j x_j,   σ² = (1/D) Σ_j (x_j − μ)²  (biased),   r = 1/√(σ² + ε)
 *   x̂_j = (x_j − μ)·r,   y_j = γ_j·x̂_j + β_j
 *
 * Backward (g = ∂L/∂y per row):
 *   ∂L/∂γ_j += Σ_rows g_j·x̂_j,   ∂L/∂β_j += Σ_rows g_j
 *   h_j = g_j·γ_j,   ∂L/∂x_j = r·( h_j − mean(h) − x̂_j·mean(h ⊙ x̂) )
 *
 * γ (init 1) and β (init 0) are Params `<name>.gamma`, `<name>.beta` [D]. Digital (element-wise,
 * not a weight layer, no cells); ε default 1e-5 (PyTorch). Sums in float64 per row. The same in
 * training and inference (no running statistics). Buffers per batch size: no allocation per step.
 */
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Layer, type Shape } from './layer.js';
import { makeParam, type Param } from './param.js';

export class LayerNorm implements Layer {
  readonly kind = 'layernorm';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly gamma: Param;
  readonly beta: Param;
  readonly eps: number;
  /** features per row (last axis) and rows per sample */
  readonly D: number;
  readonly rowsPerSample: number;
  private readonly yb: BatchBuffer;
  private readonly xhatb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private readonly rstdb: BatchBuffer;
  private xhat: Float32Array | null = null;
  private rstd: Float32Array | null = null;

  constructor(readonly name: string, inShape: Shape, opts: { eps?: number } = {}) {
    if (inShape.length < 1) throw new Error(`${name}: LayerNorm needs a non-empty shape`);
    this.inShape = [...inShape];
    this.outShape = [...inShape];
    this.D = inShape[inShape.length - 1];
    this.rowsPerSample = shapeSize(inShape) / this.D;
    this.eps = opts.eps ?? 1e-5;
    this.gamma = makeParam(`${name}.gamma`, this.D, 1);
    this.beta = makeParam(`${name}.beta`, this.D, 1);
    this.gamma.value.fill(1);
    const size = shapeSize(inShape);
    this.yb = new BatchBuffer(size);
    this.xhatb = new BatchBuffer(size);
    this.dxb = new BatchBuffer(size);
    this.rstdb = new BatchBuffer(this.rowsPerSample);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const D = this.D, rows = n * this.rowsPerSample, eps = this.eps;
    const y = this.yb.view(n), xh = this.xhatb.view(n), rs = this.rstdb.view(n);
    const g = this.gamma.value, bt = this.beta.value;
    for (let r = 0, o = 0; r < rows; r++, o += D) {
      let s = 0;
      for (let j = 0; j < D; j++) s += x[o + j];
      const mu = s / D;
      let v = 0;
      for (let j = 0; j < D; j++) { const d = x[o + j] - mu; v += d * d; }
      const rstd = 1 / Math.sqrt(v / D + eps);
      rs[r] = rstd;
      for (let j = 0; j < D; j++) {
        const h = (x[o + j] - mu) * rstd;
        xh[o + j] = h;
        y[o + j] = g[j] * h + bt[j];
      }
    }
    this.xhat = xh;
    this.rstd = rs;
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const xh = this.xhat, rs = this.rstd;
    if (!xh || !rs) throw new Error(`${this.name}: backward before forward`);
    const D = this.D, rows = n * this.rowsPerSample;
    const g = this.gamma.value, gg = this.gamma.grad, gb = this.beta.grad;
    const dx = needDx ? this.dxb.view(n) : null;
    for (let r = 0, o = 0; r < rows; r++, o += D) {
      let sh = 0, shx = 0;
      for (let j = 0; j < D; j++) {
        const d = dy[o + j];
        gg[j] += d * xh[o + j];
        gb[j] += d;
        const h = d * g[j];
        sh += h;
        shx += h * xh[o + j];
      }
      if (!dx) continue;
      const mh = sh / D, mhx = shx / D, rstd = rs[r];
      for (let j = 0; j < D; j++) dx[o + j] = rstd * (dy[o + j] * g[j] - mh - xh[o + j] * mhx);
    }
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }
}
