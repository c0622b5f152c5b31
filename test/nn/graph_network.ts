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
