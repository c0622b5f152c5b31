import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STUCK_HRS, STUCK_LRS } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { generateTileMap, validateDefects } from '../../src/crossbar/defect_generator.js';
import { countStates } from '../../src/crossbar/defect_map.js';
import { clusteringStatistic } from '../../src/crossbar/defect_stats.js';
import { drawUniformDefects } from '../../src/crossbar/defects_uniform.js';
import type { DefectSpec } from '../../src/experiment/point.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { binomialInterval, randomParam } from './helpers.js';

const T = 128; // tile side
const TILES = 8; // 8 x 128 x 128 = 131072 cells >= 1e5

function counts(spec: DefectSpec, layer = 'fc1', seed = 7): { n: number; c: [number, number, number]; maps: Uint8Array[] } {
  const c: [number, number, number] = [0, 0, 0];
  const maps: Uint8Array[] = [];
  for (let k = 0; k < TILES; k++) {
    const m = generateTileMap(spec, seed, layer, k >> 2, k & 3, T, T, k);
    const s = countStates(m.state);
    for (let i = 0; i < 3; i++) c[i] += s[i];
    maps.push(m.state);
  }
  return { n: TILES * T * T, c, maps };
}

function expectInside(x: number, [lo, hi]: [number, number]) {
  expect(x).toBeGreaterThanOrEqual(lo);
  expect(x).toBeLessThanOrEqual(hi);
}

describe('defect statistics', () => {
  for (const rate of [0.01, 0.1, 0.3]) {
    for (const lrsShare of [0.5, 0.25]) {
      it(`uniform rate ${rate}, lrsShare ${lrsShare}: each state inside its 99.9% binomial interval`, () => {
        const { n, c } = counts({ rate, lrsShare, distribution: 'uniform' });
        expect(n).toBeGreaterThanOrEqual(1e5);
        expectInside(c[STUCK_HRS], binomialInterval(n, rate * (1 - lrsShare)));
        expectInside(c[STUCK_LRS], binomialInterval(n, rate * lrsShare));
        expectInside(c[0], binomialInterval(n, 1 - rate));
      });
    }
    it(`clustered rate ${rate}: same expected rate (inside the binomial bounds) and more clustered than uniform`, () => {
      const cl = counts({ rate, lrsShare: 0.5, distribution: 'clustered', clusters: { perTile: 4, radius: 4 } });
      const un = counts({ rate, lrsShare: 0.5, distribution: 'uniform' });
      // Σ of independent Bernoullis with mean rate·N and variance ≤ binomial: the binomial interval is conservative
      expectInside(cl.c[STUCK_HRS], binomialInterval(cl.n, rate / 2));
      expectInside(cl.c[STUCK_LRS], binomialInterval(cl.n, rate / 2));
      const sCl = cl.maps.map((m) => clusteringStatistic(m, T, T));
      const sUn = un.maps.map((m) => clusteringStatistic(m, T, T));
      const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
      // uniform: E[S] = 1 − (1 − q)^8 (border cells slightly lower)
      expect(Math.abs(mean(sUn) - (1 - (1 - rate) ** 8))).toBeLessThan(0.03);
      expect(Math.min(...sCl)).toBeGreaterThan(Math.max(...sUn));
      // isolated defects (no defective neighbour) at most half as frequent as under uniform
      expect(1 - mean(sCl)).toBeLessThan(0.5 * (1 - mean(sUn)));
    });
  }

  it('clustered: exact expected count per tile (mean over 40 small tiles)', () => {
    const spec: DefectSpec = { rate: 0.05, lrsShare: 0.5, distribution: 'clustered', clusters: { perTile: 2, radius: 2 } };
    let tot = 0;
    for (let k = 0; k < 40; k++) tot += 1024 - countStates(generateTileMap(spec, 3, 'c', 0, k, 32, 32).state)[0];
    expectInside(tot, binomialInterval(40 * 1024, 0.05));
  });

  it('rate 0 gives no defects, rate 1 all defective', () => {
    for (const distribution of ['uniform', 'clustered'] as const) {
      expect(countStates(generateTileMap({ rate: 0, lrsShare: 0.5, distribution }, 1, 'a', 0, 0, 16, 16).state)[0]).toBe(256);
      expect(countStates(generateTileMap({ rate: 1, lrsShare: 0.5, distribution }, 1, 'a', 0, 0, 16, 16).state)[0]).toBe(0);
    }
  });
});

