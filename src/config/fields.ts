/**
 * The sweep-config field tree: every PointSpec field, where it sits in a config, what values are
 * allowed (a zod schema plus the same rule in words for error messages and --help), and its
 * description. Object key order here is the grid-expansion order (first = outermost loop), chosen
 * so that points sharing a base network (model, dataset, train, seed) are adjacent.
 *
 * The bounds of the device, crossbar, defect and training fields are owned by their layers
 * (src/crossbar/device_spec.ts, crossbar_spec.ts, defect_spec.ts, weight_range.ts,
 * src/nn/train_spec.ts): this tree only composes them, so the config check and the run-time check
 * are the same schema. Defaults live in src/config/defaults.ts (which reads the layers' defaults).
 */
import { z } from 'zod';
import { CROSSBAR_FIELDS, LINE_RESISTANCE_FIELDS } from '../crossbar/crossbar_spec.js';
import { CLUSTER_FIELDS, DEFECT_FIELDS } from '../crossbar/defect_spec.js';
import { DEVICE_FIELDS, DRIFT_FIELDS, PROG_NOISE_MODELS, READ_NOISE_MODELS } from '../crossbar/device_spec.js';
import { ENDURANCE_FIELDS } from '../crossbar/endurance.js';
import { STUCK_G_FIELDS } from '../crossbar/stuck_conductance.js';
import { RANGE_ALLOWED, RANGE_SCHEMA } from '../crossbar/weight_range.js';
import { DATASET_NAMES } from '../data/dataset.js';
import { ITTRNA_FIELDS } from '../methods/ittrna_spec.js';
import { LORA_EXPERTS, LORA_FIELDS, LORA_OPTIONAL_FIELDS, LORA_PLACEMENTS } from '../methods/lora/lora_spec.js';
import { MULTITASK_POINT_FIELDS } from '../methods/multitask/multitask_spec.js';
import { allowedTaskNames, checkTaskList } from '../tasks/registry.js';
import { LIFETIME_FIELDS } from '../methods/lifetime_spec.js';
import { METHOD_NAMES } from '../methods/method_info.js';
import { isPresetName, MODEL_PRESETS, validateConfigModel } from '../nn/model.js';
import { checkOnnxRef, isOnnxRef } from '../onnx/onnx_ref.js';
import { UserError } from '../util/errors.js';
import { safeToken } from '../util/safe_text.js';
import { MAX_STEPS_FIELD, NOISE_INJECTION_FIELDS, TRAIN_FIELDS, TRAIN_OPTIONAL_FIELDS } from '../nn/train_spec.js';
import { SCHEDULE_ALLOWED, SCHEDULE_SCHEMA } from '../nn/lr_schedule.js';
import { numField, type NumBounds, type SpecField } from '../util/spec_field.js';
import { DEFAULT_DEVICE_MODEL, deviceModelNames } from '../crossbar/device_registry.js';
import { DEFAULTS } from './defaults.js';

export type LeafType = 'enum' | 'number' | 'boolean' | 'string' | 'stringList' | 'range' | 'params' | 'model' | 'object';

export interface Leaf {
  leaf: true;
  type: LeafType;
  schema: z.ZodType;
  /** allowed values in words, quoted in every error message */
  allowed: string;
  describe: string;
  /** enum values (for --help choices) */
  choices?: readonly string[];
  /** number leaves: the bounds the schema enforces (tests generate out-of-range values from them) */
  bounds?: NumBounds;
  /** a structured value's own validator (throws UserError naming the JSON path under `at`); replaces the schema's message */
  check?: (value: unknown, at: string) => void;
}

export interface Tree {
  [key: string]: Leaf | Tree;
}

export function isLeaf(x: Leaf | Tree): x is Leaf {
  return (x as Leaf).leaf === true;
}

function enumLeaf(values: readonly [string, ...string[]], describe: string): Leaf {
  return {
    leaf: true,
    type: 'enum',
    schema: z.enum(values),
    allowed: `one of ${values.map((v) => `'${v}'`).join(', ')}`,
    describe,
    choices: values,
  };
}

function numLeaf(o: NumBounds, describe: string, allowedOverride?: string): Leaf {
  const f = numField(o, describe);
  return { leaf: true, type: 'number', schema: f.schema, allowed: allowedOverride ?? f.allowed, describe, bounds: o };
}

/** A leaf from a layer's spec field (bounds and schema owned by the layer), with its description. */
function fromField(f: SpecField, describe = f.describe, allowedOverride?: string): Leaf {
  if (f.kind === 'enum') return { leaf: true, type: 'enum', schema: f.schema, allowed: f.allowed, describe, choices: f.values };
  return { leaf: true, type: 'number', schema: f.schema, allowed: allowedOverride ?? f.allowed, describe, bounds: f.bounds };
}

