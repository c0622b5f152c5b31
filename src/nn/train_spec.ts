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
import { enumField, numField } from '../util/spec_field.js';
import type { ScheduleSpec } from './lr_schedule.js';
import type { NoiseInjectionSpec } from './defect_injection_op.js';

export interface TrainSpec {
  epochs: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  batch: number;
  /** learning-rate schedule; absent = constant */
  schedule?: ScheduleSpec;
  /**
   * base training only: a fresh random stuck-at-fault map in every training forward
   * (defect_injection_op.ts); absent (or rate 0) = plain training, left out of the point
   */
  noiseInjection?: NoiseInjectionSpec;
  /** optimiser; absent = 'sgd' */
  optimizer?: TrainOptimizer;
  /** examples of this train call (first `limit`); absent = the caller's limit (point.trainLimit) */
  limit?: number;
  /**
   * retraining only: stop after this many mini-batch steps in total (a budget of a fraction of an
   * epoch: maxSteps·batch / examples); absent = every step of every epoch, left out of the point
   */
  maxSteps?: number;
}

export const TRAIN_OPTIMIZERS = ['sgd', 'adamw'] as const;
export type TrainOptimizer = (typeof TRAIN_OPTIMIZERS)[number];

/** retrain.maxSteps: a positive integer (absent = whole epochs) */
export const MAX_STEPS_FIELD = numField({ min: 1, max: 1e9, int: true }, 'retraining budget in mini-batch steps: training stops after this many steps in total (absent = every step of retrain.epochs epochs)');

/** train.noiseInjection (defect_injection_op.ts): rate required, lrsShare default 0.5 */
export const NOISE_INJECTION_FIELDS = {
  rate: numField({ min: 0, max: 1 }, 'noise-injection training: stuck-cell probability per cell, redrawn every training forward (train.noiseInjection)'),
  lrsShare: numField({ min: 0, max: 1 }, 'noise-injection training: share of the injected stuck cells at LRS (default 0.5)'),
};

/** SGD recipe of the baseline (issue 2): lr 0.01, momentum 0.9, batch 64, no weight decay. */
export const DEFAULT_TRAIN: Readonly<TrainSpec> = Object.freeze({ epochs: 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 });

export const TRAIN_FIELDS = {
  epochs: numField({ min: 0, max: 1000, int: true }, 'epochs'),
  lr: numField({ min: 0, gt: true, max: 10 }, 'SGD learning rate'),
  momentum: numField({ min: 0, max: 1, lt: true }, 'SGD momentum'),
  weightDecay: numField({ min: 0, max: 1 }, 'L2 weight decay'),
  batch: numField({ min: 1, max: 65536, int: true }, 'mini-batch size'),
};

/** the optional fields (absent = old behaviour; checked only when present) */
export const TRAIN_OPTIONAL_FIELDS = {
  optimizer: enumField(TRAIN_OPTIMIZERS, "optimiser: 'sgd' (default) or 'adamw' (decoupled weight decay; momentum unused)"),
  limit: numField({ min: 1, max: 1e9, int: true }, 'examples per epoch of this train call (the first `limit`; default: trainLimit)'),
};
