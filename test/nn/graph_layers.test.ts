import { mean, variance } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Dense } from '../../src/nn/dense.js';
import { GlobalAvgPool } from '../../src/nn/global_avg_pool.js';
import type { Layer } from '../../src/nn/layer.js';
import { ResidualBlock } from '../../src/nn/residual_block.js';
import { checkLayer, uniform } from './gradcheck.js';

/** BatchNorm, GlobalAvgPool and ResidualBlock: forward against independent oracles, gradients
 * against central finite differences (test/nn/gradcheck.ts; BN and the blocks below are smooth,
 * so the O(ε²) curvature error is far below the float32 rounding budget there). */

/** channel c of an NHWC batch (or feature c of a flat batch) as a plain array */
function channel(x: Float32Array, C: number, c: number): number[] {
  const out: number[] = [];
  for (let i = c; i < x.length; i += C) out.push(x[i]);
  return out;
}

/** a layer that runs `inner` in inference mode (checkLayer always passes training = true) */
function inferenceMode(inner: Layer): Layer {
  return {
    name: inner.name, kind: inner.kind, inShape: inner.inShape, outShape: inner.outShape,
    forward: (x, n) => inner.forward(x, n, false),
    backward: (dy, n, needDx) => inner.backward(dy, n, needDx),
    params: () => inner.params(),
  };
}

describe('BatchNorm', () => {
  it('training forward: per-channel batch statistics over N·H·W (mathjs oracle), running stats with momentum and unbiased variance', () => {
    const [n, H, W, C] = [3, 2, 3, 4];
    const bn = new BatchNorm('bn', [H, W, C], { momentum: 0.25, eps: 1e-3 });
    bn.gamma.value.set(uniform(C, 'g', 0.5, 2));
    bn.beta.value.set(uniform(C, 'b'));
    const x = uniform(n * H * W * C, 'bnx', -2, 3);
    const y = Float32Array.from(bn.forward(x, n, true));
    for (let c = 0; c < C; c++) {
      const xc = channel(x, C, c), yc = channel(y, C, c);
      expect(xc.length).toBe(n * H * W);
      const mu = mean(xc) as number, v = variance(xc, 'uncorrected') as number;
      const vu = variance(xc, 'unbiased') as number;
      for (let i = 0; i < xc.length; i++) {
        expect(yc[i]).toBeCloseTo(bn.gamma.value[c] * (xc[i] - mu) / Math.sqrt(v + 1e-3) + bn.beta.value[c], 5);
      }
      expect(bn.runningMean[c]).toBeCloseTo(0.75 * 0 + 0.25 * mu, 6);
      expect(bn.runningVar[c]).toBeCloseTo(0.75 * 1 + 0.25 * vu, 6);
    }
  });

  it('inference forward uses the running statistics (an affine map per feature; flat input)', () => {
    const [n, F] = [5, 3];
    const bn = new BatchNorm('bn', [F]);
    bn.runningMean.set([0.5, -1, 2]);
    bn.runningVar.set([4, 0.25, 1]);
    bn.gamma.value.set([2, 1, -1]);
    bn.beta.value.set([0, 1, 0.5]);
    const x = uniform(n * F, 'bnf');
    const y = bn.forward(x, n, false);
    for (let i = 0; i < n; i++) for (let f = 0; f < F; f++) {
      const e = bn.gamma.value[f] * (x[i * F + f] - bn.runningMean[f]) / Math.sqrt(bn.runningVar[f] + 1e-5) + bn.beta.value[f];
      expect(y[i * F + f]).toBeCloseTo(e, 5);
    }
    // inference does not move the running statistics
    expect(Array.from(bn.runningMean)).toEqual([0.5, -1, 2]);
  });

  it('gradients in training mode (NHWC conv activations and flat features)', () => {
    const bn = new BatchNorm('bn2d', [3, 2, 4]);
    bn.gamma.value.set(uniform(4, 'g2', 0.5, 1.5));
    bn.beta.value.set(uniform(4, 'b2'));
    expect(checkLayer(bn, uniform(2 * 3 * 2 * 4, 'x2d', -1, 2), 2)).toBe(48 + 4 + 4);
    const bf = new BatchNorm('bn1d', [5]);
    bf.gamma.value.set(uniform(5, 'g1', 0.5, 1.5));
    checkLayer(bf, uniform(6 * 5, 'x1d'), 6);
  });

  it('gradients in inference mode (running statistics)', () => {
    const bn = new BatchNorm('bnev', [2, 2, 3]);
    bn.runningMean.set([0.1, -0.2, 0.3]);
    bn.runningVar.set([0.5, 2, 1.5]);
    bn.gamma.value.set(uniform(3, 'g3', 0.5, 1.5));
    checkLayer(inferenceMode(bn), uniform(3 * 12, 'xev'), 3);
  });

  it('params are γ and β, state the running statistics', () => {
    const bn = new BatchNorm('b', [4]);
    expect(bn.params().map((p) => p.name)).toEqual(['b.gamma', 'b.beta']);
    expect(Array.from(bn.gamma.value)).toEqual([1, 1, 1, 1]);
    expect(bn.state().map((s) => Array.from(s))).toEqual([[0, 0, 0, 0], [1, 1, 1, 1]]);
  });
});

