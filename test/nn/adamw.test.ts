import { describe, expect, it } from 'vitest';
import { AdamW } from '../../src/nn/adamw.js';
import { lrAt, validateSchedule } from '../../src/nn/lr_schedule.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { blobs } from './synthetic.js';

/** AdamW against a hand computation (PyTorch's algorithm written out in float64), and the schedules' values */
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

describe('learning-rate schedules', () => {
  it('warm-up then cosine: η(t+1)/W during warm-up, η at the first decay step, η_min at the last step, halfway value', () => {
    const s = { kind: 'warmup-cosine' as const, warmupSteps: 4, minLr: 0.1 };
    const total = 14; // decay steps t = 4..13, span 9
    expect([0, 1, 2, 3].map((t) => lrAt(s, 1, t, total))).toEqual([0.25, 0.5, 0.75, 1]);
    expect(lrAt(s, 1, 4, total)).toBe(1);
    expect(lrAt(s, 1, 13, total)).toBeCloseTo(0.1, 12);
    // t = 4 + 4.5 is not a step; t = 7: 0.1 + 0.9·½(1 + cos(π·3/9))
    expect(lrAt(s, 1, 7, total)).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI / 3)), 12);
    // a warm-up fraction: W = round(0.25·8) = 2
    expect(lrAt({ kind: 'warmup-cosine', warmupFraction: 0.25 }, 2, 0, 8)).toBe(1);
    expect(lrAt({ kind: 'warmup-cosine', warmupFraction: 0.25 }, 2, 7, 8)).toBeCloseTo(0, 12);
  });

  it('step: η·γ^⌊t/stepSize⌋; constant: η', () => {
    const s = { kind: 'step' as const, stepSize: 3, gamma: 0.5 };
    expect([0, 2, 3, 5, 6, 9].map((t) => lrAt(s, 0.8, t, 100))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.1]);
    expect(lrAt({ kind: 'constant' }, 0.3, 50, 100)).toBe(0.3);
  });

  it('validation names the field', () => {
    expect(() => validateSchedule({ kind: 'step', stepSize: 0, gamma: 0.5 })).toThrow(/schedule.stepSize/);
    expect(() => validateSchedule({ kind: 'step', stepSize: 2, gamma: 1.5 })).toThrow(/schedule.gamma/);
    expect(() => validateSchedule({ kind: 'warmup-cosine', warmupFraction: 2 })).toThrow(/schedule.warmupFraction/);
    expect(() => validateSchedule({ kind: 'nope' } as never)).toThrow(/schedule.kind/);
  });
});

describe('trainer options', () => {
  const desc: ModelDesc = { name: 'tiny', input: [1, 1, 8], layers: [{ type: 'flatten' }, { type: 'dense', out: 6 }, { type: 'relu' }, { type: 'dense', out: 3 }] };
  const data = blobs('train', 60, 8, 3, 'opt');
  const spec = { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0.001, batch: 16 };
  const run = (o: object) => { const n = buildModel(desc, 1); train(n, data, spec, { seed: 1, ...o }); return n.weightsSha256(); };

  it("{ kind: 'sgd' } and a constant schedule give the same bits as no options; step schedule and AdamW differ", () => {
    const base = run({});
    expect(run({ optimizer: { kind: 'sgd' } })).toBe(base);
    expect(run({ schedule: { kind: 'constant' } })).toBe(base);
    expect(run({ schedule: { kind: 'step', stepSize: 3, gamma: 0.5 } })).not.toBe(base);
    expect(run({ optimizer: { kind: 'adamw' } })).not.toBe(base);
  });

  it('a bad schedule is refused before training (UserError)', () => {
    expect(() => run({ schedule: { kind: 'step', stepSize: 0, gamma: 0.5 } })).toThrow(UserError);
  });
});
