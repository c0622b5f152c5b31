/**
 * Typed options with their defaults filled in, for library callers who pass only what they change:
 *   methodOptions(partial) = every section of LoraOptions (method_options.ts), each the layer's
 *   default overlaid with the caller's fields, then validated by the layer's resolver:
 *     device    resolveDevice (src/crossbar/device.ts; defaults DEFAULT_DEVICE), the noise models
 *               as a config that names none resolves them (NOISE_MODEL_FIELDS' default / defaultFor
 *               when its readIf holds: readNoiseModel 'per-output' when readSigma > 0,
 *               progNoiseModel 'counter' for 'linear-levels' and 'per-write' for other models when
 *               progSigma > 0), so the library and a one-point config give the same bits
 *     crossbar  resolveCrossbar (src/crossbar/crossbar_spec.ts; DEFAULT_CROSSBAR)
 *     defects   validateDefects over DEFAULT_DEFECTS (src/crossbar/defect_spec.ts)
 *     retrain   DEFAULT_RETRAIN below (the declared retraining recipe, the sweep config's default)
 *     ittrna    DEFAULT_ITTRNA (src/methods/ittrna_spec.ts)
 *     lora      DEFAULT_LORA (src/methods/lora/lora_spec.ts) with layers [] (= all) and alpha 0 (= rank)
 *     seed 0, trainLimit 0 (all examples), retrainLimit absent
 * Bad input is one UserError naming the field (e.g. 'device.levels') and its allowed values.
 */
import { resolveCrossbar, type CrossbarSpec } from '../crossbar/crossbar_spec.js';
import { validateDefects } from '../crossbar/defect_generator.js';
import { DEFAULT_DEFECTS, type DefectSpec } from '../crossbar/defect_spec.js';
import { resolveDevice } from '../crossbar/device.js';
import { DEFAULT_DEVICE, NOISE_MODEL_FIELDS, type DeviceSpec } from '../crossbar/device_spec.js';
import { recipe, TRAIN_FIELDS, type TrainSpec } from '../nn/train_spec.js';
import { UserError } from '../util/errors.js';
import { checkFields, type FieldRules, type PointFacts } from '../util/spec_field.js';
import { DEFAULT_ITTRNA, ITTRNA_FIELDS, type IttrnaSpec } from './ittrna_spec.js';
import { DEFAULT_LORA, LORA_FIELDS, type LoraSpec } from './lora/lora_spec.js';
import type { CrossbarPoint, LoraOptions } from './method_options.js';

/** retraining / adaptation after mapping: the declared `retrain` recipe (src/nn/train_spec.ts), the sweep config's default */
export const DEFAULT_RETRAIN: Readonly<TrainSpec> = Object.freeze(recipe('retrain'));

/** the crossbar part of the options, each section partial */
export interface PartialCrossbarOptions {
  device?: Partial<DeviceSpec>;
  crossbar?: Partial<CrossbarSpec>;
  defects?: Partial<DefectSpec>;
  /** seed of the defect, programming and read-noise streams (default 0) */
  seed?: number;
}

/** every method option, each section partial */
export interface PartialMethodOptions extends PartialCrossbarOptions {
  retrain?: Partial<TrainSpec>;
  ittrna?: Partial<IttrnaSpec>;
  lora?: Partial<LoraSpec>;
  trainLimit?: number;
  retrainLimit?: number;
}

function checkCount(v: number | undefined, field: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 0) throw new UserError(`${field}: got ${String(v)}; allowed: an integer >= 0`, field);
  return v;
}

/**
 * The device with the noise models a config naming none would get: each NOISE_MODEL_FIELDS field
 * left out and read (its readIf, on the device's own values) gets defaultFor(device) ?? default.
 */
function withNoiseModelDefaults(given: Partial<DeviceSpec>): Partial<DeviceSpec> {
  const d: Record<string, unknown> = { ...DEFAULT_DEVICE, ...given };
  const facts: Pick<PointFacts, 'get'> = { get: (path) => (path.startsWith('device.') ? d[path.slice('device.'.length)] : undefined) };
  const out: Record<string, unknown> = { ...given };
  for (const [k, f] of Object.entries(NOISE_MODEL_FIELDS) as [string, FieldRules<string>][]) {
    if (out[k] !== undefined || f.readIf?.(facts as PointFacts) === false) continue;
    out[k] = f.defaultFor?.(facts as PointFacts) ?? f.default;
  }
  return out as Partial<DeviceSpec>;
}

/** device, crossbar, defects and seed with defaults filled in and validated */
export function crossbarOptions(p: PartialCrossbarOptions = {}): CrossbarPoint {
  const seed = checkCount(p.seed, 'seed', 0);
  return {
    device: resolveDevice(withNoiseModelDefaults(p.device ?? {})),
    crossbar: resolveCrossbar(p.crossbar ?? {}),
    defects: validateDefects({ ...DEFAULT_DEFECTS, ...(p.defects ?? {}) }),
    seed,
  };
}

/** every method option with defaults filled in and validated */
export function methodOptions(p: PartialMethodOptions = {}): LoraOptions {
  const o: LoraOptions = {
    ...crossbarOptions(p),
    retrain: { ...DEFAULT_RETRAIN, ...(p.retrain ?? {}) },
    ittrna: { ...DEFAULT_ITTRNA, ...(p.ittrna ?? {}) },
    lora: { ...DEFAULT_LORA, layers: [], ...(p.lora ?? {}) },
    trainLimit: checkCount(p.trainLimit, 'trainLimit', 0),
  };
  // the bounds of each section, declared once with its layer
  checkFields(o.retrain, TRAIN_FIELDS, 'retrain');
  checkFields(o.ittrna, ITTRNA_FIELDS, 'ittrna');
  checkFields(o.lora, LORA_FIELDS, 'lora');
  if (p.retrainLimit !== undefined) o.retrainLimit = checkCount(p.retrainLimit, 'retrainLimit', 0);
  return o;
}
