// The effects seam's recipe (docs/DESIGN.md, "How to add an effect"): one effect file
// (scrub_effect.ts) plus one registration line; the registry applies it to every crossbar op built
// afterwards, after the built-in effects, and changes nothing else.
import { afterAll, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { crossbarEffects, registerEffect, unregisterEffect } from '../../src/crossbar/effects/registry.js';
import { randomParam } from './helpers.js';
import { scrubEffect, scrubbedLayers } from './scrub_effect.js';

const defects = { rate: 0.2, lrsShare: 0.5, distribution: 'uniform' as const };
const build = () => new CrossbarMatrixOp(randomParam('fc', 24, 10, 'scrub'), { seed: 5, layer: 'fc', defects, crossbar: { tileRows: 16, tileCols: 16 } });

describe('an effect added by one file and one registration line', () => {
  const without = build();
  registerEffect(scrubEffect); // the registration line
  afterAll(() => unregisterEffect('scrub'));

  it('is registered after the built-in effects, in order', () => {
    expect(crossbarEffects().map((e) => e.name)).toEqual(['drift', 'stuck conductances', 'endurance', 'spare columns', 'scrub']);
    expect(() => registerEffect(scrubEffect)).toThrow(/already registered/);
  });

  it('acts on every op built afterwards: its cells once, its writes = the healthy cells; every weight unchanged', () => {
    const withScrub = build();
    expect(scrubbedLayers).toEqual(['fc 24x10']);
    expect(without.refreshWrites()).toBe(0);
    const [healthy, hrs, lrs] = withScrub.usedCellStates();
    expect(hrs + lrs).toBeGreaterThan(0);
    expect(withScrub.refreshWrites()).toBe(healthy);
    const a = without.effectiveWeights(), b = withScrub.effectiveWeights();
    expect(Buffer.from(b.buffer, b.byteOffset, b.byteLength).equals(Buffer.from(a.buffer, a.byteOffset, a.byteLength))).toBe(true);
  });
});
