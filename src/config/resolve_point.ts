/**
 * Turn one raw grid combination into a fully-resolved PointSpec: reset the sections the method
 * does not read (so duplicates collapse, see defaults.ts), fill derived defaults, and reject
 * impossible combinations with ONE UserError naming the config path that caused it.
 */
import { crossbarConflict, lineResistanceOn, resolveCrossbar, resolveLineResistanceConfig } from '../crossbar/crossbar_spec.js';
import { clusterConflict } from '../crossbar/defect_spec.js';
import { validateDefects } from '../crossbar/defect_generator.js';
import { checkConfigFilePath, checkDefectFilePath, type FileAccess } from '../crossbar/defects_file_access.js';
import { importOnnxRef, isOnnxRef } from '../onnx/onnx_ref.js';
import { ONNX_MAX_BYTES } from '../onnx/read_onnx.js';
import { resolveDevice, resolveDrift } from '../crossbar/device.js';
import { resolveEndurance } from '../crossbar/endurance.js';
import { readsLifetime, resolveLifetime } from '../methods/lifetime_spec.js';
import { resolveUpdate } from '../crossbar/update/update_spec.js';
import { pulseModelNames, DEFAULT_DEVICE_MODEL } from '../crossbar/device_registry.js';
import { resolveStuckG } from '../crossbar/stuck_conductance.js';
import { deviceConflict } from '../crossbar/device_spec.js';
import { METHOD_INFO, type MethodInfo } from '../methods/method_info.js';
import { checkMultitaskPoint, DEFAULT_MULTITASK_POINT, isMultitaskMethod, libraryMethod, SWEEP_MULTITASK_METHODS, type MultitaskPointSpec } from '../methods/multitask/multitask_spec.js';
import type { PointSpec } from '../experiment/point.js';
import { checkDeviceModel, isDefaultDeviceModel } from '../crossbar/device_registry.js';
import { UserError } from '../util/errors.js';
import { DEFAULTS } from './defaults.js';
import { prunePoint } from './prune_point.js';
import { LORA_OPTIONAL_FIELDS } from '../methods/lora/lora_spec.js';
import { isAbsentValue, isLeaf, sectionRules, type PointFacts, type Section } from '../util/spec_field.js';
import { modelLayers, modelOutputs, modelRoles } from './model_layers.js';
import { placementLayers } from '../methods/lora/placement.js';
import { modelHasBatchNorm, modelLabel, modelReadsPool, plannedInput, type ModelDesc } from '../nn/model.js';
import { datasetClasses, datasetShape } from '../data/dataset_shapes.js';
import { parseTaskName } from '../tasks/registry.js';
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

/** the mt-* methods (many tasks on one chip) read the multitask section */
export function usesMultitask(p: PointSpec): boolean {
  return (METHOD_INFO[p.method] as MethodInfo).reads.multitask === true;
}

/**
 * The method runs on stuck cells (the defect rate is read). `ideal` (digital) and `control`
 * (defect-free crossbars) do not: their rate is reset to 0 and, with it, the defect placement
 * (lrsShare, distribution, clusters, file), so a grid over defect rates gives one point per seed;
 * the rate-0 point keeps the hash it always had.
 */
