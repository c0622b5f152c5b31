/**
 * Read stage 'line-resistance': word-line and bit-line wire resistance (IR drop) on each tile,
 * solved by the fast block Gauss–Seidel solver (line_resistance/fast_solver.ts, validated against
 * the exact solver and ngspice; docs/line_resistance.md). On when `crossbar.lineResistance` puts
 * some resistance on the lines (rWordLine, rBitLine (rWire: both), rDriver or rSense > 0).
 *
 * Per tile (tr, tc) and forward, with the tile's physical cells (row k = physical row r0 + k; slot
 * column m = physical slot column c0 + m; cell k of a slot on bit line m·cpw + k, cpw = cells per
 * weight, so a differential pair is two adjacent bit lines):
 *   conductances  G(k, m·cpw + c) = gMin + (gMax − gMin)·u,  u = the cell's programmed conductance
 *                 (stuck cells at their stuck value; with the drift stage on, u after drift),
 *                 cells of an edge tile outside the used rows/columns are absent (open)
 *   inputs        V_k = V_read · x_k / x_fs,  V_read = 0.2 V, x_fs = the DAC full scale (its fixed
 *                 range when given, else max |x| of the tile's inputs in this forward); signed
 *                 inputs drive signed voltages (bipolar drivers)
 *   deviation     δ_c = I_c − I_c^ideal = Σ_k G(k,c)·(d(k,c) − b(k,c)) after `sweeps` sweeps
 *   partial sums  p[m] += wMax · x_fs · currentScale · (δ_{m·cpw} − δ_{m·cpw+1}) / (V_read·(gMax − gMin))
 *                 (offset mapping: δ_m alone; its reference column is periphery and ideal),
 *                 i.e. exactly the conversion of the ideal path w = wMax·(I⁺ − I⁻)/(V·(gMax − gMin)),
 *                 so the output equals the solver's currents converted to the weight domain.
 * The circuit is linear, so V_read cancels (it only fixes the units); with every resistance 0 the
 * stage is off, and with sweeps run on ideal lines δ = 0 exactly (the ideal forward, bit for bit).
 * Read noise (an earlier cell stage) enters the partial sums through W_used but not the IR-drop
 * deviation, which is computed on the noiseless conductances (first order in σ_r·IR drop).
 * Backward: straight-through — the gradient of the product with W_used (ste_backward.ts), the IR
 * drop is not differentiated.
 * Buffers per tile are allocated on first use and reused (grow only with a larger batch).
 *
 * Transfer mode (`transferEvery` = K given): the circuit is linear in the inputs, so for fixed
 * conductances the deviation is a matrix, δ = vᵀ·D with D = M_eff − G (nr x ncc). The stage computes
 * D once per conductance set by the same fast solver on the unit inputs (v = V_read·e_k, k = 1..nr,
 * one batch of nr vectors, `sweeps` sweeps: the same approximation as the per-forward solve, so the
 * same error against the exact solver), and keeps it in the weight domain:
 *     ΔW[k][m] = wMax · currentScale · (D[k][m·cpw] − D[k][m·cpw+1]) / (V_read · (gMax − gMin))
 *     (offset mapping: D[k][m] alone),   then per forward  p += x_tile · ΔW   (one GEMM per tile)
 * which is independent of the DAC full scale x_fs (it cancels). ΔW is recomputed when the tile's
 * conductances (or wMax) differ from those it was computed for: at once in evaluation forwards (so an
 * evaluation is exact up to the solver), and in training forwards only when K training forwards have
 * passed since the last computation (between recomputations training reads a stale ΔW; the error this
 * costs is measured in docs/line_resistance.md).
 */
import { HEALTHY } from '../cell_state.js';
import { lineResistanceOn, resolveLineResistanceConfig, wireResistances } from '../crossbar_spec.js';
import { FastTileSolver } from '../line_resistance/fast_solver.js';
import { gemm } from '../../kernels/gemm.js';
import { allocF32 } from '../../kernels/alloc.js';
import type { ReadStage, ReadStageContext, ReadStageEntry, TileProduct } from './read_stage.js';

/** read voltage at DAC full scale (volts) */
export const V_READ = 0.2;

class LineResistanceStage implements ReadStage {
  readonly name = 'line-resistance';
  private readonly solvers = new Map<number, TileState>();
  private readonly rWordLine: number;
  private readonly rBitLine: number;
  private readonly rDriver: number;
  private readonly rSense: number;
  private readonly sweeps: number;
  private readonly transferEvery: number;
  /** transfer matrices computed so far (tests and the bench read it) */
  transfers = 0;
  private v = new Float32Array(0);
  private dev = new Float32Array(0);

  constructor(private readonly ctx: ReadStageContext) {
    const c = resolveLineResistanceConfig(ctx.crossbar.lineResistance);
    ({ rWordLine: this.rWordLine, rBitLine: this.rBitLine } = wireResistances(c));
    this.rDriver = c.rDriver; this.rSense = c.rSense; this.sweeps = c.sweeps;
    this.transferEvery = c.transferEvery ?? 0;
  }

