/**
 * The sweep-config field tree: every PointSpec field, where it sits in a config, what values are
 * allowed, its default, its description and its point-hash rule. Object key order here is the
 * grid-expansion order (first = outermost loop), chosen so that points sharing a base network
 * (model, dataset, train, seed) are adjacent.
 *
 * Each field is declared ONCE, by the layer that reads it (src/util/spec_field.ts says what a
 * declaration holds): the device, crossbar and defect sections in src/crossbar/*_spec.ts, the
 * training recipes in src/nn/train_spec.ts, the methods' sections in the *_spec.ts files under src/methods.
 * This file declares only the point's own top-level fields and composes the sections; the config
 * schema, the `run` flags (sim/commands/run.ts), the defaults (defaults.ts), the default pruning
 * behind pointHash (prune_point.ts) and docs/config.md (config_doc.ts) all walk this tree.
 */
import { z } from 'zod';
import { CROSSBAR_SECTION } from '../crossbar/crossbar_spec.js';
import { DEFECT_SECTION } from '../crossbar/defect_spec.js';
import { DEVICE_SECTION } from '../crossbar/device_spec.js';
import { deviceModelNames } from '../crossbar/device_registry.js';
import { DATASET_NAMES } from '../data/dataset.js';
import { ITTRNA_FIELDS } from '../methods/ittrna_spec.js';
import { LIFETIME_FIELDS } from '../methods/lifetime_spec.js';
import { UPDATE_FIELDS } from '../crossbar/update/update_spec.js';
import { LORA_SECTION } from '../methods/lora/lora_spec.js';
import { METHOD_NAMES } from '../methods/method_info.js';
import { MULTITASK_POINT_FIELDS } from '../methods/multitask/multitask_spec.js';
import { EVAL_SECTION } from '../experiment/eval_spec.js';
import { ANALYSIS_SECTION } from '../experiment/analysis_spec.js';
import { isPresetName, MODEL_PRESETS, validateConfigModel, type ModelSpec } from '../nn/model.js';
import { trainSection } from '../nn/train_spec.js';
import { checkOnnxRef, isOnnxRef } from '../onnx/onnx_ref.js';
import { UserError } from '../util/errors.js';
import { safeToken } from '../util/safe_text.js';
import { enumField, isLeaf, numField, section, sectionRules, valueField, type Leaf, type Section, type SpecOf, type SECTION } from '../util/spec_field.js';
import type { PointSpec } from '../experiment/point.js';
import type { PointFacts } from '../util/spec_field.js';

export type { Leaf, LeafType } from '../util/spec_field.js';
export { isLeaf };
export type Tree = Section;

const MODEL_ALLOWED = `one of ${MODEL_PRESETS.map((v) => `'${v}'`).join(', ')}, or a model description {"name", "input": [C, H, W], "layers": [...]}, or an ONNX file {"onnx": "path"}`;

/**
 * `model`: a preset's name or a model description (src/nn/model.ts: validated there, errors name
 * the JSON path, e.g. `model.layers[2].out`, `model[1].input`). A list of them is a grid axis.
 */
const MODEL_FIELD = valueField<ModelSpec, { default: ModelSpec; choices: readonly string[]; check: Leaf['check'] }>(
  'model',
  z.union([z.enum(MODEL_PRESETS), z.record(z.string(), z.unknown())]) as unknown as z.ZodType<ModelSpec>,
  MODEL_ALLOWED,
  "network: a preset (default '{default}'), a model description (JSON) or {\"onnx\": \"file.onnx\"}",
  {
    default: 'mlp',
    choices: MODEL_PRESETS,
    check: (v, at) => {
      if (typeof v === 'string') {
        if (!isPresetName(v)) throw new UserError(`${at}: got ${safeToken(JSON.stringify(v), 60)}; allowed: ${MODEL_ALLOWED}`, at);
        return;
      }
      // the file itself is confined, read and imported by the planner (resolve_point.ts)
      if (isOnnxRef(v)) checkOnnxRef(v, at);
      else validateConfigModel(v, at);
    },
  },
);

/** the device section with the model's choices from the registry (device_registry.ts) */
function withRegistryModels(): typeof DEVICE_SECTION {
  const names = enumField(deviceModelNames() as [string, ...string[]], DEVICE_SECTION.model.describe);
  return section({ ...DEVICE_SECTION, model: { ...DEVICE_SECTION.model, schema: names.schema, allowed: names.allowed, choices: names.choices } });
}

