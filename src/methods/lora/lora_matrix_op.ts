/**
 * LoRA (low-rank adaptation, Hu et al. 2021, arXiv 2106.09685) as a `MatrixOp`, so that the
 * frozen base product and the two adapter products can each run on their own (defective)
 * crossbar.
 *
 * Layout. rramsim stores a weight matrix W as rows x cols with rows = fan-in (word lines) and
 * cols = outputs (bit lines), and a layer computes Y = X · W for a batch X (n x rows); for a
 * Conv2d layer X is the im2col patch matrix and W the unrolled kernel [kh·kw·C, out], so
 * nothing below is specific to Dense. The paper writes h = W0·x + B·A·x with A (r x in) and
 * B (out x r). In our row-major, row-vector convention we store the transposes:
 *
 *     A_ours = A_paperᵀ  (rows x r)      B_ours = B_paperᵀ  (r x cols)
 *
 * and compute, with scale s = α / r,
 *
 *     H  = X · A                (n x r,   adapter op A: its own crossbar)
 *     Hs = s · H
 *     Y  = X · W0 + Hs · B      (n x cols; base op W0 and adapter op B: their own crossbars)
 *
 * which is Y = X · (W0 + s·A·B), i.e. the paper's W0 + (α/r)·B·A transposed.
 *
 * Backward (dY = ∂L/∂Y given; W0 frozen, so no gradient is formed for it):
 *
 *     ∂L/∂B  += Hsᵀ · dY                       (through op B: stuck B cells get none)
 *     dHs     = dY · B_usedᵀ,   dH = s · dHs
 *     ∂L/∂A  += Xᵀ · dH                        (through op A: stuck A cells get none)
 *     dX      = dY · W0_usedᵀ + dH · A_usedᵀ   (all three paths)
 *
 * where `_used` is what each op actually computes with (on a crossbar: the defect-forced,
 * quantised cell values). Each op is any `MatrixOp`, so the same class serves the digital
 * reference and the deployed crossbar version.
 *
 * Init (LoRA paper, and its reference implementation): A random, B = 0, so at the start
 * Y = X · W0 exactly. `initLoraA` draws A from Kaiming-uniform, U(−1/√fanIn, 1/√fanIn) with
 * fanIn = rows (the bound of PyTorch's kaiming_uniform_(a=√5) used by the reference code), from
 * the named stream `lora/<layer>/A`.
 *
 * Buffers: `BatchBuffer`s (grown when a larger batch arrives, views rebuilt only when n changes),
 * so a training step allocates nothing.
 */
import { BatchBuffer } from '../../nn/batch_buffer.js';
import type { MatrixOp, OpCost } from '../../nn/matrix_op.js';
import { addUpdateCost } from '../../crossbar/update/update_cost.js';
import { makeParam, type Param } from '../../nn/param.js';
import { stream } from '../../util/rng.js';
import { UserError } from '../../util/errors.js';

export interface LoraOpOptions {
  rank: number;
  alpha: number;
}

