/**
 * The physical cells of one mapped layer: for every physical slot (pr, pc) (see tiling.ts) the
 * cell state(s), the conductance(s) actually programmed, the last programmed target level and a
 * per-cell write counter. Cell P is G⁺ (or the single offset cell), cell N is G⁻ (differential).
 *
 * Conductances are kept normalised, u = (G − gMin)/(gMax − gMin) (device.ts).
 *
 * Programming a slot to normalised weight t (= w / wMax):
 *   1. targets (uP*, uN*) = mapping.targets(t, states)   (realises clamp(t, lo, hi), mapping.ts)
 *   2. quantise each free cell's target to the device levels: q = round(u*·(L−1))/(L−1)
 *   3. a free cell whose quantised target differs from its last programmed target is written
 *      (write counter +1); the first programming writes every free cell. A write lands at
 *      G = G_q·exp(σp·z), z ~ N(0, 1) from stream 'prog/<layer>' (gaussian.ts; only drawn when σp > 0):
 *      u = (gMin + q·Δ)·e^{σp z}/Δ − gMin/Δ,  Δ = gMax − gMin.
 *   Stuck cells are never written and sit exactly at u = 0 (HRS) or u = 1 (LRS).
 */
import type { DeviceSpec } from '../methods/point.js';
import { stream } from '../util/rng.js';
import { NormalSource } from './gaussian.js';
import { allocF32 } from '../kernels/alloc.js';
import { programHealthyDifferential, programHealthyOffset, programSpecialSlots } from './program_kernels.js';
import { programWasmFor } from './program_wasm_loader.js';
import { HEALTHY, stuckU } from './cell_state.js';
import type { TileDefectMap } from './defect_map.js';
import { uOffset } from './device.js';
import type { WeightMapping } from './mapping.js';
import type { TileLayout } from './tiling.js';

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
   * last programmed (quantised) target u per cell; NaN = never written. Without programming
   * variation the actual conductance is the target, so these are the same arrays as uP / uN
   * (and a free cell's u is NaN until its first write).
   */
  readonly tgtP: Float32Array;
  readonly tgtN: Float32Array;
  /**
   * per slot: 0 = every cell healthy, 1 = only cell P stuck (N free), 2 = only cell N stuck
   * (P free), 3 = every cell stuck (offset: 0 or 3)
   */
  readonly slotKind: Uint8Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
  totalWrites = 0;
  private readonly progRng: NormalSource | null;
  private readonly off: number;
  private readonly tmp = new Float64Array(2);
  private readonly acc = new Float64Array(2);
  /** level table lv[k] = fround(k / (L − 1)) (empty for continuous levels) */
  private readonly lv: Float64Array;

  constructor(
    readonly layer: string,
    seed: number,
    readonly device: DeviceSpec,
    readonly mapping: WeightMapping,
    readonly layout: TileLayout,
    readonly tileMaps: TileDefectMap[],
  ) {
    const n = layout.rows * layout.cols;
    this.slots = n;
    this.stateP = new Uint8Array(n);
    this.stateN = new Uint8Array(n);
    // the arrays the hot loop touches live in the kernels' wasm memory when possible (allocF32)
    this.uP = allocF32(n);
    this.uN = allocF32(n);
    this.progRng = device.progSigma > 0 ? new NormalSource(stream(seed, `prog/${layer}`)) : null;
    const vary = this.progRng !== null;
    this.tgtP = vary ? new Float32Array(n) : this.uP;
    this.tgtN = vary ? new Float32Array(n) : this.uN;
    this.tgtP.fill(NaN);
    this.tgtN.fill(NaN);
    this.writesP = u32View(allocF32(n), n);
    this.writesN = u32View(allocF32(n), n);
    this.slotKind = u8View(allocF32(Math.ceil(n / 4)), n);
    this.lv = new Float64Array(device.levels);
    for (let k = 0; k < device.levels; k++) this.lv[k] = Math.fround(k / (device.levels - 1));
    this.off = uOffset(device);
    const two = mapping.cellsPerWeight === 2;
    for (let pr = 0; pr < layout.rows; pr++) {
      for (let pc = 0; pc < layout.cols; pc++) {
        const s = pr * layout.cols + pc;
        const a = layout.locate(pr, pc, 0);
        const m = tileMaps[a.tileRow * layout.gridCols + a.tileCol];
        this.stateP[s] = m.state[a.row * m.cols + a.col];
        if (two) this.stateN[s] = m.state[a.row * m.cols + a.col + 1];
        if (this.stateP[s] !== HEALTHY) this.uP[s] = stuckU(this.stateP[s]);
        if (this.stateN[s] !== HEALTHY) this.uN[s] = stuckU(this.stateN[s]);
        const pS = this.stateP[s] !== HEALTHY, nS = two ? this.stateN[s] !== HEALTHY : pS;
        this.slotKind[s] = pS && nS ? 3 : pS ? 1 : nS ? 2 : 0;
      }
    }
    if (!two) { this.tgtN.fill(0); this.uN.fill(0); }
  }

  /** u after a write to quantised target q (programming variation when σp > 0) */
  private land(q: number): number {
    const rng = this.progRng;
    if (rng === null) return q;
    const e = Math.exp(this.device.progSigma * rng.next());
    return (q + this.off) * e - this.off;
  }

  /**
   * Program slot s to normalised weight t. Returns the number of cells written (0, 1 or 2).
   * `force` rewrites free cells even if their target level is unchanged.
   */
  program(s: number, t: number, force = false): number {
    const L = this.device.levels;
    const out = this.tmp;
    this.mapping.targets(t, this.stateP[s], this.stateN[s], out);
    let w = 0;
    if (this.stateP[s] === HEALTHY) {
      const q = L > 0 ? this.lv[Math.round(out[0] * (L - 1))] : Math.fround(out[0]);
      if (force || q !== this.tgtP[s]) {
        this.tgtP[s] = q; this.uP[s] = this.land(q); this.writesP[s]++; w++;
      }
    }
    if (this.mapping.cellsPerWeight === 2 && this.stateN[s] === HEALTHY) {
      const q = L > 0 ? this.lv[Math.round(out[1] * (L - 1))] : Math.fround(out[1]);
      if (force || q !== this.tgtN[s]) {
        this.tgtN[s] = q; this.uN[s] = this.land(q); this.writesN[s]++; w++;
      }
    }
    this.totalWrites += w;
    return w;
  }

  /**
   * Program the whole matrix (the hot path of `CrossbarMatrixOp.sync`): logical weight (i, j) of
   * `val` (rows x cols, target weights) goes to slot (permR[i], permC[j]) with
   * t = clamp(w / wMax, −1, 1); `wEff[i, j]` is refreshed (= wMax · represented t) where a cell
   * was written, or everywhere when `full`. Same semantics as `program` slot by slot. Without
   * programming variation, the all-healthy slots (float32 formulas) and `special` (logical
   * indices, ascending, whose slot has a stuck cell under the current permutation; `specialSlot`
   * their slots; float64 formulas) go through:
   *   - the GEMM backend is 'wasm' and every array lives in wasm memory (allocF32 / allocI32):
   *     identity permutations → one WebAssembly pass (wasm/program.as programIdentity: SIMD
   *     healthy slots, branch-free scalar special slots, block by block); permuted rows with
   *     identity columns (`colIdentity`) → programRows (the same, row by row); a column
   *     permutation → the TS loop for the healthy slots and wasm programSpecial for the special list;
   *   - else (RRAMSIM_BACKEND=ts, arrays outside wasm memory): the call-free TS loops of
   *     program_kernels.ts (programHealthy*, programSpecialSlots).
   * Both are bit-identical (test/crossbar/program_backends.test.ts). Returns the number of
   * clipped weights.
   */
  programAll(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    colIdentity: boolean, special: Int32Array, specialSlot: Int32Array, wEff: Float32Array, full: boolean,
  ): number {
    if (this.progRng !== null) return this.programAllGeneric(val, wMax, permR, permC, identity, wEff, full);
    const { rows, cols } = this.layout;
    const acc = this.acc, L = this.device.levels, two = this.mapping.cellsPerWeight === 2;
    const { uP, uN, writesP, writesN, slotKind } = this;
    acc[0] = 0; acc[1] = 0;
    const wasm = programWasmFor([val, wEff, uP, uN, writesP, writesN, slotKind]);
    const wasmSpecial = wasm && programWasmFor([special, specialSlot]);
    if (wasm && wasmSpecial && identity) {
      acc[0] = wasm.programIdentity(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
        writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows * cols, Math.fround(wMax), L,
        special.byteOffset, specialSlot.byteOffset, special.length, wMax, two ? 1 : 0, full ? 1 : 0);
      acc[1] = wasm.lastClipped();
      this.totalWrites += acc[0];
      return acc[1];
    }
    if (wasm && wasmSpecial && colIdentity && programWasmFor([permR])) {
      acc[0] = wasm.programRows(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
        writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows, cols, permR.byteOffset, Math.fround(wMax), L,
        special.byteOffset, specialSlot.byteOffset, special.length, wMax, two ? 1 : 0, full ? 1 : 0);
      acc[1] = wasm.lastClipped();
      this.totalWrites += acc[0];
      return acc[1];
    }
    if (wasm && identity) {
      const wMaxF = Math.fround(wMax);
      acc[0] = two
        ? wasm.programDifferential(val.byteOffset, slotKind.byteOffset, uP.byteOffset, uN.byteOffset,
          writesP.byteOffset, writesN.byteOffset, wEff.byteOffset, rows * cols, wMaxF, L)
        : wasm.programOffset(val.byteOffset, slotKind.byteOffset, uP.byteOffset,
          writesP.byteOffset, wEff.byteOffset, rows * cols, wMaxF, L);
      acc[1] = wasm.lastClipped();
    } else if (two) {
      programHealthyDifferential(val, wMax, rows, cols, permR, permC, identity, slotKind,
        uP, uN, writesP, writesN, wEff, L, acc);
    } else {
      programHealthyOffset(val, wMax, rows, cols, permR, permC, identity, slotKind,
        uP, writesP, wEff, L, acc);
    }
    if (wasm && wasmSpecial) {
      acc[0] += wasm.programSpecial(val.byteOffset, special.byteOffset, specialSlot.byteOffset, special.length,
        slotKind.byteOffset, uP.byteOffset, uN.byteOffset, writesP.byteOffset,
        writesN.byteOffset, wEff.byteOffset, wMax, two ? 1 : 0, full ? 1 : 0, L);
      acc[1] += wasm.lastClipped();
    } else {
      programSpecialSlots(val, wMax, special, specialSlot, two, slotKind, uP, uN,
        writesP, writesN, wEff, full, L, this.lv, acc);
    }
    this.totalWrites += acc[0];
    return acc[1];
  }

  /** programAll with programming variation (every write draws from 'prog/<layer>'), same semantics */
  private programAllGeneric(
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    wEff: Float32Array, full: boolean,
  ): number {
    const { rows, cols } = this.layout;
    const two = this.mapping.cellsPerWeight === 2;
    const L = this.device.levels, Lm = L - 1;
    const { tgtP, tgtN, uP, uN, writesP, writesN, slotKind } = this;
    const vary = this.progRng !== null;
    const inv = 1 / wMax;
    let clipped = 0, writes = 0;
    for (let i = 0; i < rows; i++) {
      const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const idx = base + j, s = identity ? idx : pr + permC[j];
        const w = val[idx];
        let t: number;
        if (w > wMax) { t = 1; clipped++; } else if (w < -wMax) { t = -1; clipped++; } else t = w * inv;
        const kind = slotKind[s];
        if (kind === 3) { // every cell stuck: nothing to program, W_eff fixed
          if (full) wEff[idx] = wMax * this.mapping.weight(uP[s], uN[s]);
          continue;
        }
        if (kind !== 0) {
          // differential pair with one stuck cell (value sv): the free partner realises clamp(t, lo, hi)
          let ch = 0;
          if (kind === 1) {
            let q = uP[s] - t; // uP = stuck value
            q = q < 0 ? 0 : q > 1 ? 1 : q;
            q = L > 0 ? this.lv[Math.round(q * Lm)] : Math.fround(q);
            if (q !== tgtN[s]) { tgtN[s] = q; if (vary) uN[s] = this.land(q); writesN[s]++; ch++; }
          } else {
            let q = uN[s] + t; // uN = stuck value
            q = q < 0 ? 0 : q > 1 ? 1 : q;
            q = L > 0 ? this.lv[Math.round(q * Lm)] : Math.fround(q);
            if (q !== tgtP[s]) { tgtP[s] = q; if (vary) uP[s] = this.land(q); writesP[s]++; ch++; }
          }
          if (ch > 0 || full) wEff[idx] = wMax * (uP[s] - uN[s]);
          writes += ch;
          continue;
        }
        let ch = 0;
        if (two) {
          let p = t > 0 ? t : 0, n = t < 0 ? -t : 0;
          if (L > 0) { p = this.lv[Math.round(p * Lm)]; n = this.lv[Math.round(n * Lm)]; } else { p = Math.fround(p); n = Math.fround(n); }
          // without variation tgt* and u* are the same arrays
          if (p !== tgtP[s]) { tgtP[s] = p; if (vary) uP[s] = this.land(p); writesP[s]++; ch++; }
          if (n !== tgtN[s]) { tgtN[s] = n; if (vary) uN[s] = this.land(n); writesN[s]++; ch++; }
          if (ch > 0 || full) wEff[idx] = wMax * (uP[s] - uN[s]);
        } else {
          let p = (t + 1) / 2;
          p = L > 0 ? this.lv[Math.round(p * Lm)] : Math.fround(p);
          if (p !== tgtP[s]) { tgtP[s] = p; if (vary) uP[s] = this.land(p); writesP[s]++; ch++; }
          if (ch > 0 || full) wEff[idx] = wMax * (2 * uP[s] - 1);
        }
        writes += ch;
      }
    }
    this.totalWrites += writes;
    return clipped;
  }

  /** normalised weight t represented by slot s's actual conductances */
  weightAt(s: number): number {
    return this.mapping.weight(this.uP[s], this.uN[s]);
  }

  /** true when every cell of slot s is stuck (its weight cannot be changed) */
  fullyStuck(s: number): boolean {
    return this.stateP[s] !== HEALTHY && (this.mapping.cellsPerWeight === 1 || this.stateN[s] !== HEALTHY);
  }

  /** attainable interval of t at slot s into out[0..1] */
  interval(s: number, out: Float64Array): void {
    this.mapping.interval(this.stateP[s], this.stateN[s], out);
  }

  resetWriteCounts(): void {
    this.writesP.fill(0); this.writesN.fill(0); this.totalWrites = 0;
  }

  /** distinct cells written at least once since the last resetWriteCounts (the wear footprint) */
  cellsWritten(): number {
    let c = 0;
    const { writesP, writesN } = this;
    for (let s = 0; s < writesP.length; s++) c += (writesP[s] !== 0 ? 1 : 0) + (writesN[s] !== 0 ? 1 : 0);
    return c;
  }
}
