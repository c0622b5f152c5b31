/**
 * Defect-aware mapping of ITT-RNA (step 2), on plain matrices (also used by `remap`).
 *
 * A layer's logical weight matrix W (rows = fan-in, cols = outputs) is placed on physical crossbar
 * cells: logical row i on physical row r(i), logical column j on physical column c(j). Physical
 * cell (p, q) can represent the interval [lo_pq, hi_pq] (`CrossbarMatrixOp.physicalAttainable()`)
 * and is faulty (F_pq = 1) when at least one of its cells is stuck. The mapping cost is
 *
 *   J(r, c) = Σ_{i,j} F_{r(i)c(j)} · I_ij · (w_ij − clamp(w_ij, lo_{r(i)c(j)}, hi_{r(i)c(j)}))²
 *
 * (the importance-weighted squared error the stuck cells force on the weights they carry).
 * With c fixed, J is a linear assignment of logical rows to physical rows with cost matrix
 *
 *   C[i][p] = Σ_j F_{p c(j)} · I_ij · (w_ij − clamp(w_ij, lo_{p c(j)}, hi_{p c(j)}))²
 *
 * solved exactly by the Hungarian algorithm (assignment.ts). Rows are solved globally per layer
 * (a logical row may move to any physical row of the layer, also in another tile: it is only the
 * routing of one input onto a word line, and partial sums of row tiles are added anyway), so the
 * optimum is at least as good as any per-tile solution. Above HUNGARIAN_LIMIT rows the problem is
 * split per tile row block (rows stay in their block) and each block solved exactly, or greedily
 * when a block itself exceeds the limit. Option 'rows+cols' alternates: rows with c fixed, then
 * columns with r fixed (the same construction transposed: D[j][q] = Σ_i F_{r(i) q} · I_ij · (…)²),
 * for `rounds` rounds. Every step starts from a feasible mapping and the exact solver can return
 * it, so J never increases; a greedy step is accepted only if it lowers J.
 * The permutation is pure routing: the defect-free function of the layer is unchanged.
 */
import { HUNGARIAN_LIMIT, solveAssignment } from './assignment.js';

export interface MappingProblem {
  /** logical weights and importance, rows x cols */
  w: Float32Array;
  importance: Float32Array;
  rows: number;
  cols: number;
  /** physical cell intervals and faulty mask, pRows x pCols (pRows >= rows, pCols >= cols) */
  physLo: Float32Array;
  physHi: Float32Array;
  physFaulty: Uint8Array;
  pRows: number;
  pCols: number;
  /** tile size, for the per-block fallback above the Hungarian limit */
  tileRows: number;
  tileCols: number;
}

export interface MappingResult {
  rowPerm: Int32Array;
  colPerm: Int32Array;
  costBefore: number;
  costAfter: number;
  /** 'hungarian', 'hungarian-blocks', 'greedy-blocks' or 'none' (per dimension, joined by '+') */
  solver: string;
}

export function identityPerm(n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}

function sq(w: number, lo: number, hi: number): number {
  const d = w < lo ? w - lo : w > hi ? w - hi : 0;
  return d * d;
}

/** J(r, c) from the file comment. */
export function mappingCost(pr: MappingProblem, rowPerm: Int32Array, colPerm: Int32Array): number {
  const { w, importance: I, rows, cols, physLo, physHi, physFaulty, pCols } = pr;
  let s = 0;
  for (let i = 0; i < rows; i++) {
    const pOff = rowPerm[i] * pCols;
    for (let j = 0; j < cols; j++) {
      const k = pOff + colPerm[j];
      if (physFaulty[k] === 0) continue;
      const x = i * cols + j;
      s += I[x] * sq(w[x], physLo[k], physHi[k]);
    }
  }
  return s;
}

/** inv[perm[i]] = i; physical lines without a logical one get -1. */
function inverse(perm: Int32Array, n: number): Int32Array {
  const inv = new Int32Array(n).fill(-1);
  for (let i = 0; i < perm.length; i++) inv[perm[i]] = i;
  return inv;
}

/** Row cost matrix C[a][b] for logical rows `lr` and physical rows `ph` (column mapping fixed). */
export function rowCostMatrix(
  pr: MappingProblem, colPerm: Int32Array, lr: Int32Array, ph: Int32Array,
): Float64Array {
  const { w, importance: I, cols, physLo, physHi, physFaulty, pCols } = pr;
  const colInv = inverse(colPerm, pCols);
  const C = new Float64Array(lr.length * ph.length);
  const fq = new Int32Array(pCols);
  for (let b = 0; b < ph.length; b++) {
    const pOff = ph[b] * pCols;
    // faulty physical columns of this physical row that carry a logical column
    let nf = 0;
    for (let q = 0; q < pCols; q++) if (physFaulty[pOff + q] && colInv[q] >= 0) fq[nf++] = q;
    if (nf === 0) continue;
    for (let a = 0; a < lr.length; a++) {
      const xOff = lr[a] * cols;
      let s = 0;
      for (let t = 0; t < nf; t++) {
        const q = fq[t];
        const x = xOff + colInv[q];
        s += I[x] * sq(w[x], physLo[pOff + q], physHi[pOff + q]);
      }
      C[a * ph.length + b] = s;
    }
  }
  return C;
}