export function readsDefects(p: PointSpec): boolean {
  return (METHOD_INFO[p.method] as MethodInfo).reads.defects !== false;
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
  if (isOnnxRef(p.model)) resolveOnnxModel(p, src, ctx);
  if ((p.crossbar.writeThreshold ?? 0) > 0 && p.device.levels < 2 && trainsOnDevice(p)) {
    fail(src('crossbar.writeThreshold'), `a programming dead band of ${p.crossbar.writeThreshold} level steps needs quantised cells: device.levels must be >= 2 (from ${src('device.levels')}, got ${p.device.levels}); or set writeThreshold to 0`);
  }
  normaliseLineResistance(p, src);
  normaliseDrift(p, src);
  normaliseEndurance(p, src);
  normaliseMultitask(p, src);
  normaliseLifetime(p, src);
  normaliseUpdate(p, src);
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
    const all = modelLayers(p.model, p.pool, p.dataset);
    // the mt-* methods give the output layer per-task heads, never an adapter
    const layers = usesMultitask(p) ? all.slice(0, -1) : all;
    const names = layers.map((l) => l.name);
    p.lora.layers.forEach((name, i) => {
      if (!names.includes(name)) fail(`${src('lora.layers')}[${i}]`, `unknown layer '${name}' for model ${modelLabel(p.model)}; allowed: ${names.join(', ')}`);
    });
    let targets = p.lora.layers;
    if (p.lora.placement !== undefined) {
      if (p.lora.layers.length > 0) fail(src('lora.placement'), `give either lora.placement or lora.layers (from ${src('lora.layers')}), not both; allowed: lora.layers = [] with a placement`);
      targets = placementLayers(modelRoles(p.model, p.pool, p.dataset), p.lora.placement, src('lora.placement'), `model ${modelLabel(p.model)}`);
    }
    if (p.lora.experts !== undefined && METHOD_INFO[p.method].reads.sparsity) {
      fail(src('lora.experts'), `${where}: MoF experts are trained as LoRA adapters; allowed: method 'lora' (or leave lora.experts out)`);
    }
    if (p.lora.experts?.includes('prog') && p.lora.noise?.sigma === undefined) {
      fail(src('lora.experts'), "the MoF expert 'prog' trains under programming variation: set lora.noise.sigma (0..1, relative to wMax) and lora.noise.every (steps)");
    }
    if (p.lora.noise !== undefined && (p.lora.noise.sigma === undefined) !== (p.lora.noise.every === undefined)) {
      fail(src('lora.noise'), 'noise-aware training needs both lora.noise.sigma (0..1, relative to wMax) and lora.noise.every (steps >= 1)');
    }
    const adapted = targets.length === 0 ? layers : layers.filter((l) => targets.includes(l.name));
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
    const shape = datasetShape(p.dataset);
    const input = plannedInput(p.model);
    if (shape && shape.some((v, i) => v !== input[i])) {
      const what = isOnnxRef(p.model) ? `${src('model')}.onnx: the imported network's input` : `${src('model')}.input`;
      fail(what, `[${input.join(', ')}] does not match data set '${p.dataset}' (from ${src('dataset')}), whose images are [${shape.join(', ')}] (C, H, W)`);
    }
  }
  checkOutputWidth(p, src);
  // retrainLimit and retrain.limit both cap the retraining examples: one of them
  if (p.retrainLimit && p.retrain.limit !== undefined && usesRetrain(p)) {
    fail(src('retrainLimit'), `and ${src('retrain.limit')} both cap the retraining examples; set one of them (retrain.limit would win)`);
  }
  // the mt-* methods attach their adapters by lora.layers and multitask.adapters: the single-task LoRA
  // options are not read there, so setting one is an error rather than a silent no-op
  if (isMultitaskMethod(p.method)) {
    for (const k of ['placement', 'merged', 'adapters', 'halora', 'noise', 'experts'] as const) {
      if (loraOptionGiven(p, k)) fail(src(`lora.${k}`), `is not read by method '${p.method}' (the mt-* methods place adapters with lora.layers and multitask.adapters); leave it out for mt-* points (a separate config)`);
    }
  }
  // ---- normalisation: the device model's own rule (the registry), then every field's declared
  // point-hash rules (prune_point.ts): what the point does not read, and defaults older points lack
  // the default device model is absent from the point (so points without it keep their hashes);
  // another model carries its parameters with defaults filled (absent when it has none)
  if (isDefaultDeviceModel(p.device)) { delete p.device.model; delete p.device.modelParams; }
  else if (Object.keys(dm.params).length > 0) p.device.modelParams = dm.params;
  else delete p.device.modelParams;
  prunePoint(p, pointFacts(p));
  if (usesLora(p) && p.lora.alpha === 0) p.lora.alpha = p.lora.rank;
  // ---- the run-time validators the workers call: no point may pass planning and fail there
  resolveDevice(p.device);
  resolveCrossbar(p.crossbar);
  validateDefects(p.defects);
  return p;
}

/** what the declarations' `readIf` rules ask about a point (read live: the pruning pass changes the point) */
export function pointFacts(p: PointSpec): PointFacts {
  const info = METHOD_INFO[p.method] as MethodInfo;
  return {
    get: (path) => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], p),
    method: p.method,
    reads: (s) => (s === 'retrain' ? usesRetrain(p) : s === 'ittrna' ? usesIttrna(p) : s === 'lora' ? usesLora(p) : s === 'sparsity' ? info.reads.sparsity : s === 'defects' ? readsDefects(p) : usesMultitask(p)),
    trainsOnDevice: info.trainsOnDevice,
    get modelReadsPool() { return modelReadsPool(p.model); },
    get modelHasBatchNorm() { return modelHasBatchNorm(p.model); },
  };
}

