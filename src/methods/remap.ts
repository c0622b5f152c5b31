/**
 * Method `remap` (Chen et al., DATE 2017, step 1): the `unaware` weights, re-routed by the
 * defect-aware mapping of ITT-RNA step 2 (mode and importance from `point.ittrna`, importance
 * computed on the ideal base network), no retraining. trainableParams = 0; cellWrites = 0 (the
 * mapping is decided before programming; programming is extra.programWrites).
 */
import { writeDefectTile, writeImportanceMap } from './artifacts.js';
import { trainedBase } from './base.js';
import { Deployment, finishMetrics } from './deploy.js';
import { computeImportance } from './importance.js';
import { importanceOnPhysical, mapCrossbarLayer } from './layer_mapping.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './registry.js';
import type { PointMetrics } from './result.js';
import { defectSeed } from '../crossbar/defect_spec.js';

export function importanceOptions(point: PointSpec, ctx: RunContext) {
  return {
    kind: point.ittrna.importance,
    calibrationBatches: point.ittrna.calibrationBatches,
    batch: point.retrain.batch,
    seed: defectSeed(point),
    classes: ctx.dataset.classes,
  };
}

export async function runRemap(point: PointSpec, ctx: RunContext): Promise<PointMetrics> {
  const t0 = performance.now();
  const net = await trainedBase(point, ctx);
  const d = new Deployment(net, point, false);
  const imp = computeImportance(net, ctx.dataset.train, importanceOptions(point, ctx));
  let before = 0, after = 0;
  const solvers = new Set<string>();
  for (let k = 0; k < d.layers.length; k++) {
    const op = d.xbar[k], I = imp.get(d.layers[k].name)!;
    const physBefore = k === 0 ? importanceOnPhysical(op, I) : null;
    if (point.ittrna.mapping !== 'none') {
      const r = mapCrossbarLayer(op, I, point.ittrna.mapping);
      before += r.costBefore; after += r.costAfter; solvers.add(r.solver);
    }
    if (physBefore) {
      await writeDefectTile(ctx, op);
      await writeImportanceMap(ctx, op, physBefore, importanceOnPhysical(op, I));
    }
    d.switchOn(k);
  }
  ctx.log?.(`remap: mapping cost ${before.toExponential(3)} -> ${after.toExponential(3)}`);
  return finishMetrics(net, ctx, {
    t0, trainableParams: 0, deployment: d,
    extra: { mappingCostBefore: before, mappingCostAfter: after, mappingSolver: [...solvers].join(',') },
  });
}
