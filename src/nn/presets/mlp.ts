/** Preset `mlp`: 784-300-100-10 MLP with ReLU (flatten → fc 300 → relu → fc 100 → relu → fc 10). */
import type { ModelDesc } from '../model.js';
import type { Preset, Shape3 } from './preset.js';

export function mlpDesc(input: Shape3 = [1, 28, 28]): ModelDesc {
  return {
    name: 'mlp',
    input,
    layers: [
      { type: 'flatten' },
      { type: 'dense', out: 300 }, { type: 'relu' },
      { type: 'dense', out: 100 }, { type: 'relu' },
      { type: 'dense', out: 10 },
    ],
  };
}

export const mlp: Preset = {
  describe: 'MLP 784-300-100-10, ReLU',
  defaultInput: [1, 28, 28],
  desc: (o) => mlpDesc(o.input),
};
