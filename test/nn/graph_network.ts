/**
 * A small residual test network (helper, not a test file) for the network-graph tests: conv + BN
 * stem, a block with an identity shortcut, a strided block with a projection shortcut (1x1 conv +
 * BN), global average pooling, a per-feature BN after a Dense layer, a Dense block with an
 * identity shortcut, and the logits. Input [2, 6, 6] (or [1, 4, 4] for the synthetic data sets).
 */
import type { ModelDesc } from '../../src/nn/model.js';

export function residualDesc(input: [number, number, number] = [2, 6, 6], classes = 3): ModelDesc {
  return {
    name: 'resnet-test',
    input,
    layers: [
      { type: 'conv2d', out: 4, kernel: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
      {
        type: 'residual',
        body: [
          { type: 'conv2d', out: 4, kernel: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
          { type: 'conv2d', out: 4, kernel: 3, pad: 1 }, { type: 'batchnorm' },
        ],
      },
      { type: 'relu' },
      {
        type: 'residual',
        body: [
          { type: 'conv2d', out: 6, kernel: 3, stride: 2, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
          { type: 'conv2d', out: 6, kernel: 3, pad: 1 }, { type: 'batchnorm' },
        ],
        shortcut: [{ type: 'conv2d', out: 6, kernel: 1, stride: 2 }, { type: 'batchnorm' }],
      },
      { type: 'relu' },
      { type: 'globalavgpool' },
      { type: 'dense', out: 5 }, { type: 'batchnorm' }, { type: 'relu' },
      { type: 'residual', body: [{ type: 'dense', out: 5 }] },
      { type: 'dense', out: classes },
    ],
    init: { weights: 'he-normal', bias: 'uniform' },
  };
}

export const RESIDUAL_WEIGHT_LAYERS = [
  'conv1', 'block1.conv1', 'block1.conv2', 'block2.conv1', 'block2.conv2', 'block2.shortcut.conv1',
  'fc1', 'block3.fc1', 'fc2',
];

/**
 * ResNet-20 for CIFAR (He et al. 2016, §4.2: 3x3 conv 16, then 3 stages of 3 basic blocks with
 * 16, 32, 64 channels, stride 2 at the first block of stages 2 and 3, global average pooling,
 * fc 10) as a description, with 1x1 projection shortcuts where the shape changes (the paper's
 * option B; option A, zero-padded identity, would need a channel-padding layer). Convs carry
 * biases (this simulator's conv always has one).
 */
export function resnet20Desc(): ModelDesc {
  const conv = (out: number, stride = 1) => ({ type: 'conv2d' as const, out, kernel: 3, stride, pad: 1 });
  const bn = { type: 'batchnorm' as const }, relu = { type: 'relu' as const };
  const layers: ModelDesc['layers'] = [conv(16), bn, relu];
  for (const [c, s] of [[16, 1], [32, 2], [64, 2]]) {
    for (let i = 0; i < 3; i++) {
      const stride = i === 0 ? s : 1;
      layers.push({
        type: 'residual',
        body: [conv(c, stride), bn, relu, conv(c), bn],
        ...(stride > 1 ? { shortcut: [{ type: 'conv2d' as const, out: c, kernel: 1, stride }, bn] } : {}),
      }, relu);
    }
  }
  layers.push({ type: 'globalavgpool' }, { type: 'dense', out: 10 });
  return { name: 'resnet20', input: [3, 32, 32], layers, init: { weights: 'he-normal', bias: 'zero' } };
}
