/**
 * CrossbarMatrixOp: a weight layer's product Y = X · W computed on RRAM crossbars.
 *
 * The wrapped Param `weight` holds the *target* (software) weights, row-major rows x cols
 * (rows = fan-in = word lines, cols = outputs = bit lines). The cells represent
 *
 *     W_eff[i, j] = wMax · mapping.weight(u of the cells at slot (permR[i], permC[j]))
 *
 * (after clipping to [−wMax, wMax], quantisation to the device levels, stuck cells, programming
 * variation; see crossbar_array.ts, mapping.ts). Forward:
 *
 *     Y = X · W_used,  W_used = W_eff, or per forward with read noise (σr > 0) the cells read as
 *     G·(1 + σr·z) (z ~ N(0,1) per cell per forward, stream 'read/<layer>'; the offset reference
 *     column is noise-free). With a DAC/ADC (crossbar.dacBits/adcBits > 0) the product is formed
 *     tile by tile, DAC(X) · W_used restricted to each tile, each tile's partial sum through the ADC,
 *     then summed (converters.ts).
 *
 * Backward (straight-through estimator for clipping, quantisation and the converters):
 *     dX = dY · W_usedᵀ,    dW += Xᵀ · dY   for weights with at least one programmable cell;
 *     weights whose cells are all stuck receive no gradient, and `weight.updateMask` (owned by
 *     this op) is 0 there so the optimiser never moves them.
 *
 * `sync()` (called by every forward) reprograms only cells whose quantised target changed and
 * counts writes per cell. Read noise is applied in every forward (training and evaluation: reads
 * are noisy on the chip either way).
 *
 * Programming dead band (crossbar.writeThreshold = h > 0 level steps, needs device.levels L ≥ 2):
 * the cells are programmed from a copy P of the weights (the value last sent to the cells)
 * instead of W itself, and a weight's entry is refreshed only once the software weight has moved
 * far enough from it:
 *
 *     Δw = wMax / (L − 1)  (differential: one level of one cell; offset: 2·wMax / (L − 1))
 *     every forward (training or evaluation) and sync(true):
 *         P_k ← W_k  if |W_k − P_k| ≥ h·Δw,  else P_k kept;  program cells from P
 *     sync() (deployment, first programming, a LoRA merge): P ← W exactly.
 *
 * So the network is evaluated as the device holds it (P), like the device weights of mixed-precision
 * training, whose digital remainder W − P is never programmed.
 *
 * This is the device-update rule of mixed-precision in-memory training (Nandakumar et al.,
 * Frontiers in Neuroscience 2020): the update is accumulated digitally and the device is
 * programmed only when the accumulated change reaches the device granularity. It suppresses the
 * writes of weights that wander back and forth within h levels, but the forward then runs on
 * cells up to h levels stale, which can make weights overshoot and swing (whether write events
 * drop is measured, not assumed: README). The gradient still updates W (straight-through).
 *
 * No allocation per step: W_eff, the noisy copy and the tile buffers are reused (tile buffers grow
 * only when a larger batch than any before arrives).
 */
import { allocF32, allocI32 } from '../kernels/alloc.js';
import { gemm } from '../kernels/gemm.js';
import type { CrossbarSpec, DefectSpec, DeviceSpec } from '../methods/point.js';
import type { MatrixOp } from '../nn/matrix_op.js';
import type { Param } from '../nn/param.js';
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import { NormalSource } from './gaussian.js';
import { maxAbs, quantiseSymmetric } from './converters.js';
import { CrossbarArray } from './crossbar_array.js';
import { resolveCrossbar } from './crossbar_spec.js';
import { generateTileMap, validateDefects } from './defect_generator.js';
import { tileMapToJSON, type TileDefectMap, type TileDefectMapJSON } from './defect_map.js';
import { resolveDevice, uOffset } from './device.js';
import { makeMapping, type WeightMapping } from './mapping.js';
import { TileLayout } from './tiling.js';
import { countClipped, resolveWMax } from './weight_range.js';

