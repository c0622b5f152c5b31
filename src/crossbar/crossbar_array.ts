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
 *      G = G_q·exp(σp·z), z ~ N(0, 1) from stream 'prog/<layer>' (only drawn when σp > 0):
 *      u = (gMin + q·Δ)·e^{σp z}/Δ − gMin/Δ,  Δ = gMax − gMin.
 *   Stuck cells are never written and sit exactly at u = 0 (HRS) or u = 1 (LRS).
 */
import type { DeviceSpec } from '../methods/point.js';
import { stream, type Rng } from '../util/rng.js';
import { HEALTHY, stuckU } from './cell_state.js';
import type { TileDefectMap } from './defect_map.js';
import { uOffset } from './device.js';
import type { WeightMapping } from './mapping.js';
import type { TileLayout } from './tiling.js';

export class CrossbarArray {
  readonly slots: number;
  readonly stateP: Uint8Array;
  readonly stateN: Uint8Array;
  readonly uP: Float32Array;
  readonly uN: Float32Array;
  /** last programmed (quantised) target u per cell; NaN = never written */
  readonly tgtP: Float32Array;
  readonly tgtN: Float32Array;
  readonly writesP: Uint32Array;
  readonly writesN: Uint32Array;
  totalWrites = 0;
  private readonly progRng: Rng | null;
  private readonly off: number;
  private readonly tmp = new Float64Array(2);

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
    this.uP = new Float32Array(n);
    this.uN = new Float32Array(n);
    this.tgtP = new Float32Array(n).fill(NaN);
    this.tgtN = new Float32Array(n).fill(NaN);
    this.writesP = new Uint32Array(n);
    this.writesN = new Uint32Array(n);
    this.progRng = device.progSigma > 0 ? stream(seed, `prog/${layer}`) : null;
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
      }
    }
    if (!two) this.tgtN.fill(0);
  }

  /** u after a write to quantised target q (programming variation when σp > 0) */
  private land(q: number): number {
    const rng = this.progRng;
    if (rng === null) return q;
    const e = Math.exp(this.device.progSigma * rng.normal());
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
      let q = out[0];
      if (L > 0) q = Math.round(q * (L - 1)) / (L - 1);
      q = Math.fround(q);
      if (force || q !== this.tgtP[s]) {
        this.tgtP[s] = q; this.uP[s] = this.land(q); this.writesP[s]++; w++;
      }
    }
    if (this.mapping.cellsPerWeight === 2 && this.stateN[s] === HEALTHY) {
      let q = out[1];
      if (L > 0) q = Math.round(q * (L - 1)) / (L - 1);
      q = Math.fround(q);
      if (force || q !== this.tgtN[s]) {
        this.tgtN[s] = q; this.uN[s] = this.land(q); this.writesN[s]++; w++;
      }
    }
    this.totalWrites += w;
    return w;
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
}
