import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { resolveCrossbar } from '../../src/crossbar/crossbar_spec.js';
import { DEFAULT_DEVICE, resolveDevice } from '../../src/crossbar/device.js';
import { UserError } from '../../src/util/errors.js';
import { makeParam } from '../../src/nn/param.js';

function fieldOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as UserError).field; }
  return undefined;
}

describe('device and crossbar specs', () => {
  it('defaults: continuous levels, no variation, no noise', () => {
    expect(resolveDevice()).toEqual(DEFAULT_DEVICE);
    expect(resolveDevice({ levels: 16 }).levels).toBe(16);
    expect(resolveCrossbar()).toMatchObject({ tileRows: 128, tileCols: 128, mapping: 'differential', dacBits: 0, adcBits: 0 });
  });

  it('bad values are UserErrors naming the field and the allowed values', () => {
    expect(fieldOf(() => resolveDevice({ gMin: -1 }))).toBe('device.gMin');
    expect(fieldOf(() => resolveDevice({ gMax: 1e-7 }))).toBe('device.gMax');
    expect(fieldOf(() => resolveDevice({ levels: 1 }))).toBe('device.levels');
    expect(fieldOf(() => resolveDevice({ levels: 2.5 }))).toBe('device.levels');
    expect(fieldOf(() => resolveDevice({ progSigma: -0.1 }))).toBe('device.progSigma');
    expect(fieldOf(() => resolveDevice({ readSigma: Number.NaN }))).toBe('device.readSigma');
    expect(() => resolveDevice({ levels: 1 })).toThrow(/0 \(continuous\) or an integer in \[2, 65536\]/);
    expect(fieldOf(() => resolveCrossbar({ mapping: 'single' as never }))).toBe('crossbar.mapping');
    expect(fieldOf(() => resolveCrossbar({ tileRows: 0 }))).toBe('crossbar.tileRows');
    expect(fieldOf(() => resolveCrossbar({ tileCols: 1 }))).toBe('crossbar.tileCols');
    expect(fieldOf(() => resolveCrossbar({ adcBits: 1 }))).toBe('crossbar.adcBits');
    expect(fieldOf(() => resolveCrossbar({ dacBits: -2 }))).toBe('crossbar.dacBits');
  });

  it('levels quantise the represented weights to the level grid of each mapping', () => {
    const W = makeParam('q', 1, 7);
    W.value.set([-1, -0.6, -0.3, 0, 0.2, 0.7, 1]);
    const diff = new CrossbarMatrixOp(W, { seed: 0, device: { levels: 3 }, crossbar: { range: { kind: 'fixed', wMax: 1 } } });
    // differential, 3 levels per cell: t ∈ {−1, −0.5, 0, 0.5, 1}
    expect(Array.from(diff.effectiveWeights())).toEqual([-1, -0.5, -0.5, 0, 0, 0.5, 1]);
    const off = new CrossbarMatrixOp(W, { seed: 0, device: { levels: 3 }, crossbar: { mapping: 'offset', range: { kind: 'fixed', wMax: 1 } } });
    // offset, 3 levels: u ∈ {0, 0.5, 1} ⇒ t ∈ {−1, 0, 1}
    expect(Array.from(off.effectiveWeights())).toEqual([-1, -1, 0, 0, 0, 1, 1]);
  });

  it('programming variation is lognormal with the configured sigma and reproducible', () => {
    const W = makeParam('pv', 100, 100);
    W.value.fill(0.5);
    const mk = () => new CrossbarMatrixOp(W, { seed: 8, device: { progSigma: 0.2 }, crossbar: { range: { kind: 'fixed', wMax: 1 } } });
    const a = mk(), b = mk();
    expect(a.effectiveWeights()).toEqual(b.effectiveWeights());
    // G⁺ target u = 0.5: z = ln(G / G_target) / σ should be N(0, 1)
    const d = a.device, Gt = d.gMin + 0.5 * (d.gMax - d.gMin);
    let s = 0, s2 = 0;
    const N = a.array.slots;
    for (let k = 0; k < N; k++) {
      const z = Math.log((d.gMin + a.array.uP[k] * (d.gMax - d.gMin)) / Gt) / 0.2;
      s += z; s2 += z * z;
    }
    const mean = s / N, sd = Math.sqrt(s2 / N - mean * mean);
    expect(Math.abs(mean)).toBeLessThan(4 / Math.sqrt(N));
    expect(Math.abs(sd - 1)).toBeLessThan(0.04);
    // G⁻ targets gMin: varied too, around gMin
    expect(a.array.uN.some((u) => u !== 0)).toBe(true);
  });

  it('read noise: fresh draw per forward, zero-mean, reproducible from the seed', () => {
    const W = makeParam('rn', 8, 4);
    W.value.fill(0.25);
    const mk = () => new CrossbarMatrixOp(W, { seed: 5, device: { readSigma: 0.05 } });
    const a = mk(), b = mk();
    const X = new Float32Array(8).fill(1);
    const ya = new Float32Array(4), yb = new Float32Array(4), y2 = new Float32Array(4);
    a.forward(X, 1, ya, false); b.forward(X, 1, yb, false);
    expect(ya).toEqual(yb);
    a.forward(X, 1, y2, false);
    expect(y2).not.toEqual(ya);
    let mean = 0;
    const R = 400;
    for (let r = 0; r < R; r++) { a.forward(X, 1, y2, true); mean += y2[0] / R; }
    expect(Math.abs(mean - 2)).toBeLessThan(0.02); // 8 · 0.25 = 2
  });
});
