/**
 * The read path of a crossbar op: the ordered read stages (read_stages/*.ts, one line each in
 * READ_STAGES below) and the forward product they shape:
 *
 *   cell stages (read noise, drift), in order, per cell per forward:
 *       W_used[i, j] = wMax · mapping.weight(r(uP), r(uN)),   r = the composed stages,
 *       (uP, uN) the cells of slot (permR[i], permC[j]); no cell stage: W_used = W_eff
 *   output noise ('per-output' read noise, read_stages/read_noise_output.ts): not a cell stage;
 *       S = the cells' per-weight read variance, after the product Y += √((X∘X)·S) ∘ ζ (native,
 *       untiled, identity routing: S computed while the GEMM packs it, gemmVariance; for products
 *       of ≤ 16 columns, e.g. LeNet-5's convolutions, X squared where the GEMM reads it too)
 *       (per tile onto the partial sums, before the tile stages, when tiled)
 *   product: Y = X · W_used, one GEMM; with an input stage (DAC) or a tile stage (line
 *   resistance, ADC) tile by tile instead: the inputs (a copy of X) through the input stages,
 *   then per tile (tr, tc) the partial sums P = X[:, rows of tr] · W_used[rows of tr, cols of tc]
 *   through the tile stages in order, added into Y (the periphery sums the tiles of a column).
 *
 * No allocation per step: the read copy and tile buffers are reused (the tile buffers grow only
 * when a larger batch than any before arrives).
 */
import { allocF32 } from '../kernels/alloc.js';
import { nativeFor } from '../kernels/elementwise_dispatch.js';
import { gemm } from '../kernels/gemm.js';
import type { CrossbarArray } from './crossbar_array.js';
import { adc } from './read_stages/adc.js';
import { dac } from './read_stages/dac.js';
import { drift } from './read_stages/drift.js';
import { lineResistance } from './read_stages/line_resistance.js';
import type { ReadStage, ReadStageContext, ReadStageEntry } from './read_stages/read_stage.js';
import { readNoise } from './read_stages/read_noise.js';
import { OutputReadNoise } from './read_stages/read_noise_output.js';
import type { Routing } from './routing.js';

/** the stages in read order */
export const READ_STAGES: readonly ReadStageEntry[] = [
  readNoise,
  drift,
  lineResistance,
  dac,
  adc,
];

/** what a caller forming V = (X∘X)·S itself needs (ReadPath.fusedNoise): S's cells and coefficients [aP, bP, aN, bN], V's buffer */
export interface FusedNoiseInputs {
  uP: Float32Array;
  uN: Float32Array;
  coef: Float64Array;
  V: Float32Array;
}

export class ReadPath {
  /** names of the stages switched on, in order */
  readonly active: string[];
  private cellStages: ReadStage[];
  private readonly inputStages: ReadStage[];
  private readonly tileStages: ReadStage[];
  private readonly tiled: boolean;
  /** 'per-output' read noise, its per-weight variance S and the forward counter */
  private outNoise: OutputReadNoise | null;
  private readonly sVar: Float32Array | null;
  private forwards = 0;
  /** set by the op before each product: a training forward (stages may trade exactness for speed) */
  training = false;
  private x2: Float32Array = new Float32Array(0);
  private vOut: Float32Array = new Float32Array(0);
  private st: Float32Array = new Float32Array(0);
  /** the per-forward read copy of the weights (only with a cell stage) */
  private readonly wRead: Float32Array | null;
  private bufN = 0;
  private xq: Float32Array = new Float32Array(0);
  private xt: Float32Array = new Float32Array(0);
  private wt: Float32Array = new Float32Array(0);
  private pt: Float32Array = new Float32Array(0);
  /** the cells whose read variance the native variance GEMM computes in this forward, or null */
  private fusedCells: CrossbarArray | null = null;
  private readonly coef = new Float64Array(4);
  private readonly fusedInputs: FusedNoiseInputs = { uP: new Float32Array(0), uN: new Float32Array(0), coef: this.coef, V: new Float32Array(0) };

  constructor(private readonly ctx: ReadStageContext, private readonly rows: number, private readonly cols: number) {
    const all = READ_STAGES.map((e) => e.create(ctx)).filter((s): s is ReadStage => s !== null);
    this.active = all.map((s) => s.name);
    const out = all.find((s) => s instanceof OutputReadNoise);
    this.outNoise = out instanceof OutputReadNoise ? out : null;
    this.sVar = this.outNoise ? allocF32(rows * cols) : null;
    const stages = all.filter((s) => !(s instanceof OutputReadNoise));
    this.cellStages = stages.filter((s) => s.readCell);
    this.inputStages = stages.filter((s) => s.inputs);
    this.tileStages = stages.filter((s) => s.partials);
    this.tiled = this.inputStages.length > 0 || this.tileStages.length > 0;
    this.wRead = this.cellStages.length > 0 ? allocF32(rows * cols) : null;
  }

