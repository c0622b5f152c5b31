/**
 * `rramsim train --model mlp|lenet5 --dataset mnist|fashion-mnist|mnist-embedded --epochs N --seed S
 *   [--lr --batch --momentum --weight-decay --pool max|avg --init W --bias-init B --limit N
 *    --data-dir DIR --out FILE]`
 *
 * `--init` / `--bias-init` override the preset's initialisation (PyTorch's default: 'pytorch'
 * weights, 'uniform' biases; src/nn/init.ts has the formulas). The config (and its hash) records
 * `init` only when one of them is given, so default runs keep their hashes.
 *
 * Trains one network with SGD (src/nn/train.ts), printing per-epoch training loss/accuracy and the
 * evaluation-split loss/accuracy (a cli-progress bar on a TTY, plain lines otherwise), and writes a
 * JSON result: config, config hash, dataset source and checksums, per-epoch metrics, final
 * accuracy and loss on the evaluation split (named 'test' or 'heldout'), SHA-256 of the final
 * weights, the GEMM backend and the wall time. Bad flag values → UserError naming the flag and the
 * allowed values (exit 2).
 *
 * The result file (src/util/output_file.ts, checked before training): --out replaces only a
 * result rramsim train wrote (it starts with `"command": "train"`), anything else only with
 * --force, and its directory must exist; the default reports/… may create reports/. Written
 * atomically, so an interrupted write leaves the old file or the whole new one.
 *
 * Resumable (unless --no-checkpoint): after every epoch the training's state goes to
 * `<result file>.ckpt` (src/experiment/base_checkpoint_file.ts: atomic, SHA-256, keyed by the
 * config hash, the data set's checksums and the initial weights); the same command run again after
 * kill -9 or Ctrl-C continues after the last finished epoch and writes the same result bits
 * (weights, curve, accuracies) as an uninterrupted run. The checkpoint is removed once the result
 * is written. A checkpoint of another config at that path is refused (exit 2, nothing written); a
 * truncated one is discarded with a `warning:` line.
 */
import { dirname, resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_TRAIN } from '../../src/config/defaults.js';
import { TRAIN_FIELDS } from '../../src/nn/train_spec.js';
import type { NumField } from '../../src/util/spec_field.js';
import { DATASET_NAMES, loadDataset } from '../../src/data/load.js';
import { getBackend } from '../../src/kernels/gemm.js';
import type { DatasetName, ModelName, TrainSpec } from '../../src/experiment/point.js';
import { BIAS_INITS, WEIGHT_INITS, type BiasInit, type WeightInit } from '../../src/nn/init.js';
import { buildModel, MODEL_PRESETS, POOL_TYPES, presetDesc } from '../../src/nn/model.js';
import { train, type EpochInfo } from '../../src/nn/train.js';
import { writeFileAtomicSync } from '../../src/util/atomic_write.js';
import { ensureDir } from '../../src/util/ensure_dir.js';
import { UserError } from '../../src/util/errors.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { checkMemory } from '../sweep/preflight.js';
import { configHash } from '../../src/util/hash.js';
import { printBackendNotice } from '../sweep/cli_common.js';
import { checkOutputFile } from '../../src/util/output_file.js';
import { printable } from '../../src/util/safe_text.js';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from '../../src/experiment/base_checkpoint_file.js';

/** the first bytes of a result file rramsim train wrote */
const isOwnResult = (head: string) => head.startsWith('{\n  "command": "train",');

export interface TrainArgs {
  model: string;
  dataset: string;
  epochs: number;
  seed: number;
  lr: number;
  batch: number;
  momentum: number;
  'weight-decay': number;
  pool: string;
  init?: string;
  'bias-init'?: string;
  limit: number;
  'data-dir'?: string;
  out?: string;
  force?: boolean;
  progress?: boolean;
  checkpoint?: boolean;
}

export interface TrainConfig {
  model: ModelName;
  pool: 'max' | 'avg';
  /** initialisation override (absent: the preset's, PyTorch's default) */
  init?: { weights: WeightInit; bias: BiasInit };
  dataset: DatasetName;
  seed: number;
  train: TrainSpec;
  /** training examples used (0 = all) */
  limit: number;
}

