/**
 * CrossbarMatrixOp: a weight layer's product Y = X · W computed on RRAM crossbars. Built by the
 * factory (crossbar_op_factory.ts) from (weight, layer, point); this file wires the parts:
 *   device model      device_registry.ts / device_model.ts: what a write and a read do
 *   defect source     defect_source.ts: the tile defect maps
 *   cells             crossbar_array.ts: states, conductances, write counters, programming
 *   effects           effects/registry.ts: drift, measured stuck G, endurance (each switched on by its field)
 *   routing           routing.ts: row/column permutations and the lists derived from them
 *   dead band         dead_band.ts: programming from the weights as last sent (writeThreshold)
 *   read path         read_path.ts + read_stages/: read noise → drift → line resistance → DAC/ADC
 *   backward          ste_backward.ts: straight-through estimator, stuck weights get no gradient
 *
 * The wrapped Param `weight` holds the *target* (software) weights, row-major rows x cols
 * (rows = fan-in = word lines, cols = outputs = bit lines). The cells represent
 *
 *     W_eff[i, j] = wMax · mapping.weight(u of the cells at slot (permR[i], permC[j]))
 *
 * (after clipping to [−wMax, wMax], the device model's levels, stuck cells, programming
 * variation; see crossbar_array.ts, mapping.ts). Forward: sync(true), then
 *     Y = product(X, W_used),  W_used = the read stages' read of the cells (W_eff when none is on).
 * Backward: dX = dY · W_usedᵀ, dW += Xᵀ · dY where a cell is programmable (ste_backward.ts).
 *
 * `sync()` (called by every forward) reprograms only cells whose quantised target changed and
 * counts writes per cell.
 */
import { allocF32 } from '../kernels/alloc.js';
import type { CrossbarSpec } from './crossbar_spec.js';
import type { DefectSpec } from './defect_spec.js';
import type { DeviceSpec } from './device_spec.js';
import type { MatrixOp, OpCost, PlainNoisyProduct } from '../nn/matrix_op.js';
import type { Param } from '../nn/param.js';
import { CrossbarArray } from './crossbar_array.js';
import { resolveCrossbar } from './crossbar_spec.js';
import { DeadBand } from './dead_band.js';
import { tileMapToJSON, type TileDefectMap, type TileDefectMapJSON } from './defect_map.js';
import { tileDefectMaps } from './defect_source.js';
import { resolveDevice } from './device.js';
import type { DeviceModel } from './device_model.js';
import { makeDeviceModel } from './device_registry.js';
import type { CrossbarEffect } from './effects/effect.js';
import { activeEffects, applyCellEffects, effectsExtraWrites, effectsReadAge } from './effects/registry.js';
import { slotKindOf } from './endurance.js';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from './cell_state.js';
import { makeMapping, type WeightMapping } from './mapping.js';
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import { ReadPath } from './read_path.js';
import { Routing } from './routing.js';
import { SteBackward } from './ste_backward.js';
import { TileLayout } from './tiling.js';
import { countClipped, resolveWMax } from './weight_range.js';
import type { UpdateCost } from './update/pulse_programmer.js';
import { isPulsedScheme, type UpdateSpec } from './update/update_spec.js';
import { pulseModelNames } from './device_registry.js';

export { NO_DEFECTS } from './defect_source.js';

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
  /** how updates after the deployment are written (absent = write-verify; update/update_spec.ts) */
  update?: UpdateSpec;
}

