/**
 * Default value of every PointSpec field: the ONE place they are documented.
 *
 * A sweep config (or `rramsim run` flags) may leave any field out; the value here fills it.
 * Exceptions, resolved per point by src/config/resolve_point.ts:
 *  - `lora.rank` has no usable default: methods `lora` and `lori` need it set (>= 1).
 *  - `lora.alpha` defaults to the point's rank (adapter scale α/r = 1).
 *  - sections a method does not read are reset to `UNUSED_*` below, so that sweeping e.g. the
 *    LoRA rank does not multiply the `ideal` points (duplicates collapse by pointHash):
 *      retrain: read by fat, ittrna, remap, lora, lori   (not ideal, unaware)
 *      ittrna:  read by ittrna, remap, and lora/lori when lora.base = 'ittrna'
 *      lora:    read by lora, lori (lora.sparsity by lori only: forced to 0 for lora)
 *      defects.clusters: only with distribution 'clustered'; defects.file: only with 'file'.
 */
import { DEFAULT_CROSSBAR } from '../crossbar/crossbar_spec.js';
import { DEFAULT_DEVICE } from '../crossbar/device.js';
import type { IttrnaSpec, LoraSpec, PointSpec, TrainSpec } from '../methods/point.js';

/** SGD recipe of the baseline (issue 2): lr 0.01, momentum 0.9, batch 64, no weight decay. */
export const DEFAULT_TRAIN: TrainSpec = { epochs: 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 };

export const DEFAULTS: PointSpec = {
  model: 'mlp',
  pool: 'max',
  dataset: 'mnist-embedded',
  method: 'unaware',
  defects: {
    rate: 0,
    // half of the stuck cells at LRS (stuck-on), half at HRS (stuck-off)
    lrsShare: 0.5,
    distribution: 'uniform',
    clusters: { perTile: 4, radius: 3 },
  },
  // device and crossbar defaults are owned by the crossbar model (src/crossbar/device.ts,
  // src/crossbar/crossbar_spec.ts): 1 µS (HRS) .. 100 µS (LRS), on/off 100, continuous levels,
  // no variation or read noise; 128x128 tiles, differential pairs, wMax = the layer's largest |w|
  // (percentile 100, no clipping), ideal DAC/ADC.
  device: { ...DEFAULT_DEVICE },
  crossbar: { ...DEFAULT_CROSSBAR, range: { ...DEFAULT_CROSSBAR.range } },
  train: DEFAULT_TRAIN,
  // retraining / adaptation after mapping onto the defective crossbar
  retrain: { epochs: 1, lr: 0.005, momentum: 0.9, weightDecay: 0, batch: 64 },
  ittrna: {
    importance: 'taylor',
    calibrationBatches: 8,
    mapping: 'rows',
    lambda: 1e-3,
    lambdaSchedule: 'constant',
    compensation: true,
    epochsPerStage: 1,
    finalEpochs: 1,
  },
  lora: {
    rank: 0, // must be set (>= 1) for lora / lori
    alpha: 0, // 0 here means "= rank"
    layers: [], // all weight layers
    sparsity: 0.9, // LoRI: 90 % of B pruned
    base: 'unaware',
  },
  seed: 0,
  trainLimit: 0,
};

/** Canonical values of sections a method does not read (see the header). */
export const UNUSED_RETRAIN: TrainSpec = DEFAULTS.retrain;
export const UNUSED_ITTRNA: IttrnaSpec = DEFAULTS.ittrna;
export const UNUSED_LORA: LoraSpec = { rank: 0, alpha: 0, layers: [], sparsity: 0, base: 'unaware' };
