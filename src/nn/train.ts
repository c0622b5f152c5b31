/**
 * Mini-batch training and evaluation.
 *
 * One epoch k (0-based): a permutation π of the m training examples (m = split.n, or opts.limit
 * if smaller: the first m examples) is drawn by Fisher–Yates from the stream
 * `stream(seed, '<shuffleStream>/epoch<k>')` (default shuffleStream 'shuffle'); the examples are
 * visited in batches of `spec.batch` in that order (the last batch may be smaller). Each step:
 *
 *   0. if the split carries a training augmentation (split.augment, CIFAR) and opts.augment !== false:
 *      augment the gathered batch in place (src/data/augment.ts), stream `augment/epoch<k>`;
 *   1. zero all parameter grads;  2. logits = net.forward(x_batch, b, training = true);
 *   3. L = softmax-CE mean over the batch, dL/dlogits;  4. net.backward;
 *   5. opts.penalty(net) (adds its gradient into the grads, returns its value);
 *   6. optimiser step: SGD (sgd.ts: momentum, weight decay, update masks) unless opts.optimizer
 *      (else spec.optimizer, the config's train/retrain.optimizer) is AdamW (adamw.ts: spec.lr, spec.weightDecay decoupled, spec.momentum unused); the rate of each
 *      step comes from spec.schedule when given (lr_schedule.ts), else spec.lr; without both, the
 *      SGD path is exactly the old one;
 *   7. opts.afterStep(net, step).
 *
 * Reported epoch loss = Σ_batches L_batch·b / m, accumulated in float64 in batch order (so it is
 * deterministic), train accuracy = correct/m (measured on the fly during the epoch, before each
 * step's update). Nothing is allocated per step; the batch buffers are allocated once.
 *
 * Checkpoints (train_state.ts): with opts.onCheckpoint, after every epoch (after onEpoch) the
 * trainer hands over a copy of its state; with opts.resume = such a state, it restores the weights,
 * the optimiser's buffers, the persistent streams (opts.streams) and the step counter, and continues
 * at the next epoch: the same bits as the uninterrupted run. Without either option nothing changes.
 */
import { allocF32 } from '../kernels/alloc.js';
import { augmentBatch, augmentStreamName } from '../data/augment.js';
import { gatherSplitRows, splitRange } from '../data/split_rows.js';
import type { Split } from '../data/dataset.js';
import { checkFields, type SpecField } from '../util/spec_field.js';
import { MAX_STEPS_FIELD, TRAIN_FIELDS, TRAIN_OPTIONAL_FIELDS, type TrainSpec } from './train_spec.js';
import { checkSchedule, lrSchedule } from './lr_schedule.js';
import { UserError } from '../util/errors.js';
import { permutation, stream } from '../util/rng.js';
import type { Network } from './network.js';
import { modelSize } from './model.js';
import type { Param } from './param.js';
import { AdamW, type Optimizer } from './adamw.js';
import { SGD, zeroGrads } from './sgd.js';
import { softmaxCrossEntropy, type LossResult } from './softmax_cross_entropy.js';
import { captureTrainState, restoreTrainState, type OptimizerView, type TrainState } from './train_state.js';
import type { Rng } from '../util/rng.js';

export interface EvalResult {
  accuracy: number;
  /** mean softmax cross-entropy */
  loss: number;
  /** examples evaluated */
  n: number;
  /** the split's name ('test', 'heldout', 'train') */
  split: string;
}

export interface EpochInfo {
  /** 1-based */
  epoch: number;
  epochs: number;
  /** mean training loss over the epoch (before each step's update) */
  trainLoss: number;
  trainAccuracy: number;
  /** mean penalty value over the epoch's steps (when opts.penalty is given) */
  penalty?: number;
  /** metrics on opts.evalSplit after the epoch (when given) */
  eval?: EvalResult;
  steps: number;
  seconds: number;
}

