/**
 * Preset `lenet5`: conv 6@5x5 pad 2 → relu → pool 2 → conv 16@5x5 → relu → pool 2 → fc 120 →
 * fc 84 → fc 10 (ReLU); pool 'max' (name 'lenet5') or 'avg' (name 'lenet5-avg').
 */
import type { ModelDesc } from '../model.js';
import type { Preset, Shape3 } from './preset.js';

export function lenet5Desc(pool: 'max' | 'avg' = 'max', input: Shape3 = [1, 28, 28]): ModelDesc {
  return {
    name: pool === 'max' ? 'lenet5' : 'lenet5-avg',
    input,
    layers: [
      { type: 'conv2d', out: 6, kernel: 5, pad: 2 }, { type: 'relu' },
      { type: 'pool', pool, kernel: 2 },
      { type: 'conv2d', out: 16, kernel: 5 }, { type: 'relu' },
      { type: 'pool', pool, kernel: 2 },
      { type: 'flatten' },
      { type: 'dense', out: 120 }, { type: 'relu' },
      { type: 'dense', out: 84 }, { type: 'relu' },
      { type: 'dense', out: 10 },
    ],
  };
}

export const lenet5: Preset = {
  describe: 'LeNet-5 (conv 6, pool, conv 16, pool, fc 120, 84, 10; pool max|avg)',
  defaultInput: [1, 28, 28],
  readsPool: true,
  desc: (o) => lenet5Desc(o.pool ?? 'max', o.input),
};