  /** the array these reads belong to (its streams are named after it) */
  get layer(): string {
    return this.ctx.layer;
  }

  /**
   * Re-key the read noise: the read-noise stage is built again as for the array `layer` (its stream
   * becomes 'read/<layer>'), in its place among the stages, and the forward counter restarts at 0,
   * so the following reads are a pure function of that stream (repeated evaluation draws repeat k
   * from 'read/<array>/repeat<k>'). No read noise: nothing changes. Other stages keep their state.
   */
  rekeyReadNoise(layer: string): void {
    const fresh = readNoise.create({ ...this.ctx, layer });
    if (fresh === null) return;
    if (fresh instanceof OutputReadNoise) this.outNoise = fresh;
    else this.cellStages = this.cellStages.map((s) => (s.name === fresh.name ? fresh : s));
    this.forwards = 0;
  }

  /**
   * true when the per-output noise of a forward will be fused (native, untiled, identity routing,
   * affine noise and mapping): S computed inside the variance GEMM; sets the coefficients. `weights`
   * decides with it; a caller that forms the product and the variance (X∘X)·S itself (Conv2d's
   * chunked convolution with the addon's convForward) asks it before `weights` (no side effect beyond
   * the coefficients `weights` sets anyway), then completes the forward with `fusedNoise` /
   * `addFusedNoise`.
   */
  noiseFusable(routing: Routing, wMax: number): boolean {
    return this.outNoise !== null && !this.tiled && routing.identity && nativeFor() !== null &&
      this.outNoise.affineCoefficients(wMax, this.coef);
  }

  /** after `weights` (fused): the cells, the coefficients of S and the variance buffer for m outputs (one reused object) */
  fusedNoise(m: number): FusedNoiseInputs {
    const cells = this.fusedCells;
    if (cells === null) throw new Error('fusedNoise: this forward does not fuse its read noise');
    this.ensureNoiseBuffers(0, m);
    const f = this.fusedInputs;
    f.uP = cells.uP; f.uN = cells.uN; f.V = this.vOut;
    return f;
  }

  /** Y (m outputs) += √V·ζ with the V the caller put into `fusedNoise(m).V`, as `product` does */
  addFusedNoise(Y: Float32Array, m: number): void {
    this.outNoise!.outputs(Y, this.vOut, m, this.forwards, 0);
  }

