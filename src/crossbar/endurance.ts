/**
 * Write endurance (config `device.endurance: { n50, sigma?, lrsShare? }`): each cell has a
 * lifetime write budget, and a cell written more often than its budget wears out and becomes stuck.
 *
 *   budget    B_k = n50 · exp(σ · z_k),  z_k the k-th N(0, 1) draw of `endurance/<layer>`
 *             (lognormal, median n50, spread σ), cell index k = slot·cellsPerWeight + c (c = 0: G⁺ or
 *             the offset cell, 1: G⁻), drawn once at construction in index order
 *   state     a worn-out cell becomes stuck at LRS when v_k < lrsShare, else at HRS,
 *             v_k the k-th U(0, 1) draw of `endurance/<layer>/state` (drawn once, in index order, so
 *             the stuck state does not depend on the order in which cells wear out)
 *   lifetime  L_k = total writes of cell k since the op was built: accumulated from the per-phase
 *             write counters (crossbar_array.ts writesP/N) after every programming pass, kept across
 *             `resetWriteCounts` (methods reset the per-phase counters, never these)
 *   wear-out  the write that takes L_k above B_k (L_k > B_k) fails: the cell becomes stuck (its
 *             conductance is the stuck value, not where the write aimed); writes 1..⌊B_k⌋ succeed
 *             (so with an integer budget the budget-th write still lands).
 * Stuck (factory-defective or worn-out) cells are never written, so they never wear further.
 * A worn-out cell changes the physical state (programming = write-verify treats it as stuck, partners
 * compensate as for factory defects) but not what the methods know: the known slot kinds
 * (CrossbarArray.knownKind → update mask, attainable intervals) change only by fault detection
 * (CrossbarMatrixOp.detectFaults). Bad input (exit 2): n50 < 1 (a zero budget), σ < 0, lrsShare ∉ [0, 1].
 */
import { UserError } from '../util/errors.js';
import { stream } from '../util/rng.js';
import { checkFields, numField, section, type SpecOf, type SECTION } from '../util/spec_field.js';
import { HEALTHY, SlotKind, STUCK_HRS, STUCK_LRS } from './cell_state.js';
import { NormalSource } from './gaussian.js';
import type { ProgrammedCells } from './device_model.js';

/** device.endurance: optional section (absent = cells never wear out, left out of the point) */
export const ENDURANCE_FIELDS = section({
  n50: numField({ min: 1, max: 1e15 }, 'median lifetime write budget per cell (device.endurance; >= 1, a zero budget is refused)'),
  sigma: numField({ min: 0, max: 10 }, 'lognormal spread of the per-cell write budgets (default {default})', { default: 0 }),
  lrsShare: numField({ min: 0, max: 1 }, 'share of worn-out cells stuck at LRS, the rest at HRS (default {default})', { default: 0.5 }),
}, { optional: true, describe: 'write endurance / wear-out (absent = cells never wear out)' });

/** n50: median lifetime write budget per cell; sigma: lognormal spread of the budgets; lrsShare: share of worn-out cells at LRS */
export type EnduranceSpec = SpecOf<typeof ENDURANCE_FIELDS>;

/** device.endurance with defaults filled; UserError naming `${path}.<field>` */
export function resolveEndurance(raw: unknown, path = 'device.endurance'): EnduranceSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UserError(`${path} must be an object { n50, sigma?, lrsShare? }, got ${JSON.stringify(raw)}`, path);
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) {
    if (!Object.hasOwn(ENDURANCE_FIELDS, k)) throw new UserError(`${path}.${k} is not an endurance field; allowed: ${Object.keys(ENDURANCE_FIELDS).join(', ')}`, `${path}.${k}`);
  }
  if (o.n50 === undefined) throw new UserError(`${path}.n50 is required when device.endurance is given (${ENDURANCE_FIELDS.n50.describe})`, `${path}.n50`);
  const e = { n50: o.n50, sigma: o.sigma ?? ENDURANCE_FIELDS.sigma.default, lrsShare: o.lrsShare ?? ENDURANCE_FIELDS.lrsShare.default };
  checkFields(e, ENDURANCE_FIELDS, path);
  return e as EnduranceSpec;
}

/** the cells' arrays the wear-out pass reads and changes (CrossbarArray) */
export interface WearCells extends ProgrammedCells {
  readonly slots: number;
  readonly slotKind: Uint8Array;
}

export class Endurance {
  /** B_k */
  readonly budget: Float64Array;
  /** L_k, lifetime writes (never reset) */
  readonly lifetime: Float64Array;
  /** per-phase counter values already added to L_k */
  private readonly seen: Uint32Array;
  private readonly toLrs: Uint8Array;
  /** cells worn out so far */
  wornOut = 0;

  constructor(readonly spec: EnduranceSpec, seed: number, layer: string, slots: number, readonly cellsPerWeight: 1 | 2, private readonly stuckU: (state: number) => number) {
    const n = slots * cellsPerWeight;
    this.budget = new Float64Array(n);
    this.lifetime = new Float64Array(n);
    this.seen = new Uint32Array(n);
    this.toLrs = new Uint8Array(n);
    const z = new NormalSource(stream(seed, `endurance/${layer}`));
    const v = stream(seed, `endurance/${layer}/state`);
    for (let k = 0; k < n; k++) {
      this.budget[k] = spec.n50 * Math.exp(spec.sigma * z.next());
      this.toLrs[k] = v.next() < spec.lrsShare ? 1 : 0;
    }
  }

  /** total lifetime writes over all cells */
  totalLifetimeWrites(): number {
    let s = 0;
    for (let k = 0; k < this.lifetime.length; k++) s += this.lifetime[k];
    return s;
  }

  /**
   * After a programming pass: add the new writes to the lifetime counters and wear out every healthy
   * cell whose lifetime count exceeds its budget (state, u and slot kind updated). Returns the number
   * of cells worn out by this pass.
   */
  afterProgram(c: WearCells): number {
    const cpw = this.cellsPerWeight;
    let worn = 0;
    for (let s = 0; s < c.slots; s++) {
      worn += this.account(c, s, 0, c.writesP, c.stateP, c.uP);
      if (cpw === 2) worn += this.account(c, s, 1, c.writesN, c.stateN, c.uN);
    }
    if (worn > 0) {
      for (let s = 0; s < c.slots; s++) c.slotKind[s] = slotKindOf(c.stateP[s] !== HEALTHY, cpw === 2 ? c.stateN[s] !== HEALTHY : c.stateP[s] !== HEALTHY);
      this.wornOut += worn;
    }
    return worn;
  }

  private account(c: WearCells, s: number, cell: 0 | 1, writes: Uint32Array, state: Uint8Array, u: Float32Array): number {
    const k = s * this.cellsPerWeight + cell;
    const w = writes[s], d = w - this.seen[k];
    if (d <= 0) return 0;
    this.seen[k] = w;
    this.lifetime[k] += d;
    if (state[s] !== HEALTHY || !(this.lifetime[k] > this.budget[k])) return 0;
    state[s] = this.toLrs[k] ? STUCK_LRS : STUCK_HRS;
    u[s] = this.stuckU(state[s]);
    void c;
    return 1;
  }

  /** the per-phase counters were reset to 0 (the lifetime counters keep their totals) */
  phaseReset(): void {
    this.seen.fill(0);
  }
}

export function slotKindOf(pStuck: boolean, nStuck: boolean): SlotKind {
  return pStuck && nStuck ? SlotKind.AllStuck : pStuck ? SlotKind.PStuck : nStuck ? SlotKind.NStuck : SlotKind.AllHealthy;
}
