/**
 * The pulsed update schemes (`update.scheme` other than 'write-verify', update_spec.ts): how one
 * crossbar array writes its cells after the deployment, through the device model's pulse response
 * (pulse/pulse_response.ts). Used by CrossbarArray.programAll in place of write-verify once the
 * array's deployment is over (crossbar_array.ts), so every update path (fat, ITT-RNA's
 * compensation, LoRA/LoRI adapters and merges, multitask adapters, lifetime rounds) gets it.
 *
 * For logical weight (i, j) on slot s (s = permR[i]·cols + permC[j]) and each free cell of the
 * slot (a stuck cell is never pulsed and never read):
 *   t  = w·(1/wMax), ±1 beyond ±wMax (counted as clipped)                             (float64)
 *   u* = f32(mapping.targetP / targetN(t, kind, u of the partner))     the cell's target
 *   a  = the cell's aim: the target of its last update (after the deployment: its programmed level)
 * open-loop:       if u* ≠ a: n = round((u* − a)/dwMin) (Math.round, halves up), a ← u*, |n| pulses
 *                  of sign n; the remainder below dwMin/2 is dropped (no read-back)
 * mixed-precision: d = f32(u* − a), acc ← f32(acc + d), a ← u*, n = trunc(acc/dwMin) (toward zero),
 *                  acc ← f32(acc − n·dwMin), |n| pulses of sign n (acc keeps the remainder;
 *                  |acc| < dwMin afterwards; 4 bytes per free cell of an array whose targets
 *                  changed at least once, `accumulatorBytes`: a frozen array needs none)
 * verify-pulses:   if u* ≠ a: a ← u*, read; while |u − u*| > tolerance and k < maxPulses: one
 *                  pulse of sign(u* − u), read, k ← k + 1 (the reads see u exactly: the verify
 *                  read's own noise is not modelled)
 * Pulse k of cell c: u ← model.pulseKernel response with gain g_c and z = pulseDraw(c, count_c)
 * (the counter-based word of (cell, count), pulse/pulse_response.ts),
 * count_c the cell's pulses so far (never reset), c = 2s + b (two cells per weight, b = 0 for G⁺,
 * 1 for G⁻) or s (offset mapping): the index `land` gets.
 * Counters: every pulse adds 1 to the cell's write counter (writesP/N: endurance budgets count
 * pulses); a cell that got ≥ 1 pulse in a pass counts one write event (`cellWrites`, as a
 * write-verify write); pulses, reads and the accumulator memory are totals since the scheme began
 * (the update cost of the point: `cost()`). W_eff = wMax·mapping.weight(uP, uN) of every slot with
 * a pulsed cell (or all when `full`). A weight equal to its value at the last pass is skipped unless
 * `full` (wMax, the permutation or a partner's state changed): its targets are the same, so no
 * scheme would write it (mixed-precision: |acc| < dwMin already).
 * Typed arrays only: no allocation and no sequential random draw per pulse (counter-based draws).
 * The pass runs in the native addon when it is loaded and the shape is constant or linear
 * (src/native/pulse_kernel.cc; open-loop and mixed-precision on the differential mapping in the
 * per-ISA pass src/native/pulse_impl.h, vectorised, over the kernel threads; the same bits: float64
 * in this order, float32 where this rounds);
 * this loop is the fallback (RRAMSIM_NATIVE=0, no addon, and the exp and pow shapes, whose
 * Math.exp / Math.pow C's libm does not reproduce bit for bit).
 */
import { SlotKind, HEALTHY } from '../cell_state.js';
import type { DeviceModel } from '../device_model.js';
import type { WeightMapping } from '../mapping.js';
import { counterWord } from '../counter_normal.js';
import { cellBase, cellGain, normalOfWord, pulseQuantileTable, pulseResponse, type PulseKernel } from '../pulse/pulse_response.js';
import { nativeKernels, type NativeKernels } from '../../kernels/native.js';
import type { UpdateScheme, UpdateSpec } from './update_spec.js';