export class CrossbarMatrixOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  readonly layer: string;
  readonly device: DeviceSpec;
  readonly spec: CrossbarSpec;
  readonly model: DeviceModel;
  readonly mapping: WeightMapping;
  readonly layout: TileLayout;
  readonly array: CrossbarArray;
  readonly readPath: ReadPath;
  private readonly routing: Routing;
  private readonly deadBand: DeadBand | null;
  private readonly ste = new SteBackward();
  /** plainNoisyWeights' answer, made once (a training step allocates nothing) */
  private noisyProduct: PlainNoisyProduct | null = null;
  private _wMax: number;
  /** what the cells represent (clean), logical layout */
  private readonly wEff: Float32Array;
  private used: Float32Array;
  private needFull = true;
  private readonly seed: number;
  private detectRound = 0;
  private clipped = 0;
  /** the effects switched on when the op was built (effects/registry.ts), in order */
  private readonly effects: readonly CrossbarEffect[];

  constructor(readonly weight: Param, opts: CrossbarOpOptions) {
    this.rows = weight.rows;
    this.cols = weight.cols;
    this.layer = opts.layer ?? weight.name;
    this.seed = opts.seed;
    this.device = resolveDevice(opts.device);
    this.spec = resolveCrossbar(opts.crossbar);
    this.model = makeDeviceModel(this.device, { seed: opts.seed, layer: this.layer });
    this.mapping = makeMapping(this.spec.mapping);
    const layout = new TileLayout(this.rows, this.cols, this.spec.tileRows, this.spec.tileCols, this.mapping.cellsPerWeight);
    this.layout = layout;
    const maps = tileDefectMaps(layout, this.layer, opts.seed, opts.defects, opts.tileMaps);
    this.array = new CrossbarArray(this.model, this.mapping, layout, maps);
    // the effects on the cells, in registry order (measured stuck G, then endurance), before the first programming
    this.effects = activeEffects(this.device, this.spec);
    applyCellEffects(this.effects, {
      device: this.device, seed: opts.seed, layer: this.layer, array: this.array, model: this.model,
      cellsPerWeight: this.mapping.cellsPerWeight, rows: this.rows, cols: this.cols,
    });
    this._wMax = resolveWMax(weight.value, this.spec.range);
    this.routing = new Routing(this.rows, this.cols);
    this.wEff = allocF32(this.rows * this.cols);
    this.deadBand = DeadBand.create(this.spec.writeThreshold ?? 0, this.device.levels, this.mapping.cellsPerWeight, this.rows * this.cols);
    this.readPath = new ReadPath({
      layer: this.layer, seed: opts.seed, model: this.model, mapping: this.mapping, crossbar: this.spec,
      layout, dacRange: opts.dacRange, adcRange: opts.adcRange, array: this.array, wMax: () => this._wMax,
      readAge: effectsReadAge(this.effects, this.device),
    }, this.rows, this.cols);
    this.used = this.wEff;
    weight.updateMask = this.routing.mask;
    this.routingChanged();
    this.sync();
    if (isPulsedScheme(opts.update)) {
      if (!this.model.pulse) {
        throw new UserError(`device.model '${this.model.name}' has no pulse response, which update.scheme '${opts.update.scheme}' needs; allowed: ${pulseModelNames().map((n) => `'${n}'`).join(', ')} (or update.scheme 'write-verify')`, 'device.model');
      }
      // the deployment above was write-verify; the scheme takes the writes after it (crossbar_array.ts)
      this.array.setUpdateScheme(opts.update);
    }
  }

  get wMax(): number {
    return this._wMax;
  }

  /** the layer's weight range wMax (MatrixOp.weightRange) */
  weightRange(): number {
    return this._wMax;
  }

  /** Recompute wMax from the current weights (crossbar.range) and reprogram. */
  recalibrateRange(): void {
    this._wMax = resolveWMax(this.weight.value, this.spec.range);
    this.needFull = true;
  }

  private routingChanged(): void {
    this.routing.rebuild(this.array);
    this.needFull = true;
  }

  /**
   * Program the cells with the current target weights: each weight is clipped to [−wMax, wMax]
   * (t = w / wMax), cells whose quantised target changed are written. Updates W_eff.
   * `deadBand` = true (every forward): with crossbar.writeThreshold > 0 program from the
   * dead-band copy (dead_band.ts); false: program the weights exactly.
   */
  sync(deadBand = false): void {
    const full = this.needFull;
    this.needFull = false;
    const n = this.rows * this.cols;
    const src = this.deadBand ? this.deadBand.source(this.weight.value, n, this._wMax, !deadBand || full) : this.weight.value;
    const r = this.routing;
    this.clipped = this.array.programAll(src, this._wMax, r.permR, r.permC, r.identity,
      r.colIdentity, r.partial, r.partialSlot, this.wEff, full);
    if (this.array.newlyWorn > 0) {
      // cells wore out in this pass: the programming lists follow the physical states (write-verify
      // sees them), W_eff is refreshed and partners compensate; the methods' view is unchanged
      r.rebuild(this.array);
      this.clipped = this.array.programAll(src, this._wMax, r.permR, r.permC, r.identity,
        r.colIdentity, r.partial, r.partialSlot, this.wEff, true);
    }
  }

  /**
   * On-line fault detection (read-verify, after Xia et al., DAC 2017): read every cell of a share
   * `fraction` of the slots (all when 1; else each slot independently with probability fraction, from
   * the stream 'detect/<layer>/round<k>', k = this op's detection round) and make the methods know
   * the true state of every tested slot (update mask, attainable intervals). Cost: one read per tested
   * cell. Returns the reads, the cells tested and the stuck cells newly found (known before: not counted).
   */
  detectFaults(fraction = 1): { reads: number; tested: number; found: number } {
    if (!(fraction >= 0 && fraction <= 1)) throw new UserError(`detection fraction must be in [0, 1], got ${fraction}`, 'detect.fraction');
    const a = this.array, two = this.mapping.cellsPerWeight === 2;
    const rng = fraction < 1 ? stream(this.seed, `detect/${this.layer}/round${this.detectRound}`) : null;
    this.detectRound++;
    let tested = 0, found = 0;
    if (a.knownKind === a.slotKind) {
      // no wear-out: the methods already know every state; the test still costs its reads
      for (let s = 0; s < a.slots; s++) if (!rng || rng.next() < fraction) tested += two ? 2 : 1;
      return { reads: tested, tested, found: 0 };
    }
    for (let s = 0; s < a.slots; s++) {
      if (rng && !(rng.next() < fraction)) continue;
      tested += two ? 2 : 1;
      const was = a.knownKind[s], now = a.slotKind[s];
      if (was === now) continue;
      found += stuckCells(now, two) - stuckCells(was, two);
      a.knownKind[s] = now;
    }
    if (found > 0) this.routingChanged();
    return { reads: tested, tested, found };
  }

  /**
   * Field faults (lifetime rounds, src/methods/lifetime.ts): for every cell index k = slot·cpw + c in
   * order, two draws (v1, v2) from `rng`; a healthy cell with v1 < rate becomes stuck, at LRS when
   * v2 < lrsShare, else at HRS (the draws are made for every cell, so they do not depend on the
   * states). Like wear-out the change is physical only: the methods learn it by detectFaults. Returns
   * the cells made stuck.
   */
  injectFaults(rate: number, lrsShare: number, rng: { next(): number }): number {
    if (!(rate >= 0 && rate <= 1)) throw new UserError(`fault rate must be in [0, 1], got ${rate}`, 'lifetime.faultRate');
    const a = this.array, two = this.mapping.cellsPerWeight === 2;
    a.separateKnownView();
    let n = 0;
    for (let s = 0; s < a.slots; s++) {
      for (let c = 0; c < (two ? 2 : 1); c++) {
        const v1 = rng.next(), v2 = rng.next();
        const st = c === 0 ? a.stateP : a.stateN;
        if (st[s] !== HEALTHY || !(v1 < rate)) continue;
        st[s] = v2 < lrsShare ? STUCK_LRS : STUCK_HRS;
        (c === 0 ? a.uP : a.uN)[s] = this.model.stuckU(st[s]);
        n++;
      }
      if (n > 0) a.slotKind[s] = slotKindOf(a.stateP[s] !== HEALTHY, two ? a.stateN[s] !== HEALTHY : a.stateP[s] !== HEALTHY);
    }
    if (n > 0) {
      // programming lists follow the physical states (partners compensate); the methods' view is unchanged
      this.routing.rebuild(this.array);
      this.needFull = true;
    }
    return n;
  }

  /** lifetime writes of every cell since the op was built (never reset; 0 when wear-out is off) */
  lifetimeWrites(): number {
    return this.array.endurance ? this.array.endurance.totalLifetimeWrites() : 0;
  }

  /** cells worn out so far (stuck by wear, detected or not) */
  wornOutCells(): number {
    return this.array.endurance ? this.array.endurance.wornOut : 0;
  }

  /** stuck cells the methods do not know of (worn out, not yet detected) */
  undetectedFaults(): number {
    const a = this.array, two = this.mapping.cellsPerWeight === 2;
    let c = 0;
    for (let s = 0; s < a.slots; s++) c += stuckCells(a.slotKind[s], two) - stuckCells(a.knownKind[s], two);
    return c;
  }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    this.sync(true);
    this.readPath.training = training;
    const W = this.readPath.weights(this.array, this.routing, this.wEff, this._wMax);
    this.used = W;
    this.readPath.product(X, n, Y, W, this.routing);
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    this.ste.backward(this.weight, this.routing.stuckIdx, this.used, X, dY, n, dX);
  }

  /** MatrixOp.plainWeights: forward's steps before its product, when that product is one GEMM */
  plainWeights(training: boolean): Float32Array | null {
    if (!this.readPath.plainProduct()) return null;
    this.sync(true);
    this.readPath.training = training;
    const W = this.readPath.weights(this.array, this.routing, this.wEff, this._wMax);
    this.used = W;
    return W;
  }

  /**
   * MatrixOp.plainNoisyWeights: as plainWeights for a forward whose product carries fused per-output
   * read noise: W_used, and what the caller needs to form V = (X∘X)·S with its
   * product and to add the noise (`finish`), the same as `forward`'s product; else null (no side effect)
   */
  plainNoisyWeights(training: boolean): PlainNoisyProduct | null {
    if (!this.readPath.noiseFusable(this.routing, this._wMax)) return null;
    this.sync(true);
    this.readPath.training = training;
    const W = this.readPath.weights(this.array, this.routing, this.wEff, this._wMax);
    this.used = W;
    const rp = this.readPath;
    const p = this.noisyProduct ??= { W, variance: (m) => rp.fusedNoise(m), finish: (Y, m) => rp.addFusedNoise(Y, m) };
    p.W = W;
    return p;
  }

  /** MatrixOp.plainWeightGrad: the straight-through dW of `backward` (stuck weights keep theirs) */
  plainWeightGrad(addXtDY: (grad: Float32Array) => void): Float32Array {
    this.ste.weightGrad(this.weight, this.routing.stuckIdx, addXtDY);
    return this.used;
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

  /** MatrixOp.resetCost: the write counters start again from 0 */
  resetCost(): void {
    this.array.resetWriteCounts();
  }

  cellsUsed(): number {
    return this.layout.cellsUsed();
  }

  /**
   * cells occupied, write events and distinct cells written since the last reset, MACs per product
   * row; with a pulsed update scheme also its cost since the scheme began (`update`)
   */
  cost(): Required<Omit<OpCost, 'update'>> & { update?: UpdateCost } {
    const c: Required<Omit<OpCost, 'update'>> & { update?: UpdateCost } = {
      cellsUsed: this.cellsUsed(), cellWrites: this.cellWrites(), macsPerRow: this.rows * this.cols,
      cellsWritten: this.array.cellsWritten(),
    };
    const u = this.array.updateCost();
    if (u) c.update = u;
    return c;
  }

  setRowPermutation(perm: Int32Array): void {
    this.routing.setRows(perm);
    this.routingChanged();
  }

  setColPermutation(perm: Int32Array): void {
    this.routing.setCols(perm);
    this.routingChanged();
  }

  rowPermutation(): Int32Array {
    return this.routing.permR.slice();
  }

  colPermutation(): Int32Array {
    return this.routing.permC.slice();
  }

  /** per logical weight (after the permutation): attainable [lo, hi] in weight units */
  attainable(): { lo: Float32Array; hi: Float32Array } {
    const { rows, cols } = this;
    const lo = new Float32Array(rows * cols), hi = new Float32Array(rows * cols);
    const t = new Float64Array(2);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        this.array.knownInterval(this.routing.slot(i, j), t);
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
      this.array.knownInterval(s, t);
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

  /**
   * writes the effects cost up to the evaluation time: the periodic drift refresh (effects/drift.ts)
   * ⌊t / refreshEvery⌋ · #{healthy cells with u > 0}; 0 without device.drift.refreshEvery
   */
  refreshWrites(): number {
    return effectsExtraWrites(this.effects, { array: this.array, cellsPerWeight: this.mapping.cellsPerWeight }, this.device);
  }

  /** number of logical weights whose cells are all stuck */
  fullyStuckCount(): number {
    return this.routing.stuckIdx.length;
  }
}

/** stuck cells of a slot of this kind (a differential pair has two cells) */
function stuckCells(kind: number, two: boolean): number {
  return kind === 3 ? (two ? 2 : 1) : kind === 0 ? 0 : 1;
}
