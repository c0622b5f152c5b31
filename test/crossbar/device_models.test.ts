import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { HEALTHY } from '../../src/crossbar/cell_state.js';
import { checkDeviceModel, deviceModelNames } from '../../src/crossbar/device_registry.js';
import { pointHash } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { UserError } from '../../src/util/errors.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';
import { randomParam } from './helpers.js';

const G_MIN = 1e-6, G_MAX = 1e-4, DELTA = G_MAX - G_MIN;
const G_LO = 2e-5, G_HI = 7e-5;
const U_LO = (G_LO - G_MIN) / DELTA, U_HI = (G_HI - G_MIN) / DELTA;

function windowOp(mapping: 'differential' | 'offset', levels: number, progSigma = 0) {
  const W = randomParam('fc', 40, 30, `cw-${mapping}`, 0.5);
  const op = new CrossbarMatrixOp(W, {
    seed: 3,
    device: { levels, progSigma, model: 'clipped-window', modelParams: { gLo: G_LO, gHi: G_HI } },
    defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 16, tileCols: 16 },
  });
  return { W, op };
}

describe("device model 'clipped-window' (one file + one registry entry)", () => {
  it('is registered next to the default', () => {
    expect(deviceModelNames().slice(0, 2)).toEqual(['linear-levels', 'clipped-window']);
  });

  for (const mapping of ['differential', 'offset'] as const) {
    for (const [levels, progSigma] of [[0, 0], [16, 0], [16, 0.3]] as const) {
      it(`${mapping}, levels ${levels}, sigma_p ${progSigma}: healthy cells land inside [gLo, gHi], stuck cells at gMin/gMax`, () => {
        const { W, op } = windowOp(mapping, levels, progSigma);
        for (let step = 0; step < 3; step++) {
          // move the weights (some far beyond the range) and reprogram
          for (let k = 0; k < W.value.length; k++) W.value[k] = W.value[k] * -1.7 + (k % 7 === 0 ? 0.9 : 0);
          op.sync();
          const a = op.array, two = mapping === 'differential';
          let inside = 0, atEdge = 0;
          for (let s = 0; s < a.slots; s++) {
            for (const [st, u] of two ? [[a.stateP[s], a.uP[s]], [a.stateN[s], a.uN[s]]] : [[a.stateP[s], a.uP[s]]]) {
              const g = G_MIN + u * DELTA;
              if (st === HEALTHY) {
                // float32 storage of u: allow one float32 ulp at the edges
                expect(g).toBeGreaterThanOrEqual(G_LO * (1 - 1e-6));
                expect(g).toBeLessThanOrEqual(G_HI * (1 + 1e-6));
                inside++;
                if (Math.abs(u - U_LO) < 1e-6 || Math.abs(u - U_HI) < 1e-6) atEdge++;
              } else {
                expect(u === 0 || u === 1).toBe(true);
              }
            }
          }
          expect(inside).toBeGreaterThan(0.8 * a.slots);
          expect(atEdge).toBeGreaterThan(0); // the clip is active (otherwise the test proves nothing)
        }
        expect(op.cellWrites()).toBeGreaterThan(0);
      });
    }
  }

  it('the attainable interval of a healthy slot narrows to the window', () => {
    const { op } = windowOp('differential', 0);
    const { lo, hi } = op.attainable();
    const fs = op.array;
    let checked = 0;
    for (let i = 0; i < op.rows; i++) {
      for (let j = 0; j < op.cols; j++) {
        const s = i * op.cols + j;
        if (fs.stateP[s] !== HEALTHY || fs.stateN[s] !== HEALTHY) continue;
        expect(hi[s]).toBeCloseTo(op.wMax * (U_HI - U_LO), 6);
        expect(lo[s]).toBeCloseTo(-op.wMax * (U_HI - U_LO), 6);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('bad names and parameters are UserErrors naming the field', () => {
    const d = { gMin: G_MIN, gMax: G_MAX, levels: 0, progSigma: 0, readSigma: 0 };
    const err = (f: () => unknown) => { try { f(); } catch (e) { return e; } return null; };
    const e1 = err(() => checkDeviceModel({ ...d, model: 'memristor-x' }));
    expect(e1).toBeInstanceOf(UserError);
    expect((e1 as Error).message).toMatch(/device\.model must be one of 'linear-levels', 'clipped-window'/);
    const e2 = err(() => checkDeviceModel({ ...d, model: 'clipped-window', modelParams: { gLo: 5e-4 } }));
    expect((e2 as Error).message).toMatch(/device\.modelParams\.gLo .* must be a number in \[0\.000001, 0\.0001\]/);
    const e3 = err(() => checkDeviceModel({ ...d, model: 'clipped-window', modelParams: { gLo: 5e-5, gHi: 4e-5 } }));
    expect((e3 as Error).message).toMatch(/gLo .* must be below/);
    const e4 = err(() => checkDeviceModel({ ...d, modelParams: { gLo: 5e-5 } }));
    expect((e4 as Error).message).toMatch(/'linear-levels' takes no parameters/);
    const e5 = err(() => checkDeviceModel({ ...d, model: 'clipped-window', modelParams: { width: 1 } }));
    expect((e5 as Error).message).toMatch(/unknown parameter .* allowed: gLo, gHi/);
  });

  it('a sweep config selects it: plans (defaults filled, own hash) and runs a point', async () => {
    const base = { method: 'unaware', defects: { rate: 0.1 }, crossbar: { tileRows: 16, tileCols: 32 }, train: { epochs: 2, batch: 32, lr: 0.02 }, seed: 5 };
    const plain = await planSweep(base);
    const dflt = await planSweep({ ...base, device: { model: 'linear-levels' } });
    expect(dflt.points[0].hash).toBe(plain.points[0].hash); // the default model is not in the hash
    expect(plain.points[0].point.device.model).toBeUndefined();
    const plan = await planSweep({ ...base, device: { model: 'clipped-window', modelParams: { gHi: G_HI } } });
    const p = plan.points[0].point;
    expect(p.device.model).toBe('clipped-window');
    expect(p.device.modelParams).toEqual({ gLo: G_MIN + 0.1 * DELTA, gHi: G_HI });
    expect(plan.points[0].hash).toBe(pointHash(p));
    expect(plan.points[0].hash).not.toBe(plain.points[0].hash);
    await expect(planSweep({ ...base, device: { model: 'clipped-window', modelParams: { gHi: 1 } } }))
      .rejects.toThrow(/device\.modelParams\.gHi/);
    const dataset = syntheticDataset('device-models');
    const clipped = await runPoint(p, { dataset });
    const ref = await runPoint(plain.points[0].point, { dataset });
    expect(clipped.accuracy).toBeGreaterThan(0);
    expect(clipped.accuracy).toBeLessThanOrEqual(1);
    expect(clipped.cellsUsed).toBe(ref.cellsUsed);
    // the window changes what the deployed network computes
    expect(clipped.loss).not.toBe(ref.loss);
  });
});
