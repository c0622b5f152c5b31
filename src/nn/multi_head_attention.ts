/**
 * Multi-head self-attention (Vaswani et al. 2017; ViT), no mask, on a [n, T, D] batch:
 *
 *   Q = X·W_q + b_q,  K = X·W_k + b_k,  V = X·W_v + b_v        (token-wise, [T, D] each)
 *   per head h (columns h·d .. h·d+d−1, d = D/H):
 *     S_h = Q_h·K_hᵀ / √d                 [T, T]
 *     P_h = softmax_rows(S_h)             P_h[i, j] = exp(S_h[i, j] − max_j S_h[i,·]) / Σ_j exp(…)
 *     A_h = P_h·V_h                       [T, d]
 *   A = [A_1 … A_H]  (concatenated along features),   Y = A·W_o + b_o
 *
 * Backward (G = ∂L/∂Y):
 *   ∂L/∂A = through o;   per head:  ∂L/∂V_h = P_hᵀ·∂A_h,   ∂L/∂P_h = ∂A_h·V_hᵀ,
 *   ∂L/∂S_h[i, j] = P_h[i, j]·(∂P_h[i, j] − Σ_k ∂P_h[i, k]·P_h[i, k])          (softmax)
 *   ∂L/∂Q_h = ∂S_h·K_h / √d,   ∂L/∂K_h = ∂S_hᵀ·Q_h / √d
 *   ∂L/∂X = (through q) + (through k) + (through v).
 *
 * Where it runs: the four projections q, k, v, o are WEIGHT LAYERS (TokenDense, kind 'dense',
 * names `<name>.q`, `.k`, `.v`, `.o`, found by Network.weightLayers() through `sublayers()`), so
 * they map onto crossbars and take LoRA / ITT-RNA like any Dense. The activation×activation
 * products Q·Kᵀ and P·V and the softmax stay DIGITAL in float32 with float64 row sums (TODO: a
 * configurable precision for them). Plain loops (T and d are small for the models here);
 * buffers per batch size (BatchBuffer): no allocation per step.
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';
import { TokenDense } from './token_dense.js';

export class MultiHeadSelfAttention implements Layer {
  readonly kind = 'attention';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly T: number;
  readonly D: number;
  readonly heads: number;
  readonly headDim: number;
  readonly q: TokenDense;
  readonly k: TokenDense;
  readonly v: TokenDense;
  readonly o: TokenDense;
  /** attention probabilities P [n, H, T, T] of the last forward */
  private readonly pb: BatchBuffer;
  /** concatenated head outputs A [n, T, D] and its gradient */
  private readonly ab: BatchBuffer;
  private readonly dab: BatchBuffer;
  private readonly dqb: BatchBuffer;
  private readonly dkb: BatchBuffer;
  private readonly dvb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private readonly rowBuf: Float64Array;
  private Q: Float32Array | null = null;
  private K: Float32Array | null = null;
  private V: Float32Array | null = null;

  /** inShape [T, D]; D must be divisible by heads */
  constructor(readonly name: string, inShape: Shape, heads: number) {
    if (inShape.length !== 2) throw new Error(`${name}: attention needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    if (!Number.isInteger(heads) || heads < 1 || D % heads !== 0) throw new Error(`${name}: heads (${heads}) must divide the width ${D}`);
    this.inShape = [T, D];
    this.outShape = [T, D];
    this.T = T; this.D = D; this.heads = heads; this.headDim = D / heads;
    this.q = new TokenDense(`${name}.q`, [T, D], D);
    this.k = new TokenDense(`${name}.k`, [T, D], D);
    this.v = new TokenDense(`${name}.v`, [T, D], D);
    this.o = new TokenDense(`${name}.o`, [T, D], D);
    this.pb = new BatchBuffer(heads * T * T);
    this.ab = new BatchBuffer(T * D);
    this.dab = new BatchBuffer(T * D);
    this.dqb = new BatchBuffer(T * D);
    this.dkb = new BatchBuffer(T * D);
    this.dvb = new BatchBuffer(T * D);
    this.dxb = new BatchBuffer(T * D);
    this.rowBuf = new Float64Array(T);
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const Q = this.q.forward(x, n, training);
    const K = this.k.forward(x, n, training);
    const V = this.v.forward(x, n, training);
    this.Q = Q; this.K = K; this.V = V;
    const { T, D, heads: H, headDim: d } = this;
    const scale = 1 / Math.sqrt(d);
    const P = this.pb.view(n), A = this.ab.view(n), row = this.rowBuf;
    for (let b = 0; b < n; b++) {
      const base = b * T * D;
      for (let h = 0; h < H; h++) {
        const off = base + h * d;
        const pBase = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const qi = off + i * D;
          let mx = -Infinity;
          for (let j = 0; j < T; j++) {
            const kj = off + j * D;
            let s = 0;
            for (let c = 0; c < d; c++) s += Q[qi + c] * K[kj + c];
            s *= scale;
            row[j] = s;
            if (s > mx) mx = s;
          }
          let z = 0;
          for (let j = 0; j < T; j++) { const e = Math.exp(row[j] - mx); row[j] = e; z += e; }
          const pi = pBase + i * T;
          for (let j = 0; j < T; j++) P[pi + j] = row[j] / z;
          // A_h[i, :] = Σ_j P[i, j]·V_h[j, :]
          for (let c = 0; c < d; c++) {
            let s = 0;
            for (let j = 0; j < T; j++) s += P[pi + j] * V[off + j * D + c];
            A[qi + c] = s;
          }
        }
      }
    }
    return this.o.forward(A, n, training);
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const Q = this.Q, K = this.K, V = this.V;
    if (!Q || !K || !V) throw new Error(`${this.name}: backward before forward`);
    const dA = this.o.backward(dy, n, true)!;
    const { T, D, heads: H, headDim: d } = this;
    const scale = 1 / Math.sqrt(d);
    const P = this.pb.view(n), row = this.rowBuf;
    const dQ = this.dqb.view(n), dK = this.dkb.view(n), dV = this.dvb.view(n);
    dQ.fill(0); dK.fill(0); dV.fill(0);
    for (let b = 0; b < n; b++) {
      const base = b * T * D;
      for (let h = 0; h < H; h++) {
        const off = base + h * d;
        const pBase = (b * H + h) * T * T;
        for (let i = 0; i < T; i++) {
          const ai = off + i * D, pi = pBase + i * T;
          // dP[i, j] = dA_h[i, :]·V_h[j, :];  dV_h[j, :] += P[i, j]·dA_h[i, :]
          let dot = 0;
          for (let j = 0; j < T; j++) {
            const vj = off + j * D, p = P[pi + j];
            let s = 0;
            for (let c = 0; c < d; c++) { s += dA[ai + c] * V[vj + c]; dV[vj + c] += p * dA[ai + c]; }
            row[j] = s;
            dot += s * p;
          }
          // dS[i, j] = P[i, j]·(dP[i, j] − Σ_k dP[i, k]·P[i, k]), scaled by 1/√d for Q and K
          for (let j = 0; j < T; j++) {
            const ds = P[pi + j] * (row[j] - dot) * scale;
            if (ds === 0) continue;
            const kj = off + j * D;
            for (let c = 0; c < d; c++) {
              dQ[ai + c] += ds * K[kj + c];
              dK[kj + c] += ds * Q[ai + c];
            }
          }
        }
      }
    }
    const gq = this.q.backward(dQ, n, needDx);
    const gk = this.k.backward(dK, n, needDx);
    const gv = this.v.backward(dV, n, needDx);
    if (!needDx) return null;
    const dx = this.dxb.view(n);
    for (let i = 0; i < dx.length; i++) dx[i] = gq![i] + gk![i] + gv![i];
    return dx;
  }

  params(): Param[] {
    return [...this.q.params(), ...this.k.params(), ...this.v.params(), ...this.o.params()];
  }

  sublayers(): Layer[] {
    return [this.q, this.k, this.v, this.o];
  }
}
