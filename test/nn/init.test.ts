import { describe, expect, it } from 'vitest';
import { variance, mean } from 'mathjs';
import { initBias, initStd, initWeights, WEIGHT_INITS } from '../../src/nn/init.js';
import { buildModel, mlpDesc } from '../../src/nn/model.js';
import { stream } from '../../src/util/rng.js';
import { sha256Hex } from '../../src/util/hash.js';

/**
 * Sampling bounds: for N i.i.d. draws with Var(w) = σ², the sample mean has sd σ/√N and the
 * sample variance has sd ≈ √(Var(w²)/N) (Var(w²) = 2σ⁴ for a normal, 4b⁴/45 = 0.8σ⁴ for U(−b, b)).
 * We accept 5 sd (a correct implementation fails with probability < 1e-6).
 */
describe('initialisation', () => {
  const fanIn = 300, fanOut = 100, N = fanIn * fanOut;
  for (const kind of WEIGHT_INITS) {
    it(`${kind}: mean 0 and the target variance within 5 sd`, () => {
      const w = new Float32Array(N);
      initWeights(w, kind, fanIn, fanOut, stream(3, `init/test-${kind}`));
      const sd = initStd(kind, fanIn, fanOut);
      const arr = Array.from(w);
      expect(Math.abs(mean(arr) as number)).toBeLessThan(5 * sd / Math.sqrt(N));
      const isUniform = kind !== 'he-normal' && kind !== 'xavier-normal';
      const varW2 = isUniform ? 0.8 * sd ** 4 : 2 * sd ** 4;
      expect(Math.abs((variance(arr, 'uncorrected') as number) - sd * sd)).toBeLessThan(5 * Math.sqrt(varW2 / N));
      if (isUniform) {
        const b = sd * Math.sqrt(3);
        expect(arr.every((v) => Math.abs(v) <= b)).toBe(true);
      }
    });
  }

  it('He variance is 2/fan_in, Xavier 2/(fan_in + fan_out)', () => {
    expect(initStd('he-normal', 50, 7) ** 2).toBeCloseTo(2 / 50, 12);
    expect(initStd('xavier-uniform', 50, 30) ** 2).toBeCloseTo(2 / 80, 12);
    // PyTorch default: U(−1/√fan_in, 1/√fan_in), variance 1/(3·fan_in)
    const w = new Float32Array(10000);
    initWeights(w, 'pytorch', 25, 6, stream(0, 'init/pt'));
    expect(w.every((v) => Math.abs(v) <= 0.2)).toBe(true);
    expect(Math.max(...w)).toBeGreaterThan(0.199);
  });

  it('bias: zero, or PyTorch-style U(−1/√fan_in, 1/√fan_in)', () => {
    const b = new Float32Array(1000);
    initBias(b, 'uniform', 25, stream(0, 'init/b'));
    expect(b.every((v) => Math.abs(v) <= 0.2)).toBe(true);
    expect(Math.max(...b)).toBeGreaterThan(0.19);
    initBias(b, 'zero', 25, stream(0, 'init/b'));
    expect(b.every((v) => v === 0)).toBe(true);
  });

  it('draws come from stream(seed, init/<layer>): same seed same weights, layers independent', () => {
    const a = buildModel(mlpDesc(), 5), b = buildModel(mlpDesc(), 5), c = buildModel(mlpDesc(), 6);
    expect(a.weightsSha256()).toBe(b.weightsSha256());
    expect(a.weightsSha256()).not.toBe(c.weightsSha256());
    const fc1 = a.weightLayer('fc1').op.weight;
    const w = new Float32Array(fc1.value.length);
    const s5 = stream(5, 'init/fc1');
    initWeights(w, 'pytorch', 784, 300, s5);
    expect(sha256Hex(w)).toBe(sha256Hex(fc1.value));
    // a model with a different output layer leaves the draws of fc1 and fc2 untouched
    const d = mlpDesc();
    (d.layers[5] as { out: number }).out = 12;
    const e = buildModel(d, 5);
    expect(e.weightLayer('fc3').op.weight.cols).toBe(12);
    expect(sha256Hex(e.weightLayer('fc2').op.weight.value)).toBe(sha256Hex(a.weightLayer('fc2').op.weight.value));
    expect(sha256Hex(e.weightLayer('fc1').op.weight.value)).toBe(sha256Hex(fc1.value));
  });
});
