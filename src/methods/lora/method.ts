/**
 * Methods `lora` and `lori`: repair a deployed, defective network by training low-rank adapters
 * that live on crossbars of their own, without reprogramming the big base arrays.
 *
 * Options: LoraOptions (src/methods/method_options.ts; below `point` = those options).
 * Both start from the base network deployed on its defective crossbars (point.lora.base:
 * 'unaware' = the ideal weights mapped unchanged, or 'ittrna' = the ITT-RNA result) and freeze
 * every base parameter (weights and biases). The selected layers (point.lora.layers, [] = all)
 * get a `LoraMatrixOp` (lora_matrix_op.ts): Y = X·W0 + (α/r)·(X·A)·B with A (rows x r) and
 * B (r x cols) each a crossbar op (makeCrossbarOp, src/crossbar/crossbar_op_factory.ts) with the point's device, crossbar and defect specs and
 * its own defect map: stream names 'defects/<layer>/loraA/tile<r>_<c>',
 * 'defects/<layer>/loraB/tile<r>_<c>' (and 'prog/<layer>/loraA', 'read/<layer>/loraA', …).
 * α = point.lora.alpha (0 ⇒ α = r).
 *
 * Adapter weight ranges (fixed per array, so programming B = 0 never rescales it):
 *   A: wMax_A = h / √rows with h = 2 for `lora` (A is trained and may grow) and h = 1 for `lori`
 *      (A frozen: its init U(−1/√rows, 1/√rows) exactly fills the range);
 *   B: wMax_B = the base layer's wMax (same device, same weight scale as W0).
 *
 * lora: train A and B with point.retrain (shuffle streams 'lora/shuffle/epoch<k>') through
 *   their crossbar models (stuck adapter cells get no gradient, crossbar_matrix_op.ts).
 * lori (LoRI, arXiv 2504.07448): A frozen at its random init (programmed once). Stage 1: B is
 *   trained (point.retrain, streams 'lori/calib/epoch<k>') in host memory (a digital B, so no B
 *   cell is written while the mask is unknown); then one global magnitude threshold over all
 *   layers keeps the largest (1 − sparsity) fraction of |B| (lori_mask.ts); stage 2: B goes onto
 *   its crossbar, reset to 0, and is retrained from zero under the mask (updateMask, streams
 *   'lori/shuffle/epoch<k>'), so only unmasked B cells are ever written.
 *
 * Write accounting: programming the new adapter arrays (A to its init, B to 0) is deployment,
 * reported in extra.adapterProgramWrites, after which the write counters are reset (the same
 * convention as the base arrays, deploy.ts). metrics.cellWrites = cell writes during adaptation
 * (adapters; the frozen base writes nothing). For an ITT-RNA base, the writes of ITT-RNA itself
 * are extra.baseWrites.
 *
 * Merge (merge.ts): afterwards W0 ← W0 + (α/r)·A_used·B_used is reprogrammed on the base arrays
 * (only changed cells written: extra.mergeWrites) and the network evaluated without adapters:
 * extra.mergedAccuracy / mergedLoss; metrics.accuracy is the unmerged (adapters on their
 * arrays) accuracy, also in extra.unmergedAccuracy.
 */
import { defectSeed } from '../../crossbar/defect_spec.js';
import { makeCrossbarOp } from '../../crossbar/crossbar_op_factory.js';
import type { MatrixOp } from '../../nn/matrix_op.js';
import type { Network } from '../../nn/network.js';
import { evaluate, train } from '../../nn/train.js';
import { maxAbs } from '../../crossbar/converters.js';
import { finishMetrics, type Deployment } from '../deploy.js';
import { ittrnaOnNetwork } from '../ittrna.js';
import { epochReporter, type MethodContext } from '../method_context.js';
import type { PointMetrics } from '../method_metrics.js';
import { retrainExamples, type CrossbarPoint, type LoraOptions } from '../method_options.js';
import { unawareDeployment } from '../unaware.js';
import { attachLora, digitalAdapters, type AdapterOpFactory, type AdapterRole } from './attach.js';
import { LoraMatrixOp } from './lora_matrix_op.js';
import { applyLoriMask, loriMask, type LoriMask } from './lori_mask.js';
import { mergeLora } from './merge.js';
import { haloraPenalty, haloraReg } from './halora.js';
import { NoisyBaseOp } from './noise_aware.js';
import { placementLayers, rolesOf } from './placement.js';
import { rowsPerImage } from '../cost.js';
import { MultiHeadSelfAttention } from '../../nn/multi_head_attention.js';
import { walkLayers } from '../../nn/layer.js';
import type { WeightLayer } from '../../nn/weight_layer.js';

