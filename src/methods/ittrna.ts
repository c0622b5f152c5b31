/**
 * Method `ittrna` (Imperfection Tolerable Training for RRAM-crossbar accelerators, after Song et
 * al., IEEE TCAD 2020), as specified in docs/formulas.md. Parts (each switchable in `point.ittrna`):
 *
 *  1. importance Î (importance.ts): Taylor |w·∂L/∂w| summed over calibration batches, or |w|;
 *     normalised to mean 1 per layer.
 *  2. defect-aware mapping (defect_mapping.ts, mapping 'rows' | 'rows+cols' | 'none'): per layer,
 *     the row (and column) permutation minimising Σ_faulty Î (w − w_stuck)², Hungarian.
 *  3. defect-aware penalty (penalty.ts, network_penalty.ts, lambda > 0): L = L_task + λ_e Σ_faulty
 *     Î (w − clamp(w, lo, hi))² added during every retraining phase, λ schedule per phase.
 *  4. dynamic compensation (compensation = true): for stage k = 1..L (L weight layers, input to
 *     output): recompute Î on the current network (layers < k on their defective crossbars,
 *     layers ≥ k still ideal), re-map layers ≥ k (not yet programmed, so re-routing them is free
 *     and does not disturb compensation already learnt), switch layer k onto its crossbar, and
 *     retrain all healthy weights for `epochsPerStage` epochs (layers > k, still ideal, compensate
 *     the error of layers ≤ k; layers < k adapt through their defective forward pass). Then a final
 *     on-device phase of `finalEpochs` epochs through the fully defective network (Î recomputed).
 *     Conv layers (LeNet-5) are handled exactly like Dense: their matrix is the unrolled kernel
 *     [kh·kw·C, out], mapped and permuted the same way. "Layer k" is the k-th of
 *     `net.weightLayers()`: depth-first, so in a residual block the body's layers come before the
 *     shortcut's (a topological order: the shortcut runs parallel to the body). No step couples
 *     two layers: a row/column permutation is routing inside one layer's crossbar op (its logical
 *     inputs and outputs are unchanged), so blocks need no special case.
 *     compensation = false: Î and the mapping once on the base network, all layers switched on,
 *     one phase of `retrain.epochs` epochs (exactly `fat` when mapping 'none' and λ = 0).
 *
 * Options (IttrnaOptions, method_options.ts): the crossbar point (device, crossbar, defects,
 * seed), `retrain` and `ittrna`. Emits importance_map.json (first weight layer: the importance on
 * each physical slot before and after the initial mapping; only when a mapping ran) and
 * defect_tile.json at the end.
 *
 * Retraining uses `retrain` (lr, momentum, weight decay, batch) with shuffle streams
 * `ittrna/stage<k>/epoch<e>` and `ittrna/final/epoch<e>` (compensation) or
 * `retrain/shuffle/epoch<e>` (no compensation, same as fat). Fully stuck weights are frozen
 * while their layer is on its crossbar.
 */
