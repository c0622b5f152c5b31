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
 * Blocks (the network graph): `{ type: 'residual', body: LayerSpec[], shortcut?:
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
import { safeToken } from '../util/safe_text.js';
import { BIAS_INITS, WEIGHT_INITS, type BiasInit, type WeightInit } from './init.js';
import { buildLayers } from './build_layers.js';
import { Network } from './network.js';
import { TRANSFORMER_LAYER_KEYS, TRANSFORMER_LAYER_TYPES, isTransformerSpec, validateTransformerSpec, type TransformerLayerSpec } from './transformer_specs.js';
import { initWeightLayer } from './weight_layer.js';
import type { Preset, PresetOptions } from './presets/preset.js';
import { isOnnxRef, modelRefResolver, type OnnxModelRef } from './model_ref.js';
import { PRESETS } from './presets/registry.js';

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
/** the model registry's names (src/nn/presets/registry.ts); `ModelName` (the spec type) is derived from it */
export type ModelName = keyof typeof PRESETS;
export const MODEL_PRESETS = Object.keys(PRESETS) as [ModelName, ...ModelName[]];
export const POOL_TYPES = ['max', 'avg'] as const;
/**
 * a point's model: a preset's name, a model description given in the config, or a network imported
 * from an ONNX file (`{ onnx, sha256 }`, src/nn/model_ref.ts, resolved by src/onnx/onnx_ref.ts: its weights are the base network)
 */
export type ModelSpec = ModelName | ModelDesc | OnnxModelRef;
export { isOnnxRef, type OnnxModelRef } from './model_ref.js';

export { mlpDesc } from './presets/mlp.js';
export { lenet5Desc } from './presets/lenet5.js';
export { resnet20Desc } from './presets/resnet20.js';
export { vgg8Desc } from './presets/vgg8.js';

export function isPresetName(m: unknown): m is ModelName {
  return typeof m === 'string' && Object.hasOwn(PRESETS, m);
}

export function presetDesc(model: ModelName, opts: PresetOptions = {}): ModelDesc {
  if (!isPresetName(model)) {
    throw new UserError(`model must be one of ${MODEL_PRESETS.join(', ')} or a model description {name, input, layers} (got '${String(model)}')`, 'model');
  }
  return PRESETS[model].desc(opts);
}

/** The label of a point's model in reports and progress lines: the preset's or the description's name. */
export function modelLabel(m: ModelSpec): string {
  if (isOnnxRef(m)) return modelRefResolver().label(m);
  return typeof m === 'string' ? m : m.name;
}

/** Does the point's model read the `pool` field (LeNet-5's pooling)? */
export function modelReadsPool(m: ModelSpec): boolean {
  return isPresetName(m) && (PRESETS[m] as Preset).readsPool === true;
}

/**
 * The description a point's model stands for: a preset built for `opts.input` (the data set's
 * shape), or the config's description as given (its `input` must equal the data set's shape).
 */
export function modelDescOf(m: ModelSpec, opts: PresetOptions = {}): ModelDesc {
  if (typeof m === 'string') return presetDesc(m, opts);
  const d = isOnnxRef(m) ? modelRefResolver().desc(m) : validateConfigModel(m);
  const inp = opts.input;
  if (inp && (inp[0] !== d.input[0] || inp[1] !== d.input[1] || inp[2] !== d.input[2])) {
    throw new UserError(`model.input [${d.input.join(', ')}] does not match the data set's shape [${inp.join(', ')}] (C, H, W)`, 'model.input');
  }
  return d;
}

/**
 * A description given in a config (not a preset's own): validated, and its name must not be a
 * preset's (reports label models by name, so 'mlp' must mean the preset).
 */
export function validateConfigModel(m: unknown, at = 'model'): ModelDesc {
  const d = validateModelDesc(m, at);
  if (isPresetName(d.name)) throw new UserError(`${at}.name '${d.name}' is a preset's name; give the description its own name (reports label models by name)`, `${at}.name`);
  return d;
}

/** Does the model contain a BatchNorm layer (anywhere, blocks included)? */
export function modelHasBatchNorm(m: ModelSpec): boolean {
  const has = (ls: readonly LayerSpec[]): boolean =>
    ls.some((l) => l.type === 'batchnorm' || (l.type === 'residual' && (has(l.body) || has(l.shortcut ?? []))));
  return has(modelDescOf(m, { input: plannedInput(m) }).layers);
}

