/**
 * The trained base network every method starts from: ideal (defect-free, digital) training of
 * `point.model` (a preset's name or a description: the key's `desc` holds the full description) on `ctx.dataset` with `point.train`, seed `point.seed` (init streams
 * `init/<layer>`, shuffle streams `shuffle/epoch<k>`), first `point.trainLimit` examples (0 = all).
 * With `train.noiseInjection` each weight layer trains through DefectInjectionOp (stream `nia/<layer>`).
 *
 * Cached in `ctx.cacheDir` as `base-<key>.f32` (base_cache_file.ts: a header with the SHA-256 of
 * the float32 bytes of Network.getWeights(), then those bytes),
 * key = configHash({ model, pool, model description, SHA-256 of the initial (untrained) weights,
 * dataset, dataset checksums, train, trainLimit, seed, input shape, format version }). So every defect rate and every method of the same seed reuse one
 * training run, and a changed dataset file never reuses a stale network. The file is written to a
 * unique temporary name in the same directory and renamed into place (rename is atomic on POSIX),
 * so concurrent workers either see no file (and train themselves, writing the identical bytes) or a
 * complete one. A cache file whose content does not match its hash (changed in place), of the
 * wrong size or in the old header-less format is never used: the network is trained again and
 * rewritten, with one message through ctx.log. The file is read as a regular file of at most its
 * exact size (src/util/read_regular_file.ts): a symlink, FIFO or device in its place is a UserError.
 *
 * Resumable: with a cache directory the training writes a checkpoint after every epoch to
 * `base-<key>.ckpt` (base_checkpoint_file.ts: weights, optimiser state, BatchNorm statistics, the
 * noise-injection streams' positions, step counter and curve; atomic, SHA-256), and a training that
 * finds one continues after its last epoch with the same bits as an uninterrupted run (after
 * kill -9 or Ctrl-C: `rramsim sweep … --resume`). The checkpoint is removed once the base file is
 * written. A truncated checkpoint is discarded with a warning; one of another key is refused.
 *
 * Its training curve (per-epoch loss and accuracy) is written beside it as `base-<key>.curve.json`
 * (base_curve_file.ts) and handed to ctx.onBase with the network, whether trained or loaded (a
 * cache file from before the curve files: no curve), so every point records its base's curve.
 *
 * A model imported from ONNX (`{ onnx, sha256 }`, src/onnx/onnx_ref.ts) is already trained: its
 * base network is the imported weights (file re-read and checked against the point's SHA-256), no
 * training and no cache file.
 */
