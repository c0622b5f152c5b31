/**
 * Shared steps of the methods: putting a network's weight layers on defective crossbars (and
 * back), the fault mask of a crossbar op, and turning a finished network into PointMetrics.
 *
 * Deployment: with `crossbar.batchNorm: 'fold'` every BatchNorm that follows a weight layer is
 * first folded into it (src/nn/fold_batch_norm.ts). Then layer l gets `makeCrossbarOp(weight, l.name, point)` (src/crossbar/crossbar_op_factory.ts,
 * the same construction as the crossbar part's mapNetwork: defect
 * streams `defects/<layer>/tile<r>_<c>` of the point's seed, so every method of a seed sees the
 * same defects). The op programs every free cell when built: those writes are the deployment
 * (`programWrites`); after a layer's final deployment (and mapping) its write counters are reset,
 * so `cellWrites` in the metrics counts only writes during on-device training / adaptation.
 * The op owns `weight.updateMask` (0 on weights whose cells are all stuck): fully stuck weights
 * are frozen while the layer is on its crossbar. While a layer is held digital (ITT-RNA stages)
 * its mask is removed and restored when the layer is switched on.
 */
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import { makeCrossbarOp } from '../crossbar/crossbar_op_factory.js';
import { HEALTHY } from '../crossbar/cell_state.js';
import type { MatrixOp } from '../nn/matrix_op.js';
import type { Network } from '../nn/network.js';
import { foldBatchNorm } from '../nn/fold_batch_norm.js';
import { evaluate } from '../nn/train.js';
import type { WeightLayer } from '../nn/weight_layer.js';
import { networkCost } from './cost.js';
import { updateExtras } from '../crossbar/update/update_cost.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { CrossbarPoint } from './method_options.js';

export function crossbarFor(layer: WeightLayer, point: CrossbarPoint): CrossbarMatrixOp {
  return makeCrossbarOp(layer.op.weight, layer.name, point);
}

/** A network whose weight layers can each be on its crossbar op or on its digital op. */
export class Deployment {
  readonly layers: WeightLayer[];
  readonly digital: MatrixOp[];
  readonly xbar: CrossbarMatrixOp[];
  readonly on: boolean[];
  private readonly masks: (Float32Array | undefined)[];
  /** writes of programming the layers when their crossbars were built */
  readonly programWrites: number;

  /** builds every layer's crossbar op; `switchOn` = put them all in place now */
  constructor(readonly net: Network, point: CrossbarPoint, switchOn: boolean) {
    // BatchNorm folding (crossbar.batchNorm 'fold'): the crossbars are built from the folded weights
    if (point.crossbar.batchNorm === 'fold') foldBatchNorm(net);
    this.layers = net.weightLayers();
    this.digital = this.layers.map((l) => l.op);
    this.xbar = this.layers.map((l) => crossbarFor(l, point));
    this.masks = this.xbar.map((op) => op.weight.updateMask);
    this.programWrites = this.xbar.reduce((s, op) => s + op.cellWrites(), 0);
    this.on = this.layers.map(() => false);
    for (let k = 0; k < this.layers.length; k++) {
      this.layers[k].op.weight.updateMask = undefined; // digital until switched on
      if (switchOn) this.switchOn(k);
    }
  }

  /** put layer k on its crossbar: restore its fault mask, program, reset the write counters */
  switchOn(k: number): void {
    const op = this.xbar[k];
    this.layers[k].op = op;
    op.weight.updateMask = this.masks[k];
    op.sync();
    op.resetWriteCounts();
    this.on[k] = true;
  }

  cellWrites(): number {
    return this.xbar.reduce((s, op) => s + op.cellWrites(), 0);
  }
}

/** 1 where at least one cell of physical slot s of the op is stuck (rows x cols, physical layout) */
export function physicalFaulty(op: CrossbarMatrixOp): Uint8Array {
  const a = op.array, n = a.slots, two = op.mapping.cellsPerWeight === 2;
  const f = new Uint8Array(n);
  for (let s = 0; s < n; s++) f[s] = a.stateP[s] !== HEALTHY || (two && a.stateN[s] !== HEALTHY) ? 1 : 0;
  return f;
}