const D = DEFAULTS;

const MODEL_ALLOWED = `one of ${MODEL_PRESETS.map((v) => `'${v}'`).join(', ')}, or a model description {"name", "input": [C, H, W], "layers": [...]}, or an ONNX file {"onnx": "path"}`;

/**
 * `model`: a preset's name or a model description (src/nn/model.ts: validated there, errors name
 * the JSON path, e.g. `model.layers[2].out`, `model[1].input`). A list of them is a grid axis.
 */
function modelLeaf(): Leaf {
  return {
    leaf: true,
    type: 'model',
    schema: z.union([z.enum(MODEL_PRESETS), z.record(z.string(), z.unknown())]),
    allowed: MODEL_ALLOWED,
    describe: `network: a preset (default '${D.model}'), a model description (JSON) or {"onnx": "file.onnx"}`,
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
  };
}

function trainTree(kind: 'train' | 'retrain'): Tree {
  const d = D[kind];
  const what = kind === 'train' ? 'base training (ideal/unaware)' : 'retraining/adaptation (fat, ittrna, remap, lora, lori)';
  const T = TRAIN_FIELDS;
  return {
    epochs: fromField(T.epochs, `${what}: epochs (default ${d.epochs})`),
    lr: fromField(T.lr, `${what}: SGD learning rate (default ${d.lr})`),
    momentum: fromField(T.momentum, `${what}: SGD momentum (default ${d.momentum})`),
    weightDecay: fromField(T.weightDecay, `${what}: L2 weight decay (default ${d.weightDecay})`),
    batch: fromField(T.batch, `${what}: mini-batch size (default ${d.batch})`),
    schedule: {
      leaf: true,
      type: 'object',
      schema: SCHEDULE_SCHEMA,
      allowed: SCHEDULE_ALLOWED,
      describe: `${what}: learning-rate schedule (default constant; src/nn/lr_schedule.ts)`,
    },
    // retraining only, optional: absent = whole epochs, left out of the point (src/nn/train.ts)
    ...(kind === 'retrain' ? { maxSteps: fromField(MAX_STEPS_FIELD) } : {}),
    // base training only, optional: absent = plain training, left out of the point (src/nn/defect_injection_op.ts)
    ...(kind === 'train' ? {
      noiseInjection: {
        rate: fromField(NOISE_INJECTION_FIELDS.rate),
        lrsShare: fromField(NOISE_INJECTION_FIELDS.lrsShare),
      },
    } : {}),
    // optional (absent = SGD / the point's trainLimit; left out of the point, so hashes stay)
    optimizer: fromField(TRAIN_OPTIONAL_FIELDS.optimizer, `${what}: optimiser 'sgd' (default) or 'adamw' (src/nn/adamw.ts)`),
    limit: fromField(TRAIN_OPTIONAL_FIELDS.limit, `${what}: examples per epoch, the first \`limit\` of the training split (default: trainLimit)`),
  };
}

