/**
 * Model descriptions: a small JSON-able list of layer specs plus the input shape, and the presets
 * `mlp` (784-300-100-10, ReLU) and `lenet5` (conv 6@5x5 pad 2 → pool 2 → conv 16@5x5 → pool 2 →
 * fc 120 → fc 84 → fc 10, ReLU; pool 'max' | 'avg'). `buildModel(desc, seed)` validates a
 * description (UserError naming the field and the allowed values) and returns an initialised
 * `Network`. Other sizes are one description away, e.g.
 *   { name: 'mlp-small', input: [1, 28, 28], layers: [{ type: 'flatten' }, { type: 'dense', out: 64 },
 *     { type: 'relu' }, { type: 'dense', out: 10 }] }
 *
 * Layer names are automatic unless given: 'fc1', 'fc2', … for dense, 'conv1', … for conv2d,
 * 'pool1', …, 'relu1', …, 'flatten1', 'bn1', 'gap1', 'block1', … (counted per kind, in order;
 * a name may not contain '/', the separator of stream names).
 *
 * Blocks (the network graph, issue 13): `{ type: 'residual', body: LayerSpec[], shortcut?:
 * LayerSpec[] }` computes y = body(x) + shortcut(x) (residual_block.ts); no shortcut (or []) = the
 * identity. Layers inside are named `<block>.<layer>` / `<block>.shortcut.<layer>` (build_layers.ts).
 * `{ type: 'batchnorm', momentum?, eps? }` (batch_norm.ts, digital) and `{ type: 'globalavgpool' }`
 * (global_avg_pool.ts). A ResNet basic block with a projection shortcut, for example:
 *   { type: 'residual',
 *     body: [{ type: 'conv2d', out: 32, kernel: 3, stride: 2, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
 *            { type: 'conv2d', out: 32, kernel: 3, pad: 1 }, { type: 'batchnorm' }],
 *     shortcut: [{ type: 'conv2d', out: 32, kernel: 1, stride: 2 }, { type: 'batchnorm' }] },
 *   { type: 'relu' }
 */
import { UserError } from '../util/errors.js';
import { BIAS_INITS, WEIGHT_INITS, type BiasInit, type WeightInit } from './init.js';
import { buildLayers } from './build_layers.js';
import { Network } from './network.js';
import { TRANSFORMER_LAYER_TYPES, isTransformerSpec, validateTransformerSpec, type TransformerLayerSpec } from './transformer_specs.js';
import { initWeightLayer } from './weight_layer.js';

export type LayerSpec =
  | { type: 'dense'; out: number; name?: string }
  | { type: 'conv2d'; out: number; kernel: number; stride?: number; pad?: number; name?: string }
  | { type: 'pool'; pool: 'max' | 'avg'; kernel: number; stride?: number; name?: string }
  | { type: 'relu'; name?: string }
  | { type: 'flatten'; name?: string }
  | { type: 'batchnorm'; momentum?: number; eps?: number; name?: string }
  | { type: 'globalavgpool'; name?: string }
  | { type: 'residual'; body: LayerSpec[]; shortcut?: LayerSpec[]; name?: string }
  | TransformerLayerSpec;

export interface ModelDesc {
  name: string;
  /** per-sample input shape [C, H, W] as in Dataset.shape (activations are NHWC inside) */
  input: [number, number, number];
  layers: LayerSpec[];
  /** initialisation (init.ts); default: PyTorch's ('pytorch' weights, 'uniform' biases) */
  init?: { weights?: WeightInit; bias?: BiasInit };
}

export const LAYER_TYPES = ['dense', 'conv2d', 'pool', 'relu', 'flatten', 'batchnorm', 'globalavgpool', 'residual', ...TRANSFORMER_LAYER_TYPES] as const;
/** the model registry's names; `ModelName` (the spec type) is derived from it */
export const MODEL_PRESETS = ['mlp', 'lenet5'] as const;
export type ModelName = (typeof MODEL_PRESETS)[number];
export const POOL_TYPES = ['max', 'avg'] as const;

/** MLP 784-300-100-10 with ReLU (input [1, 28, 28] unless given) */
export function mlpDesc(input: [number, number, number] = [1, 28, 28]): ModelDesc {
  return {
    name: 'mlp',
    input,
    layers: [
      { type: 'flatten' },
      { type: 'dense', out: 300 }, { type: 'relu' },
      { type: 'dense', out: 100 }, { type: 'relu' },
      { type: 'dense', out: 10 },
    ],
  };
}

/** LeNet-5: conv 6@5x5 pad 2 → pool 2 → conv 16@5x5 → pool 2 → fc 120 → fc 84 → fc 10, ReLU */
export function lenet5Desc(pool: 'max' | 'avg' = 'max', input: [number, number, number] = [1, 28, 28]): ModelDesc {
  return {
    name: pool === 'max' ? 'lenet5' : 'lenet5-avg',
    input,
    layers: [
      { type: 'conv2d', out: 6, kernel: 5, pad: 2 }, { type: 'relu' },
      { type: 'pool', pool, kernel: 2 },
      { type: 'conv2d', out: 16, kernel: 5 }, { type: 'relu' },
      { type: 'pool', pool, kernel: 2 },
      { type: 'flatten' },
      { type: 'dense', out: 120 }, { type: 'relu' },
      { type: 'dense', out: 84 }, { type: 'relu' },
      { type: 'dense', out: 10 },
    ],
  };
}

