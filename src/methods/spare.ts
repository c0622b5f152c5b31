/**
 * Method `spare` (Liu et al., DAC 2017, re-mapping to spare columns; no retraining): the `unaware`
 * base weights, each layer on an array with S = ceil(crossbar.spareColumns · cols) spare columns,
 * the output neurons assigned to physical columns by the exact column step of the defect-aware
 * mapping (src/crossbar/spare_columns_op.ts has the construction and the cost J) with importance
 * I_ij = E[x_i²], the mean square of the layer's input i over 512 training images (stream
 * `spare/calibration`, one forward of the base network): then
 *     J = Σ_j Σ_i F·E[x_i²]·(w_ij − w̃_ij)²
 * is the expected squared error the stuck cells add to the layer's outputs (for uncorrelated inputs),
 * so an always-zero input (an MNIST border pixel) costs nothing and a stuck-on cell far above gMax
 * on an active input costs a lot, whatever the magnitude of the weight it displaces. trainableParams = 0, cellWrites = 0 (the assignment is decided before programming; the
 * programming is extra.programWrites). crossbar.spareColumns = 0 is a pure column permutation.
 */
import { defectSeed } from '../crossbar/defect_spec.js';
import { SpareColumnsOp } from '../crossbar/spare_columns_op.js';
import { finishMetrics } from './deploy.js';
import { defectAwareMapping } from './defect_mapping.js';
import { mappingProblem } from './layer_mapping.js';
import type { Split } from '../data/dataset.js';
import type { MatrixOp } from '../nn/matrix_op.js';
import type { Network } from '../nn/network.js';
import { permutation, stream } from '../util/rng.js';
import type { MethodContext } from './method_context.js';
import type { PointMetrics } from './method_metrics.js';
import type { CrossbarPoint } from './method_options.js';
import { gatherSplitRows } from '../data/split_rows.js';

const CALIBRATION = 512;

/** E[x_i²] of every weight layer's input rows over CALIBRATION training images (digital base) */
export function inputEnergy(net: Network, split: Split, seed: number): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  const layers = net.weightLayers();
  const saved = layers.map((l) => l.op);
  const rowsSeen = new Map<string, number>();
  layers.forEach((l, k) => {
    const inner = saved[k];
    const acc = new Float64Array(inner.rows);
    out.set(l.name, acc);
    rowsSeen.set(l.name, 0);
    const rec: MatrixOp = {
      rows: inner.rows, cols: inner.cols, weight: inner.weight,
      forward(X, n, Y, training) {
        for (let b = 0; b < n; b++) for (let i = 0; i < inner.rows; i++) { const v = X[b * inner.rows + i]; acc[i] += v * v; }
        rowsSeen.set(l.name, rowsSeen.get(l.name)! + n);
        inner.forward(X, n, Y, training);
      },
      backward: (X, dY, n, dX) => inner.backward(X, dY, n, dX),
      params: () => inner.params(),
    };
    l.op = rec;
  });
  const n = Math.min(CALIBRATION, split.n), feat = split.x.length / split.n;
  const order = permutation(stream(seed, 'spare/calibration'), split.n);
  const xb = new Float32Array(n * feat);
  gatherSplitRows(split, order, 0, n, feat, xb);
  net.forward(xb, n, false);
  layers.forEach((l, k) => {
    l.op = saved[k];
    const acc = out.get(l.name)!, m = rowsSeen.get(l.name)!;
    for (let i = 0; i < acc.length; i++) acc[i] /= m;
  });
  return out;
}

/** spare columns (crossbar.spareColumns, 0 when absent) on a trained network (changed in place), evaluated */
export function spare(net: Network, point: CrossbarPoint, ctx: MethodContext): PointMetrics {
  const t0 = ctx.startedAt ?? performance.now();
  const energy = inputEnergy(net, ctx.dataset.train, defectSeed(point));
  let before = 0, after = 0, programWrites = 0, spareCols = 0;
  for (const l of net.weightLayers()) {
    const op = new SpareColumnsOp(l.op.weight, l.name, point, point.crossbar.spareColumns ?? 0);
    const x = op.inner;
    const res = defectAwareMapping(mappingProblem(x, op.importance(energy.get(l.name)!)), 'cols', { rowPerm0: x.rowPermutation(), colPerm0: x.colPermutation() });
    if (res.costAfter < res.costBefore) x.setColPermutation(res.colPerm);
    before += res.costBefore; after += res.costAfter;
    op.sync();
    programWrites += x.cellWrites();
    x.resetWriteCounts();
    l.op = op;
    spareCols += op.spare;
  }
  ctx.log?.(`spare: ${spareCols} spare columns, mapping cost ${before.toExponential(3)} -> ${after.toExponential(3)}`);
  return finishMetrics(net, ctx, {
    t0, trainableParams: 0,
    extra: { programWrites, spareColumns: spareCols, mappingCostBefore: before, mappingCostAfter: after },
  });
}
