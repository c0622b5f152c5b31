/**
 * Noise-injection training (src/nn/defect_injection_op.ts): the used weights are clamp(t, lo, hi)·wMax
 * of a fresh random fault map per training forward (checked against a hand oracle of the same draws),
 * the injected fraction matches the rate (binomial bound), evaluation uses the plain weights, the
 * gradient is the finite-difference gradient of the clamp, and rate 0 is plain training.
 */
import { describe, expect, it } from 'vitest';
import { DefectInjectionOp } from '../../src/nn/defect_injection_op.js';
import { DigitalMatrixOp } from '../../src/nn/matrix_op.js';
import { makeParam } from '../../src/nn/param.js';
import { stream } from '../../src/util/rng.js';
import { binomialInterval, randomArray, randomParam } from '../crossbar/helpers.js';

describe('DefectInjectionOp', () => {
  it('used weights = wMax·clamp(t, lo, hi) of the drawn cells (oracle from the same stream)', () => {
    const W = randomParam('fc', 30, 20, 's1');
    const op = new DefectInjectionOp(W, { rate: 0.3, lrsShare: 0.6 }, 5, 'fc');
    const X = randomArray(4 * 30, 'x1');
    const Y = new Float32Array(4 * 20);
    op.forward(X, 4, Y, true);
    const rng = stream(5, 'nia/fc');
    const wMax = Math.max(...Array.from(W.value, Math.abs));
    const used = op.usedWeights();
    let changed = 0;
    for (let k = 0; k < W.value.length; k++) {
      const cell = () => { const r = rng.next(); return r < 0.18 ? [1, 1] : r < 0.3 ? [0, 0] : [0, 1]; };
      const [pLo, pHi] = cell(), [nLo, nHi] = cell();
      const t = W.value[k] / wMax;
      const want = wMax * Math.min(pHi - nLo, Math.max(pLo - nHi, t));
      expect(used[k]).toBeCloseTo(want, 6);
      if (Math.abs(used[k] - W.value[k]) > 1e-7) changed++;
    }
    expect(changed).toBeGreaterThan(0);
    // the forward used them: Y = X·W̃ (digital op on the used weights as oracle)
    const ref = makeParam('ref', 30, 20);
    ref.value.set(used);
    const Yr = new Float32Array(4 * 20);
    new DigitalMatrixOp(ref).forward(X, 4, Yr);
    for (let i = 0; i < Y.length; i++) expect(Y[i]).toBeCloseTo(Yr[i], 5);
    // a second forward draws a new map
    const first = used.slice();
    op.forward(X, 4, Y, true);
    let diff = 0;
    for (let k = 0; k < first.length; k++) if (first[k] !== op.usedWeights()[k]) diff++;
    expect(diff).toBeGreaterThan(0);
  });

  it('the share of weights with a stuck cell matches 1 − (1 − rate)² (binomial bound)', () => {
    const W = makeParam('big', 200, 100);
    W.value.fill(0.5);
    W.value[0] = 1; // wMax = 1, t = 0.5 elsewhere: any stuck cell moves or pins the weight unless HRS on G⁻ only
    const op = new DefectInjectionOp(W, { rate: 0.1, lrsShare: 1 }, 1, 'big');
    op.forward(new Float32Array(200), 1, new Float32Array(100), true);
    // lrsShare 1: G⁺ stuck at 1 → interval [0, 1] minus …; G⁻ stuck at 1 → [−1, 0]: t = 0.5 moves iff G⁻ stuck
    let moved = 0;
    const u = op.usedWeights();
    for (let k = 1; k < u.length; k++) if (u[k] !== 0.5) moved++;
    const [lo, hi] = binomialInterval(u.length - 1, 0.1);
    expect(moved).toBeGreaterThanOrEqual(lo);
    expect(moved).toBeLessThanOrEqual(hi);
  });

  it('evaluation forwards use the plain weights; rate 0 is the digital op', () => {
    const W = randomParam('e', 10, 6, 's2');
    const X = randomArray(3 * 10, 'x2');
    const Yd = new Float32Array(18), Y = new Float32Array(18), Y0 = new Float32Array(18);
    new DigitalMatrixOp(W).forward(X, 3, Yd);
    new DefectInjectionOp(W, { rate: 0.5, lrsShare: 0.5 }, 1, 'e').forward(X, 3, Y, false);
    new DefectInjectionOp(W, { rate: 0, lrsShare: 0.5 }, 1, 'e').forward(X, 3, Y0, true);
    expect(Array.from(Y)).toEqual(Array.from(Yd));
    expect(Array.from(Y0)).toEqual(Array.from(Yd));
  });

  it('gradient: dW = (XᵀdY)·1[t inside its interval], dX = dY·W̃ᵀ (finite differences on the used weights)', () => {
    const W = randomParam('g', 8, 5, 's3');
    const op = new DefectInjectionOp(W, { rate: 0.4, lrsShare: 0.5 }, 2, 'g');
    const X = randomArray(2 * 8, 'x3');
    const Y = new Float32Array(10);
    op.forward(X, 2, Y, true);
    const used = op.usedWeights().slice();
    const dY = randomArray(10, 'dy3');
    W.grad.fill(0);
    const dX = new Float32Array(16);
    op.backward(X, dY, 2, dX);
    const wMax = Math.max(...Array.from(W.value, Math.abs));
    // loss L = Σ dY ⊙ (X·W̃(W)); W̃ is piecewise linear in w (wMax fixed): finite differences of the clamp
    for (let k = 0; k < W.value.length; k++) {
      const i = Math.floor(k / 5), j = k % 5;
      let g = 0;
      for (let b = 0; b < 2; b++) g += X[b * 8 + i] * dY[b * 5 + j];
      const moved = Math.abs(used[k] - W.value[k]) > 1e-6 * wMax;
      expect(W.grad[k]).toBeCloseTo(moved ? 0 : g, 5);
    }
    for (let b = 0; b < 2; b++) for (let i = 0; i < 8; i++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += dY[b * 5 + j] * used[i * 5 + j];
      expect(dX[b * 8 + i]).toBeCloseTo(s, 5);
    }
  });
});
