/**
 * Noise-aware adapter training (HaLoRA-style): while the adapters train, every frozen
 * base op computes with perturbed weights
 *
 *   Y = X·W_used + X·E,   E[i, j] = σ·wMax·ε_ij,   ε_ij ~ N(0, 1)
 *
 * (wMax = the op's weight range, else max |W0|), E redrawn every k steps from the stream
 * `lora/noise/<layer>/draw<j>` (j = ⌊step / k⌋, row-major order). Backward: dX = dY·(W_used + E)ᵀ;
 * the base is frozen, so no weight gradient. The wrapper is removed after training (evaluation
 * and merging see the unperturbed base). One extra GEMM per forward and backward.
 */
import { gemm } from '../../kernels/gemm.js';
import { allocF32 } from '../../kernels/alloc.js';
import { BatchBuffer } from '../../nn/batch_buffer.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import type { Param } from '../../nn/param.js';
import { stream } from '../../util/rng.js';

export class NoisyBaseOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly weight: Param;
  readonly E: Float32Array;
  private readonly dXe: BatchBuffer;
  private draw = -1;

  constructor(readonly inner: MatrixOp, readonly layer: string, readonly sigma: number, readonly wMax: number, readonly seed: number) {
    this.rows = inner.rows; this.cols = inner.cols; this.weight = inner.weight;
    this.E = allocF32(this.rows * this.cols);
    this.dXe = new BatchBuffer(this.rows);
    this.redraw(0);
  }

  /** E ← σ·wMax·N(0, 1) from `lora/noise/<layer>/draw<j>` (no-op when j is the current draw) */
  redraw(j: number): void {
    if (j === this.draw) return;
    this.draw = j;
    const rng = stream(this.seed, `lora/noise/${this.layer}/draw${j}`);
    const a = this.sigma * this.wMax;
    for (let i = 0; i < this.E.length; i++) this.E[i] = a * rng.normal();
  }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    this.inner.forward(X, n, Y, training);
    gemm(false, false, n, this.cols, this.rows, X, this.E, Y, true);
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    if (!dX) return; // frozen base: nothing to accumulate
    this.inner.backward(X, dY, n, dX);
    const d = this.dXe.view(n);
    gemm(false, true, n, this.rows, this.cols, dY, this.E, d, false);
    for (let i = 0; i < n * this.rows; i++) dX[i] += d[i];
  }

  params(): Param[] {
    return this.inner.params();
  }

  cost() {
    return this.inner.cost?.() ?? { cellsUsed: 0, cellWrites: 0, macsPerRow: this.rows * this.cols };
  }
}
