/**
 * The sweep-config field tree: every PointSpec field, where it sits in a config, what values are
 * allowed (a zod schema plus the same rule in words for error messages and --help), and its
 * description. Object key order here is the grid-expansion order (first = outermost loop), chosen
 * so that points sharing a base network (model, dataset, train, seed) are adjacent.
 *
 * Defaults live in src/config/defaults.ts.
 */
import { z } from 'zod';
import { DEFAULT_DEVICE_MODEL, deviceModelNames } from '../crossbar/device_registry.js';
import { DEFAULTS } from './defaults.js';

export type LeafType = 'enum' | 'number' | 'boolean' | 'string' | 'stringList' | 'range' | 'params';

export interface Leaf {
  leaf: true;
  type: LeafType;
  schema: z.ZodType;
  /** allowed values in words, quoted in every error message */
  allowed: string;
  describe: string;
  /** enum values (for --help choices) */
  choices?: readonly string[];
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

interface NumOpts {
  min?: number;
  max?: number;
  /** min is exclusive */
  gt?: boolean;
  /** max is exclusive */
  lt?: boolean;
  int?: boolean;
}

function numLeaf(o: NumOpts, describe: string, allowedOverride?: string, refine?: (v: number) => boolean): Leaf {
  // zod 4's z.number() already rejects NaN and ±Infinity
  let n = z.number();
  if (o.int) n = n.int();
  if (o.min !== undefined) n = o.gt ? n.gt(o.min) : n.gte(o.min);
  if (o.max !== undefined) n = o.lt ? n.lt(o.max) : n.lte(o.max);
  const schema = refine ? n.refine(refine) : n;
  const kind = o.int ? 'an integer' : 'a number';
  let allowed: string;
  if (o.min !== undefined && o.max !== undefined) {
    allowed = `${kind} in ${o.gt ? '(' : '['}${o.min}, ${o.max}${o.lt ? ')' : ']'}`;
  } else if (o.min !== undefined) {
    allowed = `${kind} ${o.gt ? '>' : '>='} ${o.min}`;
  } else allowed = kind;
  return { leaf: true, type: 'number', schema, allowed: allowedOverride ?? allowed, describe };
}

const D = DEFAULTS;

function trainTree(kind: 'train' | 'retrain'): Tree {
  const d = D[kind];
  const what = kind === 'train' ? 'base training (ideal/unaware)' : 'retraining/adaptation (fat, ittrna, remap, lora, lori)';
  return {
    epochs: numLeaf({ min: 0, max: 1000, int: true }, `${what}: epochs (default ${d.epochs})`),
    lr: numLeaf({ min: 0, gt: true, max: 10 }, `${what}: SGD learning rate (default ${d.lr})`),
    momentum: numLeaf({ min: 0, max: 1, lt: true }, `${what}: SGD momentum (default ${d.momentum})`),
    weightDecay: numLeaf({ min: 0, max: 1 }, `${what}: L2 weight decay (default ${d.weightDecay})`),
    batch: numLeaf({ min: 1, max: 65536, int: true }, `${what}: mini-batch size (default ${d.batch})`),
  };
}

const rangeSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('fixed'), wMax: z.number().gt(0) }),
  z.strictObject({ kind: z.literal('percentile'), percentile: z.number().gt(0).lte(100) }),
]);

