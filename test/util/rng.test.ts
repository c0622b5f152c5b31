import { describe, expect, it } from 'vitest';
import { permutation, stream } from '../../src/util/rng.js';
import { configHash, stableStringify } from '../../src/util/hash.js';

describe('named random streams', () => {
  it('same seed and name give the same draws, bit for bit', () => {
    const a = stream(7, 'init/fc1');
    const b = stream(7, 'init/fc1');
    for (let i = 0; i < 1000; i++) expect(a.next()).toBe(b.next());
  });
  it('different names or seeds give different draws', () => {
    const a = Array.from({ length: 8 }, stream(7, 'init/fc1').next);
    const b = Array.from({ length: 8 }, stream(7, 'init/fc2').next);
    const c = Array.from({ length: 8 }, stream(8, 'init/fc1').next);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
  });
  it('normal draws have mean ~0 and variance ~1', () => {
    const r = stream(1, 'normal');
    const n = 200_000;
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; }
    const mean = s / n, v = s2 / n - mean * mean;
    // 5 standard errors
    expect(Math.abs(mean)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
  it('permutation is a permutation', () => {
    const p = permutation(stream(3, 'perm'), 1000);
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });
});

describe('config hash', () => {
  it('ignores key order but not values', () => {
    expect(stableStringify({ b: 1, a: { d: 2, c: 3 } })).toBe('{"a":{"c":3,"d":2},"b":1}');
    expect(configHash({ a: 1, b: 2 })).toBe(configHash({ b: 2, a: 1 }));
    expect(configHash({ a: 1, b: 2 })).not.toBe(configHash({ a: 1, b: 3 }));
  });
});
