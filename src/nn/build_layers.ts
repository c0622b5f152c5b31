/**
 * Model description → un-initialised layer objects (used by buildModel and Network.clone).
 * Shapes flow through the list: input [C, H, W] becomes the NHWC per-sample shape [H, W, C].
 * Assumes a validated description (model.ts); shape mismatches throw UserError.
 */
import { UserError } from '../util/errors.js';
import { AvgPool2d } from './avg_pool2d.js';
import { Conv2d } from './conv2d.js';
import { Dense } from './dense.js';
import { Flatten } from './flatten.js';
import type { Layer, Shape } from './layer.js';
import { MaxPool2d } from './max_pool2d.js';
import type { ModelDesc } from './model.js';
import { ReLU } from './relu.js';

export function buildLayers(desc: ModelDesc): Layer[] {
  const [C, H, W] = desc.input;
  let shape: Shape = [H, W, C];
  const counters: Record<string, number> = {};
  const prefix: Record<string, string> = { dense: 'fc', conv2d: 'conv', pool: 'pool', relu: 'relu', flatten: 'flatten' };
  const names = new Set<string>();
  const layers: Layer[] = [];
  desc.layers.forEach((s, i) => {
    counters[s.type] = (counters[s.type] ?? 0) + 1;
    const name = s.name ?? `${prefix[s.type]}${counters[s.type]}`;
    if (names.has(name)) throw new UserError(`model.layers[${i}].name '${name}' is used twice; layer names must be unique`, `model.layers[${i}].name`);
    names.add(name);
    let layer: Layer;
    try {
      switch (s.type) {
        case 'dense': layer = new Dense(name, shape, s.out); break;
        case 'conv2d': layer = new Conv2d(name, shape, s.out, { kernel: s.kernel, stride: s.stride, pad: s.pad }); break;
        case 'pool': layer = s.pool === 'max'
          ? new MaxPool2d(name, shape, s.kernel, s.stride)
          : new AvgPool2d(name, shape, s.kernel, s.stride); break;
        case 'relu': layer = new ReLU(name, shape); break;
        case 'flatten': layer = new Flatten(name, shape); break;
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`model.layers[${i}] (${name}): ${(e as Error).message}`, `model.layers[${i}]`);
    }
    layers.push(layer);
    shape = layer.outShape;
  });
  return layers;
}