export type LoraVariant = 'lora' | 'lori';

/** wMax of a base op: the crossbar's range, else max |W0| (1 if all zero) */
function baseWMax(op: MatrixOp): number {
  if (op.weightRange) return op.weightRange();
  const m = maxAbs(op.weight.value, op.weight.value.length);
  return m > 0 ? m : 1;
}

/** adapter ops on their own defective crossbars (ranges in the file header) */
export function crossbarAdapters(
  point: CrossbarPoint,
  net: { weightLayers(): { name: string; op: MatrixOp }[] },
  variant: LoraVariant,
  roles: AdapterRole[] = ['A', 'B'],
): AdapterOpFactory {
  return (layer, role, p) => {
    if (!roles.includes(role)) return digitalAdapters(layer, role, p);
    const l = net.weightLayers().find((w) => w.name === layer);
    if (!l) throw new Error(`crossbarAdapters: no layer ${layer}`);
    const base = l.op instanceof LoraMatrixOp ? l.op.base : l.op;
    const wMax = role === 'A' ? (variant === 'lora' ? 2 : 1) / Math.sqrt(p.rows) : baseWMax(base);
    return makeCrossbarOp(p, `${layer}/lora${role}`, point, { crossbar: { range: { kind: 'fixed', wMax } } });
  };
}

function freezeAll(net: Network): void {
  for (const p of net.params()) p.trainable = false;
}

/** writes so far of the adapter arrays of `ops` */
export function adapterWrites(ops: LoraMatrixOp[]): number {
  return ops.reduce((s, o) => s + o.adapterCost().cellWrites, 0);
}

function resetCounters(op: MatrixOp): void {
  op.resetCost?.();
}

/** program the adapters' last update now (a crossbar op otherwise programs it on its next forward) */
function syncAdapters(ops: LoraMatrixOp[]): void {
  for (const o of ops) for (const a of [o.opA, o.opB]) a.sync?.(true);
}

/** the layer names that get adapters: lora.placement's roles (placement.ts) or lora.layers ([] = all) */
export function loraTargets(net: { weightLayers(): WeightLayer[] }, point: Pick<LoraOptions, 'lora'>): string[] {
  if (point.lora.placement === undefined) return point.lora.layers;
  return placementLayers(rolesOf(net.weightLayers()), point.lora.placement);
}

/**
 * Run `fn` with every frozen base op wrapped in a NoisyBaseOp (noise_aware.ts) when `noise` is set;
 * fn gets the afterStep hook that redraws the noise every `noise.every` steps. Unwrapped afterwards.
 */
export function withNoise(
  net: Network, point: { seed: number; defects: { seed?: number } }, noise: { sigma: number; every: number } | undefined,
  fn: (afterStep: ((net: Network, step: number) => void) | undefined) => void,
): void {
  if (!noise || noise.sigma === 0) { fn(undefined); return; }
  const wrapped: NoisyBaseOp[] = [];
  const undo: (() => void)[] = [];
  for (const l of net.weightLayers()) {
    const op = l.op;
    if (op instanceof LoraMatrixOp) {
      const inner = op.base;
      const w = new NoisyBaseOp(inner, l.name, noise.sigma, baseWMax(inner), defectSeed(point));
      op.base = w; wrapped.push(w); undo.push(() => { op.base = inner; });
    } else {
      const w = new NoisyBaseOp(op, l.name, noise.sigma, baseWMax(op), defectSeed(point));
      l.op = w; wrapped.push(w); undo.push(() => { l.op = op; });
    }
  }
  try {
    fn((_n, step) => { const j = Math.floor((step + 1) / noise.every); for (const w of wrapped) w.redraw(j); });
  } finally {
    for (const u of undo) u();
  }
}