  /** the weights this forward computes with: a fresh read of every cell, or W_eff itself */
  weights(array: CrossbarArray, routing: Routing, wEff: Float32Array, wMax: number): Float32Array {
    if (this.outNoise !== null) {
      this.forwards++;
      // native, untiled, identity routing, affine: S is computed inside the variance GEMM (product)
      this.fusedCells = this.noiseFusable(routing, wMax) ? array : null;
      if (this.fusedCells === null) this.outNoise.variance(array, routing, wMax, this.rows, this.cols, this.sVar!);
    }
    const out = this.wRead;
    if (out === null) return wEff;
    const { rows, cols } = this;
    const { permR, permC } = routing;
    const mapping = this.ctx.mapping, two = mapping.cellsPerWeight === 2;
    const uP = array.uP, uN = array.uN;
    const st = this.cellStages;
    if (st.length === 1) {
      const stage = st[0];
      for (let i = 0; i < rows; i++) {
        const pr = permR[i] * cols, base = i * cols;
        for (let j = 0; j < cols; j++) {
          const s = pr + permC[j];
          const rp = stage.readCell!(uP[s], s, 0);
          const rn = two ? stage.readCell!(uN[s], s, 1) : uN[s];
          out[base + j] = wMax * mapping.weight(rp, rn);
        }
      }
      return out;
    }
    for (let i = 0; i < rows; i++) {
      const pr = permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + permC[j];
        let rp = uP[s], rn = uN[s];
        for (let k = 0; k < st.length; k++) {
          rp = st[k].readCell!(rp, s, 0);
          if (two) rn = st[k].readCell!(rn, s, 1);
        }
        out[base + j] = wMax * mapping.weight(rp, rn);
      }
    }
    return out;
  }

  /** true when `product` is one GEMM Y = X · W_used (no input or tile stage, no output noise) */
  plainProduct(): boolean {
    return !this.tiled && this.outNoise === null;
  }

  /** Y (n x cols) = X · W through the input and tile stages */
  product(X: Float32Array, n: number, Y: Float32Array, W: Float32Array, routing: Routing): void {
    const on = this.outNoise;
    if (!this.tiled) {
      gemm(false, false, n, this.cols, this.rows, X, W, Y, false);
      if (on !== null) {
        const len = n * this.rows, m = n * this.cols;
        this.ensureNoiseBuffers(len, m);
        const x2 = this.x2;
        const nk = nativeFor();
        const cells = this.fusedCells;
        if (cells !== null && nk !== null && this.cols <= 16) {
          // narrow products (LeNet-5's convolutions): the addon squares X where the GEMM reads it
          // (same bits), instead of a pass writing X∘X (the im2col patches: megabytes per step)
          const c = this.coef;
          nk.gemmVariance(n, this.cols, this.rows, X, cells.uP, cells.uN, c[0], c[1], c[2], c[3], this.vOut, 1);
        } else if (cells !== null && nk !== null) {
          nk.squares(X, x2, len);
          const c = this.coef;
          nk.gemmVariance(n, this.cols, this.rows, x2, cells.uP, cells.uN, c[0], c[1], c[2], c[3], this.vOut);
        } else {
          if (nk !== null) nk.squares(X, x2, len);
          else for (let k = 0; k < len; k++) x2[k] = X[k] * X[k];
          gemm(false, false, n, this.cols, this.rows, x2, this.sVar!, this.vOut, false);
        }
        on.outputs(Y, this.vOut, m, this.forwards, 0);
      }
      return;
    }
    this.ensureBuffers(n);
    if (on !== null) this.ensureNoiseBuffers(n * this.ctx.layout.tileRows, n * this.ctx.layout.weightsPerTileRow);
    // per-tile draw offset: whole tiles of n x (max tile columns), rounded up to even
    const tileDraws = n * this.ctx.layout.weightsPerTileRow + ((n * this.ctx.layout.weightsPerTileRow) & 1);
    const { rows, cols } = this;
    const layout = this.ctx.layout;
    const { rowList, colList } = routing;
    let xs = X;
    if (this.inputStages.length > 0) {
      const len = n * rows;
      this.xq.set(X.subarray(0, len));
      for (const s of this.inputStages) s.inputs!(this.xq, len);
      xs = this.xq;
    }
    Y.fill(0, 0, n * cols);
    const xt = this.xt, wt = this.wt, pt = this.pt;
    for (let tr = 0; tr < layout.gridRows; tr++) {
      const [r0, r1] = layout.rowRange(tr);
      const nr = r1 - r0;
      for (let b = 0; b < n; b++) {
        const xb = b * rows, ob = b * nr;
        for (let k = 0; k < nr; k++) xt[ob + k] = xs[xb + rowList[r0 + k]];
      }
      for (let tc = 0; tc < layout.gridCols; tc++) {
        const [c0, c1] = layout.colRange(tc);
        const nc = c1 - c0;
        for (let k = 0; k < nr; k++) {
          const wr = rowList[r0 + k] * cols, o = k * nc;
          for (let m = 0; m < nc; m++) wt[o + m] = W[wr + colList[c0 + m]];
        }
        gemm(false, false, n, nc, nr, xt, wt, pt, false);
        if (on !== null) {
          const S = this.sVar!, st = this.st, x2 = this.x2, vt = this.vOut;
          for (let k = 0; k < nr; k++) {
            const wr = rowList[r0 + k] * cols, o = k * nc;
            for (let m = 0; m < nc; m++) st[o + m] = S[wr + colList[c0 + m]];
          }
          for (let k = 0; k < n * nr; k++) x2[k] = xt[k] * xt[k];
          gemm(false, false, n, nc, nr, x2, st, vt, false);
          on.outputs(pt, vt, n * nc, this.forwards, (tr * layout.gridCols + tc) * tileDraws);
        }
        for (const s of this.tileStages) s.partials!(pt, n * nc, { tileRow: tr, tileCol: tc, x: xt, w: wt, n, nr, nc, training: this.training });
        for (let b = 0; b < n; b++) {
          const yb = b * cols, pb = b * nc;
          for (let m = 0; m < nc; m++) Y[yb + colList[c0 + m]] += pt[pb + m];
        }
      }
    }
  }

  private ensureNoiseBuffers(xLen: number, yLen: number): void {
    if (this.x2.length < xLen) this.x2 = allocF32(xLen);
    if (this.vOut.length < yLen) this.vOut = allocF32(yLen);
    const sLen = this.ctx.layout.tileRows * this.ctx.layout.weightsPerTileRow;
    if (this.tiled && this.st.length < sLen) this.st = allocF32(sLen);
  }

  private ensureBuffers(n: number): void {
    if (n <= this.bufN) return;
    const layout = this.ctx.layout;
    this.bufN = n;
    this.xq = allocF32(n * this.rows);
    this.xt = allocF32(n * layout.tileRows);
    this.wt = allocF32(layout.tileRows * layout.weightsPerTileRow);
    this.pt = allocF32(n * layout.weightsPerTileRow);
  }
}
