/**
 * Crab-style multi-head LoRA with a router (Crab, "A Unified Audio-Visual Scene
 * Understanding Model with Explicit Cooperation", CVPR 2025, interaction-aware LoRA): one shared
 * A, K heads B_1…B_K and a router R that weights the heads per input.
 *
 * rramsim layout (rows = fan-in, row-vector inputs; see lora_matrix_op.ts), for an input batch X
 * (n x rows), s = α / r:
 *
 *     Hs  = s · X·A                          (n x r;   A: rows x r, one array)
 *     Z   = X·R + 1·b_Rᵀ                     (n x K;   R: rows x K, b_R: K, the router)
 *     w   = softmax_row(Z)                   w_ik = exp(Z_ik − m_i) / Σ_j exp(Z_ij − m_i), Σ_k w_ik = 1
 *     T_k = Hs·B_k                           (n x cols; B_k: r x cols, one array per head)
 *     Y   = X·W0 + Σ_k diag(w_·k)·T_k        i.e. y_i = W0ᵀx_i + Σ_k w_ik(x_i)·(α/r)·B_kᵀAᵀx_i
 *
 * The router reads the op's input rows: for a Dense layer that is each example's layer input;
 * for a Conv2d layer each im2col patch row, so routing is per output position (a MatrixOp does
 * not see example boundaries; pooling the input first is not implemented).
 *
 * Backward (dY given; W0 frozen):
 *     dT_k  = diag(w_·k)·dY                  ∂L/∂B_k += Hsᵀ·dT_k,   dHs = Σ_k dT_k·B_kᵀ
 *     g_ik  = ⟨dY_i, T_k,i⟩                  (∂L/∂w_ik)
 *     dZ_ik = w_ik·(g_ik − Σ_j w_ij·g_ij)    (softmax Jacobian)
 *     ∂L/∂R += Xᵀ·dZ,  ∂L/∂b_R += Σ_i dZ_i
 *     dH    = s·dHs,   ∂L/∂A += Xᵀ·dH
 *     dX    = dY·W0ᵀ + dH·Aᵀ + dZ·Rᵀ
 * Every matrix (W0, A, each B_k, R) is a `MatrixOp`, so each may sit on a crossbar of its own
 * (`_used` values in the products above); b_R is digital.
 *
 * Init: A ~ U(±1/√rows) from stream `crab/<layer>/A`, B_k = 0 (so the op starts at the base
 * output), R ~ U(±1/√rows) from `crab/<layer>/R` (a random router breaks the symmetry between
 * the heads: with R = 0 every head would get the same gradient forever), b_R = 0.
 */
import { BatchBuffer } from '../../nn/batch_buffer.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import { makeParam, type Param } from '../../nn/param.js';
import { UserError } from '../../util/errors.js';
import { stream } from '../../util/rng.js';
import { digitalArrays, distinctCost, type ArrayOpFactory } from './array_factory.js';

export interface RoutedLoraOptions {
  rank: number;
  alpha: number;
}

