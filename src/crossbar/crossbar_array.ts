/**
 * The physical cells of one mapped layer: for every physical slot (pr, pc) (see tiling.ts) the
 * cell state(s), the conductance(s) actually programmed, the last programmed target level and a
 * per-cell write counter. Cell P is G⁺ (or the single offset cell), cell N is G⁻ (differential).
 *
 * Conductances are kept normalised, u = (G − gMin)/(gMax − gMin) (device.ts). What a cell becomes
 * when written is the layer's device model (device_model.ts, chosen by `device.model`).
 *
 * Programming a slot to normalised weight t (= w / wMax):
 *   1. free cells' targets u* = mapping.targetP / targetN(t, …)   (realise clamp(t, lo, hi), mapping.ts)
 *   2. each free cell aims at the level q = model.quantise(u*)
 *   3. a free cell whose level differs from its last programmed level is written (write counter
 *      +1) and lands at u = model.land(q, cell); the first programming writes every free cell.
 *   Stuck cells are never written and sit at u = model.stuckU(state) (0 at HRS, 1 at LRS).
 * `programAll` runs this over the whole matrix: the fast kernels when the model declares the
 * 'linear-levels' fast path, else program_generic.ts.
 * Update schemes (`update.scheme`, update/update_spec.ts): the deployment is always written as
 * above (write-verify: how a chip is programmed once). A pulsed scheme given to the array
 * (`setUpdateScheme`) begins when the deployment ends, i.e. at the first `resetWriteCounts` (every
 * method resets the counters once its deployment is programmed, so that `cellWrites` counts the
 * updates only); from then on every programming pass writes by pulses (update/pulse_programmer.ts).
 */
import type { DeviceSpec } from './device_spec.js';
import { allocF32 } from '../kernels/alloc.js';
import { programHealthyDifferential, programHealthyOffset, programSpecialSlots } from './program_kernels.js';
import { GenericScratch, programGeneric } from './program_generic.js';
import { programNative, programWasmFor } from './program_wasm_loader.js';
import { programNoisyTS } from './program_noisy.js';
import type { ProgNoiseKey } from './prog_noise_counter.js';
import { HEALTHY, SlotKind } from './cell_state.js';
import type { TileDefectMap } from './defect_map.js';
import type { DeviceModel } from './device_model.js';
import type { Endurance } from './endurance.js';
import type { WeightMapping } from './mapping.js';
import type { TileLayout } from './tiling.js';
import { PulseProgrammer, type UpdateCost } from './update/pulse_programmer.js';
import { isPulsedScheme, type UpdateSpec } from './update/update_spec.js';

function u32View(f: Float32Array, n: number): Uint32Array {
  return new Uint32Array(f.buffer, f.byteOffset, n);
}

function u8View(f: Float32Array, n: number): Uint8Array {
  return new Uint8Array(f.buffer, f.byteOffset, n);
}

export class CrossbarArray {
  readonly slots: number;
  readonly stateP: Uint8Array;
  readonly stateN: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
  /**
   * last programmed level per cell; NaN = never written. When the model lands exactly on its
   * level (a fast-path model) these are the same arrays as uP / uN (and a free cell's u is NaN
   * until its first write).
   */
  readonly tgtP: Float32Array;
  readonly tgtN: Float32Array;
  /** per slot: SlotKind (cell_state.ts) */
  readonly slotKind: Uint8Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
  totalWrites = 0;
  readonly device: DeviceSpec;
  /**
   * per slot: the SlotKind the methods know (update mask, attainable intervals, routing.ts). The same
   * array as slotKind unless wear-out is on (attachEndurance): then it changes only by fault detection.
   */
  knownKind: Uint8Array;
  /** write endurance (endurance.ts), null = cells never wear out */
  endurance: Endurance | null = null;
  /** cells worn out by the last programming pass */
  newlyWorn = 0;
  private readonly acc = new Float64Array(2);
  /** programming passes so far (block index f of the counter-based programming variation) */
  private progPasses = 0;
  /** the native pass's noise arguments [σ, g₀, b] (float32 σ, g₀; b as a uint32 value) */
  private readonly noiseArgs = new Float64Array(3);
  private readonly levels: number;
  /** lists of the general path (models without a fast path) */
  private generic: GenericScratch | null = null;
  /** the pulsed update scheme given (null = write-verify throughout) */
  private updateSpec: UpdateSpec | null = null;
  /** the pulse programmer once the deployment is over (null before, or without a pulsed scheme) */
  pulser: PulseProgrammer | null = null;

