/**
 * A trainable tensor. Matrices are row-major `rows x cols`; vectors have `cols = 1`.
 * For weight matrices `rows` is the fan-in (Dense inputs, or C*kh*kw for a conv kernel) and
 * `cols` the outputs: exactly the matrix a crossbar maps (rows = word lines, cols = bit lines).
 */
import { allocF32 } from '../kernels/alloc.js';

export interface Param {
  readonly name: string;
  readonly value: Float32Array;
  readonly grad: Float32Array;
  readonly rows: number;
  readonly cols: number;
  /** false: frozen (optimiser skips it entirely, e.g. a LoRA base) */
  trainable: boolean;
  /**
   * Optional per-element update mask, 1 = may change, 0 = frozen (e.g. a weight whose cells are
   * all stuck, or a pruned LoRI entry). The optimiser multiplies the whole update (gradient,
   * weight decay and momentum) by it, so masked elements never move.
   */
  updateMask?: Float32Array;
}

/** value and grad are allocated through `allocF32` (kernel-friendly memory), zero-filled */
export function makeParam(name: string, rows: number, cols: number, trainable = true): Param {
  return {
    name, rows, cols, trainable,
    value: allocF32(rows * cols),
    grad: allocF32(rows * cols),
  };
}
