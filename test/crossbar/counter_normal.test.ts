import { describe, expect, it } from 'vitest';
import { CounterNormal } from '../../src/crossbar/counter_normal.js';
import { stream } from '../../src/util/rng.js';
import { ksNormal } from './helpers.js';

describe('counter-based normal generator (ziggurat on hashed counters)', () => {
  const N = 200_000;

  it('is N(0, 1): mean, variance, kurtosis within 5 standard errors, KS below the α = 0.001 critical value', () => {
    const g = new CounterNormal(stream(3, 'read/test'));
    const z = new Float64Array(N);
    g.fill(7, 0, z, 0, N);
    let m = 0;
    for (const x of z) m += x / N;
    let v = 0, m4 = 0;
    for (const x of z) { v += (x - m) ** 2 / N; m4 += x ** 4 / N; }
    expect(Math.abs(m)).toBeLessThan(5 / Math.sqrt(N)); // SE of the mean = 1/√N
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / N)); // SE of the variance = √(2/N)
    expect(Math.abs(m4 - 3)).toBeLessThan(5 * Math.sqrt(96 / N)); // SE of E z⁴ = √(105 − 9)/√N
    expect(ksNormal(z)).toBeLessThan(1.95 / Math.sqrt(N)); // K(0.999) ≈ 1.949
    // the tails are drawn too (ziggurat tail beyond r = 3.44): P(|z| > 3.44) = 5.8e-4
    const tail = z.filter((x) => Math.abs(x) > 3.442619855899).length;
    expect(tail).toBeGreaterThan(N * 5.8e-4 * 0.6);
    expect(tail).toBeLessThan(N * 5.8e-4 * 1.5);
  });

  it('successive blocks and neighbouring elements are uncorrelated (|r| < 5/√N)', () => {
    const g = new CounterNormal(stream(3, 'read/test'));
    const a = new Float64Array(N), b = new Float64Array(N);
    g.fill(0, 0, a, 0, N);
    g.fill(1, 0, b, 0, N);
    let ab = 0, lag = 0;
    for (let k = 0; k < N; k++) ab += a[k] * b[k] / N;
    for (let k = 1; k < N; k++) lag += a[k] * a[k - 1] / N;
    expect(Math.abs(ab)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(lag)).toBeLessThan(5 / Math.sqrt(N));
  });

  it('z(f, e) depends only on (key, f, e): order-independent, any sub-range reproduces, same stream = same bits', () => {
    const all = new Float32Array(1000), part = new Float32Array(1000);
    new CounterNormal(stream(9, 'read/fc1')).fill(5, 0, all, 0, 1000);
    const g = new CounterNormal(stream(9, 'read/fc1'));
    g.fill(5, 600, part, 600, 400); // back half first
    g.fill(2, 0, new Float32Array(10), 0, 10); // another block in between
    g.fill(5, 0, part, 0, 600);
    expect(part).toEqual(all);
    const other = new Float32Array(1000);
    new CounterNormal(stream(9, 'read/fc2')).fill(5, 0, other, 0, 1000);
    expect(other).not.toEqual(all);
  });
});