  constructor(
    readonly model: DeviceModel,
    readonly mapping: WeightMapping,
    readonly layout: TileLayout,
    readonly tileMaps: TileDefectMap[],
  ) {
    const n = layout.rows * layout.cols;
    this.device = model.spec;
    this.slots = n;
    this.stateP = new Uint8Array(n);
    this.stateN = new Uint8Array(n);
    // the arrays the hot loop touches live in the kernels' wasm memory when possible (allocF32)
    this.uP = allocF32(n);
    this.uN = allocF32(n);
    const noisyFast = model.fastPath?.noise !== undefined;
    const apart = model.fastPath === null || noisyFast;
    // the noisy fast path's kernels read the targets too: in the kernels' memory like uP / uN
    this.tgtP = apart ? (noisyFast ? allocF32(n) : new Float32Array(n)) : this.uP;
    this.tgtN = apart ? (noisyFast ? allocF32(n) : new Float32Array(n)) : this.uN;
    this.tgtP.fill(NaN);
    this.tgtN.fill(NaN);
    this.writesP = u32View(allocF32(n), n);
    this.writesN = u32View(allocF32(n), n);
    this.slotKind = u8View(allocF32(Math.ceil(n / 4)), n);
    this.knownKind = this.slotKind;
    this.levels = model.fastPath ? model.fastPath.levels : 0;
    const two = mapping.cellsPerWeight === 2;
    for (let pr = 0; pr < layout.rows; pr++) {
      for (let pc = 0; pc < layout.cols; pc++) {
        const s = pr * layout.cols + pc;
        const a = layout.locate(pr, pc, 0);
        const m = tileMaps[a.tileRow * layout.gridCols + a.tileCol];
        this.stateP[s] = m.state[a.row * m.cols + a.col];
        if (two) this.stateN[s] = m.state[a.row * m.cols + a.col + 1];
        if (this.stateP[s] !== HEALTHY) this.uP[s] = model.stuckU(this.stateP[s]);
        if (this.stateN[s] !== HEALTHY) this.uN[s] = model.stuckU(this.stateN[s]);
        const pS = this.stateP[s] !== HEALTHY, nS = two ? this.stateN[s] !== HEALTHY : pS;
        this.slotKind[s] = pS && nS ? SlotKind.AllStuck : pS ? SlotKind.PStuck : nS ? SlotKind.NStuck : SlotKind.AllHealthy;
      }
    }
    if (!two) { this.tgtN.fill(0); this.uN.fill(0); }
  }

  /**
   * Program the whole matrix (the hot path of `CrossbarMatrixOp.sync`): logical weight (i, j) of
   * `val` (rows x cols, target weights) goes to slot (permR[i], permC[j]) with
   * t = clamp(w / wMax, −1, 1); `wEff[i, j]` is refreshed (= wMax · represented t) where a cell
   * was written, or everywhere when `full`.
   * A model without a fast path goes through program_generic.ts. A 'linear-levels' fast-path
   * model: the all-healthy slots (float32 formulas) and `partial` (logical indices, ascending,
   * whose slot has a stuck cell under the current permutation; `partialSlot` their slots;
   * float64 formulas) go through:
   *   - the backend is 'native' (and the addon has `program`): one native pass for every
   *     permutation case (src/native/program_impl.h: the wasm formulas, vectorised at the ISA's
   *     width), the arrays wherever they live;
   *   - the GEMM backend is 'wasm' and every array lives in wasm memory (allocF32 / allocI32):
   *     identity permutations → one WebAssembly pass (wasm/program.as programIdentity: SIMD
   *     healthy slots, branch-free scalar special slots, block by block); permuted rows with
   *     identity columns (`colIdentity`) → programRows (the same, row by row); a column
   *     permutation → the TS loop for the healthy slots and wasm programSpecial for the list;
   *   - else (RRAMSIM_BACKEND=ts, arrays outside wasm memory): the TS loops of
   *     program_kernels.ts (programHealthy*, programSpecialSlots).
   * All are bit-identical (test/crossbar/program_backends.test.ts). Returns the number of
   * clipped weights. Afterwards the model's afterProgram hook (wear-out) sees the cells.
   */
  programAll(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    colIdentity: boolean, partial: Int32Array, partialSlot: Int32Array, wEff: Float32Array, full: boolean,
  ): number {
    const clipped = this.pulser !== null
      ? this.programPulsed(val, wMax, permR, permC, identity, wEff, full)
      : this.model.fastPath === null
      ? this.programGenericPath(val, wMax, permR, permC, identity, wEff, full)
      : this.programFast(val, wMax, permR, permC, identity, colIdentity, partial, partialSlot, wEff, full);
    this.model.afterProgram?.(this);
    this.newlyWorn = this.endurance ? this.endurance.afterProgram(this) : 0;
    return clipped;
  }

