/**
 * The model presets, by name: the ONE registration line per preset. `MODEL_PRESETS` and
 * `ModelName` (src/nn/model.ts) are derived from this object; its key order is the order of the
 * `model` choices in --help.
 */
import { lenet5 } from './lenet5.js';
import { mlp } from './mlp.js';
import type { Preset } from './preset.js';
import { resnet20 } from './resnet20.js';
import { vgg8 } from './vgg8.js';
import { vitCifar, vitCodes, vitMnist } from './vit.js';

export const PRESETS = {
  mlp,
  lenet5,
  resnet20,
  vgg8,
  'vit-mnist': vitMnist,
  'vit-cifar': vitCifar,
  'vit-codes': vitCodes,
} as const satisfies Record<string, Preset>;