export class RoutedLoraMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  readonly heads: number;
  readonly scale: number;
  readonly weight: Param;
  private readonly H: BatchBuffer; // Hs (n x r)
  private readonly Wt: BatchBuffer; // routing weights (n x K)
  private readonly T: BatchBuffer; // T_k stacked: K blocks of n x cols
  private readonly dT: BatchBuffer; // n x cols
  private readonly dHs: BatchBuffer; // n x r
  private readonly dHk: BatchBuffer; // n x r
  private readonly dZ: BatchBuffer; // n x K
  private readonly dXa: BatchBuffer; // n x rows
  private readonly dXr: BatchBuffer; // n x rows

  constructor(
    public base: MatrixOp,
    public opA: MatrixOp,
    public opBs: MatrixOp[],
    public opR: MatrixOp,
    readonly biasR: Param,
    opts: RoutedLoraOptions,
  ) {
    const { rank, alpha } = opts;
    const K = opBs.length;
    if (!Number.isInteger(rank) || rank < 1) throw new UserError(`lora.rank must be an integer >= 1 (got ${rank})`, 'lora.rank');
    if (!Number.isFinite(alpha) || alpha <= 0) throw new UserError(`lora.alpha must be a finite number > 0 (got ${alpha})`, 'lora.alpha');
    if (K < 1) throw new RangeError('RoutedLoraMatrixOp: needs at least one head');
    if (opA.rows !== base.rows || opA.cols !== rank || opBs.some((b) => b.rows !== rank || b.cols !== base.cols) ||
      opR.rows !== base.rows || opR.cols !== K || biasR.value.length !== K) {
      throw new Error(`RoutedLoraMatrixOp shape mismatch: base ${base.rows}x${base.cols}, A ${opA.rows}x${opA.cols}, ` +
        `B ${opBs.map((b) => `${b.rows}x${b.cols}`).join(',')}, R ${opR.rows}x${opR.cols}, rank ${rank}`);
    }
    this.rows = base.rows;
    this.cols = base.cols;
    this.rank = rank;
    this.heads = K;
    this.scale = alpha / rank;
    this.weight = base.weight;
    this.H = new BatchBuffer(rank);
    this.Wt = new BatchBuffer(K);
    this.T = new BatchBuffer(K * this.cols);
    this.dT = new BatchBuffer(this.cols);
    this.dHs = new BatchBuffer(rank);
    this.dHk = new BatchBuffer(rank);
    this.dZ = new BatchBuffer(K);
    this.dXa = new BatchBuffer(this.rows);
    this.dXr = new BatchBuffer(this.rows);
  }

  get A(): Param { return this.opA.weight; }
  get R(): Param { return this.opR.weight; }
  B(k: number): Param { return this.opBs[k].weight; }

  /** w = softmax(X·R + b_R) per row into `w` (n x K) */
  private route(X: Float32Array, n: number, w: Float32Array, training: boolean): void {
    const K = this.heads, b = this.biasR.value;
    this.opR.forward(X, n, w, training);
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) { w[o + k] += b[k]; if (w[o + k] > m) m = w[o + k]; }
      let s = 0;
      for (let k = 0; k < K; k++) { const e = Math.exp(w[o + k] - m); w[o + k] = e; s += e; }
      const inv = 1 / s;
      for (let k = 0; k < K; k++) w[o + k] *= inv;
    }
  }

  /** input rows of the last forward */
  private lastN = 0;

  /** the routing weights of the last forward (lastN x K, row-major; a live view) */
  lastRouting(): Float32Array { return this.Wt.view(this.lastN); }

  /** routing weights for X into a new array (n x K), without training-mode effects */
  routing(X: Float32Array, n: number): Float32Array {
    const w = new Float32Array(n * this.heads);
    this.route(X, n, w, false);
    return w;
  }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    const { rank: r, cols, heads: K } = this;
    const H = this.H.view(n), W = this.Wt.view(n), T = this.T.view(n);
    this.lastN = n;
    this.base.forward(X, n, Y, training);
    this.opA.forward(X, n, H, training);
    const s = this.scale;
    for (let i = 0; i < n * r; i++) H[i] *= s;
    this.route(X, n, W, training);
    for (let k = 0; k < K; k++) {
      const Tk = T.subarray(k * n * cols, (k + 1) * n * cols);
      this.opBs[k].forward(H, n, Tk, training);
      for (let i = 0; i < n; i++) {
        const wik = W[i * K + k], o = i * cols;
        for (let j = 0; j < cols; j++) Y[o + j] += wik * Tk[o + j];
      }
    }
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    const { rank: r, cols, heads: K, rows } = this;
    const H = this.H.view(n), W = this.Wt.view(n), T = this.T.view(n);
    const dT = this.dT.view(n), dHs = this.dHs.view(n), dHk = this.dHk.view(n), dZ = this.dZ.view(n);
    dHs.fill(0);
    for (let k = 0; k < K; k++) {
      const Tk = T.subarray(k * n * cols, (k + 1) * n * cols);
      for (let i = 0; i < n; i++) {
        const wik = W[i * K + k], o = i * cols;
        let g = 0;
        for (let j = 0; j < cols; j++) { dT[o + j] = wik * dY[o + j]; g += dY[o + j] * Tk[o + j]; }
        dZ[i * K + k] = g; // g_ik for now
      }
      this.opBs[k].backward(H, dT, n, dHk);
      for (let i = 0; i < n * r; i++) dHs[i] += dHk[i];
    }
    // softmax Jacobian: dZ_ik = w_ik·(g_ik − Σ_j w_ij g_ij)
    for (let i = 0; i < n; i++) {
      const o = i * K;
      let avg = 0;
      for (let k = 0; k < K; k++) avg += W[o + k] * dZ[o + k];
      for (let k = 0; k < K; k++) dZ[o + k] = W[o + k] * (dZ[o + k] - avg);
    }
    if (this.biasR.trainable) {
      const gb = this.biasR.grad;
      for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) gb[k] += dZ[i * K + k];
    }
    const s = this.scale;
    for (let i = 0; i < n * r; i++) dHs[i] *= s; // dH
    if (!dX) {
      this.opR.backward(X, dZ, n, null);
      this.opA.backward(X, dHs, n, null);
      return;
    }
    const dXa = this.dXa.view(n), dXr = this.dXr.view(n);
    this.opR.backward(X, dZ, n, dXr);
    this.opA.backward(X, dHs, n, dXa);
    this.base.backward(X, dY, n, dX);
    for (let i = 0; i < n * rows; i++) dX[i] += dXa[i] + dXr[i];
  }

  /** base (frozen) params, A, the heads, R, b_R */
  params(): Param[] {
    return [...this.base.params(), ...this.adapterParams()];
  }

  /** A, B_1..B_K, R, b_R */
  adapterParams(): Param[] {
    return [...this.opA.params(), ...this.opBs.flatMap((b) => b.params()), ...this.opR.params(), this.biasR];
  }

  /** cells/writes of base, A, heads and router arrays; macsPerRow = rows·cols + r·rows + K·r·cols + rows·K */
  cost(): { cellsUsed: number; cellWrites: number; macsPerRow: number; cellsWritten: number } {
    const c = distinctCost([this.base, this.opA, ...this.opBs, this.opR]);
    return { ...c, macsPerRow: this.rows * this.cols + this.rank * this.rows + this.heads * this.rank * this.cols + this.rows * this.heads };
  }

  /** cells/writes of A, the heads and R only */
  adapterCost(): { cellsUsed: number; cellWrites: number; cellsWritten: number } {
    return distinctCost([this.opA, ...this.opBs, this.opR]);
  }
}

