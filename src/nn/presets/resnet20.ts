/**
 * Preset `resnet20`: the CIFAR ResNet of He et al. 2016 ("Deep Residual Learning", §4.2) with
 * n = 3: depth 6n + 2 = 20.
 *
 *   conv 16@3x3 pad 1 → BN → ReLU
 *   stage s = 1, 2, 3 (channels 16, 32, 64): 3 basic blocks; the first block of stages 2 and 3
 *     has stride 2 (32x32 → 16x16 → 8x8). Basic block: y = ReLU(F(x) + S(x)),
 *     F = conv 3x3 (stride) → BN → ReLU → conv 3x3 → BN;
 *     S = identity when the shape is unchanged, else a projection 1x1 conv stride 2 → BN
 *     (He et al.'s option B; their CIFAR net used option A, a parameter-free zero-padded
 *     identity, which this network graph does not provide: a projection costs 16·32 + 32·64 =
 *     2,560 weights more, +1 % of the network)
 *   global average pool (8x8 → 1) → fc 10
 *   init: He normal weights (He et al. 2015, as the paper), zero biases
 *
 * Parameters (this project: every conv has a bias): conv/fc weights 267,696 + 640, projection
 * weights 2,560, BN γ/β 1,376 + 192 (projection BNs), conv biases 688 + 96, fc bias 10 =
 * 273,258 (He et al.'s 0.27 M = 269,722 with option A and bias-free convs). A conv bias followed
 * by BN is redundant: training-mode BN subtracts the batch mean, so ∂L/∂b = 0 and b only shifts
 * the running mean (docs/formulas.md, "BatchNorm at deployment").
 */
import type { LayerSpec, ModelDesc } from '../model.js';
import type { Preset, Shape3 } from './preset.js';

function basicBlock(out: number, stride: number, project: boolean): LayerSpec[] {
  const block: LayerSpec = {
    type: 'residual',
    body: [
      { type: 'conv2d', out, kernel: 3, stride, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
      { type: 'conv2d', out, kernel: 3, pad: 1 }, { type: 'batchnorm' },
    ],
  };
  if (project) block.shortcut = [{ type: 'conv2d', out, kernel: 1, stride }, { type: 'batchnorm' }];
  return [block, { type: 'relu' }];
}

export function resnet20Desc(input: Shape3 = [3, 32, 32], classes = 10): ModelDesc {
  const layers: LayerSpec[] = [{ type: 'conv2d', out: 16, kernel: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' }];
  let inC = 16;
  for (const [s, out] of [16, 32, 64].entries()) {
    for (let b = 0; b < 3; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      layers.push(...basicBlock(out, stride, stride !== 1 || inC !== out));
      inC = out;
    }
  }
  layers.push({ type: 'globalavgpool' }, { type: 'dense', out: classes });
  // He et al. initialise with He (Kaiming) normal weights; biases start at 0
  return { name: 'resnet20', input, layers, init: { weights: 'he-normal', bias: 'zero' } };
}

export const resnet20: Preset = {
  describe: 'ResNet-20 (He et al. 2016, CIFAR; projection shortcuts), 0.27 M parameters',
  defaultInput: [3, 32, 32],
  desc: (o) => resnet20Desc(o.input),
};
