/**
 * `runPoint(point, ctx)`: check the method exists (UserError listing the available ones), run it
 * (a point with a `lifetime` section: the lifetime experiment of its method, src/experiment/lifetime_point.ts),
 * and refuse non-finite results: a NaN/∞ accuracy or loss (a diverged retraining, e.g. a too
 * large `retrain.lr`) is an Error naming the method, the metric and the learning rates, never a
 * silently wrong record. `point.evalLimit` (optional) evaluates on the first evalLimit examples of
 * the eval split (a view, no copy): every method's evaluate() sees that subset.
 *
 * Around the method (each only adds to the metrics, never changes what the method computed): the
 * per-epoch curves of the base and of the retraining phases (curves.ts, from ctx.onBase / onEpoch),
 * then, after the method returned, on its final network (ctx.onNetwork): `eval.repeats` > 1
 * (eval_repeats.ts) and `analysis.histograms` (histograms.ts), and on a copy of the base as the
 * method received it `analysis.layerSensitivity` (layer_sensitivity.ts). Listeners the caller
 * gave in ctx still receive every event.
 */
import { UserError } from '../util/errors.js';
import type { PointSpec } from './point.js';
import { runLifetimePoint } from './lifetime_point.js';
import { readsLifetime } from '../methods/lifetime_spec.js';
import { methods, type RunContext } from './method_registry.js';
import { runOnTrainedBase, withArtifacts } from './method_runners.js';
import { methodFunction, methodFunctionNames } from '../methods/method_functions.js';
import type { RecordMetrics } from './result.js';
import type { Network } from '../nn/network.js';
import { CurveCollector } from './curves.js';
import { evalRepeats } from './eval_repeats.js';
import { networkHistograms } from './histograms.js';
import { layerSensitivity } from './layer_sensitivity.js';
import { buildPointModel, trainedBase } from './base.js';

export async function runPoint(point: PointSpec, ctx: RunContext): Promise<RecordMetrics> {
  // a method registered only as a library function runs on the point's trained base
  const fn = methodFunction(point.method);
  const run = methods[point.method] ?? (fn ? runOnTrainedBase(fn) : undefined);
  if (!run) {
    const names = [...new Set([...Object.keys(methods), ...methodFunctionNames()])];
    throw new UserError(`method must be one of ${names.join(', ')} (got '${String(point.method)}')`, 'method');
  }
  // a point with a lifetime section runs the lifetime loop of its method (src/experiment/lifetime_point.ts)
  const c0 = withEvalLimit(ctx, point.evalLimit);
  // listeners for the curves, the base's weights (layer sensitivity) and the final network (repeats, histograms)
  const curves = new CurveCollector();
  let finalNet: Network | undefined;
  let baseWeights: Float32Array | undefined;
  const c: RunContext = {
    ...c0,
    onEpoch: (phase, e) => { curves.onEpoch(phase, e); c0.onEpoch?.(phase, e); },
    onBase: (key, curve, net) => {
      curves.onBase(key, curve);
      if (point.analysis?.layerSensitivity && baseWeights === undefined) baseWeights = net.getWeights();
      c0.onBase?.(key, curve, net);
    },
    onNetwork: (net) => { finalNet = net; c0.onNetwork?.(net); },
  };
  const m: RecordMetrics = point.lifetime && readsLifetime(point.method) ? await withArtifacts(c, (cc) => runLifetimePoint(point, cc)) : await run(point, c);
  for (const k of ['accuracy', 'loss', 'cellWrites', 'trainableParams', 'cellsUsed', 'extraMacsPerImage'] as const) {
    if (typeof m[k] !== 'number' || !Number.isFinite(m[k])) {
      throw new Error(`method ${point.method}: ${k} is ${String(m[k])} (training diverged? train.lr = ${point.train.lr}, retrain.lr = ${point.retrain.lr})`);
    }
  }
  const cv = curves.result();
  if (cv) m.curves = cv;
  const repeats = point.eval?.repeats ?? 1;
  if (repeats > 1 && finalNet) m.evalRepeats = evalRepeats(finalNet, c0.dataset.eval, repeats);
  if (point.analysis?.histograms && finalNet) (m.analysis ??= {}).histograms = networkHistograms(finalNet);
  if (point.analysis?.layerSensitivity) {
    // the base as the method received it (captured at onBase), or an imported model's weights
    const base = baseWeights ? withWeights(buildPointModel(point, c0), baseWeights) : await trainedBase(point, { ...c0, onBase: undefined, onNetwork: undefined, onEpoch: undefined });
    (m.analysis ??= {}).layerSensitivity = layerSensitivity(base, point, c0.dataset);
  }
  return m;
}

function withWeights(net: Network, w: Float32Array): Network {
  net.setWeights(w);
  return net;
}

/** The context with its data set's eval split cut to the first `limit` examples (0/absent = unchanged). */
export function withEvalLimit(ctx: RunContext, limit: number | undefined): RunContext {
  const ev = ctx.dataset.eval;
  if (!limit || limit >= ev.n) return ctx;
  const d = ev.x.length / ev.n;
  const eval_ = { ...ev, n: limit, x: ev.x.subarray(0, limit * d), y: ev.y.subarray(0, limit) };
  return { ...ctx, dataset: { ...ctx.dataset, eval: eval_ } };
}