/** The input shape a model is planned with before any data set is loaded. */
export function plannedInput(m: ModelSpec): [number, number, number] {
  if (isOnnxRef(m)) return [...modelRefResolver().desc(m).input];
  return typeof m === 'string' ? [...PRESETS[m].defaultInput] : m.input;
}

/** largest layer width / input side a description may ask for (a typo must not allocate gigabytes) */
export const MAX_WIDTH = 65536;
export const MAX_KERNEL = 64;
const NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;

/** keys each layer type accepts (anything else is a typo: refused, naming the allowed keys) */
const LAYER_KEYS: Record<LayerSpec['type'], readonly string[]> = {
  dense: ['type', 'out', 'name'],
  conv2d: ['type', 'out', 'kernel', 'stride', 'pad', 'name'],
  pool: ['type', 'pool', 'kernel', 'stride', 'name'],
  relu: ['type', 'name'],
  flatten: ['type', 'name'],
  batchnorm: ['type', 'momentum', 'eps', 'name'],
  globalavgpool: ['type', 'name'],
  residual: ['type', 'body', 'shortcut', 'name'],
  ...TRANSFORMER_LAYER_KEYS,
};
const DESC_KEYS = ['name', 'input', 'layers', 'init'] as const;
/** largest model a description may build: weights (float32: 512 MiB) and values per sample in one activation */
export const MAX_MODEL_WEIGHTS = 2 ** 27;
export const MAX_ACTIVATION = 2 ** 24;

/**
 * Sizes of a (validated) description without allocating anything: weight-matrix elements and the
 * largest per-sample activation, following the shape rules of the layers (conv OH = ⌊(H + 2p − k)/s⌋
 * + 1, pool OH = ⌊(H − k)/s⌋ + 1). Geometry that does not fit stops the count (buildLayers then
 * names the layer).
 */
export function modelSize(desc: Pick<ModelDesc, 'input' | 'layers'>): { weights: number; maxActivation: number } {
  let weights = 0, maxActivation = 0;
  const chain = (specs: readonly LayerSpec[], shape: number[]): number[] | null => {
    for (const s of specs) {
      const size = shape.reduce((a, b) => a * b, 1);
      switch (s.type) {
        case 'dense': weights += size * s.out; shape = [s.out]; break;
        case 'conv2d': case 'pool': {
          if (shape.length !== 3) return null;
          const [H, W, C] = shape, k = s.kernel, st = s.stride ?? (s.type === 'pool' ? k : 1), p = s.type === 'conv2d' ? s.pad ?? 0 : 0;
          const OH = Math.floor((H + 2 * p - k) / st) + 1, OW = Math.floor((W + 2 * p - k) / st) + 1;
          if (!(OH >= 1 && OW >= 1)) return null;
          if (s.type === 'conv2d') weights += k * k * C * s.out;
          shape = [OH, OW, s.type === 'conv2d' ? s.out : C];
          break;
        }
        case 'flatten': shape = [size]; break;
        case 'globalavgpool': if (shape.length !== 3) return null; shape = [shape[2]]; break;
        case 'residual': {
          const out = chain(s.body, shape);
          if (!out) return null;
          if (s.shortcut && !chain(s.shortcut, shape)) return null;
          shape = out;
          break;
        }
        default: break; // relu, batchnorm: same shape
      }
      maxActivation = Math.max(maxActivation, shape.reduce((a, b) => a * b, 1));
    }
    return shape;
  };
  const [C, H, W] = desc.input;
  maxActivation = C * H * W;
  chain(desc.layers, [H, W, C]);
  return { weights, maxActivation };
}

function posInt(v: unknown, field: string, min = 1, max = MAX_WIDTH): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`${field} must be an integer in [${min}, ${max}] (got ${JSON.stringify(v)})`, field);
  }
  return v;
}

function onlyKeys(o: Record<string, unknown>, allowed: readonly string[], f: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      const shown = safeToken(k, 40);
      throw new UserError(`${f}.${shown}: unknown key; allowed keys: ${allowed.join(', ')}`, `${f}.${shown}`);
    }
  }
}

