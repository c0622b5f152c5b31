/**
 * Joint multi-task training (Crab's setting: the shared adapter, all heads and the router trained
 * together over every task), with per-task output heads.
 *
 * Interleaved round-robin mini-batches: in epoch e every task t's first m_t examples
 * (m_t = min(limit, n_t)) are shuffled by Fisher–Yates from stream `<shuffleStream>/task<t>/epoch<e>`
 * and cut into S_t = ⌈m_t / B⌉ batches. The epoch has S = max_t S_t rounds; round s runs, for
 * t = 0..T−1 in order, one SGD step on task t's batch (s mod S_t) (a smaller task wraps around):
 *
 *   select(t) (its adapters' head selection and output head); zero grads; forward; softmax-CE;
 *   backward; step the shared params (one SGD state) and task t's own params (its own SGD state,
 *   so an unselected head is not moved by momentum).
 *
 * Reported per-task mean training loss (float64, in step order).
 */
import type { Split } from '../../data/dataset.js';
import { gatherSplitRows } from '../../data/split_rows.js';
import { allocF32 } from '../../kernels/alloc.js';
import type { Network } from '../../nn/network.js';
import type { Param } from '../../nn/param.js';
import { SGD, zeroGrads } from '../../nn/sgd.js';
import { softmaxCrossEntropy, type LossResult } from '../../nn/softmax_cross_entropy.js';
import { checkFields } from '../../util/spec_field.js';
import { TRAIN_FIELDS, type TrainSpec } from '../../nn/train_spec.js';
import { permutation, stream } from '../../util/rng.js';
import { UserError } from '../../util/errors.js';

export interface JointOptions {
  seed: number | string;
  /** first `limit` examples of each task (0 = all) */
  limit?: number;
  /** stream prefix (default 'multitask/joint') */
  shuffleStream?: string;
  /** route the network to task t (heads, adapters) */
  select(t: number): void;
  /** params shared by all tasks */
  shared: Param[];
  /** params[t]: task t's own params (its head) */
  own: Param[][];
}

export interface JointResult {
  steps: number;
  /** per epoch, per task: mean training loss */
  loss: number[][];
}

export function trainJoint(net: Network, splits: Split[], spec: TrainSpec, o: JointOptions): JointResult {
  checkFields(spec, TRAIN_FIELDS, 'train');
  const T = splits.length;
  if (T < 1 || o.own.length !== T) throw new RangeError(`trainJoint: ${T} splits, ${o.own.length} own param sets`);
  const d = net.inputSize, classes = net.classes;
  const m = splits.map((s) => (o.limit && o.limit > 0 ? Math.min(o.limit, s.n) : s.n));
  m.forEach((mt, t) => { if (mt === 0) throw new UserError(`task ${t}: split '${splits[t].name}' is empty`, 'tasks'); });
  const B = Math.min(spec.batch, ...m);
  const S = m.map((mt) => Math.ceil(mt / B));
  const rounds = Math.max(...S);
  const sgdShared = new SGD(o.shared, spec);
  const sgdOwn = o.own.map((p) => new SGD(p, spec));
  const xb = allocF32(B * d), yb = new Uint8Array(B), dl = allocF32(B * classes);
  const perms = m.map((mt) => new Int32Array(mt));
  const prefix = o.shuffleStream ?? 'multitask/joint';
  const lr: LossResult = { loss: 0, correct: 0 };
  const loss: number[][] = [];
  let steps = 0;
  for (let e = 0; e < spec.epochs; e++) {
    perms.forEach((p, t) => permutation(stream(o.seed, `${prefix}/task${t}/epoch${e}`), m[t], p));
    const sum = new Float64Array(T), cnt = new Float64Array(T);
    for (let s = 0; s < rounds; s++) {
      for (let t = 0; t < T; t++) {
        const start = (s % S[t]) * B;
        const b = Math.min(B, m[t] - start);
        // exact-length views: only the last (smaller) batch of a task needs a new one
        const x = b === B ? xb : xb.subarray(0, b * d), g = b === B ? dl : dl.subarray(0, b * classes);
        gatherSplitRows(splits[t], perms[t], start, b, d, x, yb);
        o.select(t);
        zeroGrads(o.shared);
        zeroGrads(o.own[t]);
        const logits = net.forward(x, b, true);
        softmaxCrossEntropy(logits, yb, 0, b, classes, g, lr);
        net.backward(g, b);
        sgdShared.step();
        sgdOwn[t].step();
        sum[t] += lr.loss * b; cnt[t] += b;
        steps++;
      }
    }
    loss.push(Array.from(sum, (v, t) => v / cnt[t]));
  }
  return { steps, loss };
}