const f = Math.fround;

/** the arrays of one CrossbarArray the pulse schemes read and write */
export interface PulseCells {
  readonly slotKind: Uint8Array;
  readonly stateP: Uint8Array;
  readonly stateN: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
  readonly tgtP: Float32Array;
  readonly tgtN: Float32Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
}

/** the update cost a pulsed array reports (totals since its scheme began) */
export interface UpdateCost {
  pulses: number;
  reads: number;
  /** J: pulses·pulseEnergy + reads·readEnergy */
  energy: number;
  /** s: pulses·pulseTime + reads·readTime (cell by cell; row-parallel writing would divide it) */
  time: number;
  /** bytes of the digital accumulators (mixed-precision; 0 otherwise) */
  accumulatorBytes: number;
}

const SCHEME_CODE: Record<Exclude<UpdateScheme, 'write-verify'>, number> = { 'open-loop': 0, 'mixed-precision': 1, 'verify-pulses': 2 };

export class PulseProgrammer {
  readonly scheme: number;
  readonly kernel: PulseKernel;
  /** per cell: the aim (target of its last update) */
  readonly aimP: Float32Array;
  readonly aimN: Float32Array;
  /** mixed-precision accumulators (empty for the other schemes) */
  readonly accP: Float32Array;
  readonly accN: Float32Array;
  /** pulses each cell has had (the cycle-to-cycle draw index) */
  readonly countP: Uint32Array;
  readonly countN: Uint32Array;
  /** device-to-device gains g_c, c = cell index */
  private readonly gains: Float64Array;
  pulses = 0;
  reads = 0;
  /** true once a target of this array changed (an array never updated, e.g. a frozen LoRA base, needs no accumulators) */
  touched = false;
  private readonly dwMin: number;
  private readonly tol: number;
  private readonly maxPulses: number;
  private readonly two: boolean;
  private readonly freeCells: number;
  private readonly out = new Float64Array(2);
  /** the weights of the last pass (NaN before the first): an unchanged weight has unchanged targets */
  private last: Float32Array = new Float32Array(0);
  /** the native pass (null: this file's loop) and its parameter block (pulse_kernel.cc's p) */
  private native: NativeKernels | null;
  private readonly nativeP = new Float64Array(22);
  private readonly nativeOut = new Float64Array(5);

  constructor(readonly spec: UpdateSpec, model: DeviceModel, cells: PulseCells, two: boolean) {
    if (!model.pulseKernel || spec.scheme === 'write-verify') throw new Error(`update scheme '${spec.scheme}' needs a pulse model (got '${model.name}')`);
    this.scheme = SCHEME_CODE[spec.scheme];
    const k = this.kernel = model.pulseKernel;
    this.dwMin = k.dwMin;
    this.tol = spec.tolerance;
    this.maxPulses = spec.maxPulses;
    this.two = two;
    const n = cells.uP.length;
    this.aimP = new Float32Array(n);
    this.aimN = new Float32Array(n);
    const mixed = this.scheme === 1;
    this.accP = new Float32Array(mixed ? n : 0);
    this.accN = new Float32Array(mixed ? n : 0);
    this.countP = new Uint32Array(n);
    this.countN = new Uint32Array(n);
    this.gains = new Float64Array(two ? 2 * n : n);
    for (let c = 0; c < this.gains.length; c++) this.gains[c] = cellGain(k, c);
    let free = 0;
    for (let s = 0; s < n; s++) {
      // the aim starts at the level write-verify programmed (NaN: never written, then where the cell is)
      this.aimP[s] = Number.isNaN(cells.tgtP[s]) ? cells.uP[s] : cells.tgtP[s];
      this.aimN[s] = Number.isNaN(cells.tgtN[s]) ? cells.uN[s] : cells.tgtN[s];
      free += (cells.stateP[s] === HEALTHY ? 1 : 0) + (two && cells.stateN[s] === HEALTHY ? 1 : 0);
    }
    this.freeCells = free;
    const nk = nativeKernels();
    this.native = nk !== null && typeof nk.pulseProgram === 'function' && (k.code === 0 || k.code === 1) ? nk : null;
    const P = this.nativeP;
    P[3] = this.scheme; P[4] = two ? 1 : 0; P[6] = two ? 0 : 1; P[7] = k.code;
    P[8] = k.dwUp; P[9] = k.dwDown; P[10] = k.dwMin; P[11] = k.mid; P[12] = k.invH;
    P[13] = k.gammaUp; P[14] = k.gammaDown; P[15] = k.uMin; P[16] = k.uMax; P[17] = k.ctoc;
    P[18] = k.ctocKey.k0 >>> 0; P[19] = k.ctocKey.k1 >>> 0; P[20] = spec.tolerance; P[21] = spec.maxPulses;
  }

