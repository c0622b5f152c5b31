/**
 * Merging LoRA adapters into the base array.
 *
 *     W0' = W0 + ΔW,   ΔW = (α/r) · A_used · B_used        (rows x cols)
 *
 * A_used and B_used are what the adapter ops actually compute with (on a crossbar: the
 * defect-forced, quantised cells), obtained exactly by running the adapter path on the identity:
 * ΔW = opB(s · opA(I)). So on ideal arrays the merged layer computes the same function as the
 * unmerged one. The layer's op becomes the base op again; a crossbar base re-programs only the
 * cells whose target changed on its next sync. On a defective base the merge is not exact: a
 * stuck cell cannot take W0' (it keeps its forced value), which is why merged and unmerged
 * accuracies are both reported.
 */
import { allocF32 } from '../../kernels/alloc.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import type { AdaptableLayer } from './attach.js';
import { LoraMatrixOp } from './lora_matrix_op.js';

/** ΔW = (α/r)·A_used·B_used, rows x cols, computed through the adapter ops (no training mode). */
export function loraDelta(op: LoraMatrixOp, out?: Float32Array): Float32Array {
  const { rows, cols, rank } = op;
  const I = allocF32(rows * rows);
  for (let i = 0; i < rows; i++) I[i * rows + i] = 1;
  const Aused = allocF32(rows * rank);
  op.opA.forward(I, rows, Aused, false);
  for (let i = 0; i < Aused.length; i++) Aused[i] *= op.scale;
  const dW = out ?? allocF32(rows * cols);
  op.opB.forward(Aused, rows, dW, false);
  return dW;
}

/** the effective matrix an op computes with: W_used = op(I) */
export function usedWeights(op: MatrixOp): Float32Array {
  const I = allocF32(op.rows * op.rows);
  for (let i = 0; i < op.rows; i++) I[i * op.rows + i] = 1;
  const W = allocF32(op.rows * op.cols);
  op.forward(I, op.rows, W, false);
  return W;
}

/**
 * Fold the adapters of every LoRA layer into its base weight and put the base op back in the
 * layer. Returns the merged layers' names.
 */
export function mergeLora(layers: AdaptableLayer[]): string[] {
  const merged: string[] = [];
  for (const layer of layers) {
    const op = layer.op;
    if (!(op instanceof LoraMatrixOp)) continue;
    const dW = loraDelta(op);
    const w = op.base.weight.value;
    for (let i = 0; i < w.length; i++) w[i] += dW[i];
    // program the merged weights exactly (with a programming dead band a forward would not)
    op.base.sync?.();
    layer.op = op.base;
    merged.push(layer.name);
  }
  return merged;
}
