/**
 * The ITT-RNA penalty over a whole network (formula in penalty.ts), as the trainer's
 * `opts.penalty` hook: P = λ_e · Σ_layers Σ_{faulty (i,j)} Î_ij (w_ij − clamp(w_ij, lo_ij, hi_ij))².
 *
 * Every layer with a crossbar op takes part, also layers still held digital in an ITT-RNA stage:
 * their defect map is known, so the penalty already pulls their weights toward what their stuck
 * cells will force (and keeps weights of partly stuck pairs inside the interval the pair can still
 * represent, where the straight-through gradient alone would let them drift). The intervals, fault
 * masks and importances are fixed per training phase (they change only when the mapping or the
 * importance is recomputed), so a step allocates nothing.
 */
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import type { Param } from '../nn/param.js';
import { logicalFaulty } from './deploy.js';
import { lambdaAt, penaltyValueAndGrad } from './penalty.js';

interface Entry { w: Param; I: Float32Array; lo: Float32Array; hi: Float32Array; faulty: Uint8Array }

export class NetworkPenalty {
  private readonly entries: Entry[];
  /** current λ (set per epoch by `setEpoch`) */
  lambda: number;

  constructor(
    ops: CrossbarMatrixOp[], importance: Float32Array[],
    readonly lambda0: number, readonly schedule: 'constant' | 'linear-warmup', readonly epochs: number,
  ) {
    this.entries = ops.map((op, k) => {
      const { lo, hi } = op.attainable();
      return { w: op.weight, I: importance[k], lo, hi, faulty: logicalFaulty(op) };
    });
    this.lambda = lambdaAt(lambda0, schedule, 0, epochs);
  }

  setEpoch(e: number): void {
    this.lambda = lambdaAt(this.lambda0, this.schedule, e, this.epochs);
  }

  /** the trainer hook: adds λ·∂/∂w into the grads, returns the penalty value */
  readonly hook = (): number => {
    let p = 0;
    for (const e of this.entries) p += penaltyValueAndGrad(e.w.value, e.I, e.lo, e.hi, e.faulty, this.lambda, e.w.grad);
    return p;
  };

  /** Σ Î (w − w_stuck)² over faulty cells without λ and without touching grads (reporting) */
  mismatch(): number {
    let p = 0;
    for (const e of this.entries) p += penaltyValueAndGrad(e.w.value, e.I, e.lo, e.hi, e.faulty, 1, null);
    return p;
  }
}