export interface RoutedSpec {
  rank: number;
  alpha: number;
  heads: number;
}

/**
 * Wrap `layer.op` (frozen) in a routed multi-head LoRA op with new A, B_1..B_K, R (inits in the
 * file header) on ops from `factory` (arrays `<layer>/crabA`, `<layer>/crabB/head<k>`, `<layer>/crabR`).
 */
export function attachRouted(
  layer: { name: string; op: MatrixOp }, spec: RoutedSpec, seed: number, factory: ArrayOpFactory = digitalArrays,
): RoutedLoraMatrixOp {
  const { rank, alpha, heads } = spec;
  if (!Number.isInteger(heads) || heads < 1) throw new UserError(`router.heads must be an integer >= 1 (got ${heads})`, 'router.heads');
  const base = layer.op;
  const maxRank = Math.min(base.rows, base.cols);
  if (!Number.isInteger(rank) || rank < 1 || rank > maxRank) {
    throw new UserError(`lora.rank ${rank} must be an integer in 1..${maxRank} for layer '${layer.name}' (${base.rows}x${base.cols})`, 'lora.rank');
  }
  for (const p of base.params()) p.trainable = false;
  const bound = 1 / Math.sqrt(base.rows);
  const A = makeParam(`${layer.name}.crabA`, base.rows, rank, true);
  const ra = stream(seed, `crab/${layer.name}/A`);
  for (let i = 0; i < A.value.length; i++) A.value[i] = (2 * ra.next() - 1) * bound;
  const R = makeParam(`${layer.name}.crabR`, base.rows, heads, true);
  const rr = stream(seed, `crab/${layer.name}/R`);
  for (let i = 0; i < R.value.length; i++) R.value[i] = (2 * rr.next() - 1) * bound;
  const bR = makeParam(`${layer.name}.crabR.bias`, heads, 1, true);
  const Bs = Array.from({ length: heads }, (_, k) => factory(`${layer.name}/crabB/head${k}`, makeParam(`${layer.name}.crabB.head${k}`, rank, base.cols, true)));
  const op = new RoutedLoraMatrixOp(base, factory(`${layer.name}/crabA`, A), Bs, factory(`${layer.name}/crabR`, R), bR, { rank, alpha });
  layer.op = op;
  return op;
}
