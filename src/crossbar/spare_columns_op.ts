/**
 * Spare-column re-mapping (config `crossbar.spareColumns` = f, method `spare`; after Liu et al.,
 * DAC 2017, "re-mapping to redundant columns"): a layer of rows x cols weights is given
 * S = ceil(f·cols) extra physical columns (bit-line pairs), appended after its own in the same
 * array, with defects drawn like every other column. The logical columns (output neurons) are then
 * assigned to physical columns so that the weights lose least to the stuck cells they land on; the
 * S columns left over carry no neuron (their outputs are never read).
 *
 * Construction: the crossbar op is built on the padded matrix W' = [W | 0] (rows x (cols + S)):
 * the padding columns are the spare neurons (weight 0, importance 0), so the tile grid, defect
 * streams `defects/<layer>/tile<r>_<c>` and every cell of the first cols columns are exactly those
 * of the same layer without spares (a tile map is drawn for the whole tile). Column assignment:
 * the exact (Hungarian) column step of the defect-aware mapping (src/methods/defect_mapping.ts,
 * mode 'cols') on W' with a row importance I_ij = r_i on the real columns (method 'spare': r_i =
 * E[x_i²], src/methods/spare.ts) and I = 0 on the padding, i.e. minimise over column permutations c
 *     J(c) = Σ_ij F_{i,c(j)} · r_i · (w_ij − clamp(w_ij, lo_{i,c(j)}, hi_{i,c(j)}))²
 * which puts the real neurons on the cols physical columns where their weights fit best.
 * Forward: Y = first cols columns of X·W'_eff. The weight range wMax is that of W' (= of W for the
 * default percentile 100; another percentile sees the padding zeros). Evaluation only (the method
 * does not retrain): backward passes through W'_eff for completeness.
 */
import { allocF32 } from '../kernels/alloc.js';
import type { MatrixOp, OpCost } from '../nn/matrix_op.js';
import { makeParam, type Param } from '../nn/param.js';
import type { CrossbarMatrixOp } from './crossbar_matrix_op.js';
import { makeCrossbarOp, type CrossbarPoint } from './crossbar_op_factory.js';
import { spareCount } from './effects/spare_columns.js';

export { spareCount };

export class SpareColumnsOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly spare: number;
  /** the padded matrix [W | 0] the cells hold */
  readonly padded: Param;
  readonly inner: CrossbarMatrixOp;
  private yPad: Float32Array = new Float32Array(0);
  private dyPad: Float32Array = new Float32Array(0);

  constructor(readonly weight: Param, layer: string, point: CrossbarPoint, fraction: number) {
    this.rows = weight.rows;
    this.cols = weight.cols;
    // S = ceil(f·cols): the spare-columns effect's own count (effects/spare_columns.ts)
    this.spare = spareCount(this.cols, fraction);
    const pc = this.cols + this.spare;
    this.padded = makeParam(`${weight.name}`, this.rows, pc);
    this.copyIn();
    this.inner = makeCrossbarOp(this.padded, layer, point);
  }

  /** W → the first cols columns of W' (the padding stays 0) */
  private copyIn(): void {
    const { rows, cols } = this, pc = cols + this.spare, w = this.weight.value, p = this.padded.value;
    for (let i = 0; i < rows; i++) p.set(w.subarray(i * cols, (i + 1) * cols), i * pc);
  }

  /** importance on W': I_ij = rowWeight[i] on the real columns (1 when absent), 0 on the padding */
  importance(rowWeight?: ArrayLike<number>): Float32Array {
    const pc = this.cols + this.spare, I = new Float32Array(this.rows * pc);
    for (let i = 0; i < this.rows; i++) I.fill(rowWeight ? rowWeight[i] : 1, i * pc, i * pc + this.cols);
    return I;
  }

  private ensure(n: number): void {
    const len = n * (this.cols + this.spare);
    if (this.yPad.length < len) { this.yPad = allocF32(len); this.dyPad = allocF32(len); }
  }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    this.copyIn();
    this.ensure(n);
    const pc = this.cols + this.spare, cols = this.cols;
    this.inner.forward(X, n, this.yPad, training);
    for (let b = 0; b < n; b++) Y.set(this.yPad.subarray(b * pc, b * pc + cols), b * cols);
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    this.ensure(n);
    const pc = this.cols + this.spare, cols = this.cols;
    this.dyPad.fill(0, 0, n * pc);
    for (let b = 0; b < n; b++) this.dyPad.set(dY.subarray(b * cols, (b + 1) * cols), b * pc);
    this.padded.grad.fill(0);
    this.inner.backward(X, this.dyPad, n, dX);
    const g = this.weight.grad, pg = this.padded.grad;
    for (let i = 0; i < this.rows; i++) for (let j = 0; j < cols; j++) g[i * cols + j] += pg[i * pc + j];
  }

  params(): Param[] {
    return [this.weight];
  }

  cost(): OpCost {
    return this.inner.cost();
  }

  resetCost(): void {
    this.inner.resetCost();
  }

  sync(deadBand?: boolean): void {
    this.copyIn();
    this.inner.sync(deadBand);
  }

  weightRange(): number {
    return this.inner.weightRange();
  }
}