  /** whether the passes run in the native addon */
  get isNative(): boolean {
    return this.native !== null;
  }

  /** run the TypeScript loop from now on (the fallback; tests compare it with the native pass) */
  useFallback(): void {
    this.native = null;
  }

  /** the pass in the native addon (pulse_kernel.cc): the same rules and bits as the loops below */
  private programNative(
    c: PulseCells, rows: number, cols: number, val: Float32Array, wMax: number,
    permR: Int32Array, permC: Int32Array, identity: boolean, wEff: Float32Array, full: boolean, out: Float64Array,
  ): number {
    const P = this.nativeP, o = this.nativeOut;
    P[0] = rows; P[1] = cols; P[2] = wMax; P[5] = full ? 1 : 0;
    this.native!.pulseProgram!(val, c.slotKind, c.stateP, c.stateN, c.uP, c.uN, c.writesP, c.writesN, wEff,
      this.last, this.aimP, this.aimN, this.accP, this.accN, this.countP, this.countN, this.gains,
      pulseQuantileTable(), identity ? null : permR, identity ? null : permC, P, o);
    out[0] += o[0];
    this.pulses += o[2];
    this.reads += o[3];
    if (o[4] !== 0) this.touched = true;
    return o[1];
  }

  /** the totals since the scheme began */
  cost(): UpdateCost {
    const s = this.spec;
    return {
      pulses: this.pulses, reads: this.reads,
      energy: this.pulses * s.pulseEnergy + this.reads * s.readEnergy,
      time: this.pulses * s.pulseTime + this.reads * s.readTime,
      accumulatorBytes: this.scheme === 1 && this.touched ? 4 * this.freeCells : 0,
    };
  }

  /**
   * one cell's update towards target u* (float32); returns the pulses applied (the new u in out[0]).
   * `arr` 0 = cell P, 1 = cell N of slot s; c = its cell index.
   */
  private cell(u: number, target: number, s: number, arr: number, c: number): number {
    const aim = arr === 0 ? this.aimP : this.aimN;
    const count = arr === 0 ? this.countP : this.countN;
    const k = this.kernel, g = this.gains[c], out = this.out;
    out[0] = u;
    let n = 0;
    if (this.scheme === 0) {
      if (target === aim[s]) return 0;
      n = Math.round((target - aim[s]) / this.dwMin);
      aim[s] = target;
    } else if (this.scheme === 1) {
      const acc = arr === 0 ? this.accP : this.accN;
      if (target === aim[s] && acc[s] === 0) return 0;
      this.touched = true;
      let a = f(acc[s] + f(target - aim[s]));
      aim[s] = target;
      n = Math.trunc(a / this.dwMin);
      if (n !== 0) a = f(a - n * this.dwMin);
      acc[s] = a;
    } else {
      if (target === aim[s]) return 0;
      aim[s] = target;
      this.reads++;
      let cnt = count[s];
      const b = k.ctoc === 0 ? 0 : cellBase(k, c);
      let p = 0;
      while (Math.abs(u - target) > this.tol && p < this.maxPulses) {
        const z = k.ctoc === 0 ? 0 : normalOfWord(counterWord(b, cnt));
        u = pulseResponse(k, u, target > u ? 1 : -1, g, z);
        cnt++; p++;
        this.reads++;
      }
      count[s] = cnt;
      out[0] = u;
      return p;
    }
    if (n === 0) return 0;
    const dir = n > 0 ? 1 : -1, m = n > 0 ? n : -n;
    let cnt = count[s];
    const b = k.ctoc === 0 ? 0 : cellBase(k, c);
    for (let p = 0; p < m; p++) {
      const z = k.ctoc === 0 ? 0 : normalOfWord(counterWord(b, cnt));
      u = pulseResponse(k, u, dir, g, z);
      cnt++;
    }
    count[s] = cnt;
    out[0] = u;
    return m;
  }

