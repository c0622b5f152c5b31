// Presets resnet20 and vgg8: registered by name, parameter counts against a hand
// count, the same network as the independent ResNet-20 description of the graph tests, and one
// forward/backward + SGD step on a tiny batch (full training is a benchmark, not a test).
import { describe, expect, it } from 'vitest';
import { buildModel, MODEL_PRESETS, modelSize, presetDesc } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { SGD, zeroGrads } from '../../src/nn/sgd.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { resnet20Desc as graphResnet20 } from './graph_network.js';
import { uniform } from './gradcheck.js';

const paramCount = (net: Network) => net.params().reduce((s, p) => s + p.value.length, 0);

/** loss on a fixed batch, then one SGD step; returns [loss before, loss after] and grad norms */
function stepOnce(net: Network, n: number, lr: number): { before: number; after: number; gradNorm: number } {
  const x = uniform(n * net.inputSize, `preset-batch/${net.desc.name}`);
  const y = Uint8Array.from({ length: n }, (_, i) => i % 10);
  const dl = new Float32Array(n * 10);
  const r = { loss: 0, correct: 0 };
  const params = net.params();
  zeroGrads(params);
  softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, 10, dl, r);
  const before = r.loss;
  net.backward(dl, n);
  let g2 = 0;
  for (const p of params) for (const v of p.grad) g2 += v * v;
  new SGD(params, { lr, momentum: 0, weightDecay: 0 }).step();
  softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, 10, null, r);
  return { before, after: r.loss, gradNorm: Math.sqrt(g2) };
}

describe('presets', () => {
  it('the registry lists mlp, lenet5, resnet20, vgg8, then the ViT presets (order = --help order)', () => {
    expect(MODEL_PRESETS).toEqual(['mlp', 'lenet5', 'resnet20', 'vgg8', 'vit-mnist', 'vit-cifar', 'vit-codes']);
  });

  it('resnet20: the graph tests\' independent ResNet-20 description, 22 weight layers, 273,258 parameters', () => {
    const d = presetDesc('resnet20', { input: [3, 32, 32] });
    expect(d.input).toEqual([3, 32, 32]);
    const net = buildModel(d, 0);
    // same layers, names, shapes and initial weights as the graph tests' own ResNet-20 description
    const other = buildModel(graphResnet20(), 0);
    expect(net.weightLayers().map((l) => [l.name, l.op.rows, l.op.cols])).toEqual(other.weightLayers().map((l) => [l.name, l.op.rows, l.op.cols]));
    expect(net.weightsSha256()).toBe(other.weightsSha256());
    expect(net.weightLayers()).toHaveLength(22);
    // hand count (see src/nn/presets/resnet20.ts): conv/fc weights + projections + BN γ/β + biases
    const convW = 27 * 16 + 6 * 144 * 16 + (144 * 32 + 5 * 288 * 32) + (288 * 64 + 5 * 576 * 64);
    expect(convW + 640).toBe(267_696 + 640);
    const bn = 2 * (16 + 6 * 16 + 6 * 32 + 6 * 64) + 2 * (32 + 64);
    const biases = (16 + 6 * 16 + 6 * 32 + 6 * 64) + (32 + 64) + 10;
    expect(convW + 640 + 2560 + bn + biases).toBe(273_258);
    expect(paramCount(net)).toBe(273_258);
    expect(net.layers.map((l) => l.outShape).slice(-3)).toEqual([[8, 8, 64], [64], [10]]);
  });

  it('vgg8: NeuroSim\'s layer list, 12,976,266 parameters, 4x4x512 = 8192 features into fc1', () => {
    const net = buildModel(presetDesc('vgg8', { input: [3, 32, 32] }), 0);
    const shapes = net.weightLayers().map((l) => [l.name, l.op.rows, l.op.cols]);
    expect(shapes).toEqual([
      ['conv1', 27, 128], ['conv2', 1152, 128], ['conv3', 1152, 256], ['conv4', 2304, 256],
      ['conv5', 2304, 512], ['conv6', 4608, 512], ['fc1', 8192, 1024], ['fc2', 1024, 10],
    ]);
    const hand = (3 * 9 * 128 + 128) + (128 * 9 * 128 + 128) + (128 * 9 * 256 + 256) + (256 * 9 * 256 + 256)
      + (256 * 9 * 512 + 512) + (512 * 9 * 512 + 512) + (8192 * 1024 + 1024) + (1024 * 10 + 10);
    expect(hand).toBe(12_976_266);
    expect(paramCount(net)).toBe(hand);
    // the allocation-free size estimate of model.ts agrees (weights without biases)
    expect(modelSize(presetDesc('vgg8')).weights).toBe(hand - 2826);
    expect(modelSize(presetDesc('resnet20')).weights).toBe(267_696 + 640 + 2560);
  });

  it('resnet20: forward/backward on a batch of 4 in training mode gives finite, non-zero gradients and a step lowers the loss', () => {
    const r = stepOnce(buildModel(presetDesc('resnet20', { input: [3, 32, 32] }), 1), 4, 0.05);
    expect(Number.isFinite(r.before) && Number.isFinite(r.after)).toBe(true);
    expect(r.gradNorm).toBeGreaterThan(0);
    expect(r.after).toBeLessThan(r.before);
  }, 60_000);

  it('vgg8: forward/backward on a batch of 2 gives finite, non-zero gradients and a step lowers the loss', () => {
    const r = stepOnce(buildModel(presetDesc('vgg8', { input: [3, 32, 32] }), 1), 2, 0.01);
    expect(Number.isFinite(r.before) && Number.isFinite(r.after)).toBe(true);
    expect(r.gradNorm).toBeGreaterThan(0);
    expect(r.after).toBeLessThan(r.before);
  }, 120_000);
});
