/**
 * Preset `vgg8`: the VGG-8 of NeuroSim's CIFAR-10 benchmark (neurosim/DNN_NeuroSim_V1.3,
 * Inference_pytorch/models/VGG.py, cfg_list['vgg8'] and class VGG):
 *
 *   conv 128@3x3 'same' → ReLU → conv 128 → ReLU → maxpool 2
 *   conv 256 → ReLU → conv 256 → ReLU → maxpool 2
 *   conv 512 → ReLU → conv 512 → ReLU → maxpool 2          (32x32 → 4x4x512 = 8,192)
 *   fc 8192 → 1024 → ReLU → fc 1024 → 10
 *
 * No BatchNorm (as NeuroSim). Parameters here (every layer has a bias): weights 12,973,440 +
 * biases 2,826 = 12,976,266. On 128x128 differential tiles the fc1 matrix alone is 64 x 8 tiles.
 *
 * Init: He (Kaiming) normal weights N(0, 2/fan_in), zero biases (He et al. 2015). With PyTorch's
 * default U(±1/√fan_in) the variance of a ReLU activation shrinks by 6× per layer, so this 8-layer
 * stack without BatchNorm did not learn at all in 3 epochs on 1,500 cifar10-jpeg images (8.4 %
 * test accuracy; PyTorch with the same default init: loss 2.302 after epoch 1; docs/cifar.md).
 */
import type { ModelDesc } from '../model.js';
import type { Preset, Shape3 } from './preset.js';

export function vgg8Desc(input: Shape3 = [3, 32, 32], classes = 10): ModelDesc {
  const conv = (out: number) => [{ type: 'conv2d', out, kernel: 3, pad: 1 }, { type: 'relu' }] as const;
  const pool = { type: 'pool', pool: 'max', kernel: 2 } as const;
  return {
    name: 'vgg8',
    input,
    layers: [
      ...conv(128), ...conv(128), pool,
      ...conv(256), ...conv(256), pool,
      ...conv(512), ...conv(512), pool,
      { type: 'flatten' },
      { type: 'dense', out: 1024 }, { type: 'relu' },
      { type: 'dense', out: classes },
    ],
    init: { weights: 'he-normal', bias: 'zero' },
  };
}

export const vgg8: Preset = {
  describe: "VGG-8 (NeuroSim's CIFAR-10 benchmark: conv 128,128, 256,256, 512,512, fc 1024, 10)",
  defaultInput: [3, 32, 32],
  desc: (o) => vgg8Desc(o.input),
};
