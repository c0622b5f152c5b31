/**
 * Defect-aware mapping applied to a crossbar-mapped layer: builds the MappingProblem from the op
 * (current logical weights, importance, `physicalAttainable()` intervals, stuck-cell mask, tile
 * size), solves it from the op's current permutations (defect_mapping.ts: J never increases) and
 * installs the new row (and column) permutation with `setRowPermutation` / `setColPermutation`.
 * Pure routing: the op's defect-free function is unchanged.
 */
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import { defectAwareMapping, type MappingProblem, type MappingResult } from './defect_mapping.js';
import { physicalFaulty } from './deploy.js';

export function mappingProblem(op: CrossbarMatrixOp, importance: Float32Array): MappingProblem {
  const { lo, hi } = op.physicalAttainable();
  return {
    w: op.weight.value, importance, rows: op.rows, cols: op.cols,
    physLo: lo, physHi: hi, physFaulty: physicalFaulty(op), pRows: op.rows, pCols: op.cols,
    tileRows: op.layout.tileRows, tileCols: op.layout.weightsPerTileRow,
  };
}

export function mapCrossbarLayer(
  op: CrossbarMatrixOp, importance: Float32Array, mode: 'rows' | 'rows+cols',
): MappingResult {
  const pr = mappingProblem(op, importance);
  const res = defectAwareMapping(pr, mode, { rowPerm0: op.rowPermutation(), colPerm0: op.colPermutation() });
  if (res.costAfter < res.costBefore) {
    op.setRowPermutation(res.rowPerm);
    if (mode === 'rows+cols') op.setColPermutation(res.colPerm);
  }
  return res;
}

/**
 * Importance of the weight sitting on each physical slot (rows x cols, physical layout) under the
 * op's current permutations: for the `importance_map.json` artefact.
 */
export function importanceOnPhysical(op: CrossbarMatrixOp, importance: Float32Array): Float32Array {
  const r = op.rowPermutation(), c = op.colPermutation(), cols = op.cols;
  const out = new Float32Array(op.rows * cols);
  for (let i = 0; i < op.rows; i++) for (let j = 0; j < cols; j++) out[r[i] * cols + c[j]] = importance[i * cols + j];
  return out;
}
