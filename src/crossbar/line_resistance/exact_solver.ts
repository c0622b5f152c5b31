/**
 * Exact solver of one tile's line-resistance network (tile_circuit.ts has the circuit, the KCL
 * equations and the conventions): sparse nodal analysis in float64, solved by PCG (sparse_spd.ts).
 *
 * Unknown numbering (each wire line consecutive, so the tridiagonal preconditioner solves every
 * word line and every bit line exactly: line-block Jacobi):
 *     word lines 'chain': a(i,j) → i·C + j   (n_W = R·C);  'node': a_i → i (n_W = R);  'fixed': none (n_W = 0)
 *     bit lines  'chain': b(i,j) → n_W + j·R + i;          'node': b_j → n_W + j;    'fixed': none
 * Matrix K (conductance Laplacian, SPD): every conductance g between unknowns p and q adds g to K(p,p)
 * and K(q,q) and −g to K(p,q), K(q,p) (an edge of sparse_spd.ts); a conductance from p to a known
 * potential (source V_i, ground, a fixed line) adds g to K(p,p) only (a shunt). Conductances: g_in per word line (source → a(i,0)
 * or a_i), g_w between neighbouring word-line nodes, G(i,j) per cell, g_b between neighbouring
 * bit-line nodes, g_out per bit line (b(R−1,j) or b_j → 0 V).
 *
 * The solve is for the deviation from the ideal solution x₀ (a = V_i, b = 0): x = x₀ + Δ,
 *     K Δ = s − K x₀ = r₀,   r₀ = Σ_edges g·(x₀(q) − x₀(p)) per node p,
 * and only cell edges have x₀(q) ≠ x₀(p), so  r₀(a-node of cell (i,j)) −= G(i,j)·V_i,
 * r₀(b-node of cell (i,j)) += G(i,j)·V_i.  This keeps the right-hand side at the scale of the cell
 * currents (not of g_in·V ~ 1 A for 1-Ω wires), so the relative residual tolerance (default 1e-12)
 * bounds the KCL error relative to the cell currents.
 * Outputs: I_j = Σ_i G(i,j)·(a(i,j) − b(i,j)) (= g_out·b(R−1,j) at the solution; also valid for
 * 'fixed' bit lines). All resistances 0: no unknowns, I = Vᵀ·G exactly.
 *
 * Cost (chain/chain, n = 2RC unknowns, ≈ 4n nonzeros): assembly O(RC) once per conductance set;
 * per input vector k PCG iterations of O(RC) each (docs/line_resistance.md has measured k and times).
 */
import { checkInputs, edgeConductances, idealCurrents, lineKinds, type LineKind, type TileCircuit } from './tile_circuit.js';
import { SparseSpd } from './sparse_spd.js';

export interface ExactSolution {
  /** bit-line output currents I_j (A), length cols */
  currents: Float64Array;
  /** word-line node voltages a(i,j), row-major rows × cols (V) */
  a: Float64Array;
  /** bit-line node voltages b(i,j), row-major rows × cols (V) */
  b: Float64Array;
  iterations: number;
  /** true relative residual ‖r₀ − KΔ‖/‖r₀‖ */
  relResidual: number;
}

export class ExactTileSolver {
  readonly circuit: TileCircuit;
  readonly wl: LineKind;
  readonly bl: LineKind;
  /** number of unknowns */
  readonly n: number;
  private readonly nW: number;
  private readonly K: SparseSpd | null;
  private readonly rhs: Float64Array;
  private readonly delta: Float64Array;
  private readonly tol: number;

