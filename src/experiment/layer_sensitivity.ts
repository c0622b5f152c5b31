/**
 * Per-layer defect sensitivity (`analysis.layerSensitivity`): for the point's trained base network
 * (the weights every method starts from) and each weight layer k,
 *
 *   a_k = accuracy on the eval split with layer k on its crossbar (the point's defects, device and
 *         crossbar: src/methods/deploy.ts Deployment, defect streams 'defects/<layer>/tile<r>_<c>'
 *         as for every method, so a_k uses layer k's cells of the `unaware` point) and every other
 *         layer digital,
 *
 * beside the base's digital accuracy a_ideal. Layer k is switched on, evaluated and put back on its
 * digital op before layer k + 1. On a defect-free, exact crossbar (rate 0, no quantisation or noise)
 * a_k = a_ideal up to float rounding of the conductance round trip.
 */
import type { Dataset } from '../data/dataset.js';
import { Deployment } from '../methods/deploy.js';
import type { CrossbarPoint } from '../methods/method_options.js';
import type { Network } from '../nn/network.js';
import { evaluate } from '../nn/train.js';

export interface LayerSensitivity {
  /** digital accuracy of the base network */
  idealAccuracy: number;
  layers: { layer: string; accuracy: number; loss: number }[];
}

export function layerSensitivity(net: Network, point: CrossbarPoint, data: Pick<Dataset, 'eval'>): LayerSensitivity {
  const d = new Deployment(net, point, false);
  const idealAccuracy = evaluate(net, data.eval).accuracy;
  const layers: LayerSensitivity['layers'] = [];
  for (let k = 0; k < d.layers.length; k++) {
    d.switchOn(k);
    const e = evaluate(net, data.eval);
    layers.push({ layer: d.layers[k].name, accuracy: e.accuracy, loss: e.loss });
    // back to digital: the plain op, no fault mask
    d.layers[k].op = d.digital[k];
    d.layers[k].op.weight.updateMask = undefined;
    d.on[k] = false;
  }
  return { idealAccuracy, layers };
}
