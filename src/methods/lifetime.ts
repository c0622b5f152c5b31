/**
 * Lifetime experiment (config section `lifetime`, src/methods/lifetime_spec.ts; the library function
 * `lifetime(trainedBase, method, options, ctx)`, its point runner src/experiment/lifetime_point.ts):
 * repeated adaptation rounds on ONE deployed chip, wear accumulating across rounds.
 *
 *   round 0   deployment and the method's own first adaptation, every training phase limited to the
 *             first `examples` training images (E):
 *               fat     unaware deployment, point.retrain epochs of retraining (shuffle retrain/shuffle)
 *               ittrna  ITT-RNA on the base network (mapping, penalty, compensation as point.ittrna)
 *               lora    the base (point.lora.base) deployed, adapters A, B on arrays of their own, trained
 *               lori    the same with A frozen, the LoRI calibration, global mask and masked B training
 *   round r = 1..R (R = lifetime.rounds):
 *     0. field faults (faultRate f > 0): every healthy cell of every array becomes stuck with
 *        probability f, at LRS with probability defects.lrsShare (CrossbarMatrixOp.injectFaults, stream
 *        `lifetime/round<r>/faults/<array>`, <array> = the op's layer name, e.g. fc1 or fc1/loraB);
 *        physical only, like wear-out: the method learns of them by detection
 *     1. fault detection when r mod detectEvery = 0 (detectEvery > 0): read-verify of a share
 *        detectFraction of the slots of EVERY array (base arrays and adapter arrays,
 *        CrossbarMatrixOp.detectFaults): the method learns the stuck cells it tested (update masks,
 *        attainable intervals). Undetected worn-out cells are still simulated.
 *     2. reaction to the new known defects: fat's mask and LoRA's frozen view follow the known map by
 *        construction; ittrna re-maps every layer in which detection found new stuck cells
 *        (importance on the current network, mapCrossbarLayer: only a cheaper mapping is taken; the
 *        moved weights are reprogrammed on the next forward, and those writes count); LoRI re-applies its
 *        B mask (a rebuilt update mask would otherwise free pruned entries).
 *     3. adaptation: point.retrain.epochs epochs on the first E training images, shuffle streams
 *        `lifetime/round<r>/epoch<k>`, through the crossbars: fat and ittrna train all weights (ittrna
 *        with its penalty when λ > 0), lora A and B, lori B under its mask; base arrays of lora/lori are
 *        frozen.
 *     4. lora/lori with mergeEvery > 0 and r mod mergeEvery = 0: merge in place,
 *        W0 ← W0 + (α/r)·A_used·B_used programmed on the base arrays, then B ← 0 programmed on the B
 *        arrays (A kept; the adapter arrays, and their wear, stay the same physical arrays).
 *     5. metrics of the round on the eval split.
 *   Per round: accuracy, writes of the round (per-phase counters of every array, reset at the start
 *   of the round; round 0: writes after programming), lifetime writes so far (every write since the
 *   arrays were built, programming included; 0 without device.endurance), worn-out cells, stuck cells
 *   found by this round's detection, undetected faults after the round, detection reads, merge writes.
 *   roundsAbove(threshold) = the number of rounds r ≥ 1 completed before accuracy first falls below the
 *   threshold (R when it never does; 0 when round 0 is already below: the chip fails at once).
 * Metrics of the point: accuracy and loss after the last round, cellWrites = Σ writes of rounds 0..R;
 * extra.lifetimeRoundsAbove, lifetimeRound0Accuracy, lifetimeMinAccuracy, lifetimeWornOut,
 * lifetimeUndetected, lifetimeDetected, lifetimeDetectReads, lifetimeMergeWrites, lifetimeTotalWrites,
 * and lifetimeCurve (a JSON string of the per-round arrays, read by the report's lifetime panel).
 */
