/**
 * TrainSpec: an SGD recipe (base training and retraining use the same fields), its defaults and
 * bounds, the ONE place (the sweep config composes TRAIN_FIELDS; train.ts checks them at run time):
 *   epochs       passes over the training split, integer 0..1000
 *   lr           learning rate η, (0, 10]
 *   momentum     heavy-ball μ, [0, 1)
 *   weightDecay  L2 λ, [0, 1]
 *   batch        mini-batch size, integer 1..65536
 *   schedule     optional learning-rate schedule (lr_schedule.ts: step or cosine); absent =
 *                constant η (the default, not recorded in the point: hashes unchanged)
 *   maxSteps     optional, retraining only: stop after this many mini-batch steps in total
 *                (a fraction of an epoch); absent = whole epochs
 *   noiseInjection  optional, base training only: { rate, lrsShare } of a random stuck-at-fault map
 *                redrawn every training forward (defect_injection_op.ts); absent = off
 *   optimizer    optional 'sgd' (default, not recorded in the point) | 'adamw' (adamw.ts:
 *                lr = η_t, weightDecay = decoupled λ, β = (0.9, 0.999), ε = 1e-8; momentum unused)
 *   limit        optional cap on the examples of THIS train call (the first `limit` of the split),
 *                integer >= 1; absent = the point's trainLimit (so `retrain.limit` makes
 *                retraining/adaptation cheaper than base training; not recorded when absent)
 * Update (sgd.ts): v ← μ·v + (g + λ·w),  w ← w − η_t·v  (η_t = η, or the schedule's value).
 */
import { enumField, numField, section, valueField, type SpecOf, type SECTION } from '../util/spec_field.js';
import { isConstantSchedule, SCHEDULE_ALLOWED, SCHEDULE_SCHEMA, type ScheduleSpec } from './lr_schedule.js';

export const TRAIN_OPTIMIZERS = ['sgd', 'adamw'] as const;
export type TrainOptimizer = (typeof TRAIN_OPTIMIZERS)[number];

/** retrain.maxSteps: a positive integer (absent = whole epochs) */
export const MAX_STEPS_FIELD = numField({ min: 1, max: 1e9, int: true }, 'retraining budget in mini-batch steps: training stops after this many steps in total (absent = every step of retrain.epochs epochs)', { optional: true });

/** train.noiseInjection (defect_injection_op.ts): optional section, rate required, lrsShare default 0.5 */
export const NOISE_INJECTION_FIELDS = section({
  rate: numField({ min: 0, max: 1 }, 'noise-injection training: stuck-cell probability per cell, redrawn every training forward (train.noiseInjection)'),
  lrsShare: numField({ min: 0, max: 1 }, 'noise-injection training: share of the injected stuck cells at LRS (default {default})', { default: 0.5 }),
}, { optional: true, describe: 'base training only: a fresh random stuck-at-fault map in every training forward (absent, or rate 0 = plain training)' });

/**
 * The two recipes: base training (ideal/unaware; the baseline SGD recipe: lr 0.01, momentum 0.9,
 * batch 64, no weight decay) and retraining / adaptation after mapping onto the defective crossbar.
 */
const RECIPES = {
  train: { what: 'base training (ideal/unaware)', epochs: 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 },
  retrain: { what: 'retraining/adaptation (fat, ittrna, remap, lora, lori)', epochs: 1, lr: 0.005, momentum: 0.9, weightDecay: 0, batch: 64 },
} as const;

/** A recipe's fields (in grid-expansion order); `kind` picks the defaults and the optional fields. */
function trainFields(kind: keyof typeof RECIPES) {
  const d = RECIPES[kind];
  const w = d.what;
  return {
    epochs: numField({ min: 0, max: 1000, int: true }, `${w}: epochs (default {default})`, { default: d.epochs as number }),
    lr: numField({ min: 0, gt: true, max: 10 }, `${w}: SGD learning rate (default {default})`, { default: d.lr as number }),
    momentum: numField({ min: 0, max: 1, lt: true }, `${w}: SGD momentum (default {default})`, { default: d.momentum as number }),
    weightDecay: numField({ min: 0, max: 1 }, `${w}: L2 weight decay (default {default})`, { default: d.weightDecay as number }),
    batch: numField({ min: 1, max: 65536, int: true }, `${w}: mini-batch size (default {default})`, { default: d.batch as number }),
    // the constant learning rate is the default: no `schedule` in the point (hashes unchanged)
    schedule: valueField<ScheduleSpec, { optional: true; isAbsent: (s: ScheduleSpec) => boolean; defaultText: string }>('object', SCHEDULE_SCHEMA, SCHEDULE_ALLOWED, `${w}: learning-rate schedule (default constant; src/nn/lr_schedule.ts)`, {
      optional: true, isAbsent: isConstantSchedule, defaultText: 'constant',
    }),
    // retraining only, optional: absent = whole epochs (src/nn/train.ts)
    maxSteps: MAX_STEPS_FIELD,
    // base training only, optional: absent = plain training (src/nn/defect_injection_op.ts)
    noiseInjection: NOISE_INJECTION_FIELDS,
    // optional: absent = SGD
    optimizer: enumField(TRAIN_OPTIMIZERS, `${w}: optimiser 'sgd' (default) or 'adamw' (src/nn/adamw.ts)`, { optional: true, default: 'sgd', absentIs: 'sgd' }),
    // optional: absent = the point's trainLimit
    limit: numField({ min: 1, max: 1e9, int: true }, `${w}: examples per epoch, the first \`limit\` of the training split (default: trainLimit)`, { optional: true, defaultText: 'trainLimit' }),
  };
}

/** the base-training section (no maxSteps) and the retraining section (no noiseInjection) */
export function trainSection(kind: 'train' | 'retrain'): Omit<ReturnType<typeof trainFields>, 'maxSteps' | 'noiseInjection'> {
  const { maxSteps, noiseInjection, ...rest } = trainFields(kind);
  const { optimizer, limit, ...head } = rest;
  return section(kind === 'train' ? { ...head, noiseInjection, optimizer, limit } : { ...head, maxSteps, optimizer, limit });
}

/** TrainSpec: an SGD recipe (derived from the declarations above) */
export type TrainSpec = SpecOf<ReturnType<typeof trainFields>>;

/** the required fields of a recipe (train.ts checks them at run time) */
export const TRAIN_FIELDS = (() => {
  const { epochs, lr, momentum, weightDecay, batch } = trainFields('train');
  return { epochs, lr, momentum, weightDecay, batch };
})();

/** the optional fields (absent = old behaviour; checked only when present) */
export const TRAIN_OPTIONAL_FIELDS = (() => {
  const { optimizer, limit } = trainFields('train');
  return { optimizer, limit };
})();

/** SGD recipe of the baseline: lr 0.01, momentum 0.9, batch 64, no weight decay. */
export const DEFAULT_TRAIN: Readonly<TrainSpec> = Object.freeze(recipe('train'));

/** a recipe's defaults as a point holds them */
export function recipe(kind: 'train' | 'retrain'): TrainSpec {
  const { what: _w, ...r } = RECIPES[kind];
  return { ...r };
}
