import { describe, expect, it } from 'vitest';
import { AvgPool2d } from '../../src/nn/avg_pool2d.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import { Dense } from '../../src/nn/dense.js';
import { Flatten } from '../../src/nn/flatten.js';
import { MaxPool2d } from '../../src/nn/max_pool2d.js';
import { ReLU } from '../../src/nn/relu.js';
import { stream } from '../../src/util/rng.js';
import { checkLayer, uniform } from './gradcheck.js';

describe('layer gradients vs central finite differences', () => {
  it('Dense', () => {
    const l = new Dense('fc', 7, 5);
    l.op.weight.value.set(uniform(35, 'w'));
    l.bias.value.set(uniform(5, 'b'));
    const x = uniform(3 * 7, 'x');
    expect(checkLayer(l, x, 3)).toBe(21 + 35 + 5);
  });

  it('Dense reads a multi-dimensional input as flat', () => {
    const l = new Dense('fc', [2, 3, 2], 4);
    l.op.weight.value.set(uniform(48, 'w2'));
    expect(l.inFeatures).toBe(12);
    checkLayer(l, uniform(2 * 12, 'x2'), 2);
  });

  it('Conv2d with stride 2 and padding 1 (odd sizes, C=3)', () => {
    const l = new Conv2d('conv', [7, 6, 3], 4, { kernel: 3, stride: 2, pad: 1 });
    expect(l.outShape).toEqual([4, 3, 4]); // OH = floor((7+2-3)/2)+1 = 4, OW = floor((6+2-3)/2)+1 = 3
    expect([l.op.rows, l.op.cols]).toEqual([27, 4]);
    l.op.weight.value.set(uniform(27 * 4, 'cw'));
    l.bias.value.set(uniform(4, 'cb'));
    checkLayer(l, uniform(2 * 7 * 6 * 3, 'cx'), 2, { maxChecks: 300 });
  });

  it('Conv2d forward equals a direct convolution (float64 oracle)', () => {
    const [H, W, C, O, k, s, p, n] = [6, 5, 2, 3, 3, 2, 2, 2];
    const l = new Conv2d('conv', [H, W, C], O, { kernel: k, stride: s, pad: p });
    const w = uniform(k * k * C * O, 'dw'); l.op.weight.value.set(w);
    const b = uniform(O, 'db'); l.bias.value.set(b);
    const x = uniform(n * H * W * C, 'dx');
    const y = l.forward(x, n, false);
    const [OH, OW] = [l.OH, l.OW];
    let maxErr = 0;
    for (let b0 = 0; b0 < n; b0++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) for (let o = 0; o < O; o++) {
      let acc = b[o];
      for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let c = 0; c < C; c++) {
        const iy = oy * s - p + ky, ix = ox * s - p + kx;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        acc += x[((b0 * H + iy) * W + ix) * C + c] * w[((ky * k + kx) * C + c) * O + o];
      }
      maxErr = Math.max(maxErr, Math.abs(acc - y[((b0 * OH + oy) * OW + ox) * O + o]));
    }
    expect(maxErr).toBeLessThan(1e-5);
  });

  it('MaxPool2d (non-overlapping and overlapping windows)', () => {
    // distinct values 0.05 apart (> 2ε), so no tie lies within ±ε
    const distinct = (len: number, seed: string) => {
      const r = stream(0, seed);
      const v = Array.from({ length: len }, (_, i) => (i - len / 2) * 0.05);
      for (let i = len - 1; i > 0; i--) { const j = r.int(i + 1); [v[i], v[j]] = [v[j], v[i]]; }
      return Float32Array.from(v);
    };
    const a = new MaxPool2d('pool', [6, 4, 3], 2);
    expect(a.outShape).toEqual([3, 2, 3]);
    checkLayer(a, distinct(2 * 6 * 4 * 3, 'm1'), 2);
    const b = new MaxPool2d('pool', [7, 7, 2], 3, 2);
    expect(b.outShape).toEqual([3, 3, 2]);
    checkLayer(b, distinct(2 * 7 * 7 * 2, 'm2'), 2);
  });

  it('MaxPool2d picks the window maximum', () => {
    const p = new MaxPool2d('pool', [2, 2, 1], 2);
    expect(Array.from(p.forward(Float32Array.from([1, -3, 7, 2]), 1, false))).toEqual([7]);
  });

  it('MaxPool2d ties: the first maximum in scan order gets the gradient (2x2 fast path and general path)', () => {
    const a = new MaxPool2d('pool', [2, 2, 1], 2);
    a.forward(new Float32Array(4).fill(1), 1, true);
    expect(Array.from(a.backward(Float32Array.from([5]), 1, true)!)).toEqual([5, 0, 0, 0]);
    const b = new MaxPool2d('pool', [3, 3, 1], 3, 1);
    b.forward(new Float32Array(9).fill(1), 1, true);
    expect(Array.from(b.backward(Float32Array.from([5]), 1, true)!)).toEqual([5, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it('AvgPool2d (non-overlapping and overlapping windows)', () => {
    checkLayer(new AvgPool2d('avg', [6, 4, 3], 2), uniform(2 * 6 * 4 * 3, 'a1'), 2);
    checkLayer(new AvgPool2d('avg', [7, 7, 2], 3, 2), uniform(2 * 7 * 7 * 2, 'a2'), 2);
  });

  it('ReLU (inputs kept > 2ε away from the kink at 0)', () => {
    const x = uniform(3 * 10, 'r');
    for (let i = 0; i < x.length; i++) x[i] = Math.sign(x[i] || 1) * (0.05 + Math.abs(x[i]));
    checkLayer(new ReLU('relu', [10]), x, 3);
  });

  it('Flatten is the identity on NHWC data', () => {
    const f = new Flatten('flat', [2, 3, 4]);
    expect(f.outShape).toEqual([24]);
    const x = uniform(2 * 24, 'f');
    expect(f.forward(x, 2, true)).toEqual(x);
    checkLayer(f, x, 2);
  });

  it('buffers are reused across steps and resized with the batch', () => {
    const l = new Dense('fc', 4, 3);
    const y1 = l.forward(uniform(8, 'a'), 2, true);
    const y2 = l.forward(uniform(8, 'b'), 2, true);
    expect(y2).toBe(y1); // same view object: nothing allocated for an unchanged batch size
    const y3 = l.forward(uniform(20, 'c'), 5, true);
    expect(y3.length).toBe(15);
    expect(l.forward(uniform(4, 'd'), 1, true).length).toBe(3);
  });
});