import { defectSeed } from '../crossbar/defect_spec.js';
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import type { Split } from '../data/dataset.js';
import { evaluate, train } from '../nn/train.js';
import { stream } from '../util/rng.js';
import type { Network } from '../nn/network.js';
import { finishMetrics, type Deployment } from './deploy.js';
import { RETRAIN_SHUFFLE } from './fat.js';
import { computeImportance } from './importance.js';
import { ittrnaOnNetwork } from './ittrna.js';
import { mapCrossbarLayer } from './layer_mapping.js';
import type { LifetimeSpec } from './lifetime_spec.js';
import { adaptNetwork, type AdaptResult } from './lora/method.js';
import { LoraMatrixOp } from './lora/lora_matrix_op.js';
import { loraDelta } from './lora/merge.js';
import { NetworkPenalty } from './network_penalty.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { LoraOptions } from './method_options.js';
import { importanceOptions } from './remap.js';
import { unawareDeployment } from './unaware.js';

export interface LifetimeRound {
  round: number;
  accuracy: number;
  loss: number;
  roundWrites: number;
  /** field faults that appeared at the start of the round */
  newFaults: number;
  lifetimeWrites: number;
  wornOutCells: number;
  detected: number;
  undetectedFaults: number;
  detectReads: number;
  mergeWrites: number;
}

export interface LifetimeOptions {
  /** eval split (default the dataset's eval split) */
  evalSplit?: Split;
}

/** the options of a lifetime run: the method's (LoraOptions covers fat, ittrna, lora, lori) plus `lifetime` */
export interface LifetimeMethodOptions extends LoraOptions {
  lifetime: LifetimeSpec;
}

/** the methods with a lifetime loop */
export type LifetimeMethod = 'fat' | 'ittrna' | 'lora' | 'lori';

/** a new copy of the trained network on every call (round 0 may take it more than once) */
export type TrainedBase = () => Network | Promise<Network>;

/** a CrossbarMatrixOp (structural test: LoRA adapter ops may be digital in reference runs) */
function isCrossbar(op: unknown): op is CrossbarMatrixOp {
  return typeof (op as CrossbarMatrixOp)?.detectFaults === 'function';
}

interface Chip {
  d: Deployment;
  /** every array of the chip: base arrays, then adapter arrays (A, B per adapted layer) */
  arrays: CrossbarMatrixOp[];
  adapt?: AdaptResult;
}

async function deployRound0(base: TrainedBase, m: string, point: LifetimeMethodOptions, pl: LifetimeMethodOptions, ctx: MethodContext): Promise<Chip> {
  if (m === 'fat') {
    const d = unawareDeployment(await base(), point);
    train(d.net, ctx.dataset.train, point.retrain, { seed: defectSeed(point), limit: pl.trainLimit, shuffleStream: RETRAIN_SHUFFLE, onEpoch: (e) => ctx.onEpoch?.('lifetime round 0', e) });
    return { d, arrays: [...d.xbar] };
  }
  if (m === 'ittrna') {
    const { deployment } = ittrnaOnNetwork(await base(), pl, ctx);
    return { d: deployment, arrays: [...deployment.xbar] };
  }
  if (m === 'lora' || m === 'lori') {
    let d: Deployment;
    if (point.lora.base === 'ittrna') {
      d = ittrnaOnNetwork(await base(), pl, ctx).deployment;
    } else d = unawareDeployment(await base(), point);
    const adapt = adaptNetwork(d.net, pl, ctx, m, 'crossbar');
    const arrays: CrossbarMatrixOp[] = [...d.xbar];
    for (const o of adapt.ops) for (const a of [o.opA, o.opB]) if (isCrossbar(a)) arrays.push(a);
    return { d, arrays, adapt };
  }
  throw new Error(`lifetime: method ${m} has no lifetime loop (only ${['fat', 'ittrna', 'lora', 'lori'].join(', ')})`);
}

