/**
 * The state of a training (src/nn/train.ts) at an epoch boundary: everything the next epoch reads,
 * so that train(…, { resume: state }) on a freshly built network ends with the same bits as the
 * run that was not interrupted.
 *
 * After epoch k (k = state.epoch epochs finished, 1-based count):
 *   weights      Network.getWeights(): every weight, bias, BatchNorm γ, β and running mean and
 *                variance (src/nn/network.ts);
 *   buffers      the optimiser's: SGD the momentum v of every param (sgd.ts); AdamW m of every
 *                param then v of every param, and its step counter t (adamw.ts);
 *   step         optimiser steps over the run (the lr schedule is a function of (epoch, step within
 *                the epoch), lr_schedule.ts, and maxSteps counts them);
 *   streams      the position (Rng.state(), src/util/rng.ts) of every stream that lives across
 *                epochs (TrainOptions.streams: e.g. noise injection's `nia/<layer>`). The shuffling
 *                and augmentation streams are per epoch (`shuffle/epoch<k>`, `augment/epoch<k>`) and
 *                created fresh at each epoch's start: their position at a boundary is the epoch
 *                number itself, so they need no entry;
 *   curve        the EpochInfo of every finished epoch (losses, accuracies, evaluations);
 *   seconds      training wall time so far (reporting only; no result depends on it).
 * The per-epoch sums (loss, accuracy, penalty) start from zero at every epoch, the batch buffers
 * are overwritten before they are read, and the learning rate of every step is set from the
 * schedule before the optimiser step: none of them carries state across the boundary.
 *
 * captureTrainState copies (the live buffers keep changing); restoreTrainState checks that the
 * state fits the network, the optimiser and the streams (a UserError naming `checkpoint`
 * otherwise) and copies it in.
 */
import { UserError } from '../util/errors.js';
import type { Rng, StreamState } from '../util/rng.js';
import type { Network } from './network.js';
import type { EpochInfo } from './train.js';

export type OptimizerKind = 'sgd' | 'adamw';

export interface TrainState {
  /** epochs finished; the next epoch to run is this one (0-based) */
  epoch: number;
  /** optimiser steps taken over the run */
  step: number;
  weights: Float32Array;
  optimizer: OptimizerKind;
  /** AdamW's step counter t (0 for SGD) */
  optimizerSteps: number;
  buffers: Float32Array[];
  streams: Record<string, StreamState>;
  curve: EpochInfo[];
  seconds: number;
}

/** what train() hands over: the optimiser's live buffers and step counter */
export interface OptimizerView {
  kind: OptimizerKind;
  buffers(): Float32Array[];
  steps: number;
  setSteps(t: number): void;
}

export function captureTrainState(
  net: Network, opt: OptimizerView, streams: Record<string, Rng> | undefined,
  epoch: number, step: number, curve: readonly EpochInfo[], seconds: number,
): TrainState {
  const st: Record<string, StreamState> = {};
  for (const [name, rng] of Object.entries(streams ?? {})) st[name] = rng.state();
  return {
    epoch, step,
    weights: net.getWeights(),
    optimizer: opt.kind,
    optimizerSteps: opt.steps,
    buffers: opt.buffers().map((b) => Float32Array.from(b)),
    streams: st,
    curve: curve.map((e) => ({ ...e })),
    seconds,
  };
}

export function restoreTrainState(
  s: TrainState, net: Network, opt: OptimizerView, streams: Record<string, Rng> | undefined, epochs: number,
): void {
  const bad = (what: string) => new UserError(`checkpoint: ${what}; it belongs to another training and is not used`, 'checkpoint');
  if (!Number.isInteger(s.epoch) || s.epoch < 0 || s.epoch > epochs) throw bad(`it holds ${s.epoch} finished epochs of a ${epochs}-epoch training`);
  if (s.curve.length !== s.epoch) throw bad(`its curve holds ${s.curve.length} epochs, its state ${s.epoch}`);
  if (s.optimizer !== opt.kind) throw bad(`it holds ${s.optimizer} state, this training uses ${opt.kind}`);
  const live = opt.buffers();
  if (s.buffers.length !== live.length || s.buffers.some((b, i) => b.length !== live[i].length)) {
    throw bad(`its optimiser buffers (${s.buffers.map((b) => b.length).join(', ')}) do not fit this network's (${live.map((b) => b.length).join(', ')})`);
  }
  if (s.weights.length !== net.weightCount()) throw bad(`it holds ${s.weights.length} weights, model ${net.desc.name} has ${net.weightCount()}`);
  const names = Object.keys(streams ?? {}).sort();
  const stored = Object.keys(s.streams).sort();
  if (names.join('\n') !== stored.join('\n')) throw bad(`its random streams (${stored.join(', ') || 'none'}) differ from this training's (${names.join(', ') || 'none'})`);
  net.setWeights(s.weights);
  live.forEach((b, i) => b.set(s.buffers[i]));
  opt.setSteps(s.optimizerSteps);
  for (const n of names) streams![n].setState(s.streams[n]);
}
