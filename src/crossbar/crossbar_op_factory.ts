/**
 * The one way to put a weight matrix on a crossbar: (weight, layer, point) → CrossbarMatrixOp
 * with the point's device (and device model), crossbar and defect specs and the point's seed.
 * Streams of the op: 'defects/<layer>/tile<r>_<c>', 'prog/<layer>', 'read/<layer>' with
 * `layer` the stream name given (a weight layer's name, or e.g. '<layer>/loraA' for an adapter).
 * Used by deployment (src/methods/deploy.ts), whole-network mapping (map_network.ts) and LoRA's
 * adapter arrays (src/methods/lora/method.ts).
 */
import type { Param } from '../nn/param.js';
import type { CrossbarSpec } from './crossbar_spec.js';
import { CrossbarMatrixOp } from './crossbar_matrix_op.js';
import { defectSeed, type DefectSpec } from './defect_spec.js';
import type { DeviceSpec } from './device_spec.js';
import type { UpdateSpec } from './update/update_spec.js';

/** what a crossbar op reads: the device, crossbar and defect specs and the seed of its streams */
export interface CrossbarPoint {
  device: DeviceSpec;
  crossbar: CrossbarSpec;
  defects: DefectSpec;
  seed: number;
  /** how updates after the deployment are written (absent = write-verify) */
  update?: UpdateSpec;
}

export interface CrossbarOpOverrides {
  /** crossbar fields replacing the point's (e.g. a fixed adapter range) */
  crossbar?: Partial<CrossbarSpec>;
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
    update: point.update,
  });
}
