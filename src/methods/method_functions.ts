/**
 * The method registry of the library: method name → function of (trained network, typed options,
 * context) returning the metrics (PointMetrics: accuracy and loss on the eval split, cell writes,
 * cells, trainable parameters, extras). `runMethod(name, net, dataset, options)` fills the options'
 * defaults (methodOptions, method_defaults.ts), runs the method on `net` (changed in place: it ends
 * on its crossbars, except `ideal`) and passes the events (log, onEpoch, onArtifact) through.
 * Adding a method = its function file plus one entry below (or a `registerMethodFunction` call);
 * a sweep point of a method with no runner of its own runs it on the point's trained base
 * (src/experiment/method_runners.ts runOnTrainedBase), so the point layer needs no other line.
 */
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../nn/network.js';
import { UserError } from '../util/errors.js';
import { control } from './control.js';
import { fat } from './fat.js';
import { ideal } from './ideal.js';
import { ittrna } from './ittrna.js';
import { loraOnNetwork } from './lora/method.js';
import type { MethodContext, MethodEvents } from './method_context.js';
import { methodOptions, type PartialMethodOptions } from './method_defaults.js';
import type { PointMetrics } from './method_metrics.js';
import type { LoraOptions } from './method_options.js';
import { remap } from './remap.js';
import { spare } from './spare.js';
import { unaware } from './unaware.js';

export type MethodFunction = (net: Network, options: LoraOptions, ctx: MethodContext) => PointMetrics;

function needRank(o: LoraOptions, method: string): void {
  if (!Number.isSafeInteger(o.lora.rank) || o.lora.rank < 1) {
    throw new UserError(`lora.rank: got ${String(o.lora.rank)}; allowed: an integer >= 1 (method '${method}' needs an adapter rank)`, 'lora.rank');
  }
}

const METHOD_FUNCTIONS = new Map<string, MethodFunction>([
  ['ideal', (net, _o, ctx) => ideal(net, ctx)],
  ['unaware', (net, o, ctx) => unaware(net, o, ctx)],
  ['remap', (net, o, ctx) => remap(net, o, ctx)],
  ['fat', (net, o, ctx) => fat(net, o, ctx)],
  ['ittrna', (net, o, ctx) => ittrna(net, o, ctx)],
  ['lora', (net, o, ctx) => { needRank(o, 'lora'); return loraOnNetwork(net, o, ctx, 'lora'); }],
  ['lori', (net, o, ctx) => { needRank(o, 'lori'); return loraOnNetwork(net, o, ctx, 'lori'); }],
  ['spare', (net, o, ctx) => spare(net, o, ctx)],
  ['control', (net, o, ctx) => control(net, o, ctx)],
]);

export function registerMethodFunction(name: string, fn: MethodFunction): void {
  METHOD_FUNCTIONS.set(name, fn);
}

/** the function registered under `name` (undefined: none) */
export function methodFunction(name: string): MethodFunction | undefined {
  return METHOD_FUNCTIONS.get(name);
}

export function methodFunctionNames(): string[] {
  return [...METHOD_FUNCTIONS.keys()];
}

export interface RunMethodOptions extends PartialMethodOptions, MethodEvents {}

/** run method `name` on a trained network; `dataset` gives the retraining data and the eval split */
export function runMethod(name: string, net: Network, dataset: Dataset, options: RunMethodOptions = {}): PointMetrics {
  const fn = METHOD_FUNCTIONS.get(name);
  if (!fn) throw new UserError(`method: got '${String(name)}'; allowed: ${methodFunctionNames().join(', ')}`, 'method');
  const { log, onEpoch, onArtifact, ...partial } = options;
  const o = methodOptions(partial);
  return fn(net, o, { dataset, log, onEpoch, onArtifact, startedAt: performance.now() });
}