function validateLayerSpecs(layers: unknown[], path: string): void {
  layers.forEach((l: unknown, i: number) => {
    const f = `${path}[${i}]`;
    if (!l || typeof l !== 'object' || Array.isArray(l)) throw new UserError(`${f} must be an object with a 'type' (one of ${LAYER_TYPES.join(', ')})`, f);
    const s = l as Record<string, unknown>;
    if (!(LAYER_TYPES as readonly string[]).includes(s.type as string)) {
      throw new UserError(`${f}.type must be one of ${LAYER_TYPES.join(', ')} (got ${safeToken(JSON.stringify(s.type) ?? 'nothing', 40)})`, `${f}.type`);
    }
    onlyKeys(s, LAYER_KEYS[s.type as LayerSpec['type']], f);
    if (s.name !== undefined && (typeof s.name !== 'string' || !NAME_RE.test(s.name))) {
      throw new UserError(`${f}.name must be 1 to 64 letters, digits, '.', '_' or '-' (got ${safeToken(JSON.stringify(s.name), 40)})`, `${f}.name`);
    }
    if (s.type === 'dense' || s.type === 'conv2d') posInt(s.out, `${f}.out`);
    if (s.type === 'conv2d' || s.type === 'pool') {
      posInt(s.kernel, `${f}.kernel`, 1, MAX_KERNEL);
      if (s.stride !== undefined) posInt(s.stride, `${f}.stride`, 1, MAX_KERNEL);
    }
    if (s.type === 'conv2d' && s.pad !== undefined) posInt(s.pad, `${f}.pad`, 0, MAX_KERNEL);
    if (s.type === 'pool' && !(POOL_TYPES as readonly string[]).includes(s.pool as string)) {
      throw new UserError(`${f}.pool must be one of ${POOL_TYPES.join(', ')} (got ${safeToken(JSON.stringify(s.pool) ?? 'nothing', 40)})`, `${f}.pool`);
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

/**
 * Check a description (e.g. read from JSON); throws UserError naming the field by its JSON path
 * under `at` (e.g. `model.layers[2].out`, `model[1].input`) and the allowed values.
 */
export function validateModelDesc(desc: unknown, at = 'model'): ModelDesc {
  if (!desc || typeof desc !== 'object' || Array.isArray(desc)) throw new UserError(`${at} must be a preset name or a model description { name, input, layers }`, at);
  const d = desc as Record<string, unknown>;
  onlyKeys(d, DESC_KEYS, at);
  if (typeof d.name !== 'string' || !NAME_RE.test(d.name)) {
    throw new UserError(`${at}.name must be 1 to 64 letters, digits, '.', '_' or '-' (got ${safeToken(JSON.stringify(d.name) ?? 'nothing', 40)})`, `${at}.name`);
  }
  if (!Array.isArray(d.input) || d.input.length !== 3) throw new UserError(`${at}.input must be [C, H, W] (3 positive integers)`, `${at}.input`);
  d.input.forEach((v, i) => posInt(v, `${at}.input[${i}]`, 1, 4096));
  if (!Array.isArray(d.layers) || d.layers.length === 0) throw new UserError(`${at}.layers must be a non-empty array of layer specs`, `${at}.layers`);
  validateLayerSpecs(d.layers, `${at}.layers`);
  const last = d.layers[d.layers.length - 1] as Record<string, unknown>;
  if (last.type !== 'dense') throw new UserError(`${at}.layers must end with a dense layer (the logits)`, `${at}.layers`);
  const size = modelSize(d as unknown as ModelDesc);
  if (size.weights > MAX_MODEL_WEIGHTS) {
    throw new UserError(`${at}: ${size.weights} weights; allowed: at most ${MAX_MODEL_WEIGHTS} (2^27, 512 MiB of float32)`, at);
  }
  if (size.maxActivation > MAX_ACTIVATION) {
    throw new UserError(`${at}: an activation of ${size.maxActivation} values per sample; allowed: at most ${MAX_ACTIVATION} (2^24)`, at);
  }
  if (d.init !== undefined) {
    if (!d.init || typeof d.init !== 'object' || Array.isArray(d.init)) throw new UserError(`${at}.init must be an object { weights?, bias? }`, `${at}.init`);
    const init = d.init as Record<string, unknown>;
    onlyKeys(init, ['weights', 'bias'], `${at}.init`);
    if (init.weights !== undefined && !(WEIGHT_INITS as readonly string[]).includes(init.weights as string)) {
      throw new UserError(`${at}.init.weights must be one of ${WEIGHT_INITS.join(', ')} (got ${safeToken(JSON.stringify(init.weights), 40)})`, `${at}.init.weights`);
    }
    if (init.bias !== undefined && !(BIAS_INITS as readonly string[]).includes(init.bias as string)) {
      throw new UserError(`${at}.init.bias must be one of ${BIAS_INITS.join(', ')} (got ${safeToken(JSON.stringify(init.bias), 40)})`, `${at}.init.bias`);
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
