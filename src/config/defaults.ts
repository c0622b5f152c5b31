/**
 * Default value of every PointSpec field: the ONE place they are documented.
 *
 * A sweep config (or `rramsim run` flags) may leave any field out; the value here fills it.
 * Exceptions, resolved per point by src/config/resolve_point.ts:
 *  - `lora.rank` has no usable default: methods `lora` and `lori` need it set (>= 1).
 *  - `lora.alpha` defaults to the point's rank (adapter scale α/r = 1).
 *  - sections a method does not read are reset to `UNUSED_*` below, so that sweeping e.g. the
 *    LoRA rank does not multiply the `ideal` points (duplicates collapse by pointHash):
 *      retrain: read by fat, ittrna, remap, lora, lori   (not ideal, unaware, spare)
 *      crossbar.spareColumns: read by spare only (absent from every other point)
 *      ittrna:  read by ittrna, remap, and lora/lori when lora.base = 'ittrna'
 *      lora:    read by lora, lori (lora.sparsity by lori only: forced to 0 for lora)
 *      defects.clusters: only with distribution 'clustered'; defects.file: only with 'file'.
 */
import { DEFAULT_CROSSBAR } from '../crossbar/crossbar_spec.js';
import { DEFAULT_CLUSTERS, DEFAULT_DEFECTS } from '../crossbar/defect_spec.js';
import { DEFAULT_DEVICE } from '../crossbar/device_spec.js';
import type { IttrnaSpec, LoraSpec, PointSpec, TrainSpec } from '../experiment/point.js';
import { DEFAULT_ITTRNA } from '../methods/ittrna_spec.js';
import { DEFAULT_LORA } from '../methods/lora/lora_spec.js';
import { DEFAULT_TRAIN as TRAIN } from '../nn/train_spec.js';

/** SGD recipe of the baseline (owned by src/nn/train_spec.ts). */
export const DEFAULT_TRAIN: TrainSpec = { ...TRAIN };

export const DEFAULTS: PointSpec = {
  model: 'mlp',
  pool: 'max',
  dataset: 'mnist-embedded',
  method: 'unaware',
  // defect, device and crossbar defaults are owned by the crossbar model (src/crossbar/defect_spec.ts:
  // rate 0, half of the stuck cells at LRS, uniform, clusters 4 per tile of radius 3;
  // src/crossbar/device_spec.ts, src/crossbar/crossbar_spec.ts): 1 µS (HRS) .. 100 µS (LRS), on/off 100, continuous levels,
  // no variation or read noise; 128x128 tiles, differential pairs, wMax = the layer's largest |w|
  // (percentile 100, no clipping), ideal DAC/ADC.
  defects: { ...DEFAULT_DEFECTS, clusters: { ...DEFAULT_CLUSTERS } },
  device: { ...DEFAULT_DEVICE },
  crossbar: { ...DEFAULT_CROSSBAR, range: { ...DEFAULT_CROSSBAR.range } },
  train: DEFAULT_TRAIN,
  // retraining / adaptation after mapping onto the defective crossbar
  retrain: { epochs: 1, lr: 0.005, momentum: 0.9, weightDecay: 0, batch: 64 },
  // owned by the methods: src/methods/ittrna_spec.ts, src/methods/lora/lora_spec.ts
  // (lora.rank 0 must be set >= 1 for lora/lori; lora.alpha 0 means "= rank")
  ittrna: { ...DEFAULT_ITTRNA },
  lora: { ...DEFAULT_LORA, layers: [] },
  seed: 0,
  trainLimit: 0,
};

/** Canonical values of sections a method does not read (see the header). */
export const UNUSED_RETRAIN: TrainSpec = DEFAULTS.retrain;
export const UNUSED_ITTRNA: IttrnaSpec = DEFAULTS.ittrna;
export const UNUSED_LORA: LoraSpec = { rank: 0, alpha: 0, layers: [], sparsity: 0, base: 'unaware' };