export interface CrossbarOpOptions {
  /** name used in the random stream names (default: weight.name) */
  layer?: string;
  seed: number;
  device?: Partial<DeviceSpec>;
  crossbar?: Partial<CrossbarSpec>;
  /** defect spec (default: no defects) */
  defects?: DefectSpec;
  /** ready-made tile maps (row-major over the tile grid), overriding `defects` */
  tileMaps?: TileDefectMap[];
  /** DAC input range (default: max |x| per forward) */
  dacRange?: number;
  /** ADC range in the weight domain (default: max |partial sum| per tile per forward) */
  adcRange?: number;
}

export const NO_DEFECTS: DefectSpec = Object.freeze({ rate: 0, lrsShare: 0.5, distribution: 'uniform' }) as DefectSpec;

function checkPerm(perm: Int32Array, n: number, what: string): void {
  if (perm.length !== n) throw new RangeError(`${what} permutation has length ${perm.length}, expected ${n}`);
  const seen = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const p = perm[i];
    if (!(p >= 0 && p < n) || seen[p]) throw new RangeError(`${what} permutation is not a permutation of 0..${n - 1}`);
    seen[p] = 1;
  }
}

export class CrossbarMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly layer: string;
  readonly device: DeviceSpec;
  readonly spec: CrossbarSpec;
  readonly mapping: WeightMapping;
  readonly layout: TileLayout;
  readonly array: CrossbarArray;
  private _wMax: number;
  private readonly permR: Int32Array;
  private readonly permC: Int32Array;
  /** what the cells represent (clean), logical layout */
  private readonly wEff: Float32Array;
  /** read-noisy copy (only when readSigma > 0) */
  private readonly wNoisy: Float32Array | null;
  private used: Float32Array;
  private readonly mask: Float32Array;
  private stuckIdx: Int32Array = new Int32Array(0);
  private stuckSave: Float32Array = new Float32Array(0);
  /** logical indices whose slot has at least one stuck cell (programmed slot by slot) */
  // in wasm memory from the start (allocI32), so routingChanged reallocates only on a length change
  private special: Int32Array = allocI32(0);
  private specialSlot: Int32Array = allocI32(0);
  private needFull = true;
  /** weights last sent to the cells (dead band on), in wasm memory; null when writeThreshold = 0 */
  private readonly wProg: Float32Array | null;
  /** both permutations are the identity (lets sync skip the gather) */
  private identity = true;
  /** the column permutation is the identity (rows may be permuted: ITT-RNA's 'rows' mapping) */
  private colIdentity = true;
  private clipped = 0;
  private readonly readRng: NormalSource | null;
  private readonly off: number;
  private readonly dacRange?: number;
  private readonly adcRange?: number;
  // tiled (DAC/ADC) path: logical rows/cols grouped by physical tile row/column
  private readonly rowList: Int32Array;
  private readonly colList: Int32Array;
  private bufN = 0;
  private xq: Float32Array = new Float32Array(0);
  private xt: Float32Array = new Float32Array(0);
  private wt: Float32Array = new Float32Array(0);
  private pt: Float32Array = new Float32Array(0);

  constructor(readonly weight: Param, opts: CrossbarOpOptions) {
    this.rows = weight.rows;
    this.cols = weight.cols;
    this.layer = opts.layer ?? weight.name;
    this.device = resolveDevice(opts.device);
    this.spec = resolveCrossbar(opts.crossbar);
    this.mapping = makeMapping(this.spec.mapping);
    this.layout = new TileLayout(this.rows, this.cols, this.spec.tileRows, this.spec.tileCols, this.mapping.cellsPerWeight);
    const L = this.layout;
    let maps = opts.tileMaps;
    if (maps) {
      if (maps.length !== L.tileCount || maps.some((m) => m.rows !== L.tileRows || m.cols !== L.tileCols)) {
        throw new RangeError(`tileMaps: expected ${L.tileCount} maps of ${L.tileRows}x${L.tileCols}`);
      }
    } else {
      const d = validateDefects(opts.defects ?? NO_DEFECTS);
      maps = [];
      for (let tr = 0; tr < L.gridRows; tr++) {
        for (let tc = 0; tc < L.gridCols; tc++) {
          maps.push(generateTileMap(d, opts.seed, this.layer, tr, tc, L.tileRows, L.tileCols, tr * L.gridCols + tc));
        }
      }
    }
    this.array = new CrossbarArray(this.layer, opts.seed, this.device, this.mapping, L, maps);
    this._wMax = resolveWMax(weight.value, this.spec.range);
    // in wasm memory (allocI32) so the row-permuted wasm programming loop can read it in place
    this.permR = allocI32(this.rows);
    for (let i = 0; i < this.rows; i++) this.permR[i] = i;
    this.permC = Int32Array.from({ length: this.cols }, (_, i) => i);
    this.wEff = allocF32(this.rows * this.cols);
    const th = this.spec.writeThreshold ?? 0;
    if (th > 0 && this.device.levels < 2) {
      throw new UserError(`crossbar.writeThreshold (${th}) needs quantised cells: device.levels must be >= 2 (got ${this.device.levels})`, 'crossbar.writeThreshold');
    }
    this.wProg = th > 0 ? allocF32(this.rows * this.cols) : null;
    this.wNoisy = this.device.readSigma > 0 ? allocF32(this.rows * this.cols) : null;
    this.used = this.wEff;
    this.readRng = this.device.readSigma > 0 ? new NormalSource(stream(opts.seed, `read/${this.layer}`)) : null;
    this.off = uOffset(this.device);
    this.dacRange = opts.dacRange;
    this.adcRange = opts.adcRange;
    this.rowList = new Int32Array(this.rows);
    this.colList = new Int32Array(this.cols);
    this.mask = new Float32Array(this.rows * this.cols);
    weight.updateMask = this.mask;
    this.routingChanged();
    this.sync();
  }

  get wMax(): number {
    return this._wMax;
  }

  /** Recompute wMax from the current weights (crossbar.range) and reprogram. */
  recalibrateRange(): void {
    this._wMax = resolveWMax(this.weight.value, this.spec.range);
    this.needFull = true;
  }

  /** after a permutation change: stuck list, update mask, tile row/col lists */
  private routingChanged(): void {
    const { rows, cols, array } = this;
    const stuck: number[] = [];
    // a permutation moves slots around but not their number: the special lists (read in place by
    // the wasm loop, so in wasm memory when possible) are allocated once and refilled
    let nSpecial = 0;
    for (let s = 0; s < rows * cols; s++) if (array.slotKind[s] !== 0) nSpecial++;
    if (this.special.length !== nSpecial) {
      this.special = allocI32(nSpecial);
      this.specialSlot = allocI32(nSpecial);
    }
    let k = 0;
    for (let i = 0; i < rows; i++) {
      const pr = this.permR[i] * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + this.permC[j];
        const fs = array.fullyStuck(s);
        this.mask[i * cols + j] = fs ? 0 : 1;
        if (fs) stuck.push(i * cols + j);
        if (array.slotKind[s] !== 0) { this.special[k] = i * cols + j; this.specialSlot[k] = s; k++; }
      }
    }
    this.stuckIdx = Int32Array.from(stuck);
    this.stuckSave = new Float32Array(stuck.length);
    // logical rows ordered by physical row (so tile row tr is a contiguous run), same for cols
    const invR = new Int32Array(rows), invC = new Int32Array(cols);
    for (let i = 0; i < rows; i++) invR[this.permR[i]] = i;
    for (let j = 0; j < cols; j++) invC[this.permC[j]] = j;
    let idC = true, idR = true;
    for (let j = 0; j < cols && idC; j++) idC = this.permC[j] === j;
    for (let i = 0; i < rows && idR; i++) idR = this.permR[i] === i;
    this.colIdentity = idC;
    this.identity = idC && idR;
    this.rowList.set(invR);
    this.colList.set(invC);
    this.needFull = true;
  }

  /**
   * Program the cells with the current target weights: each weight is clipped to [−wMax, wMax]
   * (t = w / wMax), cells whose quantised target changed are written. Updates W_eff.
   */
  sync(deadBand = false): void {
    const full = this.needFull;
    this.needFull = false;
    let src = this.weight.value;
    const P = this.wProg;
    if (P) {
      const w = this.weight.value, n = this.rows * this.cols;
      if (deadBand && !full) {
        const step = (this.mapping.cellsPerWeight === 2 ? 1 : 2) * this._wMax / (this.device.levels - 1);
        const h = (this.spec.writeThreshold ?? 0) * step;
        for (let k = 0; k < n; k++) {
          const d = w[k] - P[k];
          if (d >= h || d <= -h) P[k] = w[k];
        }
      } else {
        P.set(w.subarray(0, n));
      }
      src = P;
    }
    this.clipped = this.array.programAll(src, this._wMax, this.permR, this.permC, this.identity,
      this.colIdentity, this.special, this.specialSlot, this.wEff, full);
  }

  /** fill wNoisy with one read-noise draw of every cell: u_read = u + σr·z·(u + gMin/Δ) */
  private drawReadNoise(): Float32Array {
    const out = this.wNoisy as Float32Array, rng = this.readRng as NormalSource;
    const { rows, cols, array, permR, permC } = this;
    const sig = this.device.readSigma, off = this.off, wMax = this._wMax;
    const two = this.mapping.cellsPerWeight === 2;
    for (let i = 0; i < rows; i++) {
      const pr = permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const s = pr + permC[j];
        const uP = array.uP[s], uN = array.uN[s];
        const rp = uP + sig * rng.next() * (uP + off);
        const rn = two ? uN + sig * rng.next() * (uN + off) : uN;
        out[base + j] = wMax * this.mapping.weight(rp, rn);
      }
    }
    return out;
  }

  forward(X: Float32Array, n: number, Y: Float32Array, _training: boolean): void {
    this.sync(true);
    const W = this.wNoisy ? this.drawReadNoise() : this.wEff;
    this.used = W;
    if (this.spec.dacBits > 0 || this.spec.adcBits > 0) this.tiledForward(X, n, Y, W);
    else gemm(false, false, n, this.cols, this.rows, X, W, Y, false);
  }

  private ensureBuffers(n: number): void {
    if (n <= this.bufN) return;
    const L = this.layout;
    this.bufN = n;
    this.xq = allocF32(n * this.rows);
    this.xt = allocF32(n * L.tileRows);
    this.wt = allocF32(L.tileRows * L.weightsPerTileRow);
    this.pt = allocF32(n * L.weightsPerTileRow);
  }

  /** per-tile product with DAC on the inputs and ADC on each tile's partial sums */
  private tiledForward(X: Float32Array, n: number, Y: Float32Array, W: Float32Array): void {
    this.ensureBuffers(n);
    const { rows, cols, layout: L, rowList, colList } = this;
    let xs = X;
    if (this.spec.dacBits > 0) {
      const len = n * rows;
      this.xq.set(X.subarray(0, len));
      quantiseSymmetric(this.xq, len, this.spec.dacBits, this.dacRange ?? maxAbs(this.xq, len));
      xs = this.xq;
    }
    Y.fill(0, 0, n * cols);
    const xt = this.xt, wt = this.wt, pt = this.pt;
    for (let tr = 0; tr < L.gridRows; tr++) {
      const [r0, r1] = L.rowRange(tr);
      const nr = r1 - r0;
      for (let b = 0; b < n; b++) {
        const xb = b * rows, ob = b * nr;
        for (let k = 0; k < nr; k++) xt[ob + k] = xs[xb + rowList[r0 + k]];
      }
      for (let tc = 0; tc < L.gridCols; tc++) {
        const [c0, c1] = L.colRange(tc);
        const nc = c1 - c0;
        for (let k = 0; k < nr; k++) {
          const wr = rowList[r0 + k] * cols, o = k * nc;
          for (let m = 0; m < nc; m++) wt[o + m] = W[wr + colList[c0 + m]];
        }
        gemm(false, false, n, nc, nr, xt, wt, pt, false);
        if (this.spec.adcBits > 0) {
          quantiseSymmetric(pt, n * nc, this.spec.adcBits, this.adcRange ?? maxAbs(pt, n * nc));
        }
        for (let b = 0; b < n; b++) {
          const yb = b * cols, pb = b * nc;
          for (let m = 0; m < nc; m++) Y[yb + colList[c0 + m]] += pt[pb + m];
        }
      }
    }
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    // a frozen weight (e.g. a LoRA base) needs no dW: skip the largest product of the backward
    if (this.weight.trainable) {
      const g = this.weight.grad, idx = this.stuckIdx, save = this.stuckSave;
      for (let k = 0; k < idx.length; k++) save[k] = g[idx[k]];
      // dW += Xᵀ · dY (straight-through), then fully stuck weights get their old grad back (no gradient)
      gemm(true, false, this.rows, this.cols, n, X, dY, g, true);
      for (let k = 0; k < idx.length; k++) g[idx[k]] = save[k];
    }
    // dX = dY · W_usedᵀ
    if (dX) gemm(false, true, n, this.rows, this.cols, dY, this.used, dX, false);
  }

  params(): Param[] {
    return [this.weight];
  }

  /** W_eff (logical layout) after syncing with the current weights; a live buffer, do not modify */
  effectiveWeights(): Float32Array {
    this.sync();
    return this.wEff;
  }

  /** weights clipped by the range at the last sync */
  clippedCount(): number {
    return this.clipped;
  }

  /** number of weights currently beyond ±wMax */
  countClipped(): number {
    return countClipped(this.weight.value, this._wMax);
  }

  cellWrites(): number {
    return this.array.totalWrites;
  }

  resetWriteCounts(): void {
    this.array.resetWriteCounts();
  }

  cellsUsed(): number {
    return this.layout.cellsUsed();
  }

  /** cells occupied, write events and distinct cells written since the last reset, MACs per product row */
  cost(): { cellsUsed: number; cellWrites: number; macsPerRow: number; cellsWritten: number } {
    return {
      cellsUsed: this.cellsUsed(), cellWrites: this.cellWrites(), macsPerRow: this.rows * this.cols,
      cellsWritten: this.array.cellsWritten(),
    };
  }

  setRowPermutation(perm: Int32Array): void {
    checkPerm(perm, this.rows, 'row');
    this.permR.set(perm);
    this.routingChanged();
  }

  setColPermutation(perm: Int32Array): void {
    checkPerm(perm, this.cols, 'column');
    this.permC.set(perm);
    this.routingChanged();
  }

  rowPermutation(): Int32Array {
    return this.permR.slice();
  }

  colPermutation(): Int32Array {
    return this.permC.slice();
  }

  /** per logical weight (after the permutation): attainable [lo, hi] in weight units */
  attainable(): { lo: Float32Array; hi: Float32Array } {
    const { rows, cols } = this;
    const lo = new Float32Array(rows * cols), hi = new Float32Array(rows * cols);
    const t = new Float64Array(2);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        this.array.interval(this.permR[i] * cols + this.permC[j], t);
        lo[i * cols + j] = this._wMax * t[0];
        hi[i * cols + j] = this._wMax * t[1];
      }
    }
    return { lo, hi };
  }

  /** per physical slot (pr, pc), row-major rows x cols: attainable [lo, hi] in weight units */
  physicalAttainable(): { lo: Float32Array; hi: Float32Array } {
    const n = this.rows * this.cols;
    const lo = new Float32Array(n), hi = new Float32Array(n);
    const t = new Float64Array(2);
    for (let s = 0; s < n; s++) {
      this.array.interval(s, t);
      lo[s] = this._wMax * t[0];
      hi[s] = this._wMax * t[1];
    }
    return { lo, hi };
  }

  /** the tile defect maps (row-major over the tile grid) */
  defectMap(): TileDefectMap[] {
    return this.array.tileMaps;
  }

  /** the tile maps in the `defect_tile.json` artefact format */
  defectMapJSON(): TileDefectMapJSON[] {
    return this.array.tileMaps.map(tileMapToJSON);
  }

  /** counts over the used cells: [healthy, stuck HRS, stuck LRS] */
  usedCellStates(): [number, number, number] {
    const c: [number, number, number] = [0, 0, 0];
    const two = this.mapping.cellsPerWeight === 2;
    for (let s = 0; s < this.array.slots; s++) {
      c[this.array.stateP[s]]++;
      if (two) c[this.array.stateN[s]]++;
    }
    return c;
  }

  /** number of logical weights whose cells are all stuck */
  fullyStuckCount(): number {
    return this.stuckIdx.length;
  }
}