export const FIELDS: Tree = {
  model: enumLeaf(['mlp', 'lenet5'], `network (default '${D.model}')`),
  pool: enumLeaf(['max', 'avg'], `LeNet-5 pooling (default '${D.pool}'; ignored for mlp)`),
  dataset: enumLeaf(['mnist-embedded', 'mnist', 'fashion-mnist'], `dataset (default '${D.dataset}')`),
  trainLimit: numLeaf({ min: 0, int: true }, `cap on training examples, 0 = all (default ${D.trainLimit})`),
  train: trainTree('train'),
  seed: numLeaf({ min: 0, max: 2 ** 31 - 1, int: true }, `run seed: every random stream derives from it (default ${D.seed})`),
  device: {
    gMin: numLeaf({ min: 0, gt: true }, `HRS conductance in S (default ${D.device.gMin})`),
    gMax: numLeaf({ min: 0, gt: true }, `LRS conductance in S, > gMin (default ${D.device.gMax})`),
    levels: numLeaf(
      { min: 0, max: 65536, int: true },
      `programmable conductance levels per cell, 0 = continuous (default ${D.device.levels})`,
      '0 (continuous) or an integer in [2, 65536]',
      (v) => v === 0 || v >= 2,
    ),
    progSigma: numLeaf({ min: 0, max: 10 }, `lognormal programming variation sigma, 0 = off (default ${D.device.progSigma})`),
    readSigma: numLeaf({ min: 0, max: 10 }, `relative read-noise sigma per forward, 0 = off (default ${D.device.readSigma})`),
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
  },
  crossbar: {
    tileRows: numLeaf({ min: 1, max: 65536, int: true }, `crossbar tile rows (word lines) (default ${D.crossbar.tileRows})`),
    tileCols: numLeaf({ min: 1, max: 65536, int: true }, `crossbar tile columns (bit lines) (default ${D.crossbar.tileCols})`),
    mapping: enumLeaf(['differential', 'offset'], `weight -> conductance mapping (default '${D.crossbar.mapping}')`),
    range: {
      leaf: true,
      type: 'range',
      schema: rangeSchema,
      allowed: `{"kind": "fixed", "wMax": number > 0} or {"kind": "percentile", "percentile": number in (0, 100]}`,
      describe: `per-layer weight range (default ${JSON.stringify(D.crossbar.range)})`,
    },
    dacBits: numLeaf({ min: 0, max: 16, int: true }, `DAC input bits, 0 = ideal (default ${D.crossbar.dacBits})`),
    adcBits: numLeaf({ min: 0, max: 16, int: true }, `ADC output bits, 0 = ideal (default ${D.crossbar.adcBits})`),
    writeThreshold: numLeaf(
      { min: 0, max: 1000 },
      `programming dead band during on-device training, in weight level steps: a weight is reprogrammed only after moving this far from its last programmed value; 0 = off (default ${D.crossbar.writeThreshold})`,
    ),
  },
  defects: {
    rate: numLeaf({ min: 0, max: 1 }, `fraction of stuck cells (default ${D.defects.rate})`),
    lrsShare: numLeaf(
      { min: 0, max: 1 },
      `fraction of stuck cells stuck at LRS (stuck-on); the rest stuck at HRS (default ${D.defects.lrsShare})`,
    ),
    distribution: enumLeaf(['uniform', 'clustered', 'file'], `defect placement (default '${D.defects.distribution}')`),
    clusters: {
      perTile: numLeaf({ min: 1, max: 100000, int: true }, `clustered: clusters per tile (default ${D.defects.clusters!.perTile})`),
      radius: numLeaf({ min: 0, max: 100000 }, `clustered: cluster radius in cells (default ${D.defects.clusters!.radius})`),
    },
    file: {
      leaf: true,
      type: 'string',
      schema: z.string().min(1),
      allowed: 'a non-empty file path (JSON or CSV defect map, relative to the working directory)',
      describe: "distribution 'file': path of a measured defect map",
    },
  },
  retrain: trainTree('retrain'),
  ittrna: {
    importance: enumLeaf(['taylor', 'magnitude'], `weight-importance measure (default '${D.ittrna.importance}')`),
    calibrationBatches: numLeaf({ min: 1, max: 100000, int: true }, `batches for importance estimation (default ${D.ittrna.calibrationBatches})`),
    mapping: enumLeaf(['none', 'rows', 'rows+cols'], `defect-aware remapping (default '${D.ittrna.mapping}')`),
    lambda: numLeaf({ min: 0 }, `penalty weight λ (default ${D.ittrna.lambda})`),
    lambdaSchedule: enumLeaf(['constant', 'linear-warmup'], `λ schedule (default '${D.ittrna.lambdaSchedule}')`),
    compensation: {
      leaf: true,
      type: 'boolean',
      schema: z.boolean(),
      allowed: 'true or false',
      describe: `dynamic layer-by-layer compensation (default ${D.ittrna.compensation})`,
    },
    epochsPerStage: numLeaf({ min: 0, max: 1000, int: true }, `retraining epochs per layer stage (default ${D.ittrna.epochsPerStage})`),
    finalEpochs: numLeaf({ min: 0, max: 1000, int: true }, `final on-device epochs (default ${D.ittrna.finalEpochs})`),
  },
  lora: {
    rank: numLeaf({ min: 0, max: 4096, int: true }, 'adapter rank (required, >= 1, for lora/lori)'),
    alpha: numLeaf({ min: 0 }, 'adapter scale numerator: update = (alpha/rank)·A·B (default: = rank)'),
    layers: {
      leaf: true,
      type: 'stringList',
      schema: z.array(z.string().min(1)),
      allowed: 'a list of layer names, e.g. ["fc1", "fc2"]; [] = all weight layers (a list of such lists sweeps it)',
      describe: 'layers that get adapters (default [] = all)',
    },
    sparsity: numLeaf({ min: 0, max: 1 }, `LoRI: fraction of B entries pruned, < 1 (default ${D.lora.sparsity})`),
    base: enumLeaf(['unaware', 'ittrna'], `base network the adapters start from (default '${D.lora.base}')`),
  },
  method: enumLeaf(['ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora', 'lori'], `training method (default '${D.method}')`),
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
