/**
 * The cost model (src/experiment/cost_model.ts) against hand-counted multiply-adds, and the ETA's
 * calibration (sim/sweep/eta.ts) on synthetic timings drawn from known per-kind scales.
 */
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { type CostRates, pointCost, sweepCost } from '../../src/experiment/cost_model.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { calibrate, Eta, type Sample } from '../../sim/sweep/eta.js';
import { baseKey } from '../../sim/sweep/schedule.js';

async function points(cfg: Record<string, unknown>): Promise<{ hash: string; point: PointSpec }[]> {
  const plan = await planSweep({ dataset: 'mnist', model: 'mlp', defects: { rate: 0.1 }, ...cfg }, 'test');
  return plan.points.map((p) => ({ hash: p.hash, point: p.point }));
}

/** rates that price one kind of work only (1 MAC or value = 1 s), the rest free */
const only = (k: keyof CostRates): CostRates => ({ train: Infinity, device: Infinity, eval: Infinity, act: Infinity, program: Infinity, solve: Infinity, point: 0, [k]: 1 });

// the MLP preset: 784 → 300 → 100 → 10 (src/nn/model.ts)
const F = 784 * 300 + 300 * 100 + 100 * 10;

describe('cost model arithmetic', () => {
  it('base training = 3·F·m·epochs MACs; evaluation = F·e·passes', async () => {
    const [p] = await points({ method: 'unaware', trainLimit: 1000, evalLimit: 500, train: { epochs: 3 } });
    expect(pointCost(p.point, only('train')).base).toBe(3 * F * 1000 * 3);
    // unaware: the digital base and the deployed network are evaluated (2 passes through the crossbar rate)
    expect(pointCost(p.point, only('eval')).method).toBe(F * 500 * 2);
    // ideal: one digital evaluation, no base-independent crossbar work
    const [i] = await points({ method: 'ideal', trainLimit: 1000, evalLimit: 500 });
    expect(pointCost(i.point, only('train')).method).toBe(F * 500);
    expect(pointCost(i.point, only('program')).method).toBe(0);
  });

  it('retraining: fat = 3·F·r·retrain.epochs on the device rate; ittrna with compensation = L·epochsPerStage + finalEpochs epochs', async () => {
    const [fat] = await points({ method: 'fat', trainLimit: 1000, retrainLimit: 200, retrain: { epochs: 4 } });
    expect(pointCost(fat.point, only('device')).method).toBe(3 * F * 200 * 4);
    const [it] = await points({ method: 'ittrna', trainLimit: 1000, retrainLimit: 200, ittrna: { epochsPerStage: 2, finalEpochs: 3, compensation: true } });
    // the MLP has L = 3 weight layers
    expect(pointCost(it.point, only('device')).method).toBe(3 * F * 200 * (3 * 2 + 3));
    // its importance pass: calibrationBatches·retrain.batch images, forward and backward, digital
    const imp = 3 * F * it.point.ittrna.calibrationBatches * it.point.retrain.batch;
    expect(pointCost(it.point, only('train')).method).toBe(imp);
  });

  it('programming: the used cells (2 per weight, differential) once, then once per on-device training step', async () => {
    const [u] = await points({ method: 'unaware', trainLimit: 1000 });
    expect(pointCost(u.point, only('program')).method).toBe(F * 2);
    const [fat] = await points({ method: 'fat', trainLimit: 640, retrain: { epochs: 1, batch: 64 } });
    expect(pointCost(fat.point, only('program')).method).toBe(F * 2 * (1 + 10));
  });

  it('a sweep counts each base network once, and per method the rest', async () => {
    const ps = (await points({ method: ['unaware', 'fat'], seed: [0, 1], trainLimit: 500 })).map((p) => p.point);
    const k = only('train');
    const c = sweepCost(ps, baseKey, k);
    expect(c.nBases).toBe(2);
    expect(c.bases).toBe(2 * 3 * F * 500 * ps[0].train.epochs);
    const methodSum = ps.reduce((s, p) => s + pointCost(p, k).method, 0);
    expect(c.total).toBe(c.bases + methodSum);
  });
});

describe('ETA calibration on synthetic timings', () => {
  it('recovers per-kind scales from noisy times, the first point carrying the base training', () => {
    const rng = seedrandom('eta-synthetic');
    const truth: Record<string, number> = { base: 4, fat: 7, ideal: 2, unaware: 3 };
    const samples: Sample[] = [];
    const noise = () => Math.exp(0.05 * (rng() * 2 - 1));
    samples.push({ method: 'unaware', base: 10, cost: 2, seconds: (truth.base * 10 + truth.unaware * 2) * noise() });
    for (let i = 0; i < 6; i++) {
      samples.push({ method: 'unaware', base: 0, cost: 2, seconds: truth.unaware * 2 * noise() });
      samples.push({ method: 'fat', base: 0, cost: 20, seconds: truth.fat * 20 * noise() });
      samples.push({ method: 'ideal', base: 0, cost: 1, seconds: truth.ideal * noise() });
    }
    const s = calibrate(samples);
    for (const k of ['fat', 'ideal', 'unaware']) expect(Math.abs(Math.log(s.get(k)! / truth[k]))).toBeLessThan(0.12);
    // one base sample: pinned between the prior (the common scale) and the truth, far nearer the truth than g
    expect(Math.abs(Math.log(s.get('base')! / truth.base))).toBeLessThan(0.3);
  });

  it('a kind with no sample takes the common scale (Σ t / Σ prediction); no sample at all: 1 / threads', () => {
    const s = calibrate([{ method: 'fat', base: 0, cost: 10, seconds: 30 }, { method: 'ideal', base: 0, cost: 10, seconds: 10 }]);
    expect(s.get('*')).toBeCloseTo(2, 12);
    expect(calibrate([]).size).toBe(0);
  });

  it('the ETA is the makespan: exact for known scales, workers and costs', async () => {
    // four points of one base: unaware (opener, trains the base) then 3 x fat
    const todo = await points({ method: ['unaware', 'fat'], defects: { rate: [0.1, 0.2] }, trainLimit: 300 });
    const eta = new Eta(todo, [], 2, 1);
    const byMethod = (m: string) => todo.filter((p) => p.point.method === m);
    const c = (p: { point: PointSpec }) => pointCost(p.point);
    // uncalibrated, 1 thread: predictions = the cost model's CPU-seconds; the base once
    const u = byMethod('unaware'), f = byMethod('fat');
    const base = c(u[0]).base;
    const jobs = [c(u[0]).method + base, c(u[1]).method, c(f[0]).method, c(f[1]).method];
    // list scheduling over 2 slots in the given (grid) order
    const slots = [0, 0];
    const order = todo.map((p) => jobs[[u[0], u[1], f[0], f[1]].findIndex((q) => q.hash === p.hash)]);
    for (const j of order) { slots.sort((a, b) => a - b); slots[0] += j; }
    expect(eta.remaining(0)).toBeCloseTo(Math.max(...slots), 9);
    // the opener starts (and trains the base): 10 s later its share has shrunk by 10 s
    eta.start(u[0].hash, 0);
    const before = eta.predict(u[0].hash);
    expect(before).toBeCloseTo(base + c(u[0]).method, 9);
    expect(eta.remaining(10_000)).toBeLessThan(eta.remaining(0) + 1e-9);
    // it finishes taking twice the prediction: every kind is calibrated to scale 2 (one sample: the common scale)
    eta.finish(u[0].hash, 2 * before, true);
    expect(eta.calibrated).toBe(true);
    expect(eta.predict(f[0].hash)).toBeCloseTo(2 * c(f[0]).method, 6);
  });
});