export interface TrainOptions {
  seed: number | string;
  /** overrides spec.epochs */
  epochs?: number;
  /** train on the first `limit` examples only (0/undefined = all) */
  limit?: number;
  /** evaluated after every epoch and reported in EpochInfo.eval */
  evalSplit?: Split;
  /** batch size for evalSplit (default 1000) */
  evalBatch?: number;
  /** stream-name prefix for shuffling (default 'shuffle': streams 'shuffle/epoch<k>') */
  shuffleStream?: string;
  /** the optimiser (default SGD with spec.momentum; 'adamw' uses spec.lr and spec.weightDecay) */
  optimizer?: OptimizerChoice;
  onEpoch?(info: EpochInfo): void;
  /**
   * progress: called after every step with (step within epoch, steps per epoch, epoch 1-based,
   * running mean training loss of the epoch so far)
   */
  onStep?(step: number, stepsPerEpoch: number, epoch: number, runningLoss: number): void;
  /** after backward, before the optimiser: add the penalty's gradient into grads, return its value */
  penalty?: (net: Network) => number;
  /** after each optimiser step; `step` counts from 0 over the whole run */
  afterStep?: (net: Network, step: number) => void;
  /** parameters to optimise (default net.params(), collected once at the start) */
  params?: Param[];
  /**
   * training augmentation: default = the split's own (`split.augment`, set on the CIFAR train
   * split), false = none. Drawn from the stream `augment/epoch<k>` (shuffle prefix 'shuffle'),
   * else `augment/<shuffleStream>/epoch<k>` (src/data/augment.ts).
   */
  augment?: false;
  /** after every epoch (after onEpoch): a copy of the trainer's state (train_state.ts), e.g. to write a checkpoint */
  onCheckpoint?(state: TrainState): void;
  /** continue from this state (from onCheckpoint of the same training): the epochs it holds are not run again */
  resume?: TrainState;
  /** streams drawn across epochs outside the trainer (e.g. noise injection's), by name: their positions go into the state */
  streams?: Record<string, Rng>;
}

export type OptimizerChoice = { kind: 'sgd' } | { kind: 'adamw'; beta1?: number; beta2?: number; eps?: number };

export interface TrainResult {
  epochs: EpochInfo[];
  steps: number;
  seconds: number;
}

/** the bounds of train_spec.ts (the same rule the sweep config checks) */
function checkSpec(spec: TrainSpec, epochs: number): void {
  checkFields({ ...spec, epochs }, TRAIN_FIELDS, 'train');
  if (spec.maxSteps !== undefined) checkFields({ maxSteps: spec.maxSteps }, { maxSteps: MAX_STEPS_FIELD }, 'retrain');
  checkSchedule(spec.schedule, 'train');
  const optional: Record<string, SpecField> = {};
  for (const [k, f] of Object.entries(TRAIN_OPTIONAL_FIELDS)) if ((spec as unknown as Record<string, unknown>)[k] !== undefined) optional[k] = f;
  checkFields(spec, optional, 'train');
}

export function train(net: Network, split: Split, spec: TrainSpec, opts: TrainOptions): TrainResult {
  const epochs = opts.epochs ?? spec.epochs;
  checkSpec(spec, epochs);
  const d = net.inputSize;
  if (split.x.length < split.n * d) throw new UserError(`split '${split.name}' holds ${split.x.length / split.n} values per example; model ${net.desc.name} needs ${d}`, 'dataset');
  // spec.limit (optional, e.g. retrain.limit) overrides the caller's limit (point.trainLimit)
  const limit = spec.limit ?? opts.limit;
  const m = limit && limit > 0 ? Math.min(limit, split.n) : split.n;
  if (m === 0) throw new UserError(`split '${split.name}' is empty: nothing to train on`, 'dataset');
  const B = Math.min(spec.batch, m);
  const classes = net.classes;
  const params = opts.params ?? net.params();
  // opts.optimizer (library callers) wins over spec.optimizer (configs: train/retrain.optimizer)
  const optChoice: OptimizerChoice | undefined = opts.optimizer ?? (spec.optimizer === 'adamw' ? { kind: 'adamw' } : undefined);
  const adamw = optChoice?.kind === 'adamw'
    ? new AdamW(params, { ...optChoice, lr: spec.lr, weightDecay: spec.weightDecay }) : null;
  const sgd = adamw ? null : new SGD(params, { lr: spec.lr, momentum: spec.momentum, weightDecay: spec.weightDecay });
  const opt: Optimizer = adamw ?? sgd!;
  const optView: OptimizerView = {
    kind: adamw ? 'adamw' : 'sgd',
    buffers: () => (adamw ? adamw.buffers() : sgd!.buffers()),
    get steps() { return adamw ? adamw.t : 0; },
    setSteps: (t) => { if (adamw) adamw.t = t; },
  };
  const xb = allocF32(B * d);
  const yb = new Uint8Array(B);
  const dLogits = allocF32(B * classes);
  const lastB = m % B;
  const xLast = lastB ? xb.subarray(0, lastB * d) : xb;
  const dLast = lastB ? dLogits.subarray(0, lastB * classes) : dLogits;
  const perm = new Int32Array(m);
  const lr: LossResult = { loss: 0, correct: 0 };
  const stepsPerEpoch = Math.ceil(m / B);
  const lrAt = lrSchedule(spec.schedule, spec.lr, epochs, stepsPerEpoch);
  const prefix = opts.shuffleStream ?? 'shuffle';
  const aug = opts.augment === false ? undefined : split.augment;
  const augScratch = aug ? new Float32Array(d) : undefined;
  const infos: EpochInfo[] = [];
  const t0 = performance.now();
  let step = 0;
  let k0 = 0, secondsBefore = 0;
  if (opts.resume) {
    restoreTrainState(opts.resume, net, optView, opts.streams, epochs);
    infos.push(...opts.resume.curve.map((e) => ({ ...e })));
    step = opts.resume.step;
    k0 = opts.resume.epoch;
    secondsBefore = opts.resume.seconds;
  }

  // spec.maxSteps (retraining budget below an epoch): stop after that many steps in total
  const maxSteps = spec.maxSteps ?? Infinity;
  for (let k = k0; k < epochs && step < maxSteps; k++) {
    const te = performance.now();
    permutation(stream(opts.seed, `${prefix}/epoch${k}`), m, perm);
    const augRng = aug ? stream(opts.seed, augmentStreamName(prefix, k)) : undefined;
    let lossSum = 0, correct = 0, penSum = 0, seen = 0;
    for (let s = 0; s < stepsPerEpoch && step < maxSteps; s++) {
      const start = s * B;
      const b = Math.min(B, m - start);
      const x = b === B ? xb : xLast;
      const dl = b === B ? dLogits : dLast;
      gatherSplitRows(split, perm, start, b, d, x, yb);
      if (aug) augmentBatch(x, b, aug, augRng!, augScratch!);
      zeroGrads(params);
      const logits = net.forward(x, b, true);
      softmaxCrossEntropy(logits, yb, 0, b, classes, dl, lr);
      lossSum += lr.loss * b;
      seen += b;
      correct += lr.correct;
      net.backward(dl, b);
      if (opts.penalty) penSum += opts.penalty(net);
      if (lrAt) {
        const eta = lrAt(k, s);
        if (adamw) adamw.lr = eta; else sgd!.opts.lr = eta;
      }
      opt.step();
      if (opts.afterStep) opts.afterStep(net, step);
      step++;
      if (opts.onStep) opts.onStep(s + 1, stepsPerEpoch, k + 1, lossSum / (start + b));
    }
    const info: EpochInfo = {
      epoch: k + 1, epochs,
      trainLoss: lossSum / Math.max(1, seen),
      trainAccuracy: correct / Math.max(1, seen),
      steps: stepsPerEpoch,
      seconds: 0,
    };
    if (opts.penalty) info.penalty = penSum / stepsPerEpoch;
    if (opts.evalSplit) info.eval = evaluate(net, opts.evalSplit, opts.evalBatch ?? 1000);
    info.seconds = (performance.now() - te) / 1000;
    infos.push(info);
    if (opts.onEpoch) opts.onEpoch(info);
    if (opts.onCheckpoint) opts.onCheckpoint(captureTrainState(net, optView, opts.streams, k + 1, step, infos, secondsBefore + (performance.now() - t0) / 1000));
  }
  return { epochs: infos, steps: step, seconds: secondsBefore + (performance.now() - t0) / 1000 };
}

