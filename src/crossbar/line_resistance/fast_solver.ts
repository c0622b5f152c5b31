/**
 * Fast approximate line-resistance MVM for training: a few alternating line (block) Gauss–Seidel
 * sweeps of the tile's nodal equations (tile_circuit.ts), started from the ideal solution, in
 * float32 storage, batched over input vectors, no allocation per call.
 *
 * Unknowns: the word-line deviation d(i,j) = a(i,j) − V_i (≤ 0 for V ≥ 0: the IR drop along the
 * word line) and the bit-line voltage b(i,j). One sweep:
 *   1. every word line i, given b:  (L_W + diag G(i,·)) d(i,·) = G(i,·) ∘ (b(i,·) − V_i)
 *      L_W = chain Laplacian of word line i: diagonal g_in + g_w (j = 0), 2·g_w (0 < j < C−1),
 *      g_w (j = C−1) (g_in alone when C = 1); off-diagonals −g_w. (KCL of tile_circuit.ts with
 *      a = V_i + d: the wire terms of the constant V_i cancel, the source term becomes −g_in·d(i,0).)
 *   2. every bit line j, given a = V + d:  (L_B + diag G(·,j)) b(·,j) = G(·,j) ∘ a(·,j)
 *      L_B: diagonal g_b (i = 0), 2·g_b (0 < i < R−1), g_b + g_out (i = R−1) (g_out alone when
 *      R = 1); off-diagonals −g_b.
 *   Each line system is tridiagonal with constant off-diagonal −g and is solved exactly by the
 *   Thomas algorithm with factors precomputed (float64 arithmetic, float32 storage) per conductance set,
 *   the pivots by series/parallel reduction (no cancellation when g ≫ G; sparse_spd.ts):
 *      ε_0 = σ_0, ε_k = σ_k + g·ε_{k−1}/(g + ε_{k−1}),  D_k = ε_k + g·[k < n−1]  (= diag_k − g²/D_{k−1})
 *      σ_k = G of the cell at node k, plus g_in at the word line's first node / g_out at the bit line's last
 *      w_k = 1/D_k,  c_k = g·w_k
 *      forward  y_0 = rhs_0,  y_k = rhs_k + c_{k−1}·y_{k−1}
 *      back     x_{n−1} = w_{n−1}·y_{n−1},  x_k = w_k·y_k + c_k·x_{k+1}
 *   Collapsed lines ('node', zero wire resistance): d_i = Σ_j G(i,j)(b(i,j) − V_i)/(g_in + Σ_j G(i,j)),
 *   b_j = Σ_i G(i,j)·a(i,j)/(g_out + Σ_i G(i,j)); 'fixed' lines: d = 0, b = 0.
 * Start: d = 0, b = 0 (the ideal solution). Output after s sweeps (s = 0: the ideal MVM):
 *      I_j = Σ_i G(i,j)·(V_i + d(i,j) − b(i,j))
 * This is block Gauss–Seidel on the 2×2 block system [word lines; bit lines]; it converges to the
 * exact solution as s → ∞ (K is SPD), the error shrinking by about ρ = σ_max² per sweep, where σ_max is
 * the largest singular value of the coupling scaled by the line blocks: fast when r·G·n² ≪ 1, slow
 * when the IR drop is a large part of the signal (docs/line_resistance.md has measured errors).
 * Cost per input vector and sweep ≈ 15 flops per cell (ideal MVM: 2).
 *
 * Layout: everything row-major rows × cols (the bit-line pass runs the Thomas recurrences of all
 * bit lines at once, row by row, so every access is contiguous). Arithmetic in JS doubles; the
 * stored node values d, b and the factors are float32.
 */
import { UserError } from '../../util/errors.js';
import { edgeConductances, lineKinds, resolveLineResistance, type LineKind, type LineResistanceSpec } from './tile_circuit.js';

export class FastTileSolver {
  readonly rows: number;
  readonly cols: number;
  readonly spec: LineResistanceSpec;
  readonly wl: LineKind;
  readonly bl: LineKind;
  private readonly G: Float32Array;
  private readonly d: Float32Array;
  private readonly b: Float32Array;
  /** word-line Thomas factors (chain: per cell; node: wlW[i] = 1/(g_in + Σ_j G)) */
  private readonly wlW: Float32Array;
  private readonly wlC: Float32Array;
  private readonly blW: Float32Array;
  private readonly blC: Float32Array;
  private readonly acc: Float64Array;
  private readonly gIn: number;
  private readonly gW: number;
  private readonly gB: number;
  private readonly gOut: number;
  private ready = false;