/** merge the adapters into the base arrays in place and restart B from 0 (header, step 4); returns the writes */
function mergeInPlace(ops: LoraMatrixOp[]): number {
  let writes = 0;
  for (const o of ops) {
    const dW = loraDelta(o);
    const base = o.base, w = base.weight.value;
    const before = base.cost?.().cellWrites ?? 0;
    for (let i = 0; i < w.length; i++) w[i] += dW[i];
    base.sync?.();
    writes += (base.cost?.().cellWrites ?? 0) - before;
    const b0 = o.opB.cost?.().cellWrites ?? 0;
    o.B.value.fill(0);
    o.opB.sync?.();
    writes += (o.opB.cost?.().cellWrites ?? 0) - b0;
  }
  return writes;
}

/** the rounds of a lifetime run of `method` on the trained network `base()` returns */
export async function lifetimeRounds(base: TrainedBase, method: string, point: LifetimeMethodOptions, ctx: MethodContext, o: LifetimeOptions = {}): Promise<{ rounds: LifetimeRound[]; chip: Chip }> {
  const L: LifetimeSpec = point.lifetime;
  const pl: LifetimeMethodOptions = { ...point, trainLimit: L.examples };
  const evalSplit = o.evalSplit ?? ctx.dataset.eval;
  const chip = await deployRound0(base, method, point, pl, ctx);
  const { d, arrays, adapt } = chip;
  const net = d.net;
  const loraOps = adapt?.ops ?? [];
  const writes = () => arrays.reduce((s, op) => s + op.cellWrites(), 0);
  const record = (round: number, newFaults: number, detected: number, reads: number, mergeWrites: number): LifetimeRound => {
    const ev = evaluate(net, evalSplit); // its forward programs the last update (counted this round)
    return {
      round,
      accuracy: ev.accuracy,
      loss: ev.loss,
      roundWrites: writes(),
      newFaults,
      lifetimeWrites: arrays.reduce((s, op) => s + op.lifetimeWrites(), 0),
      wornOutCells: arrays.reduce((s, op) => s + op.wornOutCells(), 0),
      detected,
      undetectedFaults: arrays.reduce((s, op) => s + op.undetectedFaults(), 0),
      detectReads: reads,
      mergeWrites,
    };
  };
  const out: LifetimeRound[] = [record(0, 0, 0, 0, 0)];
  ctx.log?.(`lifetime ${method} round 0: acc ${out[0].accuracy.toFixed(4)} writes ${out[0].roundWrites}`);
  const split = ctx.dataset.train;
  const s = point.ittrna;
  for (let r = 1; r <= L.rounds; r++) {
    for (const op of arrays) op.resetCost();
    let newFaults = 0;
    if (L.faultRate > 0) {
      for (const op of arrays) newFaults += op.injectFaults(L.faultRate, point.defects.lrsShare, stream(defectSeed(point), `lifetime/round${r}/faults/${op.layer}`));
    }
    let detected = 0, reads = 0;
    if (L.detectEvery > 0 && r % L.detectEvery === 0) {
      const foundIn = new Set<number>();
      arrays.forEach((op, k) => {
        const f = op.detectFaults(L.detectFraction);
        detected += f.found; reads += f.reads;
        if (f.found > 0) foundIn.add(k);
      });
      if (method === 'ittrna' && s.mapping !== 'none') {
        const layers = d.xbar.map((_, j) => j).filter((j) => foundIn.has(j));
        if (layers.length > 0) {
          const imp = computeImportance(net, split, importanceOptions(pl, ctx));
          for (const j of layers) mapCrossbarLayer(d.xbar[j], imp.get(d.layers[j].name)!, s.mapping);
        }
      }
    }
    if (adapt?.mask && (newFaults > 0 || detected > 0)) {
      // LoRI: new faults and detection rebuild B's update mask from the known cells; pruned entries stay frozen
      adapt.ops.forEach((lo, k) => {
        const m = adapt.mask!.masks[k], um = lo.B.updateMask;
        if (um) for (let i = 0; i < m.length; i++) um[i] *= m[i];
      });
    }
    let pen: NetworkPenalty | null = null;
    if (method === 'ittrna' && s.lambda > 0 && point.retrain.epochs > 0) {
      const imp = computeImportance(net, split, importanceOptions(pl, ctx));
      pen = new NetworkPenalty(d.xbar, d.layers.map((l) => imp.get(l.name)!), s.lambda, s.lambdaSchedule, point.retrain.epochs);
    }
    train(net, split, point.retrain, {
      seed: defectSeed(point), limit: L.examples, shuffleStream: `lifetime/round${r}`,
      penalty: pen ? pen.hook : undefined,
      onEpoch: (e) => { pen?.setEpoch(e.epoch); ctx.onEpoch?.(`lifetime round ${r}`, e); },
    });
    for (const lo of loraOps) for (const a of [lo.opA, lo.opB]) a.sync?.(true);
    const mergeWrites = loraOps.length > 0 && L.mergeEvery > 0 && r % L.mergeEvery === 0 ? mergeInPlace(loraOps) : 0;
    const rec = record(r, newFaults, detected, reads, mergeWrites);
    out.push(rec);
    ctx.log?.(`lifetime ${method} round ${r}: acc ${rec.accuracy.toFixed(4)} writes ${rec.roundWrites} worn ${rec.wornOutCells} new ${newFaults} found ${detected} undetected ${rec.undetectedFaults}`);
  }
  return { rounds: out, chip };
}