/**
 * MACs per image split by where they run (cost accounting):
 *   weight = Σ_layers rows·cols·rowsPerImage (the base products: analog on crossbars)
 *   adapter = Σ_adapted r·(rows + cols)·rowsPerImage (0 after merging)
 *   attention = Σ_MHSA 2·T²·D (Q·Kᵀ and P·V: digital)
 *   analog = weight + (adapters on crossbars ? adapter : 0),  digital = attention + (digital adapters ? adapter : 0)
 */
export function macSplit(net: Network, ops: LoraMatrixOp[], adapterOps: 'crossbar' | 'digital', merged: boolean): { analogMacsPerImage: number; digitalMacsPerImage: number; adapterMacsPerImage: number; attentionMacsPerImage: number } {
  let weight = 0, adapter = 0, attention = 0;
  for (const l of net.weightLayers()) {
    const rpi = rowsPerImage(l);
    weight += l.op.rows * l.op.cols * rpi;
    const o = ops.find((x) => x === l.op);
    if (o && !merged) adapter += o.rank * (o.rows + o.cols) * rpi;
  }
  for (const l of walkLayers(net.layers)) if (l instanceof MultiHeadSelfAttention) attention += 2 * l.T * l.T * l.D;
  return {
    analogMacsPerImage: weight + (adapterOps === 'crossbar' ? adapter : 0),
    digitalMacsPerImage: attention + (adapterOps === 'digital' ? adapter : 0),
    adapterMacsPerImage: adapter,
    attentionMacsPerImage: attention,
  };
}

export interface AdaptResult {
  ops: LoraMatrixOp[];
  adapterProgramWrites: number;
  /** LoRI: global threshold and kept B entries */
  threshold?: number;
  keptB?: number;
  totalB?: number;
  /** LoRI: the B mask (re-applied by the lifetime loop after a fault detection rebuilds B's update mask) */
  mask?: LoriMask;
}

/**
 * Attach adapters to a network whose base is already deployed (or digital, for reference runs),
 * freeze the base, and train them (lora) or run the two LoRI stages. `adapterOps` chooses where
 * the adapters run: 'crossbar' (deployment) or 'digital' (reference).
 */
