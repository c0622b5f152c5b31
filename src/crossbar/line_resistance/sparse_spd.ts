/**
 * A grounded conductance Laplacian (a sparse symmetric positive-definite matrix) in CSR form and its
 * solution by preconditioned conjugate gradients (float64), with the tridiagonal part as the
 * preconditioner.
 *
 * Matrix: K = diag(s) + Σ_e g_e·(u_i − u_j)(u_i − u_j)ᵀ, with shunt conductances s_k ≥ 0 (to nodes
 * of known potential) and edges e = (i, j, g_e > 0) between unknowns (u_k = unit vectors). Stored in
 * Laplacian form (s and the edges as CSR rows holding g_e, both directions), and multiplied as
 *     (K x)_k = s_k·x_k + Σ_{e ∋ k} g_e·(x_k − x_other)
 * so that huge wire conductances (1/r for r → 0) do not cancel against each other in floating point.
 * K is SPD when every connected part of the edge graph has a positive shunt somewhere.
 *
 * Preconditioner: M = the tridiagonal part of K: the links λ_k = g of the edge (k−1, k) (0 if none)
 * and shunts σ_k = s_k + Σ of the other edges at k (so M keeps K's diagonal). M = L·D·Lᵀ with pivots
 *     D_k = ε_k + λ_{k+1},   ε_0 = σ_0,   ε_k = σ_k + λ_k·ε_{k−1}/(λ_k + ε_{k−1})
 * (ε_k: the conductance to ground seen from node k through nodes 0..k, a series/parallel reduction,
 * again free of cancellation; it equals the textbook D_k = diag_k − λ_k²/D_{k−1}).
 *     M z = r:  y_0 = r_0,  y_k = r_k + (λ_k/D_{k−1})·y_{k−1};
 *               z_{n−1} = y_{n−1}/D_{n−1},  z_k = (y_k + λ_{k+1}·z_{k+1})/D_k
 * When the unknowns of each wire line are numbered consecutively, M solves every line exactly (a
 * line-Jacobi / block-Jacobi preconditioner).
 *
 * PCG (Hestenes–Stiefel with preconditioner), x_0 = 0, for K x = b:
 *     z = M⁻¹r, p = z;  repeat: q = K p, α = (r·z)/(p·q), x += α p, r −= α q,
 *     stop when ‖r‖₂ ≤ tol·‖b‖₂;  z = M⁻¹r, β = (r·z)_new/(r·z)_old, p = z + β p.
 * After convergence the true residual b − K x is recomputed; if it exceeds tol (recurrence drift)
 * CG restarts from x on the true residual (iterative refinement; at most MAX_RESTARTS times, up to
 * maxIter iterations in all). A true residual at the rounding floor of the product,
 * ‖b − K x‖ ≤ 64·ε·‖ s∘|x| + Σ_e g_e·(|x_i| + |x_j|) ‖, is accepted even above tol: with nearly ideal
 * wires (g_e/G ≳ 1e8) float64 cannot resolve the voltage differences along a line any better.
 * The returned relResidual says what was reached.
 * Cost per iteration: one Laplacian product (2·edges + n multiply-adds), one tridiagonal solve
 * (≈ 4n), 3 dot products.
 */

const MAX_RESTARTS = 4;
/** accept a true residual below ROUNDING_FLOOR·‖|K||x|‖ (what float64 can resolve) even above tol */
const ROUNDING_FLOOR = 64 * Number.EPSILON;

export class SparseSpd {
  readonly n: number;
  /** shunt conductances s_k */
  readonly shunt: Float64Array;
  readonly rowPtr: Int32Array;
  readonly col: Int32Array;
  /** edge conductances g_e (> 0), CSR, both directions */
  readonly g: Float64Array;
  /** tridiagonal factors: link λ_k (edge k−1 — k) and 1/D_k */
  private readonly link: Float64Array;
  private readonly invPivot: Float64Array;
  private readonly r: Float64Array;
  private readonly z: Float64Array;
  private readonly p: Float64Array;
  private readonly q: Float64Array;

  /**
   * From the shunts s (length n) and m edges (ei[e], ej[e], eg[e] > 0), i ≠ j; several edges between
   * the same pair add up.
   */
  constructor(shunt: Float64Array, ei: Int32Array, ej: Int32Array, eg: Float64Array, m = eg.length) {
    const n = shunt.length;
    this.n = n;
    this.shunt = shunt;
    const count = new Int32Array(n + 1);
    for (let e = 0; e < m; e++) { count[ei[e] + 1]++; count[ej[e] + 1]++; }
    for (let k = 0; k < n; k++) count[k + 1] += count[k];
    this.rowPtr = count.slice();
    const fill = count.slice(0, n);
    this.col = new Int32Array(2 * m);
    this.g = new Float64Array(2 * m);
    this.link = new Float64Array(n + 1);
    const sigma = Float64Array.from(shunt);
    for (let e = 0; e < m; e++) {
      const i = ei[e], j = ej[e], v = eg[e];
      if (!(v > 0) || i === j) throw new Error(`SparseSpd: edge ${e} (${i}, ${j}) needs i != j and g > 0, got ${v}`);
      this.col[fill[i]] = j; this.g[fill[i]++] = v;
      this.col[fill[j]] = i; this.g[fill[j]++] = v;
      if (i - j === 1) this.link[i] += v;
      else if (j - i === 1) this.link[j] += v;
      else { sigma[i] += v; sigma[j] += v; }
    }
    this.invPivot = new Float64Array(n);
    let eps = 0;
    for (let k = 0; k < n; k++) {
      const lk = this.link[k];
      eps = k === 0 || lk === 0 ? sigma[k] : sigma[k] + (lk * eps) / (lk + eps);
      const D = eps + this.link[k + 1];
      if (!(D > 0)) throw new Error(`SparseSpd: tridiagonal preconditioner singular at row ${k} (pivot ${D})`);
      this.invPivot[k] = 1 / D;
    }
    this.r = new Float64Array(n);
    this.z = new Float64Array(n);
    this.p = new Float64Array(n);
    this.q = new Float64Array(n);
  }

