/**
 * Turn one raw grid combination into a fully-resolved PointSpec: reset the sections the method
 * does not read (so duplicates collapse, see defaults.ts), fill derived defaults, and reject
 * impossible combinations with ONE UserError naming the config path that caused it.
 */
import { crossbarConflict, lineResistanceOn, resolveCrossbar, resolveLineResistanceConfig } from '../crossbar/crossbar_spec.js';
import { clusterConflict } from '../crossbar/defect_spec.js';
import { validateDefects } from '../crossbar/defect_generator.js';
import { checkDefectFilePath, type FileAccess } from '../crossbar/defects_file_access.js';
import { resolveDevice, resolveDrift } from '../crossbar/device.js';
import { resolveEndurance } from '../crossbar/endurance.js';
import { resolveStuckG } from '../crossbar/stuck_conductance.js';
import { deviceConflict } from '../crossbar/device_spec.js';
import { METHOD_INFO } from '../methods/method_info.js';
import type { PointSpec } from '../methods/point.js';
import { checkDeviceModel, isDefaultDeviceModel } from '../crossbar/device_registry.js';
import { UserError } from '../util/errors.js';
import { DEFAULTS, UNUSED_ITTRNA, UNUSED_LORA, UNUSED_RETRAIN } from './defaults.js';
import { modelLayers } from './model_layers.js';
import { modelHasBatchNorm, modelLabel, modelReadsPool, type ModelDesc } from '../nn/model.js';
import { DATASET_SHAPES } from '../data/dataset_shapes.js';
import { isConstantSchedule } from '../nn/lr_schedule.js';
import { NOISE_INJECTION_FIELDS } from '../nn/train_spec.js';

/** Maps a dotted field path (e.g. 'lora.rank') to the config location its value came from. */
export type SourceOf = (field: string) => string;

/** Where the config came from: files it names are resolved and confined (defects_file_access.ts). */
export interface PlanContext {
  /** the config file's directory (default: the working directory) */
  baseDir?: string;
  /** --allow-path directories */
  allowPaths?: readonly string[];
}

// which sections a method reads: the method registry (src/methods/method_info.ts)
export function usesRetrain(p: PointSpec): boolean {
  return METHOD_INFO[p.method].reads.retrain;
}

/** methods that program cells during training (where crossbar.writeThreshold matters) */
export function trainsOnDevice(p: PointSpec): boolean {
  return METHOD_INFO[p.method].trainsOnDevice;
}

export function usesIttrna(p: PointSpec): boolean {
  const r = METHOD_INFO[p.method].reads.ittrna;
  return r === true || (r === 'if-lora-base' && p.lora.base === 'ittrna');
}

export function usesLora(p: PointSpec): boolean {
  return METHOD_INFO[p.method].reads.lora;
}