export function adaptNetwork(
  net: Network, point: LoraOptions, ctx: MethodContext, variant: LoraVariant,
  adapterOps: 'crossbar' | 'digital' = 'crossbar',
  /** noise-aware training (default point.lora.noise) */
  noise: { sigma: number; every: number } | undefined = point.lora.noise,
  /** prefix of the shuffle streams (MoF experts: 'mof/<expert>') */
  shufflePrefix?: string,
): AdaptResult {
  freezeAll(net);
  const rank = point.lora.rank;
  const alpha = point.lora.alpha > 0 ? point.lora.alpha : rank;
  const spec = { rank, alpha, layers: loraTargets(net, point) };
  const onXbar = adapterOps === 'crossbar';
  const split = ctx.dataset.train;
  const common = { seed: defectSeed(point), limit: retrainExamples(point) };
  const shuffle = (name: string) => (shufflePrefix ? `${shufflePrefix}/${name}` : name);
  if (variant === 'lora') {
    const factory = onXbar ? crossbarAdapters(point, net, 'lora') : digitalAdapters;
    const ops = attachLora(net.weightLayers(), spec, defectSeed(point), factory);
    const adapterProgramWrites = adapterWrites(ops);
    for (const o of ops) { resetCounters(o.opA); resetCounters(o.opB); }
    withNoise(net, point, noise, (afterStep) => {
      train(net, split, point.retrain, {
        ...common, shuffleStream: shuffle('lora/shuffle'), onEpoch: epochReporter(ctx, `lora r=${rank}`),
        ...(point.lora.halora ? { penalty: haloraPenalty(ops, point.lora.halora) } : {}),
        ...(afterStep ? { afterStep } : {}),
      });
    });
    syncAdapters(ops);
    return { ops, adapterProgramWrites };
  }
  // LoRI: A on its crossbar (frozen), B digital for the calibration stage
  const factory = onXbar ? crossbarAdapters(point, net, 'lori', ['A']) : digitalAdapters;
  const ops = attachLora(net.weightLayers(), spec, defectSeed(point), factory);
  for (const o of ops) o.A.trainable = false;
  let adapterProgramWrites = adapterWrites(ops);
  for (const o of ops) resetCounters(o.opA);
  const hal = point.lora.halora ? { penalty: haloraPenalty(ops, point.lora.halora) } : {};
  withNoise(net, point, noise, (afterStep) => {
    train(net, split, point.retrain, { ...common, ...hal, ...(afterStep ? { afterStep } : {}), shuffleStream: shuffle('lori/calib'), onEpoch: epochReporter(ctx, `lori r=${rank} calibration`) });
  });
  const Bs = ops.map((o) => o.B);
  const mask = loriMask(Bs, point.lora.sparsity);
  for (const b of Bs) b.value.fill(0);
  if (onXbar) {
    const bFactory = crossbarAdapters(point, net, 'lori');
    for (const o of ops) {
      const layer = net.weightLayers().find((l) => l.op === o)!.name;
      o.opB = bFactory(layer, 'B', o.B); // programs B = 0 (deployment) and sets B's stuck mask
      adapterProgramWrites += o.opB.cost!().cellWrites;
      resetCounters(o.opB);
    }
  } else {
    for (const b of Bs) b.updateMask = undefined;
  }
  applyLoriMask(Bs, mask);
  ctx.log?.(`lori: kept ${mask.kept}/${mask.total} B entries (|b| >= ${mask.threshold.toExponential(3)})`);
  withNoise(net, point, noise, (afterStep) => {
    train(net, split, point.retrain, { ...common, ...hal, ...(afterStep ? { afterStep } : {}), shuffleStream: shuffle('lori/shuffle'), onEpoch: epochReporter(ctx, `lori r=${rank}`) });
  });
  syncAdapters(ops);
  return { ops, adapterProgramWrites, threshold: mask.threshold, keptB: mask.kept, totalB: mask.total, mask };
}

/** the trained network (changed in place) deployed on its defective crossbars, per point.lora.base */
export function loraBaseDeployment(net: Network, point: LoraOptions, ctx: MethodContext): { d: Deployment; baseWrites: number; extra: Record<string, number | string | boolean | null> } {
  if (point.lora.base === 'ittrna') {
    const { deployment, extra } = ittrnaOnNetwork(net, point, ctx);
    const baseWrites = deployment.cellWrites();
    for (const op of deployment.xbar) op.resetWriteCounts();
    const prefixed: Record<string, number | string | boolean | null> = {};
    for (const [k, v] of Object.entries(extra)) prefixed[`ittrna_${k}`] = v;
    return { d: deployment, baseWrites, extra: prefixed };
  }
  return { d: unawareDeployment(net, point), baseWrites: 0, extra: {} };
}

/**
 * lora / lori on a trained network: deploy it (lora.base), attach and train the adapters, evaluate
 * on ctx.dataset's eval split, then merge them into the base arrays and evaluate again (extras).
 */