export class LoraMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly rank: number;
  readonly alpha: number;
  /** s = α / r */
  readonly scale: number;
  /** the frozen base weight (the op's logical matrix without the adapters) */
  readonly weight: Param;

  // exact-length views per batch size, rebuilt only when n changes (nothing allocated per step)
  private readonly H: BatchBuffer; // Hs = s·X·A   (n x r)
  private readonly T: BatchBuffer; // Hs·B         (n x cols)
  private readonly dH: BatchBuffer; // n x r
  private readonly dXa: BatchBuffer; // n x rows

  constructor(
    /** base product X·W0; its params must be frozen (trainable = false) */
    public base: MatrixOp,
    /** adapter A: rows x r */
    public opA: MatrixOp,
    /** adapter B: r x cols */
    public opB: MatrixOp,
    opts: LoraOpOptions,
  ) {
    const { rank, alpha } = opts;
    if (!Number.isInteger(rank) || rank < 1) {
      throw new UserError(`lora.rank must be an integer >= 1 (got ${rank})`, 'lora.rank');
    }
    if (!Number.isFinite(alpha) || alpha <= 0) {
      throw new UserError(`lora.alpha must be a finite number > 0 (got ${alpha})`, 'lora.alpha');
    }
    if (opA.rows !== base.rows || opA.cols !== rank || opB.rows !== rank || opB.cols !== base.cols) {
      throw new Error(
        `LoraMatrixOp shape mismatch: base ${base.rows}x${base.cols}, A ${opA.rows}x${opA.cols}, ` +
        `B ${opB.rows}x${opB.cols}, rank ${rank}`);
    }
    this.rows = base.rows;
    this.cols = base.cols;
    this.rank = rank;
    this.alpha = alpha;
    this.scale = alpha / rank;
    this.weight = base.weight;
    this.H = new BatchBuffer(rank);
    this.T = new BatchBuffer(this.cols);
    this.dH = new BatchBuffer(rank);
    this.dXa = new BatchBuffer(this.rows);
  }

  get A(): Param { return this.opA.weight; }
  get B(): Param { return this.opB.weight; }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    const r = this.rank, cols = this.cols;
    const H = this.H.view(n);
    const T = this.T.view(n);
    this.base.forward(X, n, Y, training);
    this.opA.forward(X, n, H, training);
    const s = this.scale;
    for (let i = 0; i < n * r; i++) H[i] *= s;
    this.opB.forward(H, n, T, training);
    for (let i = 0; i < n * cols; i++) Y[i] += T[i];
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    const r = this.rank;
    const H = this.H.view(n);
    const dH = this.dH.view(n);
    // B.grad += Hsᵀ·dY, dHs = dY·Bᵀ
    this.opB.backward(H, dY, n, dH);
    const s = this.scale;
    for (let i = 0; i < n * r; i++) dH[i] *= s;
    if (!dX) {
      // A.grad += Xᵀ·dH; the frozen base needs no backward at all
      this.opA.backward(X, dH, n, null);
      return;
    }
    const dXa = this.dXa.view(n);
    this.opA.backward(X, dH, n, dXa);
    // the frozen base (trainable = false) forms only dX = dY·W0ᵀ, not the unused dW0
    this.base.backward(X, dY, n, dX);
    const m = n * this.rows;
    for (let i = 0; i < m; i++) dX[i] += dXa[i];
  }

  /** base params (frozen) first, then A and B */
  params(): Param[] {
    return [...this.base.params(), ...this.opA.params(), ...this.opB.params()];
  }

  /** only the adapters (what LoRA trains) */
  adapterParams(): Param[] {
    return [...this.opA.params(), ...this.opB.params()];
  }

  /**
   * Cells, write events and distinct cells written of the base and both adapter arrays (a
   * digital op without `cost()` counts 0); macsPerRow = rows·cols + r·(rows + cols).
   */
  cost(): OpCost & { cellsWritten: number } {
    let cellsUsed = 0, cellWrites = 0, cellsWritten = 0;
    let update: OpCost['update'];
    for (const op of [this.base, this.opA, this.opB]) {
      const c = op.cost?.();
      if (c) { cellsUsed += c.cellsUsed; cellWrites += c.cellWrites; cellsWritten += c.cellsWritten ?? 0; update = addUpdateCost(update, c.update); }
    }
    return {
      cellsUsed, cellWrites, cellsWritten,
      macsPerRow: this.rows * this.cols + this.rank * (this.rows + this.cols),
      ...(update ? { update } : {}),
    };
  }

  /** cells, write events and distinct cells written of the two adapter arrays only */
  adapterCost(): { cellsUsed: number; cellWrites: number; cellsWritten: number } {
    let cellsUsed = 0, cellWrites = 0, cellsWritten = 0;
    for (const op of [this.opA, this.opB]) {
      const c = op.cost?.();
      if (c) { cellsUsed += c.cellsUsed; cellWrites += c.cellWrites; cellsWritten += c.cellsWritten ?? 0; }
    }
    return { cellsUsed, cellWrites, cellsWritten };
  }
}

/**
 * Adapter parameters for a layer: `<layer>.loraA` (rows x r, Kaiming-uniform from
 * `lora/<layer>/A`) and `<layer>.loraB` (r x cols, zeros).
 */
export function makeAdapterParams(
  layer: string, rows: number, cols: number, rank: number, seed: number,
): { A: Param; B: Param } {
  const A = makeParam(`${layer}.loraA`, rows, rank, true);
  const B = makeParam(`${layer}.loraB`, rank, cols, true);
  initLoraA(A, layer, seed);
  return { A, B };
}

/** A ~ U(−1/√rows, 1/√rows) from stream(seed, 'lora/<layer>/A'), row-major order. */
export function initLoraA(A: Param, layer: string, seed: number): void {
  const rng = stream(seed, `lora/${layer}/A`);
  const bound = 1 / Math.sqrt(A.rows);
  const v = A.value;
  for (let i = 0; i < v.length; i++) v[i] = (2 * rng.next() - 1) * bound;
}