/**
 * rounds r ≥ 1 completed before accuracy first falls below `threshold`: R when it never does, 0 when
 * round 0 is already below it
 */
export function roundsAbove(rounds: readonly LifetimeRound[], threshold: number): number {
  const k = rounds.findIndex((r) => r.accuracy < threshold);
  const R = rounds.length - 1;
  if (k < 0) return R;
  return Math.max(0, k - 1);
}

/** a lifetime run's metrics (header), evaluated on ctx.dataset's eval split */
export async function lifetime(base: TrainedBase, method: string, point: LifetimeMethodOptions, ctx: MethodContext): Promise<PointMetrics> {
  const t0 = ctx.startedAt ?? performance.now();
  const { rounds, chip } = await lifetimeRounds(base, method, point, ctx);
  const last = rounds[rounds.length - 1];
  const sum = (f: (r: LifetimeRound) => number) => rounds.reduce((s, r) => s + f(r), 0);
  const curve = {
    accuracy: rounds.map((r) => r.accuracy),
    roundWrites: rounds.map((r) => r.roundWrites),
    newFaults: rounds.map((r) => r.newFaults),
    lifetimeWrites: rounds.map((r) => r.lifetimeWrites),
    wornOutCells: rounds.map((r) => r.wornOutCells),
    detected: rounds.map((r) => r.detected),
    undetectedFaults: rounds.map((r) => r.undetectedFaults),
  };
  const m = finishMetrics(chip.d.net, ctx, {
    t0, deployment: chip.d,
    extra: {
      lifetimeRounds: rounds.length - 1,
      lifetimeThreshold: point.lifetime.threshold,
      lifetimeRoundsAbove: roundsAbove(rounds, point.lifetime.threshold),
      lifetimeRound0Accuracy: rounds[0].accuracy,
      lifetimeMinAccuracy: Math.min(...rounds.map((r) => r.accuracy)),
      lifetimeTotalWrites: last.lifetimeWrites,
      lifetimeWornOut: last.wornOutCells,
      lifetimeFieldFaults: sum((r) => r.newFaults),
      lifetimeUndetected: last.undetectedFaults,
      lifetimeDetected: sum((r) => r.detected),
      lifetimeDetectReads: sum((r) => r.detectReads),
      lifetimeMergeWrites: sum((r) => r.mergeWrites),
      lifetimeCurve: JSON.stringify(curve),
    },
  });
  // writes of the whole lifetime (rounds 0..R), not only of the last round's per-phase counters
  m.cellWrites = sum((r) => r.roundWrites);
  delete m.cellsWritten;
  // the point's accuracy is the last round's (a re-evaluation with read noise would draw again)
  m.accuracy = last.accuracy;
  m.loss = last.loss;
  return m;
}