export const FIELDS = section({
  model: MODEL_FIELD,
  pool: enumField(['max', 'avg'] as const, "LeNet-5 pooling (default '{default}'; ignored for mlp)", { default: 'max', readIf: (p: PointFacts) => p.modelReadsPool, readIfText: 'the model has pooling layers (lenet5)', unread: 'default' }),
  dataset: enumField(DATASET_NAMES, "dataset (default '{default}')", { default: 'mnist-embedded' }),
  trainLimit: numField({ min: 0, int: true }, 'cap on training examples, 0 = all (default {default})', { default: 0 }),
  // optional (absent = old behaviour, not in the point): retraining and evaluation subsets
  retrainLimit: numField({ min: 0, int: true }, 'cap on training examples for retraining/adaptation (fat, ittrna, remap, lora, lori); 0 or absent = trainLimit', {
    optional: true, absentIs: 0, readIf: (p: PointFacts) => p.reads('retrain'), readIfText: 'the method retrains', defaultText: '0 (= trainLimit)',
  }),
  evalLimit: numField({ min: 0, int: true }, 'evaluate on the first evalLimit examples of the eval split; 0 or absent = all', { optional: true, absentIs: 0, defaultText: '0 (all)' }),
  train: trainSection('train'),
  seed: numField({ min: 0, max: 2 ** 31 - 1, int: true }, 'run seed: every random stream derives from it (default {default})', { default: 0 }),
  device: withRegistryModels(),
  crossbar: CROSSBAR_SECTION,
  defects: DEFECT_SECTION,
  // read by fat, ittrna, remap, lora, lori (and the mt-* methods); other points hold the defaults
  retrain: section(trainSection('retrain'), { readIf: (p: PointFacts) => p.reads('retrain'), readIfText: 'the method retrains (fat, ittrna, remap, lora, lori, mt-*)', unread: 'default', describe: 'retraining / adaptation after mapping (read by fat, ittrna, remap, lora, lori and the mt-* methods)' }),
  ittrna: ITTRNA_FIELDS,
  lora: LORA_SECTION,
  multitask: MULTITASK_POINT_FIELDS,
  method: enumField(METHOD_NAMES, "training method (default '{default}')", { default: 'unaware' }),
  lifetime: LIFETIME_FIELDS,
  update: UPDATE_FIELDS,
  eval: EVAL_SECTION,
  analysis: ANALYSIS_SECTION,
});

/** Top-level config keys that are not PointSpec fields. */
export const META_KEYS = ['$schema', 'name', 'description'] as const;

export interface LeafEntry {
  path: string[];
  leaf: Leaf;
  /** the value a config that leaves the field out gets (undefined: absent unless given) */
  fill: unknown;
}

/**
 * The fill rule (one, for the leaf list and the grid expansion): a config that leaves a field out
 * gets its declared default, unless the field or a section around it is optional (absent unless given).
 */
export function fillOf(leaf: Leaf, inOptional: boolean): unknown {
  return inOptional || leaf.optional ? undefined : leaf.default;
}

/** whether the fields inside `section` are in an optional section (it, or one around it) */
export function insideOptional(section: Section, inOptional: boolean): boolean {
  return inOptional || sectionRules(section).optional === true;
}

/** Depth-first list of leaves with their dotted paths (grid-expansion order). */
export function leaves(tree: Tree = FIELDS, prefix: string[] = [], inOptional = false): LeafEntry[] {
  const out: LeafEntry[] = [];
  for (const [k, v] of Object.entries(tree)) {
    if (isLeaf(v)) out.push({ path: [...prefix, k], leaf: v, fill: fillOf(v, inOptional) });
    else out.push(...leaves(v, [...prefix, k], insideOptional(v, inOptional)));
  }
  return out;
}

/**
 * The point type (src/experiment/point.ts combines the layers' types) and these declarations agree,
 * checked by the compiler (crossbar.lineResistance is typed as given, before its resolver fills it).
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Declared = SpecOf<typeof FIELDS>;
export const POINT_TYPE_MATCHES_FIELDS: Same<Omit<PointSpec, 'crossbar'>, Omit<Declared, 'crossbar'>>
  & Same<Omit<PointSpec['crossbar'], 'lineResistance'>, Omit<Declared['crossbar'], 'lineResistance'>> = true;