  /** |n| pulses of sign n on cell c (slot s, counter array `count`) from u; returns the new u */
  private pulseTrain(u: number, n: number, c: number, count: Uint32Array, s: number): number {
    const k = this.kernel, g = this.gains[c];
    const dir = n > 0 ? 1 : -1, m = n > 0 ? n : -n;
    let cnt = count[s];
    if (k.ctoc === 0) {
      for (let p = 0; p < m; p++) u = pulseResponse(k, u, dir, g, 0);
    } else {
      const b = cellBase(k, c);
      for (let p = 0; p < m; p++) u = pulseResponse(k, u, dir, g, normalOfWord(counterWord(b, cnt + p)));
    }
    count[s] = cnt + m;
    return u;
  }

  /**
   * the pulse count of one open-loop (scheme 0) or mixed-precision (1) update of a cell with aim
   * array `aim` (and accumulators `acc`) towards target `tg` (float32); updates aim / acc
   */
  private count(tg: number, aim: Float32Array, acc: Float32Array, s: number): number {
    const a0 = aim[s];
    if (tg === a0) return 0;
    aim[s] = tg;
    this.touched = true;
    if (this.scheme === 0) return Math.round((tg - a0) / this.dwMin);
    let a = f(acc[s] + f(tg - a0));
    const n = Math.trunc(a / this.dwMin);
    if (n !== 0) a = f(a - n * this.dwMin);
    acc[s] = a;
    return n;
  }