  /** nonzeros of K (diagonal + off-diagonal) */
  get nnz(): number { return this.n + this.col.length; }

  /** y = K x (Laplacian form) */
  multiply(x: Float64Array, y: Float64Array): void {
    const { n, shunt, rowPtr, col, g } = this;
    for (let k = 0; k < n; k++) {
      const xk = x[k];
      let s = shunt[k] * xk;
      for (let e = rowPtr[k], end = rowPtr[k + 1]; e < end; e++) s += g[e] * (xk - x[col[e]]);
      y[k] = s;
    }
  }

  /** rounding-error scale of K x (see roundingScaleOf), computed into the scratch vector z */
  private roundingScale(x: Float64Array): number {
    return roundingScaleOf(this, x, this.z);
  }

  /** z = M⁻¹ r, M = tridiag(K) */
  precondition(r: Float64Array, z: Float64Array): void {
    const { n, link, invPivot } = this;
    if (n === 0) return;
    z[0] = r[0];
    for (let k = 1; k < n; k++) z[k] = r[k] + link[k] * invPivot[k - 1] * z[k - 1];
    z[n - 1] *= invPivot[n - 1];
    for (let k = n - 2; k >= 0; k--) z[k] = (z[k] + link[k + 1] * z[k + 1]) * invPivot[k];
  }

  /**
   * Solve K x = b by PCG into x (x is overwritten; starts from 0). Returns the iterations used and
   * the final true relative residual ‖b − K x‖₂/‖b‖₂ (0 for b = 0). Throws if maxIter is reached
   * above tol (a bug or a singular system, never a user error).
   */
  solve(b: Float64Array, x: Float64Array, tol = 1e-12, maxIter = 20 * this.n + 100): { iterations: number; relResidual: number } {
    const { n, r, z, p, q } = this;
    x.fill(0);
    const bNorm = Math.sqrt(dot(b, b, n));
    if (bNorm === 0) return { iterations: 0, relResidual: 0 };
    r.set(b);
    let iterations = 0;
    for (let run = 0; ; run++) {
      // one CG run from the current x on residual r
      this.precondition(r, z);
      p.set(z);
      let rz = dot(r, z, n);
      let rNorm = Math.sqrt(dot(r, r, n));
      while (rNorm > tol * bNorm && iterations < maxIter) {
        this.multiply(p, q);
        const alpha = rz / dot(p, q, n);
        for (let k = 0; k < n; k++) { x[k] += alpha * p[k]; r[k] -= alpha * q[k]; }
        iterations++;
        rNorm = Math.sqrt(dot(r, r, n));
        if (rNorm <= tol * bNorm) break;
        this.precondition(r, z);
        const rzNew = dot(r, z, n);
        const beta = rzNew / rz;
        rz = rzNew;
        for (let k = 0; k < n; k++) p[k] = z[k] + beta * p[k];
      }
      // true residual
      this.multiply(x, q);
      for (let k = 0; k < n; k++) r[k] = b[k] - q[k];
      const rel = Math.sqrt(dot(r, r, n)) / bNorm;
      if (rel <= tol || rel * bNorm <= ROUNDING_FLOOR * this.roundingScale(x)) return { iterations, relResidual: rel };
      if (iterations >= maxIter || run >= MAX_RESTARTS) {
        throw new Error(`SparseSpd.solve: no convergence after ${iterations} iterations (relative residual ${rel.toExponential(3)} > ${tol})`);
      }
    }
  }
}

/** ‖ |s|·|x| + Σ_e g_e·(|x_k| + |x_other|) ‖₂: the scale of the rounding error of K x in Laplacian form */
function roundingScaleOf(K: SparseSpd, x: Float64Array, y: Float64Array): number {
  const { n, shunt, rowPtr, col, g } = K;
  for (let k = 0; k < n; k++) {
    const ax = Math.abs(x[k]);
    let s = shunt[k] * ax;
    for (let e = rowPtr[k], end = rowPtr[k + 1]; e < end; e++) s += g[e] * (ax + Math.abs(x[col[e]]));
    y[k] = s;
  }
  return Math.sqrt(dot(y, y, n));
}

function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let k = 0; k < n; k++) s += a[k] * b[k];
  return s;
}