import { mkdirSync } from 'node:fs';
import { mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { checkRegularFile, readRegularFile } from '../util/read_regular_file.js';
import { baseCacheBytes, decodeBaseCache, encodeBaseCache } from './base_cache_file.js';
import { readCheckpoint, removeCheckpoint, writeCheckpoint } from './base_checkpoint_file.js';
import { baseCurvePath, readBaseCurve, writeBaseCurve } from './base_curve_file.js';
import type { Rng } from '../util/rng.js';
import { buildModel, isOnnxRef, modelDescOf, modelLabel } from '../nn/model.js';
import { importOnnxRef } from '../onnx/onnx_ref.js';
import type { Network } from '../nn/network.js';
import { train } from '../nn/train.js';
import { DefectInjectionOp } from '../nn/defect_injection_op.js';
import { configHash } from '../util/hash.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './method_registry.js';

const FORMAT = 'rramsim-base-v1';
let tmpCounter = 0;

/** A fresh, untrained network of the point's model for the context's dataset shape (an imported model: with its weights). */
export function buildPointModel(point: PointSpec, ctx: RunContext): Network {
  const net = buildModel(modelDescOf(point.model, { pool: point.pool, input: ctx.dataset.shape }), point.seed);
  if (isOnnxRef(point.model)) net.setWeights(importOnnxRef(point.model).weights);
  return net;
}

export function baseKey(point: PointSpec, ctx: RunContext, untrained?: Network): string {
  const net = untrained ?? buildPointModel(point, ctx);
  return configHash({
    format: FORMAT,
    desc: net.desc,
    // the initial weights pin down the architecture and the init scheme (a changed default init
    // must not reuse a network trained from another one)
    initSha256: net.weightsSha256(),
    model: point.model,
    pool: point.model === 'lenet5' ? point.pool : null,
    dataset: point.dataset,
    checksums: ctx.dataset.checksums,
    shape: ctx.dataset.shape,
    train: point.train,
    trainLimit: point.trainLimit,
    seed: point.seed,
  });
}

/** Trained ideal network for the point (from the cache when present). Always a new Network. */
export async function trainedBase(point: PointSpec, ctx: RunContext): Promise<Network> {
  const net = buildPointModel(point, ctx);
  if (isOnnxRef(point.model)) {
    ctx.log?.(`base: the weights imported from ${point.model.onnx} (sha256 ${point.model.sha256?.slice(0, 16)}…), not trained here`);
    return net;
  }
  const key = baseKey(point, ctx, net);
  const file = ctx.cacheDir ? join(ctx.cacheDir, `base-${key}.f32`) : null;
  if (file) {
    const label = 'cache file';
    // regular and inside the cache directory (any size, so a wrong size is rebuilt, not refused), then read bounded
    const size = checkRegularFile(file, { label, maxBytes: Number.MAX_SAFE_INTEGER });
    if (size !== undefined) {
      const weights = net.weightCount();
      // read only at the size of this network, with its header or in the old format (no header)
      const buf = size === baseCacheBytes(weights) || size === 4 * weights ? readRegularFile(file, { label, maxBytes: size }) : undefined;
      const got = buf ? decodeBaseCache(buf, weights) : { problem: `holds ${size} bytes, expected ${baseCacheBytes(weights)}` };
      if ('weights' in got) {
        net.setWeights(got.weights);
        ctx.log?.(`base ${key}: loaded from cache`);
        ctx.onBase?.(key, readBaseCurve(baseCurvePath(ctx.cacheDir!, key), key, point.train.epochs), net);
        return net;
      }
      ctx.log?.(`warning: base ${key}: cache file '${file}' ${got.problem}; not used: training the base network again and rewriting it`);
    }
  }
  const epochs = point.train.epochs;
  const ckpt = file && ctx.cacheDir ? join(ctx.cacheDir, `base-${key}.ckpt`) : null;
  // a checkpoint of another key is refused here, before any training (UserError)
  const resume = ckpt ? readCheckpoint(ckpt, key, `base ${key}`, ctx.log) : undefined;
  if (resume) ctx.log?.(`resume: base ${key} continues from its checkpoint after epoch ${resume.state.epoch}/${epochs}`);
  else ctx.log?.(`base ${key}: training ${modelLabel(point.model)} on ${ctx.dataset.name} (${epochs} epochs)`);
  // noise-injection training (train.noiseInjection): every weight layer trains through a fresh
  // random stuck-at-fault map per forward (src/nn/defect_injection_op.ts), then gets its plain op back
  const ni = point.train.noiseInjection;
  const streams: Record<string, Rng> = {};
  const plain = ni ? net.weightLayers().map((l) => {
    const op = l.op;
    const inj = new DefectInjectionOp(op.weight, ni, point.seed, l.name);
    streams[`nia/${l.name}`] = inj.rng;
    l.op = inj;
    return op;
  }) : null;
  const trained = train(net, ctx.dataset.train, point.train, {
    seed: point.seed,
    limit: point.trainLimit,
    onEpoch: (e) => {
      ctx.log?.(`base epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)}`);
      ctx.onEpoch?.('base', e);
    },
    streams,
    resume: resume?.state,
    onCheckpoint: ckpt ? (state) => {
      mkdirSync(ctx.cacheDir!, { recursive: true });
      writeCheckpoint(ckpt, { key, epochs, state });
    } : undefined,
  });
  if (plain) net.weightLayers().forEach((l, i) => { l.op = plain[i]; });
  // the whole curve (a resumed training's result holds the epochs before its checkpoint too)
  const curve = { loss: trained.epochs.map((e) => e.trainLoss), accuracy: trained.epochs.map((e) => e.trainAccuracy) };
  if (file && ctx.cacheDir) {
    await mkdir(ctx.cacheDir, { recursive: true });
    // the curve first: a base file written by this version always has its curve beside it
    writeBaseCurve(baseCurvePath(ctx.cacheDir, key), key, curve);
    const tmp = `${file}.tmp-${process.pid}-${threadId}-${++tmpCounter}`;
    try {
      // header and weights in order, without copying the weights into one buffer
      await writeFile(tmp, encodeBaseCache(net.getWeights()));
      await rename(tmp, file);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    if (ckpt) removeCheckpoint(ckpt);
  }
  ctx.onBase?.(key, curve, net);
  return net;
}