export const FIELDS: Tree = {
  model: modelLeaf(),
  pool: enumLeaf(['max', 'avg'], `LeNet-5 pooling (default '${D.pool}'; ignored for mlp)`),
  dataset: enumLeaf(DATASET_NAMES, `dataset (default '${D.dataset}')`),
  trainLimit: numLeaf({ min: 0, int: true }, `cap on training examples, 0 = all (default ${D.trainLimit})`),
  // optional (absent = old behaviour, not in the point): retraining and evaluation subsets
  retrainLimit: numLeaf({ min: 0, int: true }, 'cap on training examples for retraining/adaptation (fat, ittrna, remap, lora, lori); 0 or absent = trainLimit'),
  evalLimit: numLeaf({ min: 0, int: true }, 'evaluate on the first evalLimit examples of the eval split; 0 or absent = all'),
  train: trainTree('train'),
  seed: numLeaf({ min: 0, max: 2 ** 31 - 1, int: true }, `run seed: every random stream derives from it (default ${D.seed})`),
  device: {
    gMin: fromField(DEVICE_FIELDS.gMin),
    gMax: fromField(DEVICE_FIELDS.gMax),
    levels: fromField(DEVICE_FIELDS.levels),
    progSigma: fromField(DEVICE_FIELDS.progSigma),
    readSigma: fromField(DEVICE_FIELDS.readSigma),
    readNoiseModel: enumLeaf(READ_NOISE_MODELS, "how read noise is drawn: 'per-cell' (one draw per cell per forward, shared by the batch; default) or 'per-output' (the same distribution per sample, drawn on the outputs: one extra GEMM)"),
    progNoiseModel: enumLeaf(PROG_NOISE_MODELS, "how programming variation is drawn: 'per-write' (one draw per write from the sequential stream; default) or 'counter' (the same lognormal law from the counter-based generator, inside the fast kernels; device.model 'linear-levels' only)"),
    // device models come from the registry (src/crossbar/device_registry.ts); their parameters are
    // checked per point by the model (resolve_point.ts → checkDeviceModel)
    model: enumLeaf(deviceModelNames() as [string, ...string[]], `device model (default '${DEFAULT_DEVICE_MODEL}')`),
    modelParams: {
      leaf: true,
      type: 'params',
      schema: z.record(z.string(), z.number()),
      allowed: 'an object of numbers, the parameters of device.model (docs/DESIGN.md, "How to add a device model")',
      describe: 'parameters of the device model (default: the model\'s defaults)',
    },
    // optional: absent = no drift, left out of the point (src/crossbar/drift_law.ts)
    drift: {
      nuMean: fromField(DRIFT_FIELDS.nuMean),
      nuStd: fromField(DRIFT_FIELDS.nuStd),
      t0: fromField(DRIFT_FIELDS.t0),
      t: fromField(DRIFT_FIELDS.t),
      refreshEvery: fromField(DRIFT_FIELDS.refreshEvery),
    },
    // optional: absent = cells never wear out, left out of the point (src/crossbar/endurance.ts)
    endurance: {
      n50: fromField(ENDURANCE_FIELDS.n50),
      sigma: fromField(ENDURANCE_FIELDS.sigma),
      lrsShare: fromField(ENDURANCE_FIELDS.lrsShare),
    },
    // optional: absent = stuck cells at gMax / gMin, left out of the point (src/crossbar/stuck_conductance.ts)
    stuckG: {
      lrsMin: fromField(STUCK_G_FIELDS.lrsMin),
      lrsMax: fromField(STUCK_G_FIELDS.lrsMax),
      hrsMin: fromField(STUCK_G_FIELDS.hrsMin),
      hrsMax: fromField(STUCK_G_FIELDS.hrsMax),
    },
  },
  crossbar: {
    tileRows: fromField(CROSSBAR_FIELDS.tileRows),
    tileCols: fromField(CROSSBAR_FIELDS.tileCols),
    mapping: fromField(CROSSBAR_FIELDS.mapping),
    range: {
      leaf: true,
      type: 'range',
      schema: RANGE_SCHEMA,
      allowed: RANGE_ALLOWED,
      describe: `per-layer weight range (default ${JSON.stringify(D.crossbar.range)})`,
    },
    dacBits: fromField(CROSSBAR_FIELDS.dacBits),
    adcBits: fromField(CROSSBAR_FIELDS.adcBits),
    writeThreshold: fromField(CROSSBAR_FIELDS.writeThreshold),
    batchNorm: fromField(CROSSBAR_FIELDS.batchNorm),
    // optional, method 'spare' only: absent = 0, left out of every other method's point
    spareColumns: fromField(CROSSBAR_FIELDS.spareColumns),
    // optional: absent (or every resistance 0) = ideal wires, left out of the point
    lineResistance: {
      rWire: fromField(LINE_RESISTANCE_FIELDS.rWire),
      rDriver: fromField(LINE_RESISTANCE_FIELDS.rDriver),
      rSense: fromField(LINE_RESISTANCE_FIELDS.rSense),
      sweeps: fromField(LINE_RESISTANCE_FIELDS.sweeps),
      transferEvery: fromField(LINE_RESISTANCE_FIELDS.transferEvery),
    },
  },
  defects: {
    rate: fromField(DEFECT_FIELDS.rate),
    lrsShare: fromField(DEFECT_FIELDS.lrsShare),
    distribution: fromField(DEFECT_FIELDS.distribution),
    clusters: {
      perTile: fromField(CLUSTER_FIELDS.perTile),
      radius: fromField(CLUSTER_FIELDS.radius),
    },
    file: {
      leaf: true,
      type: 'string',
      schema: z.string().min(1),
      allowed: "a non-empty file path (JSON or CSV defect map, relative to the config file's directory)",
      describe: "distribution 'file': path of a measured defect map",
    },
  },
  retrain: trainTree('retrain'),
  ittrna: {
    importance: fromField(ITTRNA_FIELDS.importance),
    calibrationBatches: fromField(ITTRNA_FIELDS.calibrationBatches),
    mapping: fromField(ITTRNA_FIELDS.mapping),
    lambda: fromField(ITTRNA_FIELDS.lambda),
    lambdaSchedule: fromField(ITTRNA_FIELDS.lambdaSchedule),
    compensation: {
      leaf: true,
      type: 'boolean',
      schema: z.boolean(),
      allowed: 'true or false',
      describe: `dynamic layer-by-layer compensation (default ${D.ittrna.compensation})`,
    },
    epochsPerStage: fromField(ITTRNA_FIELDS.epochsPerStage),
    finalEpochs: fromField(ITTRNA_FIELDS.finalEpochs),
  },
  lora: {
    rank: fromField(LORA_FIELDS.rank),
    alpha: fromField(LORA_FIELDS.alpha),
    layers: {
      leaf: true,
      type: 'stringList',
      schema: z.array(z.string().min(1)),
      allowed: 'a list of layer names, e.g. ["fc1", "fc2"]; [] = all weight layers (a list of such lists sweeps it)',
      describe: 'layers that get adapters (default [] = all)',
    },
    sparsity: fromField(LORA_FIELDS.sparsity),
    base: fromField(LORA_FIELDS.base),
    // optional (issue 19): absent = old behaviour, left out of the point (src/methods/lora/lora_spec.ts)
    placement: {
      leaf: true,
      type: 'stringList',
      schema: z.array(z.enum(LORA_PLACEMENTS)).min(1),
      allowed: `a non-empty list of adapter roles from ${LORA_PLACEMENTS.join(', ')} (a list of such lists sweeps it)`,
      describe: 'adapter roles instead of layer names (q, k, v, o, embedding, mlp.fc1, mlp.fc2, head); needs lora.layers = []',
    },
    merged: {
      leaf: true,
      type: 'boolean',
      schema: z.boolean(),
      allowed: 'true or false',
      describe: 'report the merged network (adapters programmed into the base arrays) as the accuracy (default false: unmerged)',
    },
    adapters: fromField(LORA_OPTIONAL_FIELDS.adapters),
    halora: fromField(LORA_OPTIONAL_FIELDS.halora),
    noise: {
      sigma: fromField(LORA_OPTIONAL_FIELDS.noiseSigma),
      every: fromField(LORA_OPTIONAL_FIELDS.noiseEvery),
    },
    experts: {
      leaf: true,
      type: 'stringList',
      schema: z.array(z.enum(LORA_EXPERTS)).min(1),
      allowed: `a non-empty list from ${LORA_EXPERTS.join(', ')} (a list of such lists sweeps it)`,
      describe: 'MoF-style experts: one adapter per non-ideality, summed and merged into the base before mapping (method lora)',
    },
  },
  // optional, read by the mt-* methods only (absent from every other point; src/methods/multitask/multitask_spec.ts)
  multitask: {
    tasks: {
      leaf: true,
      type: 'stringList',
      schema: z.array(z.string().min(1)),
      allowed: `a list of task names in training order (at least 2 for a multi-task method; a list of such lists sweeps it); task names: ${allowedTaskNames()}`,
      describe: 'mt-* methods: the tasks, in training order',
      check: (v, at) => { checkTaskList(v, at, 1); },
    },
    base: fromField(MULTITASK_POINT_FIELDS.base),
    training: fromField(MULTITASK_POINT_FIELDS.training),
    merge: fromField(MULTITASK_POINT_FIELDS.merge),
    router: fromField(MULTITASK_POINT_FIELDS.router),
    adapters: fromField(MULTITASK_POINT_FIELDS.adapters),
    routerOn: fromField(MULTITASK_POINT_FIELDS.routerOn),
    heads: fromField(MULTITASK_POINT_FIELDS.heads),
    evalLimit: fromField(MULTITASK_POINT_FIELDS.evalLimit),
  },
  method: enumLeaf(METHOD_NAMES, `training method (default '${D.method}')`),
  // optional: absent = one run per point; given = the lifetime experiment (src/methods/lifetime_spec.ts)
  lifetime: {
    rounds: fromField(LIFETIME_FIELDS.rounds),
    faultRate: fromField(LIFETIME_FIELDS.faultRate),
    examples: fromField(LIFETIME_FIELDS.examples),
    detectEvery: fromField(LIFETIME_FIELDS.detectEvery),
    detectFraction: fromField(LIFETIME_FIELDS.detectFraction),
    mergeEvery: fromField(LIFETIME_FIELDS.mergeEvery),
    threshold: fromField(LIFETIME_FIELDS.threshold),
  },
};

/** Top-level config keys that are not PointSpec fields. */
export const META_KEYS = ['$schema', 'name', 'description'] as const;

/** Depth-first list of leaves with their dotted paths (grid-expansion order). */
export function leaves(tree: Tree = FIELDS, prefix: string[] = []): { path: string[]; leaf: Leaf }[] {
  const out: { path: string[]; leaf: Leaf }[] = [];
  for (const [k, v] of Object.entries(tree)) {
    if (isLeaf(v)) out.push({ path: [...prefix, k], leaf: v });
    else out.push(...leaves(v, [...prefix, k]));
  }
  return out;
}
