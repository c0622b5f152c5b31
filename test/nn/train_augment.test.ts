/**
 * The trainer's augmentation hook: a split carrying `augment` is augmented per batch (stream
 * `augment/epoch<k>`), `augment: false` turns it off, evaluation never augments.
 * Oracle: one full-batch step on the pre-augmented data (same permutation, same draws) with
 * augmentation off gives the same weights (to float rounding: the batch gradient is a sum).
 */
import { describe, expect, it } from 'vitest';
import { augmentBatch, type Augmentation } from '../../src/data/augment.js';
import type { Split } from '../../src/data/dataset.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { permutation, stream } from '../../src/util/rng.js';

const aug: Augmentation = { kind: 'crop-flip', height: 3, width: 4, channels: 2, pad: 1, flipP: 0.5, fill: [-1, -2] };
const desc: ModelDesc = { name: 't', input: [2, 3, 4], layers: [{ type: 'flatten' }, { type: 'dense', out: 5 }, { type: 'relu' }, { type: 'dense', out: 3 }] };
const spec = { epochs: 1, lr: 0.1, momentum: 0, weightDecay: 0, batch: 16 };
const n = 16, d = 24;
const x = new Float32Array(n * d).map((_, i) => Math.sin(i * 0.37));
const y = new Uint8Array(n).map((_, i) => i % 3);

describe('trainer augmentation hook', () => {
  it('augments each training batch from augment/epoch<k>; augment:false and plain splits do not', () => {
    const split: Split = { name: 'train', x, y, n, augment: aug };
    const plain: Split = { name: 'train', x, y, n };
    const a = buildModel(desc, 1), b = buildModel(desc, 1), c = buildModel(desc, 1);
    train(a, split, spec, { seed: 5 });
    train(b, split, spec, { seed: 5, augment: false });
    train(c, plain, spec, { seed: 5 });
    expect(b.getWeights()).toEqual(c.getWeights());
    expect(a.getWeights()).not.toEqual(b.getWeights());
    // oracle: gather in the epoch-0 permutation, augment with the same stream, train without augmentation
    const perm = permutation(stream(5, 'shuffle/epoch0'), n);
    const xp = new Float32Array(n * d), yp = new Uint8Array(n);
    for (let i = 0; i < n; i++) { xp.set(x.subarray(perm[i] * d, perm[i] * d + d), i * d); yp[i] = y[perm[i]]; }
    augmentBatch(xp, n, aug, stream(5, 'augment/epoch0'), new Float32Array(d));
    const o = buildModel(desc, 1);
    train(o, { name: 'train', x: xp, y: yp, n }, spec, { seed: 5 });
    const wa = a.getWeights(), wo = o.getWeights();
    for (let i = 0; i < wa.length; i++) expect(wa[i]).toBeCloseTo(wo[i], 5);
    // the split itself is not modified, and evaluation ignores augment
    expect(split.x).toBe(x);
    expect(x[0]).toBe(Math.fround(Math.sin(0)));
    expect(evaluate(a, split)).toEqual(evaluate(a, plain));
  });
});