  constructor(circuit: TileCircuit, opts: { tol?: number } = {}) {
    this.circuit = circuit;
    this.tol = opts.tol ?? 1e-12;
    const { rows: R, cols: C, G, spec } = circuit;
    const { wl, bl } = lineKinds(spec);
    this.wl = wl; this.bl = bl;
    const nW = wl === 'chain' ? R * C : wl === 'node' ? R : 0;
    const nB = bl === 'chain' ? R * C : bl === 'node' ? C : 0;
    this.nW = nW;
    const n = nW + nB;
    this.n = n;
    this.rhs = new Float64Array(n);
    this.delta = new Float64Array(n);
    if (n === 0) { this.K = null; return; }
    const { gIn, gW, gB, gOut } = edgeConductances(spec);
    const shunt = new Float64Array(n);
    const maxEdges = R * C * 3;
    const ei = new Int32Array(maxEdges), ej = new Int32Array(maxEdges), eg = new Float64Array(maxEdges);
    let m = 0;
    const couple = (p: number, q: number, g: number) => {
      if (p >= 0 && q >= 0) { ei[m] = p; ej[m] = q; eg[m] = g; m++; }
      else if (p >= 0) shunt[p] += g;
      else if (q >= 0) shunt[q] += g;
    };
    // word lines: source → first node, wire segments
    for (let i = 0; i < R; i++) {
      if (wl === 'chain') {
        couple(i * C, -1, gIn);
        for (let j = 0; j + 1 < C; j++) couple(i * C + j, i * C + j + 1, gW);
      } else if (wl === 'node') couple(i, -1, gIn);
    }
    // bit lines: wire segments, last node → sense amp
    for (let j = 0; j < C; j++) {
      if (bl === 'chain') {
        for (let i = 0; i + 1 < R; i++) couple(nW + j * R + i, nW + j * R + i + 1, gB);
        couple(nW + j * R + R - 1, -1, gOut);
      } else if (bl === 'node') couple(nW + j, -1, gOut);
    }
    // cells
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const g = G[i * C + j];
        if (g !== 0) couple(this.aIndex(i, j), this.bIndex(i, j), g);
      }
    }
    this.K = new SparseSpd(shunt, ei, ej, eg, m);
  }

  /** unknown index of word-line node a(i,j), −1 if fixed at V_i */
  aIndex(i: number, j: number): number {
    return this.wl === 'chain' ? i * this.circuit.cols + j : this.wl === 'node' ? i : -1;
  }

  /** unknown index of bit-line node b(i,j), −1 if fixed at 0 V */
  bIndex(i: number, j: number): number {
    return this.bl === 'chain' ? this.nW + j * this.circuit.rows + i : this.bl === 'node' ? this.nW + j : -1;
  }

  /** number of nonzeros of K */
  get nnz(): number { return this.K?.nnz ?? 0; }

  /** Solve for input voltages V (length rows, finite; UserError naming `path[i]` otherwise). */
  solve(V: ArrayLike<number>, path = 'V'): ExactSolution {
    const { rows: R, cols: C, G } = this.circuit;
    checkInputs(V, R, path);
    const a = new Float64Array(R * C), b = new Float64Array(R * C);
    const currents = new Float64Array(C);
    if (!this.K) {
      for (let i = 0; i < R; i++) a.fill(V[i], i * C, (i + 1) * C);
      idealCurrents(this.circuit, V, currents);
      return { currents, a, b, iterations: 0, relResidual: 0 };
    }
    const rhs = this.rhs;
    rhs.fill(0);
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const iv = G[i * C + j] * V[i];
        const p = this.aIndex(i, j), q = this.bIndex(i, j);
        if (p >= 0) rhs[p] -= iv;
        if (q >= 0) rhs[q] += iv;
      }
    }
    const { iterations, relResidual } = this.K.solve(rhs, this.delta, this.tol);
    const d = this.delta;
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const p = this.aIndex(i, j), q = this.bIndex(i, j);
        a[i * C + j] = p >= 0 ? V[i] + d[p] : V[i];
        b[i * C + j] = q >= 0 ? d[q] : 0;
      }
    }
    // I_j = Σ_i G(i,j)·(V_i − (V_i − a(i,j)) − b(i,j)), summed from the deviations for accuracy
    for (let i = 0; i < R; i++) {
      for (let j = 0; j < C; j++) {
        const p = this.aIndex(i, j), q = this.bIndex(i, j);
        const da = p >= 0 ? d[p] : 0, bv = q >= 0 ? d[q] : 0;
        currents[j] += G[i * C + j] * (V[i] + (da - bv));
      }
    }
    return { currents, a, b, iterations, relResidual };
  }
}