import { defectSeed } from '../crossbar/defect_spec.js';
import type { Network } from '../nn/network.js';
import { train } from '../nn/train.js';
import { Deployment, finishMetrics } from './deploy.js';
import { RETRAIN_SHUFFLE } from './fat.js';
import { computeImportance } from './importance.js';
import { importanceOnPhysical, mapCrossbarLayer } from './layer_mapping.js';
import { epochReporter, type MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import { retrainExamples, type IttrnaOptions } from './method_options.js';
import { NetworkPenalty } from './network_penalty.js';
import { importanceMapArtifact, importanceOptions } from './remap.js';

export interface IttrnaOutcome {
  deployment: Deployment;
  extra: Record<string, number | string | boolean | null>;
}

/**
 * ITT-RNA starting from a given trained network (any model description, e.g. with blocks): the
 * network (changed in place) on its defective crossbars, every layer switched on. Entry point for
 * other methods that start from ITT-RNA weights (LoRA base).
 */
export function ittrnaOnNetwork(net: Network, point: IttrnaOptions, ctx: MethodContext): IttrnaOutcome {
  const s = point.ittrna;
  const d = new Deployment(net, point, false);
  const L = d.layers.length;
  const split = ctx.dataset.train;
  const needImportance = s.mapping !== 'none' || s.lambda > 0;
  const impOpts = importanceOptions(point, ctx);
  const uniform = () => d.layers.map((l) => new Float32Array(l.op.weight.value.length).fill(1));
  const importance = (force = false): Float32Array[] => {
    if (!needImportance && !force) return uniform();
    const m = computeImportance(net, split, impOpts);
    return d.layers.map((l) => m.get(l.name)!);
  };
  let costBefore = 0, costAfter = 0, epochsRun = 0;
  const solvers = new Set<string>();
  let lastPenalty = 0;
  let first: { before: Float32Array; I: Float32Array } | null = null;

  const mapLayers = (from: number, I: Float32Array[], initial: boolean) => {
    if (s.mapping === 'none') return;
    for (let j = from; j < L; j++) {
      if (j === 0 && !first) first = { before: importanceOnPhysical(d.xbar[0], I[0]), I: I[0] };
      const r = mapCrossbarLayer(d.xbar[j], I[j], s.mapping);
      solvers.add(r.solver);
      if (initial) { costBefore += r.costBefore; costAfter += r.costAfter; }
      else ctx.log?.(`ittrna: re-mapped ${d.layers[j].name}: cost ${r.costBefore.toExponential(3)} -> ${r.costAfter.toExponential(3)}`);
    }
  };
  const phase = (I: Float32Array[], epochs: number, shuffleStream: string, what: string) => {
    if (epochs <= 0) return;
    const pen = s.lambda > 0 ? new NetworkPenalty(d.xbar, I, s.lambda, s.lambdaSchedule, epochs) : null;
    const report = epochReporter(ctx, what);
    train(net, split, point.retrain, {
      seed: defectSeed(point), limit: retrainExamples(point), epochs, shuffleStream,
      penalty: pen ? pen.hook : undefined,
      onEpoch: (e) => {
        report(e);
        pen?.setEpoch(e.epoch);
        if (e.penalty !== undefined) lastPenalty = e.penalty;
      },
    });
    epochsRun += epochs;
  };

  if (s.compensation) {
    for (let k = 0; k < L; k++) {
      const I = importance();
      // stage 0 maps every layer on the base network (the cost "before" is the identity mapping)
      if (k === 0) mapLayers(0, I, true); else mapLayers(k, I, false);
      d.switchOn(k);
      phase(I, s.epochsPerStage, `ittrna/stage${k + 1}`, `ittrna stage ${k + 1}/${L} (${d.layers[k].name} on)`);
    }
    phase(importance(), s.finalEpochs, 'ittrna/final', 'ittrna final');
  } else {
    const I = importance();
    mapLayers(0, I, true);
    for (let k = 0; k < L; k++) d.switchOn(k);
    phase(I, point.retrain.epochs, RETRAIN_SHUFFLE, 'ittrna');
  }
  if (!d.on.every(Boolean)) throw new Error('ittrna: a layer was left off its crossbar');

  // achieved penalty: Σ_faulty Î (w − w_stuck)² (λ-free) with the final importance and mapping
  const finalI = importance(true);
  const mismatch = new NetworkPenalty(d.xbar, finalI, 1, 'constant', 1).mismatch();
  if (first && ctx.onArtifact) {
    const f = first as { before: Float32Array; I: Float32Array };
    ctx.onArtifact(importanceMapArtifact(d.xbar[0], f.before, importanceOnPhysical(d.xbar[0], f.I)));
  }
  ctx.onArtifact?.({ name: 'defect_tile.json', value: d.xbar[0].defectMapJSON()[0] });
  return {
    deployment: d,
    extra: {
      penalty: mismatch,
      penaltyLastEpoch: lastPenalty,
      /** Σ_layers J of the initial mapping (stage 1, base network): identity vs chosen */
      mappingCostBefore: costBefore,
      mappingCostAfter: costAfter,
      mappingSolver: [...solvers].join(',') || 'none',
      retrainEpochs: epochsRun,
      stages: s.compensation ? L : 1,
    },
  };
}

/** ITT-RNA on a trained network, evaluated on ctx.dataset's eval split */
export function ittrna(net: Network, o: IttrnaOptions, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const { deployment, extra } = ittrnaOnNetwork(net, o, ctx);
  return finishMetrics(deployment.net, ctx, { t0, deployment, extra });
}