describe('GlobalAvgPool', () => {
  it('forward is the per-channel mean over H·W; gradients match finite differences', () => {
    const g = new GlobalAvgPool('gap', [3, 2, 5]);
    expect(g.outShape).toEqual([5]);
    const x = uniform(2 * 30, 'gapx');
    const y = g.forward(x, 2);
    for (let b = 0; b < 2; b++) for (let c = 0; c < 5; c++) {
      expect(y[b * 5 + c]).toBeCloseTo(mean(channel(x.subarray(b * 30, (b + 1) * 30), 5, c)) as number, 6);
    }
    checkLayer(g, x, 2);
  });
});

describe('ResidualBlock', () => {
  it('identity shortcut: y = F(x) + x, gradients of x and every body param', () => {
    const f1 = new Dense('b.fc1', 6, 4), bn = new BatchNorm('b.bn1', [4]), f2 = new Dense('b.fc2', 4, 6);
    f1.op.weight.value.set(uniform(24, 'rw1')); f1.bias.value.set(uniform(4, 'rb1'));
    f2.op.weight.value.set(uniform(24, 'rw2')); f2.bias.value.set(uniform(6, 'rb2'));
    const block = new ResidualBlock('b', [6], [f1, bn, f2], []);
    const x = uniform(4 * 6, 'rx');
    const y = Float32Array.from(block.forward(x, 4, true));
    // oracle: the body's chain output plus x
    const fx = f2.forward(bn.forward(f1.forward(x, 4, true), 4, true), 4, true);
    for (let i = 0; i < y.length; i++) expect(y[i]).toBeCloseTo(fx[i] + x[i], 6);
    expect(block.params().map((p) => p.name)).toEqual(['b.fc1.weight', 'b.fc1.bias', 'b.bn1.gamma', 'b.bn1.beta', 'b.fc2.weight', 'b.fc2.bias']);
    expect(checkLayer(block, x, 4)).toBe(24 + 24 + 4 + 4 + 4 + 24 + 6);
  });

  it('projection shortcut (strided 1x1 conv + BN) on NHWC images: gradients of x, body and shortcut', () => {
    const c1 = new Conv2d('p.conv1', [5, 5, 2], 3, { kernel: 3, stride: 2, pad: 1 });
    const bn1 = new BatchNorm('p.bn1', c1.outShape);
    const c2 = new Conv2d('p.conv2', c1.outShape, 3, { kernel: 3, pad: 1 });
    const sc = new Conv2d('p.shortcut.conv1', [5, 5, 2], 3, { kernel: 1, stride: 2 });
    const sbn = new BatchNorm('p.shortcut.bn1', sc.outShape);
    for (const [l, s] of [[c1, 'pc1'], [c2, 'pc2'], [sc, 'psc']] as const) {
      l.op.weight.value.set(uniform(l.op.weight.value.length, s));
      l.bias.value.set(uniform(l.bias.value.length, `${s}b`));
    }
    const block = new ResidualBlock('p', [5, 5, 2], [c1, bn1, c2], [sc, sbn]);
    expect(block.outShape).toEqual([3, 3, 3]);
    expect(block.sublayers().map((l) => l.name)).toEqual(['p.conv1', 'p.bn1', 'p.conv2', 'p.shortcut.conv1', 'p.shortcut.bn1']);
    checkLayer(block, uniform(2 * 50, 'px'), 2, { maxChecks: 120 });
  });

  it('shape mismatch between the branches is refused, naming both shapes', () => {
    expect(() => new ResidualBlock('bad', [6], [new Dense('bad.fc1', 6, 4)], [])).toThrow(/body output \[4\] and shortcut output \[6\]/);
  });
});

describe('buffers are reused per batch size (no allocation in a steady-state step)', () => {
  it('BatchNorm, GlobalAvgPool and ResidualBlock return the same output and gradient arrays on repeated calls', () => {
    const bn = new BatchNorm('bn', [2, 2, 3]);
    const g = new GlobalAvgPool('gap', [2, 2, 3]);
    const block = new ResidualBlock('b', [4], [new Dense('b.fc1', 4, 4), new BatchNorm('b.bn1', [4])], []);
    for (const [l, n, len] of [[bn, 3, 12], [g, 3, 12], [block, 5, 4]] as const) {
      const x = uniform(n * len, `reuse/${l.name}`);
      const y1 = l.forward(x, n, true), d1 = l.backward(y1, n, true);
      const y2 = l.forward(x, n, true), d2 = l.backward(y2, n, true);
      expect(y2).toBe(y1);
      expect(d2).toBe(d1);
    }
  });
});
