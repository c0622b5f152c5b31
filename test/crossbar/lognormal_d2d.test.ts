/**
 * Device model 'lognormal-d2d' (src/crossbar/devices/lognormal_d2d.ts): a fixed per-cell factor
 * e^{θ_c}, θ_c = σ·z_c with z_c the c-th normal of stream 'd2d/<layer>'. Oracle: the stream
 * re-drawn here, independently of the model (cell c = s·cellsPerWeight + 0|1).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { HEALTHY } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { deviceModelNames } from '../../src/crossbar/device_registry.js';
import { CellFactors } from '../../src/crossbar/devices/lognormal_d2d.js';
import { NormalSource } from '../../src/crossbar/gaussian.js';
import { stream } from '../../src/util/rng.js';
import { runCli } from '../../sim/main.js';
import { randomParam } from './helpers.js';

const G_MIN = 1e-6, G_MAX = 1e-4, G0 = G_MIN / (G_MAX - G_MIN);
const SEED = 3, SIGMA = 0.7;

function d2dOp(mapping: 'differential' | 'offset', sigma = SIGMA, model: string | undefined = 'lognormal-d2d', progSigma = 0) {
  const W = randomParam('fc', 40, 30, `d2d-${mapping}`, 0.5);
  const op = new CrossbarMatrixOp(W, {
    seed: SEED,
    device: { gMin: G_MIN, gMax: G_MAX, levels: 0, progSigma, ...(model ? { model, modelParams: model === 'lognormal-d2d' ? { sigma } : {} } : {}) },
    defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 16, tileCols: 16 },
  });
  return { W, op };
}

/** the oracle: z_c for c = 0..n−1 from a fresh 'd2d/fc' stream */
function oracleZ(n: number): Float64Array {
  const src = new NormalSource(stream(SEED, 'd2d/fc'));
  const z = new Float64Array(n);
  for (let c = 0; c < n; c++) z[c] = src.next();
  return z;
}

/** every healthy cell: [cell index, target, landed u] */
function healthyCells(op: CrossbarMatrixOp, two: boolean): [number, number, number][] {
  const a = op.array, out: [number, number, number][] = [];
  for (let s = 0; s < a.slots; s++) {
    if (a.stateP[s] === HEALTHY) out.push([two ? 2 * s : s, a.tgtP[s], a.uP[s]]);
    if (two && a.stateN[s] === HEALTHY) out.push([2 * s + 1, a.tgtN[s], a.uN[s]]);
  }
  return out;
}

describe("device model 'lognormal-d2d' (fixed per-cell variation)", () => {
  it('is registered', () => {
    expect(deviceModelNames()).toContain('lognormal-d2d');
  });

  for (const mapping of ['differential', 'offset'] as const) {
    const two = mapping === 'differential';
    it(`${mapping}: every healthy cell lands at (target + g0)·e^{σ z_c} − g0, z_c re-drawn from 'd2d/fc'`, () => {
      const { op } = d2dOp(mapping);
      op.sync();
      const z = oracleZ(op.array.slots * (two ? 2 : 1));
      const cells = healthyCells(op, two);
      expect(cells.length).toBeGreaterThan(0.8 * op.array.slots);
      let moved = 0;
      for (const [c, tgt, u] of cells) {
        const want = Math.fround((tgt + G0) * Math.exp(SIGMA * z[c]) - G0);
        expect(u, `cell ${c}`).toBe(want);
        if (Math.abs(u - tgt) > 1e-3) moved++;
      }
      expect(moved).toBeGreaterThan(cells.length / 2); // the variation is on (not vacuous)
    });
  }

  it('the same cell lands at the same factor on every write (and the per-write progSigma does not)', () => {
    const ratios = (model: string | undefined, progSigma: number) => {
      const { W, op } = d2dOp('differential', SIGMA, model, progSigma);
      const seen = new Map<number, number[]>();
      for (let step = 0; step < 4; step++) {
        for (let k = 0; k < W.value.length; k++) W.value[k] = W.value[k] * -0.8 + (k % 5 === 0 ? 0.2 : 0.05);
        op.sync();
        for (const [c, tgt, u] of healthyCells(op, true)) {
          if (tgt < 0.05) continue; // the idle cell of a pair: (u + g0)/(tgt + g0) is float32-noisy
          const r = (u + G0) / (tgt + G0);
          const list = seen.get(c) ?? [];
          if (list.length === 0 || tgt !== list[list.length - 1]) list.push(r);
          seen.set(c, list);
        }
      }
      return [...seen.values()].filter((l) => l.length >= 2);
    };
    const fixed = ratios('lognormal-d2d', 0);
    expect(fixed.length).toBeGreaterThan(100); // cells written at several distinct targets
    for (const l of fixed) for (const r of l) expect(Math.abs(r / l[0] - 1)).toBeLessThan(1e-5);
    // control: per-write variation re-draws the factor, so the same check fails for it
    const perWrite = ratios(undefined, SIGMA);
    const differing = perWrite.filter((l) => l.some((r) => Math.abs(r / l[0] - 1) > 1e-3)).length;
    expect(differing).toBeGreaterThan(0.9 * perWrite.length);
  });

  it('θ = ln f / σ·σ: sample mean and variance of 200 000 cells within 5 standard errors of N(0, σ²)', () => {
    const n = 200_000, sigma = 1.3;
    const f = new CellFactors(11, 'fc', sigma);
    // draw out of order: the factors still follow cell index order
    const last = f.get(n - 1);
    let s = 0, s2 = 0;
    for (let c = 0; c < n; c++) { const t = Math.log(f.get(c)); s += t; s2 += t * t; }
    expect(f.get(n - 1)).toBe(last);
    const mean = s / n, variance = (s2 - n * mean * mean) / (n - 1);
    expect(Math.abs(mean)).toBeLessThan(5 * sigma / Math.sqrt(n));
    // Var(sample variance) = 2σ⁴/(n − 1) for a normal sample
    expect(Math.abs(variance - sigma * sigma)).toBeLessThan(5 * Math.sqrt(2 / (n - 1)) * sigma * sigma);
    // and against the re-drawn stream, factor by factor
    const src = new NormalSource(stream(11, 'd2d/fc'));
    for (let c = 0; c < 1000; c++) expect(f.get(c)).toBe(Math.exp(sigma * src.next()));
  });

  it('sigma = 0 is the default cell exactly (same programmed weights)', () => {
    const a = d2dOp('differential', 0).op, b = d2dOp('differential', 0, undefined).op;
    a.sync(); b.sync();
    expect(Array.from(a.effectiveWeights())).toEqual(Array.from(b.effectiveWeights()));
  });

  it('a bad sigma (or unknown parameter) exits 2 from `rramsim list`, naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-d2d-'));
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      for (const [params, field] of [[{ sigma: -0.1 }, 'sigma'], [{ sigma: 4.5 }, 'sigma'], [{ sigma: 'big' }, ''], [{ theta: 1 }, 'theta']] as const) {
        const file = join(dir, 'bad.json');
        writeFileSync(file, JSON.stringify({ method: 'unaware', device: { model: 'lognormal-d2d', modelParams: params } }));
        err.mockClear();
        const code = await runCli(['list', file]);
        const text = err.mock.calls.map((c) => String(c[0])).join('');
        expect(code, text).toBe(2);
        expect(text).toContain(field ? `device.modelParams.${field}` : 'device.modelParams'); // a non-number: the schema names the object
        expect(text).not.toMatch(/\n\s+at /);
      }
    } finally {
      err.mockRestore();
      out.mockRestore();
    }
  });
});
