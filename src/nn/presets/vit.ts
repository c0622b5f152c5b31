/**
 * ViT presets (architecture in src/nn/vit.ts), all pre-LN, width D = 64, 4 heads, MLP
 * 128, GELU, class token, xavier-uniform weights, zero biases:
 *
 *   'vit-mnist'  [1, 28, 28]: 7×7 patches → 16 tokens + cls, 2 blocks.   Parameters by hand:
 *                patch 49·64+64 = 3,200; cls 64; pos 17·64 = 1,088; per block LN 2·128,
 *                q/k/v/o 4·(64·64+64) = 16,640, fc1 64·128+128 = 8,320, fc2 128·64+64 = 8,256
 *                → 33,472, ×2 = 66,944; final LN 128; head 64·10+10 = 650.  Total 72,074.
 *   'vit-cifar'  [3, 32, 32]: 4×4 patches → 64 tokens + cls, 4 blocks.   patch 48·64+64 = 3,136;
 *                cls 64; pos 65·64 = 4,160; 4 blocks 133,888; LN 128; head 650.  Total 142,026.
 *   'vit-codes'  [1, 28, 28] as a token sequence: 4×4 patches → 16 codes each (patch_code.ts) →
 *                49 tokens + cls → Embedding(16, 64), 2 blocks.   embed 16·64+64 = 1,088; cls 64;
 *                pos 50·64 = 3,200; 2 blocks 66,944; LN 128; head 650.  Total 72,074.
 *
 * The input must fit the patch size (7 | 28, 4 | 32): another shape is a UserError naming `model`.
 */
import { UserError } from '../../util/errors.js';
import type { ModelDesc } from '../model.js';
import { vitCifarDesc, vitCodesDesc, vitMnistDesc } from '../vit.js';
import type { Preset, PresetOptions, Shape3 } from './preset.js';

function fitted(name: string, make: (o: { input: Shape3 }) => ModelDesc, patch: number, design: Shape3) {
  return (o: PresetOptions): ModelDesc => {
    const input = o.input ?? design;
    if (input[1] % patch !== 0 || input[2] % patch !== 0) {
      throw new UserError(`model '${name}' cuts ${patch}x${patch} patches: its input must be H x W multiples of ${patch}, got [${input.join(', ')}] (C, H, W); allowed data sets: ${name === 'vit-cifar' ? 'cifar10, cifar10-jpeg' : 'mnist, mnist-embedded, fashion-mnist'}`, 'model');
    }
    return make({ input });
  };
}

export const vitMnist: Preset = {
  describe: 'ViT 7x7 patches, width 64, 2 blocks, 4 heads, MLP 128, class token (MNIST-sized)',
  defaultInput: [1, 28, 28],
  desc: fitted('vit-mnist', (o) => vitMnistDesc(o), 7, [1, 28, 28]),
};

export const vitCifar: Preset = {
  describe: 'ViT 4x4 patches, width 64, 4 blocks, 4 heads, MLP 128, class token (CIFAR-sized)',
  defaultInput: [3, 32, 32],
  desc: fitted('vit-cifar', (o) => vitCifarDesc(o), 4, [3, 32, 32]),
};

export const vitCodes: Preset = {
  describe: 'ViT on token ids: 4x4 patches quantised to 16 codes, Embedding(16, 64), 2 blocks, 4 heads',
  defaultInput: [1, 28, 28],
  desc: fitted('vit-codes', (o) => vitCodesDesc(o), 4, [1, 28, 28]),
};
