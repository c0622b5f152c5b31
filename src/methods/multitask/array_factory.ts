/**
 * Where a multi-task adapter matrix runs: a factory `(array, param) → MatrixOp`.
 *
 * `array` names the physical array (it becomes the crossbar op's layer name, hence the stream
 * names `defects/<array>/tile<r>_<c>`, `prog/<array>`, `read/<array>`). Names used by the
 * multi-task code (k = the task's index in the task list, `<layer>` the weight layer):
 *   <layer>/loraA               LoRI's shared A (the same array as single-task LoRI)
 *   <layer>/loraA/task<k>       LoRA's per-task A_k
 *   <layer>/loraB/task<k>       per-task B_k (LoRA and LoRI)
 *   <layer>/crabA, <layer>/crabB/head<k>, <layer>/crabR   Crab-style router adapter (router_lora.ts)
 *   <layer>/merged/linearB, <layer>/merged/catA, <layer>/merged/catB   merged adapters (merge.ts)
 *   <out>/head/task<k>          task k's output head H_k (multitask.heads 'crossbar'; task_heads.ts)
 * `digitalArrays` keeps everything in float32 (reference runs, tests); a crossbar factory maps
 * each array onto its own defective crossbar (task_runner.ts). The crossbar-op factory of the
 * device redesign plugs in here.
 */
import { DigitalMatrixOp, type MatrixOp } from '../../nn/matrix_op.js';
import type { Param } from '../../nn/param.js';

export type ArrayOpFactory = (array: string, p: Param) => MatrixOp;

export const digitalArrays: ArrayOpFactory = (_array, p) => new DigitalMatrixOp(p);

/** cells, write events and distinct cells written of the DISTINCT ops given (a shared op counts once) */
export function distinctCost(ops: Iterable<MatrixOp>): { cellsUsed: number; cellWrites: number; cellsWritten: number } {
  let cellsUsed = 0, cellWrites = 0, cellsWritten = 0;
  for (const op of new Set(ops)) {
    const c = op.cost?.();
    if (c) { cellsUsed += c.cellsUsed; cellWrites += c.cellWrites; cellsWritten += c.cellsWritten ?? 0; }
  }
  return { cellsUsed, cellWrites, cellsWritten };
}

/**
 * Program an op's last weight update now if it is a device op (a crossbar op otherwise programs it
 * on its next forward); `deadBand` as in CrossbarMatrixOp.sync. Digital ops: nothing to do.
 * (Duck-typed on `sync`, the optional MatrixOp method of the device redesign.)
 */
export function syncNow(op: MatrixOp, deadBand = false): void {
  const s = (op as MatrixOp & { sync?: (deadBand?: boolean) => void }).sync;
  if (typeof s === 'function') s.call(op, deadBand);
}