export function presetDesc(model: ModelName, opts: { pool?: 'max' | 'avg'; input?: [number, number, number] } = {}): ModelDesc {
  switch (model) {
    case 'mlp': return mlpDesc(opts.input);
    case 'lenet5': return lenet5Desc(opts.pool ?? 'max', opts.input);
    default:
      throw new UserError(`model must be one of ${MODEL_PRESETS.join(', ')} (got '${String(model)}')`, 'model');
  }
}

function posInt(v: unknown, field: string, min = 1): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new UserError(`${field} must be an integer >= ${min} (got ${JSON.stringify(v)})`, field);
  }
  return v;
}

function validateLayerSpecs(layers: unknown[], path: string): void {
  layers.forEach((l: unknown, i: number) => {
    const f = `${path}[${i}]`;
    if (!l || typeof l !== 'object') throw new UserError(`${f} must be an object with a 'type'`, f);
    const s = l as Record<string, unknown>;
    if (!(LAYER_TYPES as readonly string[]).includes(s.type as string)) {
      throw new UserError(`${f}.type must be one of ${LAYER_TYPES.join(', ')} (got ${JSON.stringify(s.type)})`, `${f}.type`);
    }
    if (s.name !== undefined && (typeof s.name !== 'string' || s.name === '' || s.name.includes('/'))) {
      throw new UserError(`${f}.name must be a non-empty string without '/' (got ${JSON.stringify(s.name)})`, `${f}.name`);
    }
    if (s.type === 'dense' || s.type === 'conv2d') posInt(s.out, `${f}.out`);
    if (s.type === 'conv2d' || s.type === 'pool') {
      posInt(s.kernel, `${f}.kernel`);
      if (s.stride !== undefined) posInt(s.stride, `${f}.stride`);
    }
    if (s.type === 'conv2d' && s.pad !== undefined) posInt(s.pad, `${f}.pad`, 0);
    if (s.type === 'pool' && !(POOL_TYPES as readonly string[]).includes(s.pool as string)) {
      throw new UserError(`${f}.pool must be one of ${POOL_TYPES.join(', ')} (got ${JSON.stringify(s.pool)})`, `${f}.pool`);
    }
    if (s.type === 'batchnorm') {
      if (s.momentum !== undefined && !(typeof s.momentum === 'number' && s.momentum >= 0 && s.momentum <= 1)) {
        throw new UserError(`${f}.momentum must be a number in [0, 1] (got ${JSON.stringify(s.momentum)})`, `${f}.momentum`);
      }
      if (s.eps !== undefined && !(typeof s.eps === 'number' && Number.isFinite(s.eps) && s.eps > 0)) {
        throw new UserError(`${f}.eps must be a number > 0 (got ${JSON.stringify(s.eps)})`, `${f}.eps`);
      }
    }
    if (isTransformerSpec(s as { type: string })) validateTransformerSpec(s, f);
    if (s.type === 'residual') {
      if (!Array.isArray(s.body) || s.body.length === 0) throw new UserError(`${f}.body must be a non-empty array of layer specs`, `${f}.body`);
      validateLayerSpecs(s.body, `${f}.body`);
      if (s.shortcut !== undefined) {
        if (!Array.isArray(s.shortcut)) throw new UserError(`${f}.shortcut must be an array of layer specs ([] = identity)`, `${f}.shortcut`);
        validateLayerSpecs(s.shortcut, `${f}.shortcut`);
      }
    }
  });
}

/** Check a description (e.g. read from JSON); throws UserError naming the field and allowed values. */
export function validateModelDesc(desc: unknown): ModelDesc {
  if (!desc || typeof desc !== 'object') throw new UserError('model description must be an object { name, input, layers }', 'model');
  const d = desc as Record<string, unknown>;
  if (typeof d.name !== 'string' || d.name === '') throw new UserError('model.name must be a non-empty string', 'model.name');
  if (!Array.isArray(d.input) || d.input.length !== 3) throw new UserError('model.input must be [C, H, W] (3 positive integers)', 'model.input');
  d.input.forEach((v, i) => posInt(v, `model.input[${i}]`));
  if (!Array.isArray(d.layers) || d.layers.length === 0) throw new UserError('model.layers must be a non-empty array of layer specs', 'model.layers');
  validateLayerSpecs(d.layers, 'model.layers');
  const last = d.layers[d.layers.length - 1] as Record<string, unknown>;
  if (last.type !== 'dense') throw new UserError('model.layers must end with a dense layer (the logits)', 'model.layers');
  if (d.init !== undefined) {
    const init = d.init as Record<string, unknown>;
    if (init.weights !== undefined && !(WEIGHT_INITS as readonly string[]).includes(init.weights as string)) {
      throw new UserError(`model.init.weights must be one of ${WEIGHT_INITS.join(', ')} (got ${JSON.stringify(init.weights)})`, 'model.init.weights');
    }
    if (init.bias !== undefined && !(BIAS_INITS as readonly string[]).includes(init.bias as string)) {
      throw new UserError(`model.init.bias must be one of ${BIAS_INITS.join(', ')} (got ${JSON.stringify(init.bias)})`, 'model.init.bias');
    }
  }
  return desc as ModelDesc;
}

/**
 * Build and initialise a network: every weight layer from `stream(seed, 'init/<layer name>')`
 * (init.ts). Throws UserError for an invalid description or shapes that do not fit.
 */
export function buildModel(desc: ModelDesc, seed: number | string): Network {
  const d = validateModelDesc(desc);
  const net = new Network(d, buildLayers(d));
  const w = d.init?.weights ?? 'pytorch';
  const b = d.init?.bias ?? 'uniform';
  for (const l of net.weightLayers()) initWeightLayer(l, seed, w, b);
  return net;
}
