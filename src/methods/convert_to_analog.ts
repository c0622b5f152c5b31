/**
 * `convertToAnalog(net, options)`: put every weight layer (Dense, Conv2d, inside blocks too) of a
 * trained network on defective crossbars, like aihwkit's convert_to_analog: options are partial
 * (device, crossbar, defects, seed; defaults filled and validated by crossbarOptions,
 * method_defaults.ts). It is the deployment every method starts from (deploy.ts): with
 * crossbar.batchNorm 'fold' each BatchNorm after a weight layer is folded into it first; layer l
 * gets makeCrossbarOp(weight, l.name, options) with defect streams `defects/<l>/tile<r>_<c>`,
 * programming `prog/<l>`, read noise `read/<l>` of `seed`; each layer is programmed, its fully
 * stuck weights frozen (updateMask), and its write counters reset. The network is changed in place
 * and can then be evaluated (src/nn/train.ts evaluate) or trained on the chip (train: forward
 * through the defective cells, straight-through gradients); `cellWrites()` counts the writes since.
 */
import type { Network } from '../nn/network.js';
import { Deployment } from './deploy.js';
import { crossbarOptions, type PartialCrossbarOptions } from './method_defaults.js';

export function convertToAnalog(net: Network, options: PartialCrossbarOptions = {}): Deployment {
  return new Deployment(net, crossbarOptions(options), true);
}