export function loraOnNetwork(trained: Network, point: LoraOptions, ctx: MethodContext, variant: LoraVariant): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const { d, baseWrites, extra: baseExtra } = loraBaseDeployment(trained, point, ctx);
  const net = d.net;
  const before = evaluate(net, ctx.dataset.eval);
  const adapterOps = point.lora.adapters ?? 'crossbar';
  const res = adaptNetwork(net, point, ctx, variant, adapterOps);
  const adapterCells = res.ops.reduce((s, o) => s + o.adapterCost().cellsUsed, 0);
  const extra: Record<string, number | string | boolean | null> = {
    ...baseExtra,
    baseAccuracy: before.accuracy,
    baseWrites,
    adapterProgramWrites: res.adapterProgramWrites,
    adapterCells,
    adapterWrites: adapterWrites(res.ops),
    adapterCellsWritten: res.ops.reduce((s, o) => s + o.adapterCost().cellsWritten, 0),
    adapterWritesA: res.ops.reduce((s, o) => s + (o.opA.cost?.().cellWrites ?? 0), 0),
    adapterWritesB: res.ops.reduce((s, o) => s + (o.opB.cost?.().cellWrites ?? 0), 0),
    adaptedLayers: res.ops.length,
    rank: point.lora.rank,
    alpha: point.lora.alpha > 0 ? point.lora.alpha : point.lora.rank,
    retrainEpochs: variant === 'lori' ? 2 * point.retrain.epochs : point.retrain.epochs,
  };
  if (variant === 'lori') {
    extra.loriThreshold = res.threshold ?? null;
    extra.loriKeptB = res.keptB ?? null;
    extra.loriTotalB = res.totalB ?? null;
  }
  if (point.lora.placement) extra.adaptedLayerNames = res.ops.map((o) => net.weightLayers().find((l) => l.op === o)!.name).join(',');
  if (point.lora.halora) {
    let reg = 0;
    for (const o of res.ops) reg += haloraReg(o.A, o.B);
    extra.haloraReg = reg;
  }
  const unmergedMacs = macSplit(net, res.ops, adapterOps, false);
  const m = finishMetrics(net, ctx, { t0, deployment: d, extra });
  m.extra!.analogMacsPerImage = unmergedMacs.analogMacsPerImage;
  m.extra!.digitalMacsPerImage = unmergedMacs.digitalMacsPerImage;
  m.extra!.adapterMacsPerImage = unmergedMacs.adapterMacsPerImage;
  m.extra!.attentionMacsPerImage = unmergedMacs.attentionMacsPerImage;
  const cellsWrittenBefore = d.xbar.reduce((s, op) => s + (op.cost().cellsWritten ?? 0), 0);
  // merge: fold the adapters into the base arrays and evaluate without them
  const xbarWrites = () => d.xbar.reduce((s, op) => s + op.cellWrites(), 0);
  const w0 = xbarWrites();
  mergeLora(net.weightLayers());
  const merged = evaluate(net, ctx.dataset.eval);
  m.extra!.unmergedAccuracy = m.accuracy;
  m.extra!.mergedAccuracy = merged.accuracy;
  m.extra!.mergedLoss = merged.loss;
  m.extra!.mergeWrites = xbarWrites() - w0;
  // distinct base cells the merge rewrote (the base arrays were not written during adaptation)
  m.extra!.mergeCellsWritten = d.xbar.reduce((s, op) => s + (op.cost().cellsWritten ?? 0), 0) - cellsWrittenBefore;
  if (point.lora.merged) {
    // lora.merged: the merged network is the reported one (no adapter arrays, no extra MACs)
    m.accuracy = merged.accuracy;
    m.loss = merged.loss;
    m.extraMacsPerImage = 0;
    m.extra!.analogMacsPerImage = unmergedMacs.analogMacsPerImage - (adapterOps === 'crossbar' ? unmergedMacs.adapterMacsPerImage : 0);
    m.extra!.digitalMacsPerImage = unmergedMacs.attentionMacsPerImage;
  }
  // merged weights beyond a base array's range ±wMax are clipped: one reason the merge is inexact
  m.extra!.mergeClippedWeights = d.xbar.reduce((s, op) => s + op.countClipped(), 0);
  m.extra!.methodSeconds = (performance.now() - t0) / 1000;
  return m;
}

