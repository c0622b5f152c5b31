/**
 * The one way to put a weight matrix on a crossbar: (weight, layer, point) → CrossbarMatrixOp
 * with the point's device (and device model), crossbar and defect specs and the point's seed.
 * Streams of the op: 'defects/<layer>/tile<r>_<c>', 'prog/<layer>', 'read/<layer>' with
 * `layer` the stream name given (a weight layer's name, or e.g. '<layer>/loraA' for an adapter).
 * Used by deployment (src/methods/deploy.ts), whole-network mapping (map_network.ts) and LoRA's
 * adapter arrays (src/methods/lora/method.ts).
 */
import type { PointSpec } from '../methods/point.js';
import type { Param } from '../nn/param.js';
import { CrossbarMatrixOp } from './crossbar_matrix_op.js';
import { defectSeed } from './defect_spec.js';

/** the parts of a point a crossbar op reads */
export type CrossbarPoint = Pick<PointSpec, 'device' | 'crossbar' | 'defects' | 'seed'>;

export interface CrossbarOpOverrides {
  /** crossbar fields replacing the point's (e.g. a fixed adapter range) */
  crossbar?: Partial<PointSpec['crossbar']>;
  /** DAC input range (default: max |x| per forward) */
  dacRange?: number;
  /** ADC range in the weight domain (default: max |partial sum| per tile per forward) */
  adcRange?: number;
}

export function makeCrossbarOp(weight: Param, layer: string, point: CrossbarPoint, o: CrossbarOpOverrides = {}): CrossbarMatrixOp {
  return new CrossbarMatrixOp(weight, {
    layer,
    seed: defectSeed(point),
    device: point.device,
    crossbar: o.crossbar ? { ...point.crossbar, ...o.crossbar } : point.crossbar,
    defects: point.defects,
    dacRange: o.dacRange,
    adcRange: o.adcRange,
  });
}