/** largest per-sample activation (values) up to which evaluation runs in batches of 1000 */
export const EVAL_BATCH_ACTIVATION = 16383;

/**
 * Default evaluation batch: 1000, unless the model's largest per-sample activation a (modelSize)
 * exceeds EVAL_BATCH_ACTIVATION; then b = clamp(⌊2²¹ / a⌋, 1, 1000) (ResNet-20 on CIFAR: a = 32·32·16
 * → 128; VGG-8: a = 32·32·128 → 16), so the layers' batch buffers (im2col patches are kh·kw times
 * an activation) stay around a few hundred MB instead of several GB. Every model whose activations
 * stay below the threshold (mlp, lenet5, the committed reports) keeps 1000, so their metrics keep
 * their bits (the loss sum depends on the batch split).
 */
export function defaultEvalBatch(net: Network): number {
  let a = 0;
  try { a = modelSize(net.desc).maxActivation; } catch { a = 0; }
  return a > EVAL_BATCH_ACTIVATION ? Math.max(1, Math.min(1000, Math.floor(2 ** 21 / a))) : 1000;
}

/**
 * Accuracy and mean softmax-CE of `net` on a split (forward with training = false), in batches
 * of `batch` (default: defaultEvalBatch); the loss is Σ_batches L_batch·b / n in float64, in order
 * (deterministic).
 */
export function evaluate(net: Network, split: Split, batch = defaultEvalBatch(net), limit = 0): EvalResult {
  const n = limit > 0 ? Math.min(limit, split.n) : split.n;
  const d = net.inputSize;
  if (split.x.length < split.n * d) throw new UserError(`split '${split.name}' holds ${split.x.length / Math.max(1, split.n)} values per example; model ${net.desc.name} needs ${d}`, 'dataset');
  let lossSum = 0, correct = 0;
  const r: LossResult = { loss: 0, correct: 0 };
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const logits = net.forward(splitRange(split, s, b, d), b, false);
    softmaxCrossEntropy(logits, split.y, s, b, net.classes, null, r);
    lossSum += r.loss * b;
    correct += r.correct;
  }
  return { accuracy: n ? correct / n : NaN, loss: n ? lossSum / n : NaN, n, split: split.name };
}
