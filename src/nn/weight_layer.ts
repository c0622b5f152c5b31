/**
 * A layer with a weight matrix (Dense, Conv2d): what the crossbar mapping and the methods see.
 *
 * `op.weight` is the logical rows x cols matrix (rows = fan-in, cols = outputs); `op` can be
 * swapped (`layer.op = new CrossbarMatrixOp(layer.op.weight, …)`) without the layer noticing.
 */
import type { Layer } from './layer.js';
import type { MatrixOp } from './matrix_op.js';
import type { Param } from './param.js';
import { stream } from '../util/rng.js';
import { initBias, initWeights, type BiasInit, type WeightInit } from './init.js';

export interface WeightLayer extends Layer {
  readonly kind: 'dense' | 'conv2d';
  op: MatrixOp;
  readonly bias: Param;
  /** fan-in (= op.rows) and fan-out (Dense: outputs; Conv2d: kh·kw·C_out) for initialisation */
  readonly fanIn: number;
  readonly fanOut: number;
}

export function isWeightLayer(l: Layer): l is WeightLayer {
  return (l.kind === 'dense' || l.kind === 'conv2d') && 'op' in l && 'bias' in l;
}

/** Initialise op.weight and bias from `stream(seed, 'init/<layer name>')` (formulas in init.ts). */
export function initWeightLayer(l: WeightLayer, seed: number | string, w: WeightInit, b: BiasInit): void {
  const rng = stream(seed, `init/${l.name}`);
  initWeights(l.op.weight.value, w, l.fanIn, l.fanOut, rng);
  initBias(l.bias.value, b, l.fanIn, rng);
}
