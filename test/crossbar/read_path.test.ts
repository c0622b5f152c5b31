import { describe, expect, it } from 'vitest';
import { CrossbarArray } from '../../src/crossbar/crossbar_array.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import type { DeviceModel, ProgrammedCells } from '../../src/crossbar/device_model.js';
import { NormalSource } from '../../src/crossbar/gaussian.js';
import { makeMapping } from '../../src/crossbar/mapping.js';
import { READ_STAGES } from '../../src/crossbar/read_path.js';
import { drift } from '../../src/crossbar/read_stages/drift.js';
import { lineResistance } from '../../src/crossbar/read_stages/line_resistance.js';
import type { ReadStageContext } from '../../src/crossbar/read_stages/read_stage.js';
import { TileLayout } from '../../src/crossbar/tiling.js';
import { allocI32 } from '../../src/kernels/alloc.js';
import { stream } from '../../src/util/rng.js';
import { healthyMaps, randomParam } from './helpers.js';

const D = { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' as const };

describe('read path: ordered stages, each switched by its config', () => {
  it('the stage order is read noise → drift → line resistance → DAC → ADC', () => {
    expect(READ_STAGES.map((s) => s.name)).toEqual(['read-noise', 'drift', 'line-resistance', 'dac', 'adc']);
  });

  it('only the stages the config switches on are active, in order', () => {
    const W = randomParam('fc', 20, 12, 'rp', 0.3);
    const on = (device: object, crossbar: object) =>
      new CrossbarMatrixOp(W, { seed: 1, device, crossbar: { tileRows: 8, tileCols: 8, ...crossbar } }).readPath.active;
    expect(on({}, {})).toEqual([]);
    expect(on({ readSigma: 0.1 }, {})).toEqual(['read-noise']);
    expect(on({}, { adcBits: 6 })).toEqual(['adc']);
    expect(on({ readSigma: 0.1 }, { dacBits: 4, adcBits: 6 })).toEqual(['read-noise', 'dac', 'adc']);
  });

  it('read noise: W_used = wMax·(r(uP) − r(uN)), r(u) = u + σr·z·(u + gMin/Δ), z from read/<layer> (P before N, row-major)', () => {
    const rows = 9, cols = 7, sig = 0.2;
    const W = randomParam('fc', rows, cols, 'rn', 0.3);
    const op = new CrossbarMatrixOp(W, { seed: 4, layer: 'fc', device: { readSigma: sig }, defects: D });
    const I = new Float32Array(rows * rows);
    for (let i = 0; i < rows; i++) I[i * rows + i] = 1;
    const Y = new Float32Array(rows * cols);
    op.forward(I, rows, Y, false); // one forward reads every cell once: Y = W_used
    const z = new NormalSource(stream(4, 'read/fc'));
    const off = 1e-6 / (1e-4 - 1e-6);
    const a = op.array;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const s = i * cols + j;
        const rp = a.uP[s] + sig * z.next() * (a.uP[s] + off);
        const rn = a.uN[s] + sig * z.next() * (a.uN[s] + off);
        expect(Y[i * cols + j]).toBeCloseTo(op.wMax * (rp - rn), 6);
      }
    }
  });

  it('drift and line resistance are empty slots: off unless a drift law and a read age are given', () => {
    const mapping = makeMapping('differential');
    const base = { layer: 'fc', seed: 0, mapping, crossbar: {} } as unknown as ReadStageContext;
    const noDrift = { readNoisy: false } as unknown as DeviceModel;
    const halving = { readNoisy: false, drift: (u: number, age: number) => u / (1 + age) } as unknown as DeviceModel;
    expect(drift.create({ ...base, model: noDrift, readAge: 10 })).toBeNull();
    expect(drift.create({ ...base, model: halving })).toBeNull();
    const st = drift.create({ ...base, model: halving, readAge: 1 });
    expect(st?.readCell?.(0.8, 3, 1)).toBe(0.4);
    expect(lineResistance.create(base)).toBeNull();
  });
});

describe('device model hooks on the general path', () => {
  it('a model without a fast path is programmed through quantise/land, and afterProgram sees the write counters', () => {
    const mapping = makeMapping('differential');
    const layout = new TileLayout(6, 5, 8, 16, 2);
    const seen: number[] = [];
    const model: DeviceModel = {
      name: 'test-halves', spec: { gMin: 1e-6, gMax: 1e-4, levels: 0, progSigma: 0, readSigma: 0 },
      fastPath: null, freeRange: [0, 1], landsOffTarget: true, readNoisy: false,
      quantise: (u) => Math.round(u * 2) / 2, // three levels 0, ½, 1
      land: (q) => q * 0.9, // every write lands 10 % low
      stuckU: (s) => (s === 2 ? 1 : 0),
      readNoise: (u) => u,
      afterProgram: (c: ProgrammedCells) => { seen.push(c.writesP.reduce((x, y) => x + y, 0) + c.writesN.reduce((x, y) => x + y, 0)); },
    };
    const arr = new CrossbarArray(model, mapping, layout, healthyMaps(1, 8, 16));
    const n = 30, val = new Float32Array(n), wEff = new Float32Array(n);
    for (let k = 0; k < n; k++) val[k] = (k - 15) / 15; // t from −1 to 0.93
    const perm = allocI32(6), permC = new Int32Array(5);
    for (let i = 0; i < 6; i++) perm[i] = i;
    for (let j = 0; j < 5; j++) permC[j] = j;
    arr.programAll(val, 1, perm, permC, true, true, allocI32(0), allocI32(0), wEff, true);
    expect(seen).toEqual([60]); // first programming writes every cell
    for (let k = 0; k < n; k++) {
      const t = val[k];
      const p = Math.round(Math.max(t, 0) * 2) / 2, q = Math.round(Math.max(-t, 0) * 2) / 2;
      expect(arr.tgtP[k]).toBe(p);
      expect(arr.uP[k]).toBeCloseTo(0.9 * p, 6);
      expect(wEff[k]).toBeCloseTo(0.9 * (p - q), 6);
    }
    val[0] = 0.1; // t: −1 → 0.1: P level 0 → 0 (unchanged), N level 1 → 0 (written)
    arr.programAll(val, 1, perm, permC, true, true, allocI32(0), allocI32(0), wEff, false);
    expect(seen).toEqual([60, 61]);
  });
});
