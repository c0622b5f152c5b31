/**
 * Merging K task adapters of one layer (LoRI, arXiv 2504.07448, §3.3).
 *
 * Task k's adapter adds ΔW_k = s_k·A_k·B_k (rramsim layout: A_k rows x r_k, B_k r_k x cols,
 * s_k = α_k / r_k; paper notation (α/r)·B_k·A_k), with A_k, B_k the values the arrays actually
 * compute with (A_used = opA(I), B_used = opB(I): on a defective array the stuck, quantised
 * cells). With merge weights w_k (default 1):
 *
 *   linear        ΔW = Σ_k w_k·s_k·A_k·B_k
 *     into the base:       W0 ← W0 + ΔW on the base arrays; writes the base cells whose target
 *                          changed (stuck base cells keep their forced value, so on a defective
 *                          base the merge is inexact); afterwards the layer runs on the base alone.
 *     shared A (LoRI):     every A_k is the same array A and s_k = s, so ΔW = s·A·B_Σ with
 *                          B_Σ = Σ_k w_k·B_k: ONE rank-r adapter; writes one new B array (r x cols,
 *                          programmed once), A is reused (0 writes).
 *   concatenated  A_cat = [A_1 | A_2 | … | A_K]  (rows x R, R = Σ_k r_k),
 *                 B_cat = [w_1·s_1·B_1; …; w_K·s_K·B_K]  (R x cols, scale folded into B),
 *                 ΔW = A_cat·B_cat (= the linear ΔW exactly, as one adapter of rank R with s = 1);
 *                 writes two new arrays A_cat and B_cat (programmed once: rows·R + R·cols weights).
 *                 With a shared A this repeats A K times: the shared-A linear merge is the same
 *                 function at rank r.
 * (PEFT's "linear" merge, which averages the A's and the B's separately, is a different, inexact
 * operation for distinct A_k; it is not implemented.) On ideal arrays (no defects, continuous
 * levels, no noise) every merge computes exactly the sum of the adapters' outputs (tests).
 */
import type { MatrixOp } from '../../nn/matrix_op.js';
import { makeParam } from '../../nn/param.js';
import type { AdaptableLayer } from '../lora/attach.js';
import { LoraMatrixOp } from '../lora/lora_matrix_op.js';
import { loraDelta, usedWeights } from '../lora/merge.js';
import { digitalArrays, syncNow, type ArrayOpFactory } from './array_factory.js';

function checkOps(ops: LoraMatrixOp[], weights: number[] | undefined): number[] {
  if (ops.length === 0) throw new RangeError('merge: no adapters');
  const { rows, cols } = ops[0];
  const base = ops[0].base;
  for (const o of ops) {
    if (o.rows !== rows || o.cols !== cols || o.base !== base) throw new RangeError('merge: adapters of different layers');
  }
  const w = weights ?? ops.map(() => 1);
  if (w.length !== ops.length || w.some((v) => !Number.isFinite(v))) throw new RangeError(`merge: ${ops.length} finite weights expected`);
  return w;
}

/** ΔW = Σ_k w_k·s_k·A_k,used·B_k,used (rows x cols, float32 sum in task order) */
export function linearDelta(ops: LoraMatrixOp[], weights?: number[]): Float32Array {
  const w = checkOps(ops, weights);
  const dW = new Float32Array(ops[0].rows * ops[0].cols);
  const tmp = new Float32Array(dW.length);
  ops.forEach((o, k) => {
    loraDelta(o, tmp);
    for (let i = 0; i < dW.length; i++) dW[i] += w[k] * tmp[i];
  });
  return dW;
}

/**
 * Linear merge into the base: W0 ← W0 + ΔW, the base reprogrammed exactly (changed cells only)
 * and put back in `layer`. Returns the base cell writes this caused.
 */
export function mergeLinearIntoBase(layer: AdaptableLayer, ops: LoraMatrixOp[], weights?: number[]): { writes: number } {
  const dW = linearDelta(ops, weights);
  const base = ops[0].base;
  const before = base.cost?.().cellWrites ?? 0;
  const w0 = base.weight.value;
  for (let i = 0; i < w0.length; i++) w0[i] += dW[i];
  syncNow(base); // program the merged weights exactly (no dead band)
  layer.op = base;
  return { writes: (base.cost?.().cellWrites ?? 0) - before };
}

export interface MergedAdapter {
  op: LoraMatrixOp;
  /** cell writes of programming the new array(s) */
  writes: number;
  /** cells of the new array(s) */
  cells: number;
}

function programmed(ops: MatrixOp[]): { writes: number; cells: number } {
  let writes = 0, cells = 0;
  for (const o of ops) { const c = o.cost?.(); if (c) { writes += c.cellWrites; cells += c.cellsUsed; } }
  return { writes, cells };
}

/**
 * LoRI linear merge with a shared A: one adapter (A, B_Σ = Σ_k w_k·B_k,used) of rank r; B_Σ on a
 * new array `<layer>/merged/linearB` from `factory`.
 */
export function mergeLinearSharedA(layer: string, ops: LoraMatrixOp[], weights?: number[], factory: ArrayOpFactory = digitalArrays): MergedAdapter {
  const w = checkOps(ops, weights);
  const { opA, rank, scale } = ops[0];
  for (const o of ops) {
    if (o.opA !== opA) throw new RangeError('mergeLinearSharedA: the adapters do not share one A');
    if (o.rank !== rank || o.scale !== scale) throw new RangeError('mergeLinearSharedA: the adapters differ in rank or scale');
  }
  const B = makeParam(`${layer}.merged.linearB`, rank, ops[0].cols, false);
  ops.forEach((o, k) => {
    const Bu = usedWeights(o.opB);
    for (let i = 0; i < Bu.length; i++) B.value[i] += w[k] * Bu[i];
  });
  const opB = factory(`${layer}/merged/linearB`, B);
  const op = new LoraMatrixOp(ops[0].base, opA, opB, { rank, alpha: ops[0].alpha });
  return { op, ...programmed([opB]) };
}

/**
 * Concatenated merge: one adapter of rank R = Σ r_k with A_cat = [A_1 | … | A_K] and
 * B_cat = [w_1·s_1·B_1; …; w_K·s_K·B_K] (scale 1: α = R), each on a new array
 * (`<layer>/merged/catA`, `<layer>/merged/catB`) from `factory`.
 */
export function mergeConcatenated(layer: string, ops: LoraMatrixOp[], weights?: number[], factory: ArrayOpFactory = digitalArrays): MergedAdapter {
  const w = checkOps(ops, weights);
  const { rows, cols } = ops[0];
  const R = ops.reduce((s, o) => s + o.rank, 0);
  const A = makeParam(`${layer}.merged.catA`, rows, R, false);
  const B = makeParam(`${layer}.merged.catB`, R, cols, false);
  let off = 0;
  ops.forEach((o, k) => {
    const r = o.rank;
    const Au = usedWeights(o.opA); // rows x r
    for (let i = 0; i < rows; i++) for (let j = 0; j < r; j++) A.value[i * R + off + j] = Au[i * r + j];
    const Bu = usedWeights(o.opB); // r x cols
    const f = w[k] * o.scale;
    for (let i = 0; i < r * cols; i++) B.value[off * cols + i] = f * Bu[i];
    off += r;
  });
  const opA = factory(`${layer}/merged/catA`, A);
  const opB = factory(`${layer}/merged/catB`, B);
  const op = new LoraMatrixOp(ops[0].base, opA, opB, { rank: R, alpha: R });
  return { op, ...programmed([opA, opB]) };
}