/** Column cost matrix D[a][b] for logical columns `lc` and physical columns `pc` (rows fixed). */
export function colCostMatrix(
  pr: MappingProblem, rowPerm: Int32Array, lc: Int32Array, pc: Int32Array,
): Float64Array {
  const { w, importance: I, rows, cols, physLo, physHi, physFaulty, pCols } = pr;
  const D = new Float64Array(lc.length * pc.length);
  for (let i = 0; i < rows; i++) {
    const pOff = rowPerm[i] * pCols;
    const xOff = i * cols;
    for (let b = 0; b < pc.length; b++) {
      const k = pOff + pc[b];
      if (physFaulty[k] === 0) continue;
      const lo = physLo[k], hi = physHi[k];
      for (let a = 0; a < lc.length; a++) {
        const x = xOff + lc[a];
        const v = I[x] * sq(w[x], lo, hi);
        if (v !== 0) D[a * pc.length + b] += v;
      }
    }
  }
  return D;
}

type Side = 'rows' | 'cols';

/** One exact (or blockwise) re-assignment of one side; returns the new permutation and solver name. */
function optimiseSide(
  pr: MappingProblem, side: Side, rowPerm: Int32Array, colPerm: Int32Array, limit: number,
): { perm: Int32Array; solver: string } {
  const n = side === 'rows' ? pr.rows : pr.cols;
  const m = side === 'rows' ? pr.pRows : pr.pCols;
  const tile = side === 'rows' ? pr.tileRows : pr.tileCols;
  const cur = side === 'rows' ? rowPerm : colPerm;
  const matrix = (l: Int32Array, ph: Int32Array) =>
    side === 'rows' ? rowCostMatrix(pr, colPerm, l, ph) : colCostMatrix(pr, rowPerm, l, ph);
  if (n <= limit) {
    const l = identityPerm(n), ph = identityPerm(m);
    const a = solveAssignment(matrix(l, ph), n, m, limit);
    return { perm: a.rowToCol, solver: a.solver };
  }
  // per tile block: logical lines stay in the block of physical lines they occupy now
  const perm = Int32Array.from(cur);
  let solver = 'hungarian-blocks';
  for (let start = 0; start < m; start += tile) {
    const end = Math.min(m, start + tile);
    const l: number[] = [];
    for (let i = 0; i < n; i++) if (cur[i] >= start && cur[i] < end) l.push(i);
    if (l.length === 0) continue;
    const ph = identityPerm(end - start).map((x) => x + start);
    const a = solveAssignment(matrix(Int32Array.from(l), ph), l.length, ph.length, limit);
    if (a.solver === 'greedy') solver = 'greedy-blocks';
    l.forEach((i, k) => { perm[i] = ph[a.rowToCol[k]]; });
  }
  return { perm, solver };
}

/**
 * Defect-aware mapping of one layer starting from (rowPerm0, colPerm0) (identity if absent).
 * mode 'rows': rows only; 'cols': columns only (one exact step; the spare-column re-mapping,
 * src/crossbar/spare_columns_op.ts); 'rows+cols': `rounds` alternations rows → cols.
 */
export function defectAwareMapping(
  pr: MappingProblem, mode: 'rows' | 'cols' | 'rows+cols',
  opts: { rowPerm0?: Int32Array; colPerm0?: Int32Array; rounds?: number; limit?: number } = {},
): MappingResult {
  const limit = opts.limit ?? HUNGARIAN_LIMIT;
  let rowPerm = opts.rowPerm0 ? Int32Array.from(opts.rowPerm0) : identityPerm(pr.rows);
  let colPerm = opts.colPerm0 ? Int32Array.from(opts.colPerm0) : identityPerm(pr.cols);
  const costBefore = mappingCost(pr, rowPerm, colPerm);
  let cost = costBefore;
  const solvers = new Set<string>();
  const rounds = mode !== 'rows+cols' ? 1 : Math.max(1, opts.rounds ?? 2);
  for (let r = 0; r < rounds; r++) {
    for (const side of (mode === 'rows+cols' ? ['rows', 'cols'] : [mode]) as Side[]) {
      const { perm, solver } = optimiseSide(pr, side, rowPerm, colPerm, limit);
      const c = side === 'rows' ? mappingCost(pr, perm, colPerm) : mappingCost(pr, rowPerm, perm);
      solvers.add(`${side}:${solver}`);
      // accept only improvements (guards the greedy fallback and float round-off)
      if (c < cost) {
        cost = c;
        if (side === 'rows') rowPerm = perm; else colPerm = perm;
      }
    }
    if (cost === 0) break;
  }
  return { rowPerm, colPerm, costBefore, costAfter: cost, solver: [...solvers].join('+') };
}
