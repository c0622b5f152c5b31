import { describe, expect, it } from 'vitest';
import { AdamW } from '../../src/nn/adamw.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { blobs } from './synthetic.js';

/** AdamW against a hand computation (PyTorch's algorithm written out in float64); schedules: lr_schedule.test.ts */
describe('AdamW', () => {
  it('three steps match the hand computation: decoupled decay, bias-corrected moments', () => {
    const p = makeParam('w', 3, 1);
    p.value.set([0.5, -1, 2]);
    const grads = [[0.1, -0.2, 0.3], [0.4, 0.1, -0.5], [-0.3, 0.2, 0.05]];
    const lr = 0.01, b1 = 0.8, b2 = 0.95, eps = 1e-6, wd = 0.1;
    const opt = new AdamW([p], { lr, beta1: b1, beta2: b2, eps, weightDecay: wd });
    // hand: w ← w(1 − ηλ); m ← b1 m + (1−b1) g; v ← b2 v + (1−b2) g²; w ← w − η (m/(1−b1ᵗ)) / (√(v/(1−b2ᵗ)) + ε)
    const w = [0.5, -1, 2], m = [0, 0, 0], v = [0, 0, 0];
    for (let t = 1; t <= 3; t++) {
      p.grad.set(grads[t - 1]);
      opt.step();
      for (let i = 0; i < 3; i++) {
        const g = grads[t - 1][i];
        w[i] *= 1 - lr * wd;
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        w[i] -= lr * (m[i] / (1 - b1 ** t)) / (Math.sqrt(v[i] / (1 - b2 ** t)) + eps);
        expect(Math.abs(p.value[i] - w[i])).toBeLessThan(1e-6);
      }
    }
    expect(opt.t).toBe(3);
  });

  it('first step moves every unmasked element by ≈ η (sign of g) plus decay; masked and frozen params never move', () => {
    const a = makeParam('a', 2, 1), f = makeParam('f', 2, 1, false);
    a.value.set([1, 1]); f.value.set([3, 3]);
    a.updateMask = Float32Array.from([1, 0]);
    a.grad.set([-4, 7]); f.grad.set([1, 1]);
    const opt = new AdamW([a, f], { lr: 0.1, weightDecay: 0.5 });
    opt.step();
    expect(a.value[0]).toBeCloseTo(1 * (1 - 0.05) + 0.1 * 4 / (4 + 1e-8), 6);
    expect(a.value[1]).toBe(1);
    expect(Array.from(f.value)).toEqual([3, 3]);
    opt.step();
    expect(a.value[1]).toBe(1);
  });

  it('rejects β outside [0, 1) and ε ≤ 0 (UserError naming the field)', () => {
    const p = makeParam('w', 1, 1);
    expect(() => new AdamW([p], { lr: 1, beta1: 1 })).toThrow(UserError);
    expect(() => new AdamW([p], { lr: 1, beta2: -0.1 })).toThrow(/optimizer.beta2/);
    expect(() => new AdamW([p], { lr: 1, eps: 0 })).toThrow(/optimizer.eps/);
  });
});

describe('trainer options', () => {
  const desc: ModelDesc = { name: 'tiny', input: [1, 1, 8], layers: [{ type: 'flatten' }, { type: 'dense', out: 6 }, { type: 'relu' }, { type: 'dense', out: 3 }] };
  const data = blobs('train', 60, 8, 3, 'opt');
  const spec = { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0.001, batch: 16 };
  const run = (o: object, sched?: object) => { const n = buildModel(desc, 1); train(n, data, { ...spec, ...(sched ? { schedule: sched } : {}) } as typeof spec, { seed: 1, ...o }); return n.weightsSha256(); };

  it("{ kind: 'sgd' } and a constant schedule give the same bits as no options; step schedule and AdamW differ", () => {
    const base = run({});
    expect(run({ optimizer: { kind: 'sgd' } })).toBe(base);
    expect(run({}, { kind: 'constant' })).toBe(base);
    expect(run({}, { kind: 'step', every: 1, gamma: 0.5 })).not.toBe(base);
    expect(run({ optimizer: { kind: 'adamw' } }, { kind: 'cosine', warmup: 0.5 })).not.toBe(run({ optimizer: { kind: 'adamw' } }));
    expect(run({ optimizer: { kind: 'adamw' } })).not.toBe(base);
  });

  it('a bad schedule is refused before training (UserError)', () => {
    expect(() => run({}, { kind: 'step', every: 0, gamma: 0.5 })).toThrow(UserError);
  });
});