  partials(p: Float32Array, _len: number, tile: TileProduct): void {
    const ctx = this.ctx, array = ctx.array;
    if (!array) throw new Error('line-resistance stage: the read context has no cell array');
    const { n, nr, nc, x } = tile;
    const cpw = ctx.mapping.cellsPerWeight;
    const ncc = nc * cpw;
    let xfs = ctx.dacRange ?? 0;
    if (!(xfs > 0)) {
      for (let k = 0; k < n * nr; k++) { const a = Math.abs(x[k]); if (a > xfs) xfs = a; }
    }
    if (!(xfs > 0)) return; // all inputs 0: no current, no deviation
    const key = tile.tileRow * ctx.layout.gridCols + tile.tileCol;
    let t = this.solvers.get(key);
    if (!t) {
      t = {
        solver: new FastTileSolver(nr, ncc, { rWordLine: this.rWordLine, rBitLine: this.rBitLine, rDriver: this.rDriver, rSense: this.rSense }, 'crossbar.lineResistance'),
        G: new Float32Array(nr * ncc),
      };
      this.solvers.set(key, t);
    }
    // conductances of the tile's cells as programmed (stuck cells included), after drift if on
    const { gMin, gMax } = ctx.model.spec;
    const dg = gMax - gMin;
    const [r0] = ctx.layout.rowRange(tile.tileRow);
    const [c0] = ctx.layout.colRange(tile.tileCol);
    const cols = ctx.layout.cols;
    const uP = array.uP, uN = array.uN, G = t.G;
    const age = ctx.readAge ?? 0;
    const drift = age > 0 && ctx.model.drift ? ctx.model.drift.bind(ctx.model) : null;
    for (let k = 0; k < nr; k++) {
      const sRow = (r0 + k) * cols + c0, o = k * ncc;
      for (let m = 0; m < nc; m++) {
        const s = sRow + m;
        let a = uP[s];
        if (drift && array.stateP[s] === HEALTHY) a = drift(a, age, s * cpw);
        G[o + m * cpw] = gMin + dg * a;
        if (cpw === 2) {
          let b = uN[s];
          if (drift && array.stateN[s] === HEALTHY) b = drift(b, age, s * cpw + 1);
          G[o + m * cpw + 1] = gMin + dg * b;
        }
      }
    }
    const wMax = ctx.wMax ? ctx.wMax() : 1;
    if (this.transferEvery > 0) {
      this.applyTransfer(t, p, tile, wMax, ncc);
      return;
    }
    t.solver.setConductances(G, 'crossbar.lineResistance: conductances');
    if (this.v.length < n * nr) this.v = new Float32Array(n * nr);
    if (this.dev.length < n * ncc) this.dev = new Float32Array(n * ncc);
    const v = this.v, dev = this.dev;
    const vs = V_READ / xfs;
    for (let k = 0; k < n * nr; k++) v[k] = x[k] * vs;
    t.solver.mvmDeviation(v, n, dev, this.sweeps);
    const scale = (wMax * xfs * ctx.mapping.currentScale) / (V_READ * dg);
    for (let b = 0; b < n; b++) {
      const pb = b * nc, db = b * ncc;
      if (cpw === 2) {
        for (let m = 0; m < nc; m++) p[pb + m] += scale * (dev[db + 2 * m] - dev[db + 2 * m + 1]);
      } else {
        for (let m = 0; m < nc; m++) p[pb + m] += scale * dev[db + m];
      }
    }
  }

  /** transfer mode (header): p += x_tile · ΔW, ΔW recomputed when the conductances changed (throttled in training) */
  private applyTransfer(t: TileState, p: Float32Array, tile: TileProduct, wMax: number, ncc: number): void {
    const { n, nr, nc, x } = tile;
    const G = t.G, len = nr * ncc;
    let stale = !t.dW || t.wMaxRef !== wMax;
    if (!stale) for (let k = 0; k < len; k++) if (G[k] !== t.Gref![k]) { stale = true; break; }
    if (tile.training) t.since = (t.since ?? 0) + 1;
    if (stale && (!t.dW || !tile.training || (t.since ?? 0) >= this.transferEvery)) {
      const ctx = this.ctx, cpw = ctx.mapping.cellsPerWeight;
      const { gMin, gMax } = ctx.model.spec;
      t.solver.setConductances(G, 'crossbar.lineResistance: conductances');
      if (this.v.length < nr * nr) this.v = new Float32Array(nr * nr);
      if (this.dev.length < nr * ncc) this.dev = new Float32Array(nr * ncc);
      const v = this.v, dev = this.dev;
      v.fill(0, 0, nr * nr);
      for (let k = 0; k < nr; k++) v[k * nr + k] = V_READ;
      t.solver.mvmDeviation(v, nr, dev, this.sweeps);
      if (!t.dW) { t.dW = allocF32(nr * nc); t.Gref = new Float32Array(len); }
      const dW = t.dW, scale = (wMax * ctx.mapping.currentScale) / (V_READ * (gMax - gMin));
      for (let k = 0; k < nr; k++) {
        const o = k * ncc, q = k * nc;
        if (cpw === 2) for (let m = 0; m < nc; m++) dW[q + m] = scale * (dev[o + 2 * m] - dev[o + 2 * m + 1]);
        else for (let m = 0; m < nc; m++) dW[q + m] = scale * dev[o + m];
      }
      t.Gref!.set(G.subarray(0, len));
      t.wMaxRef = wMax;
      t.since = 0;
      this.transfers++;
    }
    gemm(false, false, n, nc, nr, x, t.dW!, p, true);
  }
}

/** per-tile solver, conductance buffer and (transfer mode) the cached ΔW with what it was computed for */
interface TileState {
  solver: FastTileSolver;
  G: Float32Array;
  /** transfer mode: ΔW (nr x nc, weight domain), the conductances and wMax it belongs to, training forwards since */
  dW?: Float32Array;
  Gref?: Float32Array;
  wMaxRef?: number;
  since?: number;
}

/** the stage whatever the resistances (tests: all 0 gives δ = 0 exactly) */
export function makeLineResistanceStage(ctx: ReadStageContext): ReadStage {
  return new LineResistanceStage(ctx);
}

export const lineResistance: ReadStageEntry = {
  name: 'line-resistance',
  create(ctx): ReadStage | null {
    if (!lineResistanceOn(ctx.crossbar.lineResistance)) return null;
    return new LineResistanceStage(ctx);
  },
};
