/**
 * Method `remap` (Chen et al., DATE 2017, step 1): the trained weights, re-routed by the
 * defect-aware mapping of ITT-RNA step 2 (mode and importance from `ittrna`, importance computed
 * on the ideal network), no retraining. trainableParams = 0; cellWrites = 0 (the mapping is
 * decided before programming; programming is extra.programWrites). Emits defect_tile.json and
 * importance_map.json (first weight layer).
 */
import { defectSeed } from '../crossbar/defect_spec.js';
import type { Network } from '../nn/network.js';
import { Deployment, finishMetrics, physicalFaulty } from './deploy.js';
import { computeImportance } from './importance.js';
import { importanceOnPhysical, mapCrossbarLayer } from './layer_mapping.js';
import type { MethodArtifact, MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { IttrnaOptions } from './method_options.js';
import type { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';

export function importanceOptions(o: Pick<IttrnaOptions, 'ittrna' | 'retrain' | 'seed' | 'defects'>, ctx: Pick<MethodContext, 'dataset'>) {
  return {
    kind: o.ittrna.importance,
    calibrationBatches: o.ittrna.calibrationBatches,
    batch: o.retrain.batch,
    seed: defectSeed(o),
    classes: ctx.dataset.classes,
  };
}

const r4 = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(4)));

/** importance_map.json of a layer's op: importance on each physical slot before and after the mapping (4 significant digits) */
export function importanceMapArtifact(op: CrossbarMatrixOp, before: Float32Array, after: Float32Array): MethodArtifact {
  return {
    name: 'importance_map.json',
    value: {
      layer: op.layer, rows: op.rows, cols: op.cols,
      faulty: Array.from(physicalFaulty(op)),
      before: Array.from(before, r4),
      after: Array.from(after, r4),
    },
  };
}

export function remap(net: Network, o: IttrnaOptions, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const d = new Deployment(net, o, false);
  const imp = computeImportance(net, ctx.dataset.train, importanceOptions(o, ctx));
  let before = 0, after = 0;
  const solvers = new Set<string>();
  for (let k = 0; k < d.layers.length; k++) {
    const op = d.xbar[k], I = imp.get(d.layers[k].name)!;
    const physBefore = k === 0 ? importanceOnPhysical(op, I) : null;
    if (o.ittrna.mapping !== 'none') {
      const r = mapCrossbarLayer(op, I, o.ittrna.mapping);
      before += r.costBefore; after += r.costAfter; solvers.add(r.solver);
    }
    if (physBefore) {
      ctx.onArtifact?.({ name: 'defect_tile.json', value: op.defectMapJSON()[0] });
      ctx.onArtifact?.(importanceMapArtifact(op, physBefore, importanceOnPhysical(op, I)));
    }
    d.switchOn(k);
  }
  ctx.log?.(`remap: mapping cost ${before.toExponential(3)} -> ${after.toExponential(3)}`);
  return finishMetrics(net, ctx, {
    t0, trainableParams: 0, deployment: d,
    extra: { mappingCostBefore: before, mappingCostAfter: after, mappingSolver: [...solvers].join(',') },
  });
}