  private programPulsed(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    wEff: Float32Array, full: boolean,
  ): number {
    const acc = this.acc;
    acc[0] = 0;
    const clipped = this.pulser!.program(this, this.mapping, this.layout.rows, this.layout.cols,
      val, wMax, permR, permC, identity, wEff, full, acc);
    this.totalWrites += acc[0];
    return clipped;
  }

  /**
   * write the updates after the deployment with this scheme (write-verify: nothing changes); the
   * scheme begins at the next resetWriteCounts. The model must have a pulse response.
   */
  setUpdateScheme(spec: UpdateSpec | undefined): void {
    this.updateSpec = isPulsedScheme(spec) ? spec : null;
  }

  /** the update cost since the pulsed scheme began (null: write-verify) */
  updateCost(): UpdateCost | null {
    return this.pulser ? this.pulser.cost() : this.updateSpec ? { pulses: 0, reads: 0, energy: 0, time: 0, accumulatorBytes: 0 } : null;
  }

  private programGenericPath(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    wEff: Float32Array, full: boolean,
  ): number {
    const acc = this.acc;
    acc[0] = 0;
    this.generic ??= new GenericScratch(this.slots);
    const clipped = programGeneric(this, this.model, this.mapping, this.layout.rows, this.layout.cols,
      val, wMax, permR, permC, identity, wEff, full, this.generic, acc);
    this.totalWrites += acc[0];
    return clipped;
  }

  private programFast(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    colIdentity: boolean, partial: Int32Array, partialSlot: Int32Array, wEff: Float32Array, full: boolean,
  ): number {
    const { rows, cols } = this.layout;
    const acc = this.acc, levels = this.levels, two = this.mapping.cellsPerWeight === 2;
    const { uP, uN, writesP, writesN, slotKind } = this;
    acc[0] = 0; acc[1] = 0;
    const noise = this.model.fastPath?.noise;
    if (noise) return this.programFastNoisy(val, wMax, permR, permC, identity, colIdentity, partial, partialSlot, wEff, full, noise);
    const nat = programNative();
    if (nat) {
      nat.program(val, slotKind, uP, uN, writesP, writesN, wEff, rows, cols, identity ? null : permR,
        identity || colIdentity ? null : permC, Math.fround(wMax), levels, partial, partialSlot, wMax,
        two ? 1 : 0, full ? 1 : 0, acc);
      this.totalWrites += acc[0];
      return acc[1];
    }
    const wasm = programWasmFor([val, wEff, uP, uN, writesP, writesN, slotKind]);
    const wasmPartial = wasm && programWasmFor([partial, partialSlot]);
    if (wasm && wasmPartial && identity) {
      acc[0] = wasm.programIdentity(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
        writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows * cols, Math.fround(wMax), levels,
        partial.byteOffset, partialSlot.byteOffset, partial.length, wMax, two ? 1 : 0, full ? 1 : 0);
      acc[1] = wasm.lastClipped();
      this.totalWrites += acc[0];
      return acc[1];
    }
    if (wasm && wasmPartial && colIdentity && programWasmFor([permR])) {
      acc[0] = wasm.programRows(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
        writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows, cols, permR.byteOffset, Math.fround(wMax), levels,
        partial.byteOffset, partialSlot.byteOffset, partial.length, wMax, two ? 1 : 0, full ? 1 : 0);
      acc[1] = wasm.lastClipped();
      this.totalWrites += acc[0];
      return acc[1];
    }
    if (wasm && identity) {
      const wMaxF = Math.fround(wMax);
      acc[0] = two
        ? wasm.programDifferential(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
          writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows * cols, wMaxF, levels)
        : wasm.programOffset(val.byteOffset, slotKind.byteOffset, uP.byteOffset,
          writesP.byteOffset, wEff.byteOffset, rows * cols, wMaxF, levels);
      acc[1] = wasm.lastClipped();
    } else if (two) {
      programHealthyDifferential(val, wMax, rows, cols, permR, permC, identity, slotKind,
        uP, uN, writesP, writesN, wEff, levels, acc);
    } else {
      programHealthyOffset(val, wMax, rows, cols, permR, permC, identity, slotKind,
        uP, writesP, wEff, levels, acc);
    }
    if (wasm && wasmPartial) {
      acc[0] += wasm.programSpecial(val.byteOffset, partial.byteOffset, partialSlot.byteOffset, partial.length,
        slotKind.byteOffset, uP.byteOffset, uN.byteOffset, writesP.byteOffset,
        writesN.byteOffset, wEff.byteOffset, wMax, two ? 1 : 0, full ? 1 : 0, levels);
      acc[1] += wasm.lastClipped();
    } else {
      programSpecialSlots(val, wMax, partial, partialSlot, two, slotKind, uP, uN,
        writesP, writesN, wEff, full, this.model, acc);
    }
    this.totalWrites += acc[0];
    return acc[1];
  }

