/**
 * Weight-matrix shapes of a point's model, as the crossbar sees them (rows = fan-in, cols =
 * outputs; conv kernels unrolled to kh·kw·C rows), in `Network.weightLayers()` order: used to
 * validate `lora.layers` names and `lora.rank`, and by the preflight's defect-map check, before
 * any work starts. Derived from the model description itself (layers are built, not initialised,
 * for the preset's design input or the description's `input`), so a new preset or a config-
 * defined model needs no table here. A preset is built for the data set's shape when
 * src/data/dataset_shapes.ts knows it. For example
 *   mlp:    fc1 784x300, fc2 300x100, fc3 100x10
 *   lenet5: conv1 25x6, conv2 150x16, fc1 400x120, fc2 120x84, fc3 84x10 (28x28x1 input)
 * Results are cached per description (planning calls this once per point).
 */
import { buildLayers } from '../nn/build_layers.js';
import { shapeSize, walkLayers } from '../nn/layer.js';
import { modelDescOf, plannedInput, type ModelSpec } from '../nn/model.js';
import { isWeightLayer } from '../nn/weight_layer.js';
import type { DatasetName } from '../data/dataset.js';
import { datasetShape } from '../data/dataset_shapes.js';
import { placementRole } from '../methods/lora/placement.js';
import type { LoraPlacement } from '../methods/lora/lora_spec.js';

export interface LayerShape {
  name: string;
  rows: number;
  cols: number;
}

/** a weight layer's LoRA placement role (src/methods/lora/placement.ts), null when none */
export interface LayerRole {
  name: string;
  role: LoraPlacement | null;
}

const roleCache = new Map<string, LayerRole[]>();

const cache = new Map<string, LayerShape[]>();

/** outputs per example (the network's logits) per description */
const outputCache = new Map<string, number>();

export function modelLayers(model: ModelSpec, pool: 'max' | 'avg' = 'max', dataset?: DatasetName): LayerShape[] {
  // a preset is built for the data set's shape when it is known before loading (else its design input)
  const known = dataset === undefined ? undefined : datasetShape(dataset);
  const input: [number, number, number] = typeof model === 'string' && known ? [known[0], known[1], known[2]] : plannedInput(model);
  const desc = modelDescOf(model, { pool, input });
  const key = JSON.stringify(desc);
  let out = cache.get(key);
  if (!out) {
    out = [];
    const built = buildLayers(desc);
    const wl = walkLayers(built).filter(isWeightLayer);
    if (outputCache.size > 64) outputCache.clear();
    outputCache.set(key, built.length > 0 ? shapeSize(built[built.length - 1].outShape) : shapeSize([desc.input[1], desc.input[2], desc.input[0]]));
    for (const l of wl) out.push({ name: l.name, rows: l.op.rows, cols: l.op.cols });
    if (roleCache.size > 64) roleCache.clear();
    roleCache.set(key, wl.map((l, i) => ({ name: l.name, role: placementRole(l, i, wl.length) })));
    if (cache.size > 64) cache.clear();
    cache.set(key, out);
  }
  return out;
}

/** the LoRA placement roles of the model's weight layers (same order as modelLayers) */
export function modelRoles(model: ModelSpec, pool: 'max' | 'avg' = 'max', dataset?: DatasetName): LayerRole[] {
  const known = dataset === undefined ? undefined : datasetShape(dataset);
  const input: [number, number, number] = typeof model === 'string' && known ? [known[0], known[1], known[2]] : plannedInput(model);
  const key = JSON.stringify(modelDescOf(model, { pool, input }));
  if (!roleCache.has(key)) { cache.delete(key); modelLayers(model, pool, dataset); }
  return roleCache.get(key)!;
}

/** the number of outputs (logits) per example of the point's model, as `Network.classes` will be */
export function modelOutputs(model: ModelSpec, pool: 'max' | 'avg' = 'max', dataset?: DatasetName): number {
  const known = dataset === undefined ? undefined : datasetShape(dataset);
  const input: [number, number, number] = typeof model === 'string' && known ? [known[0], known[1], known[2]] : plannedInput(model);
  const key = JSON.stringify(modelDescOf(model, { pool, input }));
  if (!outputCache.has(key)) { cache.delete(key); modelLayers(model, pool, dataset); }
  return outputCache.get(key)!;
}
