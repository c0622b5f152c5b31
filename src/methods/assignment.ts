/**
 * Linear assignment: given an n x m cost matrix C (n <= m, row-major Float64Array), find the
 * injective map rowToCol minimising Σ_i C[i][rowToCol[i]].
 *
 * - `hungarian`: exact, the Hungarian algorithm in its shortest-augmenting-path form with row and
 *   column potentials u, v (Kuhn 1955, Munkres 1957; the O(n²·m) formulation of Jonker-Volgenant /
 *   e-maxx). Invariant: u_i + v_j <= C_ij for every (i, j) and equality on assigned pairs (reduced
 *   costs C_ij − u_i − v_j >= 0); each of the n phases adds one row by a Dijkstra-like search for
 *   the cheapest augmenting path in reduced costs, so the result is optimal (LP duality).
 * - `greedyAssignment`: O(n·m) fallback for large instances: rows are visited in decreasing order
 *   of their regret (second-cheapest − cheapest cost; the rows that lose most when they do not get
 *   their best column go first), each takes its cheapest free column. Not optimal.
 * - `solveAssignment`: Hungarian up to `limit` rows, greedy above.
 */

export interface Assignment {
  /** rowToCol[i] = column given to row i */
  rowToCol: Int32Array;
  /** Σ_i C[i][rowToCol[i]] */
  cost: number;
  /** 'hungarian' (exact) or 'greedy' */
  solver: 'hungarian' | 'greedy';
}

/** Size above which `solveAssignment` uses the greedy fallback (n³ ≈ 1.1e9 basic steps at 1024). */
export const HUNGARIAN_LIMIT = 1024;

function checkShape(C: ArrayLike<number>, n: number, m: number): void {
  if (!(Number.isInteger(n) && Number.isInteger(m) && n >= 0 && m >= n)) {
    throw new Error(`assignment: need integer 0 <= n <= m, got n=${n}, m=${m}`);
  }
  if (C.length < n * m) throw new Error(`assignment: cost has ${C.length} entries, need n*m=${n * m}`);
}

export function assignmentCost(C: ArrayLike<number>, m: number, rowToCol: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < rowToCol.length; i++) s += C[i * m + rowToCol[i]];
  return s;
}

/** Exact minimum-cost assignment of n rows to distinct columns of m (n <= m). */
export function hungarian(C: ArrayLike<number>, n: number, m: number): Assignment {
  checkShape(C, n, m);
  // 1-based arrays as in the classical formulation; index 0 is the virtual start column.
  const u = new Float64Array(n + 1);
  const v = new Float64Array(m + 1);
  const p = new Int32Array(m + 1); // p[j] = row assigned to column j (0 = none)
  const way = new Int32Array(m + 1);
  const minv = new Float64Array(m + 1);
  const used = new Uint8Array(m + 1);
  for (let i = 1; i <= n; i++) {
    p[0] = i;
    let j0 = 0;
    minv.fill(Infinity);
    used.fill(0);
    do {
      used[j0] = 1;
      const i0 = p[j0];
      const rowOff = (i0 - 1) * m - 1;
      const ui0 = u[i0];
      let delta = Infinity;
      let j1 = 0;
      for (let j = 1; j <= m; j++) {
        if (used[j]) continue;
        const cur = C[rowOff + j] - ui0 - v[j];
        if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
        if (minv[j] < delta) { delta = minv[j]; j1 = j; }
      }
      for (let j = 0; j <= m; j++) {
        if (used[j]) { u[p[j]] += delta; v[j] -= delta; } else minv[j] -= delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    // augment along the alternating path back to the virtual column
    do {
      const j1 = way[j0];
      p[j0] = p[j1];
      j0 = j1;
    } while (j0 !== 0);
  }
  const rowToCol = new Int32Array(n);
  for (let j = 1; j <= m; j++) if (p[j] !== 0) rowToCol[p[j] - 1] = j - 1;
  return { rowToCol, cost: assignmentCost(C, m, rowToCol), solver: 'hungarian' };
}

/** Regret-ordered greedy assignment (see file comment). Deterministic: ties break by index. */
export function greedyAssignment(C: ArrayLike<number>, n: number, m: number): Assignment {
  checkShape(C, n, m);
  const regret = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let b1 = Infinity, b2 = Infinity;
    for (let j = 0; j < m; j++) {
      const c = C[i * m + j];
      if (c < b1) { b2 = b1; b1 = c; } else if (c < b2) b2 = c;
    }
    regret[i] = m > 1 ? b2 - b1 : 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => regret[b] - regret[a] || a - b);
  const taken = new Uint8Array(m);
  const rowToCol = new Int32Array(n);
  for (const i of order) {
    let best = -1, bc = Infinity;
    for (let j = 0; j < m; j++) {
      if (taken[j]) continue;
      const c = C[i * m + j];
      if (best < 0 || c < bc) { best = j; bc = c; }
    }
    taken[best] = 1;
    rowToCol[i] = best;
  }
  return { rowToCol, cost: assignmentCost(C, m, rowToCol), solver: 'greedy' };
}

/** Hungarian when n <= limit, greedy otherwise. */
export function solveAssignment(
  C: ArrayLike<number>, n: number, m: number, limit = HUNGARIAN_LIMIT,
): Assignment {
  return n <= limit ? hungarian(C, n, m) : greedyAssignment(C, n, m);
}
