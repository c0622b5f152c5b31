// BatchNorm at deployment (crossbar.batchNorm): folding γ/σ and β − γμ/σ into the preceding weight
// layer leaves the inference-mode function unchanged (float rounding only), inside residual blocks
// and after a Dense layer too; on an ideal crossbar the folded deployment computes the unfolded
// digital network's logits; the config records the choice only when it matters.
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { Deployment } from '../../src/methods/deploy.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import { foldBatchNorm } from '../../src/nn/fold_batch_norm.js';
import { buildModel } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { stream } from '../../src/util/rng.js';
import { uniform } from './gradcheck.js';
import { residualDesc } from './graph_network.js';

/** a network with non-trivial BN parameters and running statistics (γ, β, μ, σ² drawn) */
function net(): Network {
  const n = buildModel(residualDesc(), 7);
  const r = stream(7, 'test/fold');
  for (const l of n.allLayers()) {
    if (!(l instanceof BatchNorm)) continue;
    for (let c = 0; c < l.channels; c++) {
      l.gamma.value[c] = 0.5 + r.next();
      l.beta.value[c] = r.next() - 0.5;
      l.runningMean[c] = r.next() - 0.5;
      l.runningVar[c] = 0.2 + r.next();
    }
  }
  return n;
}

function maxRelErr(a: Float32Array, b: Float32Array): number {
  let m = 0, s = 0;
  for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(a[i])); }
  return m / s;
}

describe('BatchNorm folding', () => {
  const x = uniform(4 * 72, 'fold-x');

  it('folds every BN that follows a weight layer (stem, block body, projection shortcut, after a Dense)', () => {
    const a = net();
    const folded = foldBatchNorm(a);
    expect(folded).toEqual(['bn1', 'block1.bn1', 'block1.bn2', 'block2.bn1', 'block2.bn2', 'block2.shortcut.bn1', 'bn2']);
    expect(foldBatchNorm(a)).toEqual([]); // idempotent
  });

  it('folded forward = unfolded forward in inference mode (max relative error < 1e-5)', () => {
    const a = net(), b = net();
    const y0 = Float32Array.from(a.forward(x, 4, false));
    foldBatchNorm(b);
    const y1 = b.forward(x, 4, false);
    expect(maxRelErr(y0, y1)).toBeLessThan(1e-5);
    // and the folded weights are the hand formula W'_rc = W_rc·γ_c/√(σ²_c + ε) on the first conv
    const bn = a.allLayers().find((l) => l.name === 'bn1') as BatchNorm;
    const w = a.weightLayers()[0], wf = b.weightLayers()[0];
    const cols = w.op.cols;
    for (const [r, c] of [[0, 0], [5, 3], [17, 2]]) {
      const s = bn.gamma.value[c] / Math.sqrt(bn.runningVar[c] + bn.eps);
      expect(wf.op.weight.value[r * cols + c]).toBeCloseTo(w.op.weight.value[r * cols + c] * s, 6);
      expect(wf.bias.value[c]).toBeCloseTo(s * (w.bias.value[c] - bn.runningMean[c]) + bn.beta.value[c], 6);
    }
  });

  it('a folded BN is the identity in training mode too, frozen, with its statistics untouched; clone keeps it folded', () => {
    const b = net();
    foldBatchNorm(b);
    const bn = b.allLayers().find((l) => l.name === 'block1.bn1') as BatchNorm;
    const mu = Float32Array.from(bn.runningMean);
    const y = Float32Array.from(b.forward(x, 4, true));
    expect(bn.runningMean).toEqual(mu);
    expect(bn.gamma.trainable).toBe(false);
    const c = b.clone();
    expect(maxRelErr(y, c.forward(x, 4, true))).toBe(0);
  });

  it('deployment with crossbar.batchNorm fold on an ideal crossbar: logits of the unfolded digital network', () => {
    const a = net(), b = net();
    const y0 = Float32Array.from(a.forward(x, 4, false));
    const point: PointSpec = { ...DEFAULTS, crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16, batchNorm: 'fold' } };
    const d = new Deployment(b, point, true);
    for (const l of b.weightLayers()) expect(l.op).toBeInstanceOf(CrossbarMatrixOp);
    expect(d.programWrites).toBeGreaterThan(0);
    expect(maxRelErr(y0, b.forward(x, 4, false))).toBeLessThan(1e-4);
    // digital (default): the BN layers stay, not folded
    const c = net();
    new Deployment(c, { ...point, crossbar: { ...point.crossbar, batchNorm: 'digital' } }, true);
    expect(c.allLayers().filter((l) => l instanceof BatchNorm && l.folded)).toHaveLength(0);
    expect(maxRelErr(y0, c.forward(x, 4, false))).toBeLessThan(1e-4);
  });
});

describe('crossbar.batchNorm in the config', () => {
  it('default and digital are absent from the point; fold is recorded only for models with BatchNorm and methods that deploy', async () => {
    const plain = await planSweep({ model: 'resnet20', method: 'unaware' });
    const digital = await planSweep({ model: 'resnet20', method: 'unaware', crossbar: { batchNorm: 'digital' } });
    const fold = await planSweep({ model: 'resnet20', method: ['unaware', 'ideal'], crossbar: { batchNorm: 'fold' } });
    const mlp = await planSweep({ model: 'mlp', method: 'unaware', crossbar: { batchNorm: 'fold' } });
    expect('batchNorm' in plain.points[0].point.crossbar).toBe(false);
    expect(digital.points[0].hash).toBe(plain.points[0].hash);
    expect(fold.points[0].point.crossbar.batchNorm).toBe('fold');
    expect(fold.points[0].hash).not.toBe(plain.points[0].hash);
    expect('batchNorm' in fold.points[1].point.crossbar).toBe(false);
    expect('batchNorm' in mlp.points[0].point.crossbar).toBe(false);
  });

  it('a bad value names the field and the allowed values', async () => {
    await expect(planSweep({ crossbar: { batchNorm: 'analog' } })).rejects.toThrow(/^crossbar\.batchNorm: got "analog"; allowed: one of 'digital', 'fold'/);
  });
});
