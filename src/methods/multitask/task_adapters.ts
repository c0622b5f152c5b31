/**
 * Per-task LoRA / LoRI adapter sets on ONE frozen base.
 *
 * The base network is deployed once on its (defective) crossbars and never reprogrammed; each
 * adapted layer keeps its base op W0 (frozen). Task k owns, per adapted layer,
 *
 *     lora:  A_k (rows x r, its own array `<layer>/loraA/task<k>`, init U(±1/√rows) from stream
 *            `lora/<layer>/A/task<k>`) and B_k (r x cols, `<layer>/loraB/task<k>`, init 0), both trained;
 *     lori:  the layer's ONE shared A (array `<layer>/loraA`, init from stream `lora/<layer>/A`,
 *            i.e. the very A of single-task LoRI, frozen, programmed once when the first task is
 *            added and never written again) and its own sparse B_k (`<layer>/loraB/task<k>`; the
 *            mask comes from lori_mask.ts, applied by the caller).
 *
 * Selecting task k sets every adapted layer's op to the task's `LoraMatrixOp`
 * Y = X·W0 + (α/r)·(X·A_k)·B_k (the shared op objects W0, A are the same in every task's op), so
 * switching tasks is routing only: no cell of the base or of any adapter array is written.
 * Each task's B_k sits on an array of its own (K·r·cols B cells for K tasks; LoRA also K·rows·r A
 * cells, LoRI rows·r once).
 */
import type { MatrixOp } from '../../nn/matrix_op.js';
import { makeParam } from '../../nn/param.js';
import type { Param } from '../../nn/param.js';
import { stream } from '../../util/rng.js';
import { UserError } from '../../util/errors.js';
import type { AdaptableLayer } from '../lora/attach.js';
import { initLoraA, LoraMatrixOp } from '../lora/lora_matrix_op.js';
import { digitalArrays, distinctCost, type ArrayOpFactory } from './array_factory.js';

export type AdapterVariant = 'lora' | 'lori';

export interface TaskAdapterSpec {
  variant: AdapterVariant;
  rank: number;
  /** update scale numerator: s = α / r */
  alpha: number;
}

/** A_k ~ U(−1/√rows, 1/√rows) from stream(seed, 'lora/<layer>/A/task<k>') */
export function initTaskA(A: Param, layer: string, task: number, seed: number): void {
  const rng = stream(seed, `lora/${layer}/A/task${task}`);
  const bound = 1 / Math.sqrt(A.rows);
  for (let i = 0; i < A.value.length; i++) A.value[i] = (2 * rng.next() - 1) * bound;
}

export class TaskAdapterSet {
  /** frozen base op per adapted layer (never replaced, never reprogrammed) */
  readonly bases: MatrixOp[];
  /** LoRI: the shared A op per layer (null for LoRA, or before the first task) */
  readonly sharedA: (MatrixOp | null)[];
  /** taskOps[k][l]: task k's op for adapted layer l */
  readonly taskOps: LoraMatrixOp[][] = [];
  private _active = -1;

  constructor(
    readonly layers: AdaptableLayer[],
    readonly spec: TaskAdapterSpec,
    readonly seed: number,
    /** where new A/B arrays run (digital by default) */
    public factory: ArrayOpFactory = digitalArrays,
  ) {
    const { rank, alpha } = spec;
    if (!Number.isInteger(rank) || rank < 1) throw new UserError(`lora.rank must be an integer >= 1 (got ${rank})`, 'lora.rank');
    if (!Number.isFinite(alpha) || alpha <= 0) throw new UserError(`lora.alpha must be a finite number > 0 (got ${alpha})`, 'lora.alpha');
    this.bases = layers.map((l) => {
      if (l.op instanceof LoraMatrixOp) throw new Error(`${l.name} already has LoRA adapters`);
      for (const p of l.op.params()) p.trainable = false;
      const maxRank = Math.min(l.op.rows, l.op.cols);
      if (rank > maxRank) {
        throw new UserError(`lora.rank ${rank} exceeds min(rows, cols) = ${maxRank} of layer '${l.name}'; allowed: 1..${maxRank}`, 'lora.rank');
      }
      return l.op;
    });
    this.sharedA = layers.map(() => null);
  }

  get taskCount(): number { return this.taskOps.length; }
  /** the selected task, −1 = the base alone */
  get active(): number { return this._active; }

  /**
   * Add the next task (index k = taskCount): new B_k = 0 arrays (and A_k for LoRA; LoRI creates
   * the shared A with the first task). `bFactory` overrides where B_k runs (LoRI's calibration
   * stage keeps B digital, then `placeB` moves it onto its array). Returns k; does not select it.
   */
  addTask(bFactory: ArrayOpFactory = this.factory): number {
    const k = this.taskOps.length;
    const { rank, alpha, variant } = this.spec;
    const ops = this.layers.map((l, i) => {
      const base = this.bases[i];
      let opA: MatrixOp;
      if (variant === 'lori') {
        let a = this.sharedA[i];
        if (!a) {
          const A = makeParam(`${l.name}.loraA`, base.rows, rank, false);
          initLoraA(A, l.name, this.seed);
          a = this.factory(`${l.name}/loraA`, A);
          this.sharedA[i] = a;
        }
        opA = a;
      } else {
        const A = makeParam(`${l.name}.loraA.task${k}`, base.rows, rank, true);
        initTaskA(A, l.name, k, this.seed);
        opA = this.factory(`${l.name}/loraA/task${k}`, A);
      }
      const B = makeParam(`${l.name}.loraB.task${k}`, rank, base.cols, true);
      const opB = bFactory(`${l.name}/loraB/task${k}`, B);
      return new LoraMatrixOp(base, opA, opB, { rank, alpha });
    });
    this.taskOps.push(ops);
    return k;
  }

  /** put task k's B_k (its current values) onto a new op from `factory` (programs it once) */
  placeB(k: number, factory: ArrayOpFactory = this.factory): void {
    this.taskOps[k].forEach((o, i) => { o.opB = factory(`${this.layers[i].name}/loraB/task${k}`, o.B); });
  }

  /** route every adapted layer through task k's adapters (−1: the base alone); writes nothing */
  select(k: number): void {
    if (!(k >= -1 && k < this.taskOps.length && Number.isInteger(k))) throw new RangeError(`select: no task ${k} (have ${this.taskOps.length})`);
    this.layers.forEach((l, i) => { l.op = k < 0 ? this.bases[i] : this.taskOps[k][i]; });
    this._active = k;
  }

  /** the params task k trains: A_k and B_k (lora) or B_k (lori) */
  trainableParams(k: number): Param[] {
    return this.taskOps[k].flatMap((o) => (this.spec.variant === 'lori' ? [o.B] : [o.A, o.B]));
  }

  /** every distinct adapter op (shared A once, then per task A_k/B_k) */
  adapterOps(): MatrixOp[] {
    const s = new Set<MatrixOp>();
    for (const a of this.sharedA) if (a) s.add(a);
    for (const ops of this.taskOps) for (const o of ops) { s.add(o.opA); s.add(o.opB); }
    return [...s];
  }

  /** cells / writes of all adapter arrays (a shared A counted once) */
  adapterCost(): { cellsUsed: number; cellWrites: number; cellsWritten: number } {
    return distinctCost(this.adapterOps());
  }

  /** cells / writes of the base ops of the adapted layers */
  baseCost(): { cellsUsed: number; cellWrites: number; cellsWritten: number } {
    return distinctCost(this.bases);
  }
}