/** the same mask in logical layout (after the op's current permutations) */
export function logicalFaulty(op: CrossbarMatrixOp): Uint8Array {
  const pf = physicalFaulty(op);
  const r = op.rowPermutation(), c = op.colPermutation(), cols = op.cols;
  const f = new Uint8Array(op.rows * cols);
  for (let i = 0; i < op.rows; i++) for (let j = 0; j < cols; j++) f[i * cols + j] = pf[r[i] * cols + c[j]];
  return f;
}

/** logical weights the device cannot represent: w outside its attainable [lo, hi] (stuck cells and range) */
export function clippedWeights(op: CrossbarMatrixOp): number {
  const { lo, hi } = op.attainable();
  const w = op.weight.value;
  let c = 0;
  for (let k = 0; k < w.length; k++) if (w[k] < lo[k] || w[k] > hi[k]) c++;
  return c;
}

export interface FinishOptions {
  /** overrides the trainable-parameter count (0 for methods without on-device training) */
  trainableParams?: number;
  deployment?: Deployment;
  extra?: Record<string, number | string | boolean | null>;
  /** performance.now() when the run began (default: ctx.startedAt) */
  t0?: number;
}

/** evaluate on the dataset's eval split and collect cost and extras */
export function finishMetrics(net: Network, ctx: Pick<MethodContext, 'dataset' | 'startedAt' | 'onNetwork'>, o: FinishOptions): PointMetrics {
  ctx.onNetwork?.(net);
  const ev = evaluate(net, ctx.dataset.eval);
  const cost = networkCost(net);
  const extra: Record<string, number | string | boolean | null> = { ...(o.extra ?? {}) };
  if (o.deployment) {
    extra.programWrites = o.deployment.programWrites;
    extra.clippedWeights = o.deployment.xbar.reduce((s, op) => s + clippedWeights(op), 0);
    extra.fullyStuckWeights = o.deployment.xbar.reduce((s, op) => s + op.fullyStuckCount(), 0);
    Object.assign(extra, lifetimeExtras(o.deployment.xbar));
  }
  // a pulsed update scheme's cost (update.scheme; absent otherwise, so other records are unchanged)
  if (cost.update) Object.assign(extra, updateExtras(cost.update));
  extra.macsPerImage = cost.macsPerImage;
  extra.methodSeconds = (performance.now() - (o.t0 ?? ctx.startedAt ?? performance.now())) / 1000;
  return {
    accuracy: ev.accuracy,
    loss: ev.loss,
    evalSplit: ev.split,
    cellWrites: cost.cellWrites,
    cellsWritten: cost.cellsWritten,
    trainableParams: o.trainableParams ?? cost.trainableParams,
    cellsUsed: cost.cellsUsed,
    extraMacsPerImage: cost.extraMacsPerImage,
    extra,
  };
}

/**
 * Device-lifetime extras of the deployed layers, present only when the point switches the
 * physics on (so existing records are unchanged): with device.endurance `lifetimeWrites` (every write
 * since the ops were built, deployment included, never reset), `wornOutCells`, `undetectedFaults`
 * (worn out, unknown to the method); with device.drift.refreshEvery `refreshWrites`.
 */
export function lifetimeExtras(ops: CrossbarMatrixOp[]): Record<string, number> {
  const out: Record<string, number> = {};
  if (ops.some((op) => op.device.endurance)) {
    out.lifetimeWrites = ops.reduce((s, op) => s + op.lifetimeWrites(), 0);
    out.wornOutCells = ops.reduce((s, op) => s + op.wornOutCells(), 0);
    out.undetectedFaults = ops.reduce((s, op) => s + op.undetectedFaults(), 0);
  }
  if (ops.some((op) => op.device.drift?.refreshEvery !== undefined)) {
    out.refreshWrites = ops.reduce((s, op) => s + op.refreshWrites(), 0);
  }
  return out;
}
