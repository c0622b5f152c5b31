/**
 * The methods as experiment-point runners: (point, ctx) → metrics. Each adapter takes the trained
 * base network of the point (base.ts: trained once per (model, data, train, seed) and cached in
 * ctx.cacheDir, or the imported ONNX weights), calls the method function of the library core
 * (src/methods: the algorithm on (network, typed options, data) with events), and writes the
 * artefacts the method emitted into ctx.artifactDir (artifacts.ts), in emission order, after the
 * method returns. A point has every field of the options (src/methods/method_options.ts), so it is
 * passed as the options; the computation and its random streams are the library function's.
 * methodSeconds counts from before the base network is trained or loaded (ctx.startedAt).
 */
import type { MethodArtifact } from '../methods/method_context.js';
import type { Deployment } from '../methods/deploy.js';
import { fat } from '../methods/fat.js';
import { ideal } from '../methods/ideal.js';
import { ittrna, ittrnaOnNetwork, type IttrnaOutcome } from '../methods/ittrna.js';
import { loraOnNetwork } from '../methods/lora/method.js';
import { mof } from '../methods/lora/mof.js';
import type { MethodFunction } from '../methods/method_functions.js';
import type { PointMetrics } from '../methods/method_metrics.js';
import { remap } from '../methods/remap.js';
import { spare } from '../methods/spare.js';
import { unaware, unawareDeployment } from '../methods/unaware.js';
import { writeArtifact } from './artifacts.js';
import { trainedBase } from './base.js';
import type { RunContext } from './method_registry.js';
import type { PointSpec } from './point.js';

/**
 * Run `fn` with a context whose `startedAt` is now (unless set) and whose emitted artefacts are
 * collected; then write them into ctx.artifactDir (when set) and return fn's result.
 */
export async function withArtifacts<T>(ctx: RunContext, fn: (c: RunContext) => T | Promise<T>): Promise<T> {
  const emitted: MethodArtifact[] = [];
  const dir = ctx.artifactDir;
  const c: RunContext = {
    ...ctx,
    startedAt: ctx.startedAt ?? performance.now(),
  };
  // an artefact is computed only when emitted to someone: without a directory and a listener the
  // method skips building it (e.g. the defect tile's JSON of every point of `rramsim run`)
  if (dir || ctx.onArtifact) c.onArtifact = (a) => { if (dir) emitted.push(a); ctx.onArtifact?.(a); };
  else delete c.onArtifact;
  const out = await fn(c);
  if (dir) for (const a of emitted) await writeArtifact(dir, a);
  return out;
}

/** the point's trained base on its defective crossbars (identity mapping) */
export async function unawarePointDeployment(point: PointSpec, ctx: RunContext): Promise<Deployment> {
  return unawareDeployment(await trainedBase(point, ctx), point);
}

/** ITT-RNA on the point's trained base (artefacts go to ctx.onArtifact) */
export async function ittrnaPointDeployment(point: PointSpec, ctx: RunContext): Promise<IttrnaOutcome> {
  return ittrnaOnNetwork(await trainedBase(point, ctx), point, ctx);
}

/** the point runner of a library method function: the function on the point's trained base */
export function runOnTrainedBase(fn: MethodFunction) {
  return (point: PointSpec, ctx: RunContext): Promise<PointMetrics> => withArtifacts(ctx, async (c) => fn(await trainedBase(point, c), point, c));
}

export function runIdeal(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => ideal(await trainedBase(point, c), c));
}

export function runUnaware(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => unaware(await trainedBase(point, c), point, c));
}

export function runFat(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => fat(await trainedBase(point, c), point, c));
}

export function runRemap(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => remap(await trainedBase(point, c), point, c));
}

export function runIttrna(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => ittrna(await trainedBase(point, c), point, c));
}

export function runLora(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  if (point.lora.experts) return withArtifacts(ctx, (c) => mof(() => trainedBase(point, c), point, c));
  return withArtifacts(ctx, async (c) => loraOnNetwork(await trainedBase(point, c), point, c, 'lora'));
}

export function runLori(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => loraOnNetwork(await trainedBase(point, c), point, c, 'lori'));
}

export function runSpare(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  return withArtifacts(ctx, async (c) => spare(await trainedBase(point, c), point, c));
}