export function resolvePoint(raw: PointSpec, src: SourceOf, ctx: PlanContext = {}): PointSpec {
  const p: PointSpec = structuredClone(raw);
  // ---- checks on the values as given (single-field bounds were checked by the schemas)
  if (deviceConflict(p.device)) {
    fail(src('device.gMin'), `gMin ${p.device.gMin} must be below gMax ${p.device.gMax} (from ${src('device.gMax')}); allowed: 0 < gMin < gMax`);
  }
  const xb = crossbarConflict(p.crossbar);
  if (xb) fail(src(`crossbar.${xb.field}`), `${xb.message} (mapping from ${src('crossbar.mapping')})`);
  if (p.defects.distribution === 'clustered' && p.defects.rate > 0 && p.defects.clusters) {
    const cl = clusterConflict(p.defects.clusters.radius, p.crossbar.tileRows, p.crossbar.tileCols);
    if (cl) fail(src('defects.clusters.radius'), cl);
  }
  if (p.defects.rate > 0 && p.defects.distribution === 'file') {
    if (p.defects.file === undefined) {
      fail('defects.file', `distribution 'file' (from ${src('defects.distribution')}) needs defects.file: the path of a measured defect map (JSON or CSV)`);
    }
    const access: FileAccess = { baseDir: ctx.baseDir ?? '.', allowPaths: ctx.allowPaths };
    p.defects.file = checkDefectFilePath(p.defects.file, access, src('defects.file'));
  }
  if ((p.crossbar.writeThreshold ?? 0) > 0 && p.device.levels < 2 && trainsOnDevice(p)) {
    fail(src('crossbar.writeThreshold'), `a programming dead band of ${p.crossbar.writeThreshold} level steps needs quantised cells: device.levels must be >= 2 (from ${src('device.levels')}, got ${p.device.levels}); or set writeThreshold to 0`);
  }
  normaliseLineResistance(p, src);
  normaliseDrift(p, src);
  normaliseEndurance(p, src);
  normaliseStuckG(p, src);
  normaliseNoiseInjection(p, src);
  if (usesLora(p)) {
    const where = `method '${p.method}' (from ${src('method')})`;
    if (p.lora.rank < 1) {
      fail(src('lora.rank'), `${where} needs lora.rank >= 1 (the adapter rank); got ${p.lora.rank}. Set lora.rank, e.g. 4`);
    }
    if (METHOD_INFO[p.method].reads.sparsity && p.lora.sparsity >= 1) {
      fail(src('lora.sparsity'), `${where} needs lora.sparsity in [0, 1) (fraction of B entries pruned; 1 prunes every entry); got ${p.lora.sparsity}`);
    }
    const layers = modelLayers(p.model, p.pool, p.dataset);
    const names = layers.map((l) => l.name);
    p.lora.layers.forEach((name, i) => {
      if (!names.includes(name)) fail(`${src('lora.layers')}[${i}]`, `unknown layer '${name}' for model ${modelLabel(p.model)}; allowed: ${names.join(', ')}`);
    });
    const adapted = p.lora.layers.length === 0 ? layers : layers.filter((l) => p.lora.layers.includes(l.name));
    for (const l of adapted) {
      const max = Math.min(l.rows, l.cols);
      if (p.lora.rank > max) {
        fail(
          src('lora.rank'),
          `rank ${p.lora.rank} exceeds layer ${l.name} of ${modelLabel(p.model)} (${l.rows} x ${l.cols}): allowed 1..${max} (at most min(rows, cols)); or leave ${l.name} out of lora.layers`,
        );
      }
    }
  }
  // the device model checks its own parameters (bounds may depend on gMin/gMax)
  const dm = checkDeviceModel(p.device);
  // a described model must build (shapes fit) for its input, and fit the data set: checked here, before any work
  if (typeof p.model === 'object') {
    modelLayers(p.model, p.pool);
    const shape = DATASET_SHAPES[p.dataset];
    if (shape && shape.some((v, i) => v !== (p.model as ModelDesc).input[i])) {
      fail(`${src('model')}.input`, `[${p.model.input.join(', ')}] does not match data set '${p.dataset}' (from ${src('dataset')}), whose images are [${shape.join(', ')}] (C, H, W)`);
    }
  }
  // ---- normalisation of what the point does not read
  // the default device model is absent from the point (so points without it keep their hashes);
  // another model carries its parameters with defaults filled (absent when it has none)
  if (isDefaultDeviceModel(p.device)) { delete p.device.model; delete p.device.modelParams; }
  else if (Object.keys(dm.params).length > 0) p.device.modelParams = dm.params;
  else delete p.device.modelParams;
  // the default read-noise model is absent from the point (so points without it keep their hashes)
  if (p.device.readNoiseModel === 'per-cell') delete p.device.readNoiseModel;
  // the constant learning rate is the default: no `schedule` in the point (hashes unchanged)
  for (const t of [p.train, p.retrain]) if (isConstantSchedule(t.schedule)) delete t.schedule;
  if (!modelReadsPool(p.model)) p.pool = DEFAULTS.pool;
  if (p.defects.rate === 0) {
    p.defects.lrsShare = DEFAULTS.defects.lrsShare;
    p.defects.distribution = DEFAULTS.defects.distribution;
  }
  if (p.defects.distribution !== 'clustered') delete p.defects.clusters;
  if (p.defects.distribution !== 'file') delete p.defects.file;
  // the dead band is absent unless on and read (so points without it keep their hashes)
  if (!p.crossbar.writeThreshold || !trainsOnDevice(p)) delete p.crossbar.writeThreshold;
  // BatchNorm folding is absent unless asked for and the model has BatchNorm (ideal maps nothing)
  if (p.crossbar.batchNorm !== 'fold' || !modelHasBatchNorm(p.model) || p.method === 'ideal') delete p.crossbar.batchNorm;
  // spare columns are read by method 'spare' only (absent elsewhere: hashes unchanged)
  if (p.method !== 'spare') delete p.crossbar.spareColumns;
  else p.crossbar.spareColumns ??= 0;
  if (p.retrain.maxSteps === undefined) delete p.retrain.maxSteps;
  if (!usesRetrain(p)) p.retrain = structuredClone(UNUSED_RETRAIN);
  if (!usesIttrna(p)) p.ittrna = structuredClone(UNUSED_ITTRNA);
  if (!usesLora(p)) p.lora = structuredClone(UNUSED_LORA);
  else {
    if (p.lora.alpha === 0) p.lora.alpha = p.lora.rank;
    if (!METHOD_INFO[p.method].reads.sparsity) p.lora.sparsity = 0;
  }
  // ---- the run-time validators the workers call: no point may pass planning and fail there
  resolveDevice(p.device);
  resolveCrossbar(p.crossbar);
  validateDefects(p.defects);
  return p;
}

