/**
 * retrain.maxSteps (src/nn/train.ts): training stops after exactly maxSteps mini-batch steps in
 * total, and those steps are the first maxSteps steps of the unlimited run (same weights bit for
 * bit as a snapshot of the full run after that step); bad values are a UserError naming the field.
 */
import { describe, expect, it } from 'vitest';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import type { TrainSpec } from '../../src/experiment/point.js';
import { UserError } from '../../src/util/errors.js';
import { blobs } from './synthetic.js';

const small: ModelDesc = {
  name: 'blob-mlp', input: [1, 4, 4],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 16 }, { type: 'relu' }, { type: 'dense', out: 4 }],
};
const spec: TrainSpec = { epochs: 3, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 16 };

describe('retrain.maxSteps', () => {
  for (const maxSteps of [1, 7, 30]) {
    it(`stops after ${maxSteps} steps, equal to the full run's weights after step ${maxSteps}`, () => {
      const tr = blobs('train', 400, 16, 4, 'ms'); // 25 steps per epoch
      const full = buildModel(small, 3);
      let snap: Float32Array | null = null;
      train(full, tr, spec, { seed: 2, afterStep: (net, step) => { if (step + 1 === maxSteps) snap = net.getWeights().slice(); } });
      const cut = buildModel(small, 3);
      let count = 0;
      train(cut, tr, { ...spec, maxSteps }, { seed: 2, afterStep: () => { count++; } });
      expect(count).toBe(maxSteps);
      expect(snap).not.toBeNull();
      expect(Array.from(cut.getWeights())).toEqual(Array.from(snap!));
    });
  }
  it('a bad value is a UserError naming retrain.maxSteps', () => {
    const tr = blobs('train', 40, 16, 4, 'ms2');
    for (const bad of [0, 2.5, -1]) {
      expect(() => train(buildModel(small, 1), tr, { ...spec, maxSteps: bad }, { seed: 1 })).toThrow(UserError);
      try { train(buildModel(small, 1), tr, { ...spec, maxSteps: bad }, { seed: 1 }); } catch (e) { expect((e as UserError).field).toBe('retrain.maxSteps'); }
    }
  });
});