/** a single-task LoRA option set to something other than what its absence means */
function loraOptionGiven(p: PointSpec, k: keyof typeof LORA_OPTIONAL_FIELDS): boolean {
  const f = LORA_OPTIONAL_FIELDS[k];
  const v = (p.lora as Record<string, unknown>)[k];
  if (isLeaf(f)) return !isAbsentValue(f, v);
  const set = setFields(v);
  return set !== undefined && !sectionRules(f as Section).isAbsent?.(set);
}

/**
 * model {"onnx": path}: the path confined like defects.file, the file imported now (an unsupported
 * operator or attribute is a UserError naming it, before any work), and the point records the
 * path from the working directory and the file's SHA-256 (so the point hash follows the content).
 * The imported weights are the base network: `train` is not read (reset to its default).
 */
function resolveOnnxModel(p: PointSpec, src: SourceOf, ctx: PlanContext): void {
  if (!isOnnxRef(p.model)) return;
  const field = `${src('model')}.onnx`;
  const access: FileAccess = { baseDir: ctx.baseDir ?? '.', allowPaths: ctx.allowPaths };
  const file = checkConfigFilePath(p.model.onnx, access, field, { what: 'ONNX model', give: 'a .onnx file', maxBytes: ONNX_MAX_BYTES });
  const imp = importOnnxRef({ onnx: file }, src('model'));
  if (p.model.sha256 !== undefined && p.model.sha256 !== imp.sha256) {
    fail(`${src('model')}.sha256`, `'${file}' has SHA-256 ${imp.sha256}, not ${p.model.sha256}`);
  }
  p.model = { onnx: file, sha256: imp.sha256 };
  p.train = structuredClone(DEFAULTS.train);
  delete p.train.schedule;
}

/**
 * crossbar.lineResistance: absent when no field is set or every resistance is 0 (ideal wires, so
 * such points keep the hash of points without it); else rWire (or rWordLine and rBitLine) is required,
 * the defaults are filled and the wires take their one form (crossbar_spec.ts: rWire when equal).
 */
function normaliseLineResistance(p: PointSpec, src: SourceOf): void {
  const raw = p.crossbar.lineResistance as Record<string, unknown> | undefined;
  if (raw === undefined) return;
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  if (Object.keys(raw).length === 0) { delete p.crossbar.lineResistance; return; }
  if (raw.rWire === undefined && (raw.rWordLine === undefined || raw.rBitLine === undefined)) {
    fail(src('crossbar.lineResistance.rWire'), `crossbar.lineResistance needs rWire (ohms per wire segment, >= 0), or rWordLine and rBitLine, when ${Object.keys(raw).join(', ')} is set`);
  }
  const c = resolveLineResistanceConfig(raw, 'crossbar.lineResistance');
  if (!lineResistanceOn(c)) { delete p.crossbar.lineResistance; return; }
  p.crossbar.lineResistance = c;
}

/**
 * multitask: absent from the point unless the method reads it (then every field filled with its
 * default, the section checked: checkMultitaskPoint). The point's `dataset` is the first task's
 * source data set (the worker loads it, the base is trained on it); a dataset given in the config
 * must be that one. lora.base must be 'unaware' (the base is deployed once, unaware).
 */
function normaliseMultitask(p: PointSpec, src: SourceOf): void {
  const raw = p.multitask as Record<string, unknown> | undefined;
  if (!usesMultitask(p) || !isMultitaskMethod(p.method)) { delete p.multitask; return; }
  const where = `method '${p.method}' (from ${src('method')})`;
  if (raw === undefined || raw.tasks === undefined) {
    fail('multitask.tasks', `${where} needs multitask.tasks: a list of at least 2 task names in training order, e.g. ["mnist", "fashion-mnist"]`);
  }
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const m = { ...DEFAULT_MULTITASK_POINT, ...raw } as MultitaskPointSpec;
  // fields this method does not read are reset (a grid over several mt-* methods shares one section;
  // a value no point of the plan reads is refused by checkMultitaskReadBySome); mt-crab's router
  // defaults to its one kind, 'softmax'
  const lib = libraryMethod(p.method);
  if (lib !== 'crab') { m.router = 'none'; m.training = DEFAULT_MULTITASK_POINT.training; m.routerOn = DEFAULT_MULTITASK_POINT.routerOn; }
  else if (raw.router === undefined) m.router = 'softmax';
  if (lib !== 'lora' && lib !== 'lori') m.merge = 'none';
  const parsed = checkMultitaskPoint(m, p.method, src);
  const first = parsed[0].source;
  if (src('dataset').endsWith('(default)')) p.dataset = first;
  else if (p.dataset !== first) {
    fail(src('dataset'), `${where} trains the base on its first task '${parsed[0].name}' of data set '${first}' (from ${src('multitask.tasks')}); allowed: '${first}', or leave dataset out`);
  }
  if (p.lora.base !== 'unaware' && usesLora(p)) {
    fail(src('lora.base'), `${where} deploys the base once, unaware; allowed: 'unaware'`);
  }
  p.multitask = m;
}