/**
 * crossbar.lineResistance: absent when no field is set or every resistance is 0 (ideal wires, so
 * such points keep the hash of points without it); else rWire is required and the defaults are filled.
 */
function normaliseLineResistance(p: PointSpec, src: SourceOf): void {
  const raw = p.crossbar.lineResistance as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(raw).length === 0) { delete p.crossbar.lineResistance; return; }
  if (raw.rWire === undefined) {
    fail(src('crossbar.lineResistance.rWire'), `crossbar.lineResistance needs rWire (ohms per wire segment, >= 0) when ${Object.keys(raw).join(', ')} is set`);
  }
  const c = resolveLineResistanceConfig(raw, 'crossbar.lineResistance');
  if (!lineResistanceOn(c)) { delete p.crossbar.lineResistance; return; }
  p.crossbar.lineResistance = c;
}

/** device.drift: absent when no field is set; else nuMean and t are required and defaults filled */
function normaliseDrift(p: PointSpec, src: SourceOf): void {
  const raw = p.device.drift as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(raw).length === 0) { delete p.device.drift; return; }
  try {
    p.device.drift = resolveDrift(raw, 'device.drift');
  } catch (e) {
    if (e instanceof UserError && e.field) fail(src(e.field), e.message.replace(`${e.field}: `, '').replace(`${e.field} `, ''));
    throw e;
  }
}

/** device.endurance: absent when no field is set; else n50 is required and defaults filled */
function normaliseEndurance(p: PointSpec, src: SourceOf): void {
  const raw = p.device.endurance as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(raw).length === 0) { delete p.device.endurance; return; }
  try {
    p.device.endurance = resolveEndurance(raw, 'device.endurance');
  } catch (e) {
    if (e instanceof UserError && e.field) fail(src(e.field), e.message.replace(`${e.field}: `, '').replace(`${e.field} `, ''));
    throw e;
  }
}

/** device.stuckG: absent when no field is set; else both ends of each given range, min <= max */
function normaliseStuckG(p: PointSpec, src: SourceOf): void {
  const raw = p.device.stuckG as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  try {
    const sg = resolveStuckG(raw, 'device.stuckG');
    if (sg === undefined) delete p.device.stuckG; else p.device.stuckG = sg;
  } catch (e) {
    if (e instanceof UserError && e.field) fail(src(e.field), e.message.replace(`${e.field}: `, '').replace(`${e.field} `, ''));
    throw e;
  }
}

/** train.noiseInjection: absent when no field is set or rate is 0; else rate required, lrsShare default 0.5 */
function normaliseNoiseInjection(p: PointSpec, src: SourceOf): void {
  const raw = p.train.noiseInjection as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(raw).length === 0) { delete p.train.noiseInjection; return; }
  if (raw.rate === undefined) fail(src('train.noiseInjection.rate'), `train.noiseInjection needs rate (${NOISE_INJECTION_FIELDS.rate.describe}) when ${Object.keys(raw).join(', ')} is set`);
  const ni = { rate: raw.rate as number, lrsShare: (raw.lrsShare ?? 0.5) as number };
  for (const k of ['rate', 'lrsShare'] as const) {
    if (!NOISE_INJECTION_FIELDS[k].schema.safeParse(ni[k]).success) fail(src(`train.noiseInjection.${k}`), `must be ${NOISE_INJECTION_FIELDS[k].allowed}, got ${String(ni[k])}`);
  }
  if (ni.rate === 0) delete p.train.noiseInjection; else p.train.noiseInjection = ni;
}

function fail(path: string, msg: string): never {
  throw new UserError(`${path}: ${msg}`, path);
}