  /**
   * The fast path with counter-based programming variation (device.progNoiseModel 'counter'):
   * pass f = progPasses draws z(f, 2s + c) for every written cell (prog_noise_counter.ts). Native
   * backend: the addon's pass (src/native/program_impl.h); else the TS reference (program_noisy.ts),
   * the same bits.
   */
  private programFastNoisy(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    colIdentity: boolean, partial: Int32Array, partialSlot: Int32Array, wEff: Float32Array, full: boolean,
    noise: ProgNoiseKey,
  ): number {
    const { rows, cols } = this.layout;
    const acc = this.acc, levels = this.levels, two = this.mapping.cellsPerWeight === 2;
    const { uP, uN, tgtP, tgtN, writesP, writesN, slotKind } = this;
    const b = noise.passWord(this.progPasses++);
    const nat = programNative();
    if (nat) {
      const args = this.noiseArgs;
      args[0] = noise.sigma; args[1] = noise.off; args[2] = b >>> 0;
      nat.program(val, slotKind, uP, uN, writesP, writesN, wEff, rows, cols, identity ? null : permR,
        identity || colIdentity ? null : permC, Math.fround(wMax), levels, partial, partialSlot, wMax,
        two ? 1 : 0, full ? 1 : 0, acc, tgtP, tgtN, args, noise.table);
    } else {
      programNoisyTS(val, wMax, rows, cols, permR, permC, identity, two, slotKind, uP, uN, tgtP, tgtN,
        writesP, writesN, wEff, levels, partial, partialSlot, full,
        { key: noise, b }, acc);
    }
    this.totalWrites += acc[0];
    return acc[1];
  }

  /** normalised weight t represented by slot s's actual conductances */
  weightAt(s: number): number {
    return this.mapping.weight(this.uP[s], this.uN[s]);
  }

  /** true when every cell of slot s is stuck (its weight cannot be changed) */
  fullyStuck(s: number): boolean {
    return this.slotKind[s] === SlotKind.AllStuck;
  }

  /** attainable interval of t at slot s into out[0..1] (free cells within the model's freeRange) */
  interval(s: number, out: Float64Array): void {
    const [lo, hi] = this.model.freeRange;
    this.mapping.interval(this.slotKind[s] as SlotKind, this.uP[s], this.uN[s], lo, hi, out);
  }

  resetWriteCounts(): void {
    this.writesP.fill(0); this.writesN.fill(0); this.totalWrites = 0;
    this.endurance?.phaseReset();
    // the deployment is over: a pulsed scheme takes the writes from here
    if (this.updateSpec !== null && this.pulser === null) {
      this.pulser = new PulseProgrammer(this.updateSpec, this.model, this, this.mapping.cellsPerWeight === 2);
    }
  }

  /** switch wear-out on: from now on the known slot kinds are a copy that only fault detection updates */
  attachEndurance(e: Endurance): void {
    this.endurance = e;
    this.knownKind = this.slotKind.slice();
  }

  /** give the methods their own copy of the slot kinds (no-op when they already have one) */
  separateKnownView(): void {
    if (this.knownKind === this.slotKind) this.knownKind = this.slotKind.slice();
  }

  /** attainable interval of t at slot s as the methods know it (knownKind; = interval without wear-out) */
  knownInterval(s: number, out: Float64Array): void {
    const [lo, hi] = this.model.freeRange;
    this.mapping.interval(this.knownKind[s] as SlotKind, this.uP[s], this.uN[s], lo, hi, out);
  }

  /** true when the methods know every cell of slot s to be stuck */
  knownFullyStuck(s: number): boolean {
    return this.knownKind[s] === SlotKind.AllStuck;
  }

  /** distinct cells written at least once since the last resetWriteCounts (the wear footprint) */
  cellsWritten(): number {
    let c = 0;
    const { writesP, writesN } = this;
    for (let s = 0; s < writesP.length; s++) c += (writesP[s] !== 0 ? 1 : 0) + (writesN[s] !== 0 ? 1 : 0);
    return c;
  }
}