export interface TrainResultFile {
  command: 'train';
  config: TrainConfig;
  configHash: string;
  dataset: { name: string; source: string; checksums: Record<string, string>; trainExamples: number; evalSplit: string; evalExamples: number };
  epochs: { epoch: number; trainLoss: number; trainAccuracy: number; evalLoss: number; evalAccuracy: number; seconds: number }[];
  finalAccuracy: number;
  finalLoss: number;
  evalSplit: string;
  weightsSha256: string;
  parameters: number;
  backend: string;
  /** set when this run continued from a checkpoint: the epochs it held */
  resumedAfterEpoch?: number;
  wallSeconds: number;
  startedAt: string;
  finishedAt: string;
}

function oneOf<T extends string>(flag: string, v: unknown, allowed: readonly T[]): T {
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new UserError(`--${flag} must be one of ${allowed.join(', ')} (got '${String(v)}')`, flag);
  }
  return v as T;
}

const T = TRAIN_FIELDS;
const ok = (f: NumField, x: number) => f.schema.safeParse(x).success;

function num(flag: string, v: unknown, rule: string, ok: (x: number) => boolean): number {
  const x = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'boolean' || v === '' || !Number.isFinite(x) || !ok(x)) {
    throw new UserError(`--${flag} must be ${rule} (got '${String(v)}')`, flag);
  }
  return x;
}

/** flags → a validated config (UserError naming the flag and the allowed values) */
export function trainConfigFromArgs(a: Partial<TrainArgs>): TrainConfig {
  const int = (x: number) => Number.isInteger(x);
  const init = a.init !== undefined || a['bias-init'] !== undefined
    ? {
      weights: oneOf('init', a.init ?? 'pytorch', WEIGHT_INITS),
      bias: oneOf('bias-init', a['bias-init'] ?? 'uniform', BIAS_INITS),
    }
    : undefined;
  return {
    model: oneOf('model', a.model, MODEL_PRESETS),
    pool: oneOf('pool', a.pool ?? 'max', POOL_TYPES),
    dataset: oneOf('dataset', a.dataset, DATASET_NAMES),
    seed: num('seed', a.seed ?? 0, 'an integer >= 0', (x) => int(x) && x >= 0),
    // the bounds of src/nn/train_spec.ts (plus: this command trains at least one epoch)
    train: {
      epochs: num('epochs', a.epochs ?? DEFAULT_TRAIN.epochs, `an integer in [1, ${T.epochs.bounds.max}]`, (x) => x >= 1 && ok(T.epochs, x)),
      lr: num('lr', a.lr ?? DEFAULT_TRAIN.lr, T.lr.allowed, (x) => ok(T.lr, x)),
      momentum: num('momentum', a.momentum ?? DEFAULT_TRAIN.momentum, T.momentum.allowed, (x) => ok(T.momentum, x)),
      weightDecay: num('weight-decay', a['weight-decay'] ?? DEFAULT_TRAIN.weightDecay, T.weightDecay.allowed, (x) => ok(T.weightDecay, x)),
      batch: num('batch', a.batch ?? DEFAULT_TRAIN.batch, T.batch.allowed, (x) => ok(T.batch, x)),
    },
    limit: num('limit', a.limit ?? 0, 'an integer >= 0 (0 = all training examples)', (x) => int(x) && x >= 0),
    ...(init ? { init } : {}),
  };
}

