/**
 * Default value of every PointSpec field, derived from the field declarations (src/config/fields.ts
 * composes them; each layer's *_spec.ts declares its fields with their defaults): the default
 * point as a resolved point holds it, i.e. without the optional fields and sections and without
 * the fields whose default is their point-absent value (spec_field.ts, `defaultsOf`).
 *
 * A sweep config (or `rramsim run` flags) may leave any field out; its declared default fills it.
 * Exceptions, resolved per point by src/config/resolve_point.ts:
 *  - `lora.rank` has no usable default: methods `lora` and `lori` need it set (>= 1).
 *  - `lora.alpha` defaults to the point's rank (adapter scale α/r = 1).
 *  - sections a method does not read are reset (their declarations' `readIf`/`unread`), so that
 *    sweeping e.g. the LoRA rank does not multiply the `ideal` points (duplicates collapse by
 *    pointHash): retrain (read by fat, ittrna, remap, lora, lori), crossbar.spareColumns (spare
 *    only), ittrna (ittrna, remap, and lora/lori when lora.base = 'ittrna'), lora (lora, lori;
 *    lora.sparsity by lori only: forced to 0 for lora), defects.clusters (distribution
 *    'clustered' only), defects.file ('file' only), defects.rate (reset to 0 for the methods
 *    without stuck cells, ideal and control: one point per seed for a grid over rates).
 */
import type { PointSpec, TrainSpec } from '../experiment/point.js';
import { defaultsOf } from '../util/spec_field.js';
import { FIELDS } from './fields.js';

export const DEFAULTS: PointSpec = defaultsOf(FIELDS) as unknown as PointSpec;

/** SGD recipe of the baseline (owned by src/nn/train_spec.ts). */
export const DEFAULT_TRAIN: TrainSpec = { ...DEFAULTS.train };
