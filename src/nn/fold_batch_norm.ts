/**
 * BatchNorm folding at deployment (`crossbar.batchNorm: 'fold'`): a BatchNorm that directly
 * follows a weight layer (Dense or Conv2d, in the same chain: the top level, a block's body or its
 * shortcut) is merged into it, using the inference-mode statistics. With
 *   s_c = γ_c / √(σ²_run,c + ε)        (per output channel c = weight column c)
 * the weight layer y_c = Σ_r x_r W_rc + b_c followed by BN γ_c (y_c − μ_run,c)/√(σ²_run,c + ε) + β_c
 * equals one weight layer with
 *   W'_rc = s_c · W_rc,        b'_c = s_c · (b_c − μ_run,c) + β_c,
 * so the crossbar holds W' (each column scaled by s_c) and the BN becomes the identity
 * (BatchNorm.folded). Exact in real arithmetic for inference mode; in float32 it differs from the
 * unfolded network by rounding only. A BatchNorm after anything else (ReLU, pooling, an add, the
 * start of a chain) has no weight layer to fold into and stays digital. s_c and b'_c are computed
 * in float64 and rounded once.
 * Returns the names of the folded BatchNorm layers.
 */
import { BatchNorm } from './batch_norm.js';
import type { Layer } from './layer.js';
import type { Network } from './network.js';
import { ResidualBlock } from './residual_block.js';
import { isWeightLayer, type WeightLayer } from './weight_layer.js';

export function foldBatchNorm(net: Network): string[] {
  const folded: string[] = [];
  const visit = (chain: readonly Layer[]) => {
    for (let i = 0; i < chain.length; i++) {
      const l = chain[i];
      if (l instanceof ResidualBlock) {
        visit(l.body);
        visit(l.shortcut);
        continue;
      }
      const next = chain[i + 1];
      if (isWeightLayer(l) && next instanceof BatchNorm && !next.folded) {
        foldInto(l, next);
        folded.push(next.name);
      }
    }
  };
  visit(net.layers);
  return folded;
}

/** W'_rc = s_c·W_rc, b'_c = s_c·(b_c − μ_c) + β_c, then the BN is the identity */
export function foldInto(l: WeightLayer, bn: BatchNorm): void {
  const W = l.op.weight.value, b = l.bias.value;
  const rows = l.op.rows, cols = l.op.cols;
  if (cols !== bn.channels) throw new Error(`${bn.name}: ${bn.channels} channels cannot fold into ${l.name} with ${cols} outputs`);
  const g = bn.gamma.value, be = bn.beta.value, mu = bn.runningMean, v = bn.runningVar;
  const s = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    s[c] = g[c] / Math.sqrt(v[c] + bn.eps);
    b[c] = s[c] * (b[c] - mu[c]) + be[c];
  }
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) W[o + c] *= s[c];
  }
  bn.folded = true;
  bn.gamma.trainable = false;
  bn.beta.trainable = false;
}
