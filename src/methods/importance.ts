/**
 * Weight importance of ITT-RNA (step 1).
 *
 * taylor (first-order Taylor saliency, Molchanov et al. 2017): the loss change when weight w_ij is
 * removed is ≈ |w_ij · ∂L/∂w_ij|. We accumulate it over B calibration batches as the sum of the
 * per-batch absolute values
 *
 *   I_ij = Σ_{b=1..B} | w_ij · g_ij^(b) |,   g^(b) = ∂L_b/∂w (mean cross-entropy of batch b)
 *
 * and not as |w_ij · Σ_b g_ij^(b)|: at a trained minimum the full-data gradient is ≈ 0, so the
 * absolute of the sum measures mostly noise that cancels, whereas the sum of absolutes keeps the
 * per-batch sensitivity (how much the loss of a typical batch reacts to the weight).
 * magnitude:  I_ij = |w_ij|.
 *
 * Per-layer normalisation: Î_ij = I_ij / mean_layer(I) (mean over all rows·cols weights of the
 * layer), so every layer's importance averages 1, the penalty weight λ means the same in every
 * layer, and the mapping cost of a layer does not depend on the gradient scale of its depth.
 * A layer whose importance is all 0 (or not finite) gets Î = 1 everywhere.
 *
 * Calibration batches: B batches of `batch` training examples drawn without replacement from
 * stream(seed, 'ittrna/calibration') (one shuffle of the training split), the same for every
 * call with the same seed. Forward in evaluation mode (training = false: no read noise).
 */
import type { Split } from '../data/dataset.js';
import type { Param } from '../nn/param.js';
import type { WeightLayer } from '../nn/weight_layer.js';
import { softmaxCrossEntropy } from '../nn/softmax_cross_entropy.js';
import { permutation, stream } from '../util/rng.js';
import { gatherSplitRows } from '../data/split_rows.js';

/** The part of `Network` (src/nn/network.ts) importance needs. */
export interface ImportanceNet {
  weightLayers(): WeightLayer[];
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  backward(dLogits: Float32Array, n: number): void;
  params(): Param[];
}

export interface ImportanceOptions {
  kind: 'taylor' | 'magnitude';
  calibrationBatches: number;
  batch: number;
  seed: number;
  classes: number;
}

/** I ← I / mean(I) in place (see file comment). */
export function normaliseImportance(I: Float32Array): Float32Array {
  let s = 0;
  for (let k = 0; k < I.length; k++) s += I[k];
  const mean = s / Math.max(1, I.length);
  if (!(mean > 0) || !Number.isFinite(mean)) { I.fill(1); return I; }
  const inv = 1 / mean;
  for (let k = 0; k < I.length; k++) I[k] *= inv;
  return I;
}

/** Raw (unnormalised) importance per weight layer name; `normalise` (default true) applies Î. */
export function computeImportance(
  net: ImportanceNet, split: Split, o: ImportanceOptions, normalise = true,
): Map<string, Float32Array> {
  const layers = net.weightLayers();
  const out = new Map<string, Float32Array>();
  for (const l of layers) out.set(l.name, new Float32Array(l.op.weight.value.length));
  if (o.kind === 'magnitude') {
    for (const l of layers) {
      const w = l.op.weight.value, I = out.get(l.name)!;
      for (let k = 0; k < w.length; k++) I[k] = Math.abs(w[k]);
    }
  } else {
    const feat = split.x.length / split.n;
    const batch = Math.max(1, Math.min(o.batch, split.n));
    const nb = Math.max(1, Math.min(o.calibrationBatches, Math.floor(split.n / batch)));
    const order = permutation(stream(o.seed, 'ittrna/calibration'), split.n);
    const xb = new Float32Array(batch * feat);
    const yb = new Uint8Array(batch);
    const dLogits = new Float32Array(batch * o.classes);
    const params = net.params();
    for (let b = 0; b < nb; b++) {
      // rows order[b·batch ..], through the split's per-example transform when it has one (a task)
      gatherSplitRows(split, order, b * batch, batch, feat, xb, yb);
      for (const p of params) p.grad.fill(0);
      const logits = net.forward(xb, batch, false);
      softmaxCrossEntropy(logits, yb, 0, batch, o.classes, dLogits);
      net.backward(dLogits, batch);
      for (const l of layers) {
        const w = l.op.weight.value, g = l.op.weight.grad, I = out.get(l.name)!;
        for (let k = 0; k < w.length; k++) I[k] += Math.abs(w[k] * g[k]);
      }
    }
    for (const p of params) p.grad.fill(0);
  }
  if (normalise) for (const I of out.values()) normaliseImportance(I);
  return out;
}