function defaultOut(c: TrainConfig): string {
  const pool = c.model === 'lenet5' && c.pool === 'avg' ? '-avg' : '';
  return `reports/train-${c.model}${pool}-${c.dataset}-seed${c.seed}.json`;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** Run the command (also used by tests); returns the result written to the JSON file. */
export async function runTrain(a: Partial<TrainArgs>, out: NodeJS.WritableStream = process.stdout): Promise<TrainResultFile> {
  const cfg = trainConfigFromArgs(a);
  printBackendNotice();
  const outFile = resolve(a.out ?? defaultOut(cfg));
  checkOutputFile(outFile, { flag: '--out', force: a.force === true, what: 'a result rramsim train wrote', isOwn: isOwnResult, defaultPath: a.out === undefined });
  const startedAt = new Date();
  const t0 = performance.now();
  // the same memory and time check as `rramsim run`, for this training as an ideal point, before any work
  checkMemory([{ ...DEFAULTS, model: cfg.model, pool: cfg.pool, dataset: cfg.dataset, method: 'ideal', train: cfg.train, seed: cfg.seed, trainLimit: cfg.limit }], { workers: 1 });
  const ds = await loadDataset(cfg.dataset, { dataDir: a['data-dir'] });
  const desc = presetDesc(cfg.model, { pool: cfg.pool, input: ds.shape });
  const net = buildModel(cfg.init ? { ...desc, init: cfg.init } : desc, cfg.seed);
  const m = cfg.limit > 0 ? Math.min(cfg.limit, ds.train.n) : ds.train.n;
  const nParams = net.params().reduce((s, p) => s + p.value.length, 0);
  const hash = configHash(cfg);
  // the checkpoint belongs to this config, these data files and these initial weights
  const ckptKey = configHash({ format: 'rramsim-train-checkpoint-v1', config: cfg, checksums: ds.checksums, initSha256: net.weightsSha256() });
  const ckptFile = a.checkpoint === false ? undefined : `${outFile}.ckpt`;
  const log = (line: string) => process.stderr.write(`${printable(line)}\n`);
  // before any training: a checkpoint of another config is a UserError, a damaged one a warning
  const resume = ckptFile ? readCheckpoint(ckptFile, ckptKey, `this training (config ${hash})`, log) : undefined;
  out.write(`train ${cfg.model}${cfg.model === 'lenet5' ? ` (${cfg.pool} pool)` : ''} on ${cfg.dataset}: ${m} training examples, ` +
    `eval split '${ds.eval.name}' (${ds.eval.n}), ${nParams} parameters, SGD lr ${cfg.train.lr} momentum ${cfg.train.momentum} ` +
    `weight decay ${cfg.train.weightDecay} batch ${cfg.train.batch}, seed ${cfg.seed}, gemm backend ${getBackend()}, config ${hash}\n`);

  const useBar = (a.progress ?? true) && process.stderr.isTTY === true;
  const bar = useBar
    ? new cliProgress.SingleBar({
      format: 'epoch {epoch}/{epochs} [{bar}] {percentage}% | {value}/{total} steps | loss {loss} | eta {eta_formatted}',
      stream: process.stderr, hideCursor: true, clearOnComplete: true,
    }, cliProgress.Presets.shades_classic)
    : null;
  const epochs: TrainResultFile['epochs'] = [];
  if (resume) {
    for (const e of resume.state.curve) epochs.push({ epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, evalLoss: e.eval!.loss, evalAccuracy: e.eval!.accuracy, seconds: e.seconds });
    out.write(`resuming from ${printable(ckptFile!)} after epoch ${resume.state.epoch}/${cfg.train.epochs}\n`);
  } else if (ckptFile) {
    out.write(`checkpoint after every epoch: ${printable(ckptFile)} (after an interruption, run the same command again to continue)\n`);
  }
  train(net, ds.train, cfg.train, {
    seed: cfg.seed,
    limit: cfg.limit,
    evalSplit: ds.eval,
    onStep: bar ? (step, total, epoch, loss) => {
      if (step === 1) bar.start(total, 0, { epoch, epochs: cfg.train.epochs, loss: loss.toFixed(4) });
      if (step % 20 === 0 || step === total) bar.update(step, { loss: loss.toFixed(4) });
    } : undefined,
    onEpoch: (e: EpochInfo) => {
      bar?.stop();
      const ev = e.eval!;
      epochs.push({ epoch: e.epoch, trainLoss: e.trainLoss, trainAccuracy: e.trainAccuracy, evalLoss: ev.loss, evalAccuracy: ev.accuracy, seconds: e.seconds });
      out.write(`epoch ${e.epoch}/${e.epochs}  train loss ${e.trainLoss.toFixed(4)} acc ${pct(e.trainAccuracy)}  ` +
        `${ev.split} loss ${ev.loss.toFixed(4)} acc ${pct(ev.accuracy)}  ${e.seconds.toFixed(1)} s\n`);
    },
    resume: resume?.state,
    onCheckpoint: ckptFile ? (state) => {
      // a write error (full disk, permission) ends the command through the CLI's file-system error line
      if (a.out === undefined) ensureDir(dirname(outFile));
      writeCheckpoint(ckptFile, { key: ckptKey, epochs: cfg.train.epochs, state });
    } : undefined,
  });
  const last = epochs[epochs.length - 1];
  const result: TrainResultFile = {
    command: 'train',
    config: cfg,
    configHash: hash,
    dataset: { name: ds.name, source: ds.source, checksums: ds.checksums, trainExamples: m, evalSplit: ds.eval.name, evalExamples: ds.eval.n },
    epochs,
    finalAccuracy: last.evalAccuracy,
    finalLoss: last.evalLoss,
    evalSplit: ds.eval.name,
    weightsSha256: net.weightsSha256(),
    parameters: nParams,
    backend: getBackend(),
    ...(resume ? { resumedAfterEpoch: resume.state.epoch } : {}),
    wallSeconds: (performance.now() - t0) / 1000,
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  };
  try {
    if (a.out === undefined) ensureDir(dirname(outFile));
    writeFileAtomicSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
  } catch (e) {
    throw new UserError(`--out: cannot write ${printable(outFile)}: ${printable((e as Error).message)}`, 'out');
  }
  if (ckptFile) removeCheckpoint(ckptFile);
  out.write(`final ${ds.eval.name} accuracy ${pct(result.finalAccuracy)} (loss ${result.finalLoss.toFixed(4)}), ` +
    `${result.wallSeconds.toFixed(1)} s; result written to ${printable(outFile)}\n`);
  return result;
}

const command: CommandModule<object, TrainArgs> = {
  command: 'train',
  describe: 'train MODEL on a dataset and write a JSON result',
  builder: (y: Argv<object>) =>
    y
      .option('model', { type: 'string', default: 'mlp', describe: `model preset: ${MODEL_PRESETS.join(' | ')}` })
      .option('dataset', { type: 'string', default: 'mnist-embedded', describe: `dataset: ${DATASET_NAMES.join(' | ')}` })
      .option('epochs', { type: 'number', default: DEFAULT_TRAIN.epochs, describe: 'training epochs (integer >= 1)' })
      .option('seed', { type: 'number', default: 0, describe: 'run seed (integer >= 0): init, shuffling' })
      .option('lr', { type: 'number', default: DEFAULT_TRAIN.lr, describe: 'SGD learning rate (> 0)' })
      .option('batch', { type: 'number', default: DEFAULT_TRAIN.batch, describe: 'mini-batch size (integer >= 1)' })
      .option('momentum', { type: 'number', default: DEFAULT_TRAIN.momentum, describe: 'SGD momentum in [0, 1)' })
      .option('weight-decay', { type: 'number', default: DEFAULT_TRAIN.weightDecay, describe: 'L2 weight decay (>= 0), PyTorch-style' })
      .option('pool', { type: 'string', default: 'max', describe: `LeNet-5 pooling: ${POOL_TYPES.join(' | ')}` })
      .option('init', { type: 'string', describe: `weight init: ${WEIGHT_INITS.join(' | ')} (default: the preset's, pytorch)` })
      .option('bias-init', { type: 'string', describe: `bias init: ${BIAS_INITS.join(' | ')} (default: the preset's, uniform)` })
      .option('limit', { type: 'number', default: 0, describe: 'train on the first N examples only (0 = all)' })
      .option('data-dir', { type: 'string', describe: 'directory of the IDX files (default: env RRAMSIM_DATA, then the search path)' })
      .option('out', { type: 'string', describe: 'JSON result file (default reports/train-<model>-<dataset>-seed<S>.json); replaces only a result rramsim train wrote, unless --force' })
      .option('force', { type: 'boolean', default: false, describe: 'let --out replace an existing file rramsim train did not write' })
      .option('progress', { type: 'boolean', default: true, describe: 'progress bar on a TTY (--no-progress to disable)' })
      .option('checkpoint', { type: 'boolean', default: true, describe: 'write <out>.ckpt after every epoch and continue from it when the same command runs again (--no-checkpoint to disable)' }) as Argv<TrainArgs>,
  handler: async (args) => {
    await runTrain(args);
  },
};
export default command;
