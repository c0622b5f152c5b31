/**
 * Softmax cross-entropy, mean over the batch, numerically stable (log-sum-exp with the row max):
 *
 *   m_i = max_j z_ij,   lse_i = m_i + ln Σ_j exp(z_ij − m_i)
 *   L   = (1/n) Σ_i (lse_i − z_{i,y_i})
 *   ∂L/∂z_ij = (softmax(z_i)_j − [j = y_i]) / n,   softmax(z_i)_j = exp(z_ij − lse_i)
 *
 * Per-row sums run in float64 in a fixed order (deterministic). `dLogits` may be null (evaluation).
 * Also counts rows whose arg-max (first maximum) equals the label.
 */
export interface LossResult {
  /** mean loss over the n rows */
  loss: number;
  /** number of rows with argmax(z_i) = y_i */
  correct: number;
}

export function softmaxCrossEntropy(
  logits: Float32Array, labels: Uint8Array | ArrayLike<number>, labelOffset: number, n: number, classes: number,
  dLogits: Float32Array | null, out: LossResult = { loss: 0, correct: 0 },
): LossResult {
  let total = 0;
  let correct = 0;
  const invN = 1 / n;
  for (let i = 0; i < n; i++) {
    const o = i * classes;
    let m = logits[o];
    let arg = 0;
    for (let j = 1; j < classes; j++) {
      const v = logits[o + j];
      if (v > m) { m = v; arg = j; }
    }
    let s = 0;
    for (let j = 0; j < classes; j++) s += Math.exp(logits[o + j] - m);
    const lse = m + Math.log(s);
    const y = labels[labelOffset + i];
    if (!(y >= 0 && y < classes)) throw new Error(`label ${y} of row ${i} is outside 0..${classes - 1}`);
    total += lse - logits[o + y];
    if (arg === y) correct++;
    if (dLogits) {
      for (let j = 0; j < classes; j++) dLogits[o + j] = Math.exp(logits[o + j] - lse) * invN;
      dLogits[o + y] -= invN;
    }
  }
  out.loss = total / n;
  out.correct = correct;
  return out;
}