/** an optional sub-object's set fields (undefined ones dropped in place), or undefined when none is set */
function setFields(raw: unknown): Record<string, unknown> | undefined {
  if (raw === undefined) return undefined;
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return Object.keys(o).length === 0 ? undefined : o;
}

/** a spec resolver's UserError re-thrown at the config location of its field (`src(field)`) */
function atSource<T>(src: SourceOf, resolve: () => T): T {
  try {
    return resolve();
  } catch (e) {
    if (e instanceof UserError && e.field) fail(src(e.field), e.message.replace(`${e.field}: `, '').replace(`${e.field} `, ''));
    throw e;
  }
}

/** device.drift: absent when no field is set; else nuMean and t are required and defaults filled */
function normaliseDrift(p: PointSpec, src: SourceOf): void {
  const raw = setFields(p.device.drift);
  if (raw === undefined) { delete p.device.drift; return; }
  p.device.drift = atSource(src, () => resolveDrift(raw, 'device.drift'));
}

/** device.endurance: absent when no field is set; else n50 is required and defaults filled */
function normaliseEndurance(p: PointSpec, src: SourceOf): void {
  const raw = setFields(p.device.endurance);
  if (raw === undefined) { delete p.device.endurance; return; }
  p.device.endurance = atSource(src, () => resolveEndurance(raw, 'device.endurance'));
}

/**
 * lifetime: absent when no field is set or the method does not adapt on device (ideal, unaware, remap:
 * their point is the round-0 reference); else rounds is required and the defaults are filled.
 */
function normaliseLifetime(p: PointSpec, src: SourceOf): void {
  const raw = setFields(p.lifetime);
  if (raw === undefined || !readsLifetime(p.method)) { delete p.lifetime; return; }
  p.lifetime = atSource(src, () => resolveLifetime(raw, p.method, 'lifetime'));
}

/**
 * update: absent when no field is set or the scheme is 'write-verify' with nothing else (today's
 * behaviour, the hash unchanged); a pulsed scheme needs a method that writes the crossbar after
 * its deployment (METHOD_INFO trainsOnDevice) and a device model with a pulse response.
 */
function normaliseUpdate(p: PointSpec, src: SourceOf): void {
  const raw = setFields(p.update);
  if (raw === undefined) { delete p.update; return; }
  const u = atSource(src, () => resolveUpdate(raw, 'update'));
  if (u.scheme === 'write-verify') { delete p.update; return; }
  if (!trainsOnDevice(p)) {
    const ok = Object.entries(METHOD_INFO).filter(([, i]) => i.trainsOnDevice).map(([m]) => `'${m}'`).join(', ');
    fail(src('update.scheme'), `update.scheme '${u.scheme}' writes the crossbar updates of on-chip training, which method '${p.method}' (from ${src('method')}) does not do; allowed with methods ${ok} (or update.scheme 'write-verify')`);
  }
  const model = p.device.model ?? DEFAULT_DEVICE_MODEL;
  if (!pulseModelNames().includes(model)) {
    fail(src('device.model'), `device.model '${model}' has no pulse response, which update.scheme '${u.scheme}' (from ${src('update.scheme')}) needs; allowed: ${pulseModelNames().map((n) => `'${n}'`).join(', ')} (or update.scheme 'write-verify')`);
  }
  p.update = u;
}

