/**
 * Model description → un-initialised layer objects (used by buildModel and Network.clone).
 * Shapes flow through the list: input [C, H, W] becomes the NHWC per-sample shape [H, W, C].
 * Assumes a validated description (model.ts); shape mismatches throw UserError naming the layer's
 * JSON path (e.g. `model.layers[3].body[1]`).
 *
 * Names (unique in the network): `s.name`, else the kind's prefix and a counter per kind within
 * the chain ('fc1', 'conv2', 'pool1', 'relu3', 'flatten1', 'bn1', 'gap1', 'block1'). Layers inside
 * a residual block are prefixed with the block's name: body `block1.conv1`, `block1.bn1`, …,
 * shortcut `block1.shortcut.conv1`, … (counters restart in each branch). Weight layers are
 * initialised from `init/<name>`, so the presets (no blocks) keep exactly their old names and draws.
 */
import { UserError } from '../util/errors.js';
import { AvgPool2d } from './avg_pool2d.js';
import { BatchNorm } from './batch_norm.js';
import { Conv2d } from './conv2d.js';
import { Dense } from './dense.js';
import { Flatten } from './flatten.js';
import { GlobalAvgPool } from './global_avg_pool.js';
import type { Layer, Shape } from './layer.js';
import { MaxPool2d } from './max_pool2d.js';
import type { LayerSpec, ModelDesc } from './model.js';
import { ReLU } from './relu.js';
import { ResidualBlock } from './residual_block.js';
import { buildTransformerLayer, innerNames, TRANSFORMER_PREFIX } from './transformer_specs.js';

const PREFIX: Record<LayerSpec['type'], string> = {
  dense: 'fc', conv2d: 'conv', pool: 'pool', relu: 'relu', flatten: 'flatten',
  batchnorm: 'bn', globalavgpool: 'gap', residual: 'block', ...TRANSFORMER_PREFIX,
};

export function buildLayers(desc: ModelDesc): Layer[] {
  const [C, H, W] = desc.input;
  return buildChain(desc.layers, [H, W, C], '', 'model.layers', new Set<string>()).layers;
}

function buildChain(specs: LayerSpec[], shape: Shape, prefix: string, path: string, names: Set<string>): { layers: Layer[]; shape: Shape } {
  const counters: Record<string, number> = {};
  const layers: Layer[] = [];
  specs.forEach((s, i) => {
    const f = `${path}[${i}]`;
    const pre = PREFIX[s.type]; // counted per prefix (= per type, except 'block': residual and transformer)
    counters[pre] = (counters[pre] ?? 0) + 1;
    const name = prefix + (s.name ?? `${pre}${counters[pre]}`);
    if (names.has(name)) throw new UserError(`${f}.name '${name}' is used twice; layer names must be unique`, `${f}.name`);
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
        case 'batchnorm': layer = new BatchNorm(name, shape, { momentum: s.momentum, eps: s.eps }); break;
        case 'globalavgpool': layer = new GlobalAvgPool(name, shape); break;
        case 'residual': {
          const body = buildChain(s.body, shape, `${name}.`, `${f}.body`, names).layers;
          const shortcut = buildChain(s.shortcut ?? [], shape, `${name}.shortcut.`, `${f}.shortcut`, names).layers;
          layer = new ResidualBlock(name, shape, body, shortcut);
          break;
        }
        default: {
          layer = buildTransformerLayer(s, name, shape);
          for (const inner of innerNames(layer)) {
            if (names.has(inner)) throw new UserError(`${f}: layer name '${inner}' (inside ${name}) is used twice; layer names must be unique`, `${f}.name`);
            names.add(inner);
          }
        }
      }
    } catch (e) {
      if (e instanceof UserError) throw e;
      throw new UserError(`${f} (${name}): ${(e as Error).message}`, f);
    }
    layers.push(layer);
    shape = layer.outShape;
  });
  return { layers, shape };
}