  /** open-loop and mixed-precision over the matrix (the same rules as `cell`, inlined for speed) */
  private programCounted(
    c: PulseCells, mapping: WeightMapping, rows: number, cols: number,
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    wEff: Float32Array, full: boolean, out: Float64Array,
  ): number {
    const two = this.two;
    const { uP, uN, writesP, writesN, slotKind } = c;
    const { aimP, aimN, accP, accN, countP, countN } = this;
    const inv = 1 / wMax, last = this.last;
    let clipped = 0, events = 0, pulses = 0;
    for (let i = 0; i < rows; i++) {
      const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const idx = base + j;
        const w = val[idx];
        if (w > wMax || w < -wMax) clipped++;
        if (w === last[idx] && !full) continue;
        last[idx] = w;
        const s = identity ? idx : pr + permC[j];
        const t = w > wMax ? 1 : w < -wMax ? -1 : w * inv;
        const kind = slotKind[s];
        let ch = false;
        if (kind === SlotKind.AllHealthy && two) {
          const nP = this.count(f(t > 0 ? t : 0), aimP, accP, s);
          if (nP !== 0) { uP[s] = this.pulseTrain(uP[s], nP, 2 * s, countP, s); const m = nP > 0 ? nP : -nP; writesP[s] += m; pulses += m; events++; ch = true; }
          const nN = this.count(f(t < 0 ? -t : 0), aimN, accN, s);
          if (nN !== 0) { uN[s] = this.pulseTrain(uN[s], nN, 2 * s + 1, countN, s); const m = nN > 0 ? nN : -nN; writesN[s] += m; pulses += m; events++; ch = true; }
        } else if (kind !== SlotKind.AllStuck) {
          if (kind !== SlotKind.PStuck) {
            const nP = this.count(f(mapping.targetP(t, kind, uN[s])), aimP, accP, s);
            if (nP !== 0) { uP[s] = this.pulseTrain(uP[s], nP, two ? 2 * s : s, countP, s); const m = nP > 0 ? nP : -nP; writesP[s] += m; pulses += m; events++; ch = true; }
          }
          if (two && kind !== SlotKind.NStuck) {
            const nN = this.count(f(mapping.targetN(t, kind, uP[s])), aimN, accN, s);
            if (nN !== 0) { uN[s] = this.pulseTrain(uN[s], nN, 2 * s + 1, countN, s); const m = nN > 0 ? nN : -nN; writesN[s] += m; pulses += m; events++; ch = true; }
          }
        }
        if (ch || full) wEff[idx] = wMax * mapping.weight(uP[s], uN[s]);
      }
    }
    this.pulses += pulses;
    out[0] += events;
    return clipped;
  }

  /**
   * program the whole matrix by pulses (the arguments of CrossbarArray.programAll); adds the write
   * events to out[0], returns the clipped count
   */
  program(
    c: PulseCells, mapping: WeightMapping, rows: number, cols: number,
    val: Float32Array, wMax: number, permR: Int32Array, permC: Int32Array, identity: boolean,
    wEff: Float32Array, full: boolean, out: Float64Array,
  ): number {
    if (this.last.length !== val.length) { this.last = new Float32Array(val.length); this.last.fill(NaN); }
    // the offset mapping is the only one-cell mapping (P[6] = 1), the differential the only two-cell one
    if (this.native !== null && mapping.kind === (this.two ? 'differential' : 'offset')) {
      return this.programNative(c, rows, cols, val, wMax, permR, permC, identity, wEff, full, out);
    }
    if (this.scheme !== 2) return this.programCounted(c, mapping, rows, cols, val, wMax, permR, permC, identity, wEff, full, out);
    const two = this.two;
    const { uP, uN, writesP, writesN, slotKind, stateP, stateN } = c;
    const inv = 1 / wMax, o = this.out;
    const last = this.last;
    let clipped = 0, events = 0, pulses = 0;
    for (let i = 0; i < rows; i++) {
      const pr = identity ? i * cols : permR[i] * cols, base = i * cols;
      for (let j = 0; j < cols; j++) {
        const idx = base + j, s = identity ? idx : pr + permC[j];
        const w = val[idx];
        if (w > wMax || w < -wMax) clipped++;
        // same weight, same wMax and partners (else `full`): the same targets, nothing to write
        if (w === last[idx] && !full) continue;
        last[idx] = w;
        const t = w > wMax ? 1 : w < -wMax ? -1 : w * inv;
        const kind = slotKind[s];
        let ch = false;
        if (kind !== SlotKind.AllStuck) {
          if (stateP[s] === HEALTHY && kind !== SlotKind.PStuck) {
            const n = this.cell(uP[s], f(mapping.targetP(t, kind, uN[s])), s, 0, two ? 2 * s : s);
            if (n > 0) { uP[s] = o[0]; writesP[s] += n; pulses += n; events++; ch = true; }
          }
          if (two && stateN[s] === HEALTHY && kind !== SlotKind.NStuck) {
            const n = this.cell(uN[s], f(mapping.targetN(t, kind, uP[s])), s, 1, 2 * s + 1);
            if (n > 0) { uN[s] = o[0]; writesN[s] += n; pulses += n; events++; ch = true; }
          }
        }
        if (ch || full) wEff[idx] = wMax * mapping.weight(uP[s], uN[s]);
      }
    }
    this.pulses += pulses;
    out[0] += events;
    return clipped;
  }
}