/** device.stuckG: absent when no field is set; else both ends of each given range, min <= max */
function normaliseStuckG(p: PointSpec, src: SourceOf): void {
  const sg = atSource(src, () => resolveStuckG(setFields(p.device.stuckG), 'device.stuckG'));
  if (sg === undefined) delete p.device.stuckG; else p.device.stuckG = sg;
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

/**
 * The model's outputs (logits per example) against the classes it must tell apart: at least the
 * data set's class count (labels 0..classes−1 index the logits), and for the mt-* methods exactly
 * each task's class count (every task gets a head of the output layer's shape). Checked at planning,
 * so a last layer that is too narrow is one error naming its field, not every point failing late.
 */
function checkOutputWidth(p: PointSpec, src: SourceOf): void {
  const outputs = modelOutputs(p.model, p.pool, p.dataset);
  const field = outputField(p.model, src);
  const classes = datasetClasses(p.dataset);
  if (classes !== undefined && outputs < classes) {
    fail(field, `the model has ${outputs} outputs but data set '${p.dataset}' (from ${src('dataset')}) has ${classes} classes (labels 0..${classes - 1}); allowed: at least ${classes} outputs`);
  }
  if (isMultitaskMethod(p.method) && Array.isArray(p.multitask?.tasks)) {
    p.multitask.tasks.forEach((t, i) => {
      const c = datasetClasses(parseTaskName(t, `${src('multitask.tasks')}[${i}]`).source);
      if (c !== undefined && c !== outputs) {
        fail(field, `the model has ${outputs} outputs but task '${t}' (from ${src('multitask.tasks')}[${i}]) has ${c} classes; the mt-* methods give each task a head of the output layer's shape: allowed: exactly ${c} outputs`);
      }
    });
  }
}

/** the config field that sets the model's output width: the last top-level layer with `out`, the ONNX file, or the preset */
function outputField(model: PointSpec['model'], src: SourceOf): string {
  if (isOnnxRef(model)) return `${src('model')}.onnx`;
  if (typeof model !== 'object') return src('model');
  const layers = (model as ModelDesc).layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i] as { out?: unknown };
    if (l && typeof l === 'object' && 'out' in l) return `${src('model')}.layers[${i}].out`;
  }
  return `${src('model')}.layers`;
}

function fail(path: string, msg: string): never {
  throw new UserError(`${path}: ${msg}`, path);
}

/** the multitask fields only some mt-* methods read, and who reads them (for the error) */
const MULTITASK_READERS: Record<string, { methods: string; allowedElse: string; what: string }> = {
  router: { methods: "'mt-crab'", allowedElse: "'none'", what: 'needs a method with adapter heads' },
  merge: { methods: "'mt-lora', 'mt-lori'", allowedElse: "'none'", what: 'needs per-task adapters' },
  training: { methods: "'mt-crab'", allowedElse: "'sequential'", what: 'trains the router adapter of mt-crab jointly' },
  routerOn: { methods: "'mt-crab'", allowedElse: 'leave it out', what: 'places the router of mt-crab' },
};

/**
 * After planning: a multitask field given in the config (router, merge, training, routerOn) with a
 * value that no planned point reads (e.g. a router with only mt-lora points, whose per-point value
 * was reset) is a UserError naming the field and the methods that read it. `given[field]` = the
 * values given in the config with their config locations.
 */
export function checkMultitaskReadBySome(given: Record<string, { value: unknown; source: string }[]>, points: PointSpec[]): void {
  const first = Object.values(given)[0]?.[0];
  if (first && points.length > 0 && !points.some((p) => p.multitask)) {
    const methods = [...new Set(points.map((p) => p.method))].map((m) => `'${m}'`).join(', ');
    fail(first.source, `the multitask section is read only by the multi-task methods ${SWEEP_MULTITASK_METHODS.map((m) => `'${m}'`).join(', ')}; this sweep's methods are ${methods}`);
  }
  for (const [field, vals] of Object.entries(given)) {
    const r = MULTITASK_READERS[field];
    if (!r) continue;
    const def = (DEFAULT_MULTITASK_POINT as Record<string, unknown>)[field];
    for (const { value, source } of vals) {
      if (value === undefined || value === def) continue;
      const read = points.some((p) => p.multitask && (p.multitask as unknown as Record<string, unknown>)[field] === value);
      if (read) continue;
      const methods = [...new Set(points.map((p) => p.method))].map((m) => `'${m}'`).join(', ') || 'none';
      fail(source, `'${String(value)}' ${r.what} (${r.methods}); no point of this sweep reads it (methods ${methods}); allowed for these methods: ${r.allowedElse}`);
    }
  }
}
