/**
 * One fully-resolved experiment point: what `rramsim run` takes as flags and what a sweep
 * expands its grid into. Every field has a concrete value (defaults filled in by the config
 * layer), so `pointHash(point)` identifies the computation exactly.
 */
import { configHash } from '../util/hash.js';

export type ModelName = 'mlp' | 'lenet5';
export type DatasetName = 'mnist' | 'fashion-mnist' | 'mnist-embedded';
export type MethodName = 'ideal' | 'unaware' | 'remap' | 'fat' | 'ittrna' | 'lora' | 'lori';
export type DefectDistribution = 'uniform' | 'clustered' | 'file';

export interface DeviceSpec {
  /** conductance range in siemens; on/off ratio = gMax / gMin */
  gMin: number;
  gMax: number;
  /** programmable conductance levels per cell (>= 2); 0 = continuous (no quantisation) */
  levels: number;
  /** lognormal programming variation sigma (0 = off) */
  progSigma: number;
  /** relative read-noise sigma per forward (0 = off) */
  readSigma: number;
  /**
   * device model name (src/crossbar/device_registry.ts); absent = 'linear-levels' (the default,
   * left out of the point so existing hashes stay)
   */
  model?: string;
  /** that model's parameters (checked by the model; absent = its defaults) */
  modelParams?: Record<string, number>;
}

export interface CrossbarSpec {
  tileRows: number;
  tileCols: number;
  /** weight -> conductance mapping */
  mapping: 'differential' | 'offset';
  /** per-layer weight range: fixed |w| max, or from the weights at this percentile of |w| (0..100) */
  range: { kind: 'fixed'; wMax: number } | { kind: 'percentile'; percentile: number };
  /** DAC input bits (0 = ideal) and ADC output bits (0 = ideal) */
  dacBits: number;
  adcBits: number;
  /**
   * programming dead band during on-device training, in weight level steps (0 or absent = off:
   * every change of a weight's quantised target is written); see crossbar_matrix_op.ts
   */
  writeThreshold?: number;
}

export interface DefectSpec {
  /** total fraction of stuck cells (0..1) */
  rate: number;
  /** fraction of the stuck cells that are stuck at LRS (high conductance, stuck-on); the rest are HRS (stuck-off) */
  lrsShare: number;
  distribution: DefectDistribution;
  /** clustered: number of clusters per tile and cluster radius in cells */
  clusters?: { perTile: number; radius: number };
  /** distribution 'file': path of a measured defect map (JSON or CSV) */
  file?: string;
}

export interface TrainSpec {
  epochs: number;
  lr: number;
  momentum: number;
  weightDecay: number;
  batch: number;
}

export interface IttrnaSpec {
  importance: 'taylor' | 'magnitude';
  calibrationBatches: number;
  mapping: 'none' | 'rows' | 'rows+cols';
  /** penalty weight λ, and its schedule over retraining epochs */
  lambda: number;
  lambdaSchedule: 'constant' | 'linear-warmup';
  /** dynamic layer-by-layer compensation */
  compensation: boolean;
  epochsPerStage: number;
  /** final on-device epochs through the fully defective network */
  finalEpochs: number;
}

export interface LoraSpec {
  rank: number;
  alpha: number;
  /** layer names that get adapters; [] = all weight layers */
  layers: string[];
  /** LoRI only: fraction of B entries pruned (0..1) */
  sparsity: number;
  /** which base to deploy */
  base: 'unaware' | 'ittrna';
}

export interface PointSpec {
  model: ModelName;
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
}

export function pointHash(p: PointSpec): string {
  return configHash(p);
}
