/**
 * One fully-resolved experiment point: what `rramsim run` takes as flags and what a sweep
 * expands its grid into. Every field has a concrete value (defaults filled in by the config
 * layer), so `pointHash(point)` identifies the computation exactly.
 */
import { configHash } from '../util/hash.js';

// model and data-set names come from their registries (src/nn/model.ts, src/data/dataset.ts)
export type { ModelDesc, ModelName, ModelSpec } from '../nn/model.js';
export type { DatasetName } from '../data/dataset.js';
import type { ModelSpec } from '../nn/model.js';
import type { DatasetName } from '../data/dataset.js';
export type { MethodName } from '../methods/method_info.js';
import type { MethodName } from '../methods/method_info.js';

// the layer specs are owned (type, defaults, bounds, schema) by their layers; PointSpec combines them
export type { DeviceSpec } from '../crossbar/device_spec.js';
export type { CrossbarSpec } from '../crossbar/crossbar_spec.js';
export type { DefectDistribution, DefectSpec } from '../crossbar/defect_spec.js';
export type { TrainSpec } from '../nn/train_spec.js';
import type { DeviceSpec } from '../crossbar/device_spec.js';
import type { CrossbarSpec } from '../crossbar/crossbar_spec.js';
import type { DefectSpec } from '../crossbar/defect_spec.js';
import type { TrainSpec } from '../nn/train_spec.js';

export type { IttrnaSpec } from '../methods/ittrna_spec.js';
export type { LoraSpec } from '../methods/lora/lora_spec.js';
import type { IttrnaSpec } from '../methods/ittrna_spec.js';
import type { LoraSpec } from '../methods/lora/lora_spec.js';
export type { MultitaskPointSpec } from '../methods/multitask/multitask_spec.js';
import type { MultitaskPointSpec } from '../methods/multitask/multitask_spec.js';
export type { LifetimeSpec } from '../methods/lifetime_spec.js';
import type { LifetimeSpec } from '../methods/lifetime_spec.js';
export type { UpdateSpec } from '../crossbar/update/update_spec.js';
import type { UpdateSpec } from '../crossbar/update/update_spec.js';
export type { EvalSpec } from './eval_spec.js';
import type { EvalSpec } from './eval_spec.js';
export type { AnalysisSpec } from './analysis_spec.js';
import type { AnalysisSpec } from './analysis_spec.js';

export interface PointSpec {
  /** a preset's name (src/nn/presets) or a model description from the config (src/nn/model.ts) */
  model: ModelSpec;
  /** LeNet-5 pooling */
  pool: 'max' | 'avg';
  dataset: DatasetName;
  method: MethodName;
  defects: DefectSpec;
  device: DeviceSpec;
  crossbar: CrossbarSpec;
  /** base training (ideal/unaware) */
  train: TrainSpec;
  /** retraining / adaptation (fat, ittrna, lora, lori) */
  retrain: TrainSpec;
  ittrna: IttrnaSpec;
  lora: LoraSpec;
  seed: number;
  /** optional cap on training examples (quick runs); 0 = all */
  trainLimit: number;
  /** many tasks on one chip (mt-* methods only; absent otherwise, so other points keep their hashes) */
  multitask?: MultitaskPointSpec;
  /** lifetime experiment (src/methods/lifetime.ts); absent = one run, not in the point or its hash */
  lifetime?: LifetimeSpec;
  /**
   * how on-chip updates after the deployment are written (pulsed schemes, src/crossbar/update/);
   * absent = 'write-verify', today's behaviour (an explicit 'write-verify' is left out too), so
   * older points keep their hashes
   */
  update?: UpdateSpec;
  /**
   * optional cap on training examples for retraining/adaptation (fat, ittrna, remap, lora, lori);
   * absent (or 0) = trainLimit. Recorded only when set and read (hashes of older points unchanged).
   */
  retrainLimit?: number;
  /**
   * optional cap on evaluation examples: the first evalLimit of the eval split (e.g. a CIFAR test
   * subset for quick runs); absent (or 0) = the whole split. Recorded only when set.
   */
  evalLimit?: number;
  /** repeated evaluation under read noise (eval_spec.ts); absent = one evaluation, not in the hash */
  eval?: EvalSpec;
  /** opt-in diagnostics (analysis_spec.ts): layer sensitivity, histograms; absent = none, not in the hash */
  analysis?: AnalysisSpec;
}

export function pointHash(p: PointSpec): string {
  return configHash(p);
}