describe('defect streams', () => {
  const spec: DefectSpec = { rate: 0.3, lrsShare: 0.5, distribution: 'uniform' };
  it('tile (r, c) of layer L is drawn from stream(seed, defects/L/tile<r>_<c>)', () => {
    const m = generateTileMap(spec, 11, 'conv2', 1, 2, 32, 32);
    const ref = drawUniformDefects(stream(11, 'defects/conv2/tile1_2'), 0.3, 0.5, new Uint8Array(1024));
    expect(Array.from(m.state)).toEqual(Array.from(ref));
  });

  it('same seed ⇒ identical maps (also through the op, independent of the weights)', () => {
    for (const distribution of ['uniform', 'clustered'] as const) {
      const s = { ...spec, distribution };
      expect(generateTileMap(s, 5, 'fc1', 0, 1, 64, 64).state).toEqual(generateTileMap(s, 5, 'fc1', 0, 1, 64, 64).state);
    }
    const a = new CrossbarMatrixOp(randomParam('fc1', 40, 30, 'a'), { seed: 9, defects: spec, crossbar: { tileRows: 16, tileCols: 16 } });
    const b = new CrossbarMatrixOp(randomParam('fc1', 40, 30, 'b', 5), { seed: 9, defects: spec, crossbar: { tileRows: 16, tileCols: 16 } });
    expect(a.defectMapJSON()).toEqual(b.defectMapJSON());
    expect(a.usedCellStates()).toEqual(b.usedCellStates());
    expect(a.usedCellStates()[0]).toBeLessThan(40 * 30 * 2);
  });

  it('different layer / tile / run seed ⇒ independent maps (overlap count ~ Binomial(N, q²))', () => {
    const N = 128 * 128, q = 0.3;
    const base = generateTileMap(spec, 5, 'fc1', 0, 0, 128, 128).state;
    const others = [
      generateTileMap(spec, 5, 'fc2', 0, 0, 128, 128).state,
      generateTileMap(spec, 5, 'fc1', 0, 1, 128, 128).state,
      generateTileMap(spec, 5, 'fc1', 1, 0, 128, 128).state,
      generateTileMap(spec, 6, 'fc1', 0, 0, 128, 128).state,
    ];
    for (const o of others) {
      let both = 0, sameState = 0;
      for (let i = 0; i < N; i++) {
        if (base[i] && o[i]) { both++; if (base[i] === o[i]) sameState++; }
      }
      expectInside(both, binomialInterval(N, q * q));
      expectInside(sameState, binomialInterval(N, 2 * (q / 2) ** 2));
    }
  });
});

describe('defect maps from files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-defects-'));

  it('a saved map (defect_tile.json format) loads back identically', () => {
    const spec: DefectSpec = { rate: 0.2, lrsShare: 0.4, distribution: 'uniform' };
    const a = new CrossbarMatrixOp(randomParam('fc1', 20, 12, 'f'), { seed: 3, defects: spec, crossbar: { tileRows: 8, tileCols: 8 } });
    const file = join(dir, 'saved.json');
    writeFileSync(file, JSON.stringify({ tiles: a.defectMapJSON() }));
    const b = new CrossbarMatrixOp(randomParam('fc1', 20, 12, 'g'), { seed: 99, defects: { rate: 0, lrsShare: 0, distribution: 'file', file }, crossbar: { tileRows: 8, tileCols: 8 } });
    expect(b.defectMap().map((m) => Array.from(m.state))).toEqual(a.defectMap().map((m) => Array.from(m.state)));
  });

  it('CSV blocks are used cyclically over the tiles', () => {
    const file = join(dir, 'chip.csv');
    writeFileSync(file, '# measured\n0,1\n2,0\n\n0 0\n0 2\n');
    const spec: DefectSpec = { rate: 0, lrsShare: 0, distribution: 'file', file };
    expect(Array.from(generateTileMap(spec, 0, 'x', 0, 0, 2, 2, 0).state)).toEqual([0, 1, 2, 0]);
    expect(Array.from(generateTileMap(spec, 0, 'x', 0, 1, 2, 2, 1).state)).toEqual([0, 0, 0, 2]);
    expect(Array.from(generateTileMap(spec, 0, 'x', 1, 0, 2, 2, 2).state)).toEqual([0, 1, 2, 0]);
  });

  it('bad files are UserErrors naming defects.file', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, '0,3\n0,0\n');
    const spec = (file: string): DefectSpec => ({ rate: 0, lrsShare: 0, distribution: 'file', file });
    expect(() => generateTileMap(spec(bad), 0, 'x', 0, 0, 2, 2)).toThrow(/defects\.file.*allowed 0 \(healthy\)/);
    const wrong = join(dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ rows: 2, cols: 2, state: [0, 0, 0, 0] }));
    expect(() => generateTileMap(spec(wrong), 0, 'x', 0, 0, 4, 4)).toThrow(/tileRows/);
    expect(() => generateTileMap(spec(join(dir, 'missing.json')), 0, 'x', 0, 0, 2, 2)).toThrow(UserError);
    const notJson = join(dir, 'broken.json');
    writeFileSync(notJson, '{');
    expect(() => generateTileMap(spec(notJson), 0, 'x', 0, 0, 2, 2)).toThrow(/not valid JSON/);
  });

  it('defect spec validation names the field and the allowed values', () => {
    const v = (d: Partial<DefectSpec>) => () => validateDefects({ rate: 0.1, lrsShare: 0.5, distribution: 'uniform', ...d } as DefectSpec);
    expect(v({ rate: 1.5 })).toThrow(/defects\.rate must be a number in \[0, 1\]/);
    expect(v({ lrsShare: -1 })).toThrow(/defects\.lrsShare/);
    expect(v({ distribution: 'gaussian' as never })).toThrow(/'uniform', 'clustered', 'file'/);
    expect(v({ distribution: 'clustered', clusters: { perTile: 0, radius: 2 } })).toThrow(/clusters\.perTile/);
    expect(v({ distribution: 'file' })).toThrow(/defects\.file/);
    try { v({ rate: -0.1 })(); } catch (e) { expect(e).toBeInstanceOf(UserError); expect((e as UserError).field).toBe('defects.rate'); }
  });
});