  /** Validates the resistances (UserError naming `${path}.<field>`); call setConductances before mvm. */
  constructor(rows: number, cols: number, spec: Partial<LineResistanceSpec>, path = 'lineResistance') {
    for (const [k, v] of [['rows', rows], ['cols', cols]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new UserError(`tile.${k} must be an integer >= 1, got ${String(v)}`, `tile.${k}`);
    }
    this.rows = rows; this.cols = cols;
    this.spec = resolveLineResistance(spec, path);
    const k = lineKinds(this.spec);
    this.wl = k.wl; this.bl = k.bl;
    const e = edgeConductances(this.spec);
    this.gIn = e.gIn; this.gW = e.gW; this.gB = e.gB; this.gOut = e.gOut;
    const n = rows * cols;
    this.G = new Float32Array(n);
    this.d = new Float32Array(n);
    this.b = new Float32Array(n);
    this.wlW = new Float32Array(this.wl === 'chain' ? n : rows);
    this.wlC = new Float32Array(this.wl === 'chain' ? n : 0);
    this.blW = new Float32Array(this.bl === 'chain' ? n : cols);
    this.blC = new Float32Array(this.bl === 'chain' ? n : 0);
    this.acc = new Float64Array(Math.max(rows, cols));
  }

  /**
   * Load a conductance set (row-major rows × cols, siemens, finite ≥ 0; UserError naming
   * `${path}[i][j]` otherwise) and precompute the line factorisations. O(rows·cols).
   */
  setConductances(G: ArrayLike<number>, path = 'G'): void {
    const { rows: R, cols: C } = this;
    if (G.length !== R * C) throw new UserError(`${path} must hold rows·cols = ${R * C} conductances, got ${G.length}`, path);
    for (let k = 0; k < R * C; k++) {
      const v = G[k];
      if (!Number.isFinite(v) || v < 0) {
        const i = Math.floor(k / C), j = k % C;
        throw new UserError(`${path}[${i}][${j}] must be a finite conductance >= 0 (siemens), got ${String(v)}`, `${path}[${i}][${j}]`);
      }
      this.G[k] = v;
    }
    const g = this.G;
    if (this.wl === 'chain') {
      const gw = this.gW;
      for (let i = 0; i < R; i++) {
        const o = i * C;
        let eps = 0;
        for (let j = 0; j < C; j++) {
          const shunt = g[o + j] + (j === 0 ? this.gIn : 0);
          eps = j === 0 ? shunt : shunt + (gw * eps) / (gw + eps);
          const w = 1 / (eps + (j < C - 1 ? gw : 0));
          this.wlW[o + j] = w;
          this.wlC[o + j] = gw * w;
        }
      }
    } else if (this.wl === 'node') {
      for (let i = 0; i < R; i++) {
        let s = this.gIn;
        for (let j = 0; j < C; j++) s += g[i * C + j];
        this.wlW[i] = 1 / s;
      }
    }
    if (this.bl === 'chain') {
      const gb = this.gB;
      const eps = this.acc; // per column: conductance to ground seen from row i through rows 0..i
      for (let i = 0; i < R; i++) {
        const o = i * C;
        for (let j = 0; j < C; j++) {
          const shunt = g[o + j] + (i === R - 1 ? this.gOut : 0);
          const e = i === 0 ? shunt : shunt + (gb * eps[j]) / (gb + eps[j]);
          eps[j] = e;
          const w = 1 / (e + (i < R - 1 ? gb : 0));
          this.blW[o + j] = w;
          this.blC[o + j] = gb * w;
        }
      }
    } else if (this.bl === 'node') {
      for (let j = 0; j < C; j++) {
        let s = this.gOut;
        for (let i = 0; i < R; i++) s += g[i * C + j];
        this.blW[j] = 1 / s;
      }
    }
    this.ready = true;
  }

  /**
   * Y[v·cols + j] = I_j for each input vector v < n, X[v·rows + i] = V_i (volts), after `sweeps`
   * block Gauss–Seidel sweeps (0 = ideal MVM). No allocation.
   */
  mvm(X: Float32Array, n: number, Y: Float32Array, sweeps = 3): void {
    this.solve(X, n, Y, sweeps, false);
  }

  /**
   * The IR-drop deviation only: Y[v·cols + j] = I_j − I_j^ideal = Σ_i G(i,j)·(d(i,j) − b(i,j)) after
   * `sweeps` sweeps (exactly 0 when every line is 'fixed' or sweeps = 0). Used by the read path's
   * line-resistance stage, which adds it to the partial sums of the cells as read. No allocation.
   */
  mvmDeviation(X: Float32Array, n: number, Y: Float32Array, sweeps = 3): void {
    this.solve(X, n, Y, sweeps, true);
  }

  private solve(X: Float32Array, n: number, Y: Float32Array, sweeps: number, deviation: boolean): void {
    if (!this.ready) throw new Error('FastTileSolver.mvm: call setConductances first');
    const { rows: R, cols: C } = this;
    for (let v = 0; v < n; v++) {
      const xo = v * R;
      this.d.fill(0);
      this.b.fill(0);
      for (let s = 0; s < sweeps; s++) {
        this.wordLines(X, xo);
        this.bitLines(X, xo);
      }
      this.output(X, xo, Y, v * C, deviation);
    }
  }

  /** step 1: word-line deviations d given b */
  private wordLines(x: Float32Array, xo: number): void {
    const { rows: R, cols: C, G, d, b } = this;
    if (this.wl === 'fixed') return;
    if (this.wl === 'node') {
      const W = this.wlW;
      for (let i = 0; i < R; i++) {
        const o = i * C, vi = x[xo + i];
        let s = 0;
        for (let j = 0; j < C; j++) s += G[o + j] * (b[o + j] - vi);
        d.fill(s * W[i], o, o + C);
      }
      return;
    }
    const W = this.wlW, Cf = this.wlC;
    for (let i = 0; i < R; i++) {
      const o = i * C, vi = x[xo + i];
      let y = G[o] * (b[o] - vi);
      d[o] = y;
      for (let j = 1; j < C; j++) {
        y = G[o + j] * (b[o + j] - vi) + Cf[o + j - 1] * y;
        d[o + j] = y;
      }
      let z = W[o + C - 1] * y;
      d[o + C - 1] = z;
      for (let j = C - 2; j >= 0; j--) {
        z = W[o + j] * d[o + j] + Cf[o + j] * z;
        d[o + j] = z;
      }
    }
  }

  /** step 2: bit-line voltages b given a = V + d (all bit lines at once, row by row) */
  private bitLines(x: Float32Array, xo: number): void {
    const { rows: R, cols: C, G, d, b } = this;
    if (this.bl === 'fixed') return;
    if (this.bl === 'node') {
      const s = this.acc;
      s.fill(0, 0, C);
      for (let i = 0; i < R; i++) {
        const o = i * C, vi = x[xo + i];
        for (let j = 0; j < C; j++) s[j] += G[o + j] * (vi + d[o + j]);
      }
      const W = this.blW;
      for (let i = 0; i < R; i++) {
        const o = i * C;
        for (let j = 0; j < C; j++) b[o + j] = s[j] * W[j];
      }
      return;
    }
    const W = this.blW, Cf = this.blC;
    {
      const vi = x[xo];
      for (let j = 0; j < C; j++) b[j] = G[j] * (vi + d[j]);
    }
    for (let i = 1; i < R; i++) {
      const o = i * C, p = o - C, vi = x[xo + i];
      for (let j = 0; j < C; j++) b[o + j] = G[o + j] * (vi + d[o + j]) + Cf[p + j] * b[p + j];
    }
    const last = (R - 1) * C;
    for (let j = 0; j < C; j++) b[last + j] = W[last + j] * b[last + j];
    for (let i = R - 2; i >= 0; i--) {
      const o = i * C, q = o + C;
      for (let j = 0; j < C; j++) b[o + j] = W[o + j] * b[o + j] + Cf[o + j] * b[q + j];
    }
  }

  /**
   * I_j = Σ_i G(i,j)·(V_i + d(i,j) − b(i,j)) into Y[off + j]; V_i = x[xo + i]
   * (deviation: Σ_i G(i,j)·(d(i,j) − b(i,j)), the same sum without the ideal term)
   */
  private output(x: Float32Array, xo: number, Y: Float32Array, off: number, deviation: boolean): void {
    const { rows: R, cols: C, G, d, b } = this;
    const s = this.acc;
    s.fill(0, 0, C);
    if (deviation) {
      for (let i = 0; i < R; i++) {
        const o = i * C;
        for (let j = 0; j < C; j++) s[j] += G[o + j] * (d[o + j] - b[o + j]);
      }
      for (let j = 0; j < C; j++) Y[off + j] = s[j];
      return;
    }
    for (let i = 0; i < R; i++) {
      const o = i * C, vi = x[xo + i];
      for (let j = 0; j < C; j++) s[j] += G[o + j] * (vi + (d[o + j] - b[o + j]));
    }
    for (let j = 0; j < C; j++) Y[off + j] = s[j];
  }
}
