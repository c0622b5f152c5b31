// Learning-rate schedules (src/nn/lr_schedule.ts) against hand computations, the trainer applying
// them (η_t recovered from the weight update of a momentum-free step: Δw = −η_t·g), and the
// config: absent/constant schedule = no field in the point, bad schedules name their JSON path.
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { lrSchedule, type ScheduleSpec } from '../../src/nn/lr_schedule.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import type { TrainSpec } from '../../src/nn/train_spec.js';
import { UserError } from '../../src/util/errors.js';
import { blobs } from './synthetic.js';

describe('lr schedules: values', () => {
  it('constant is null (the trainer leaves η alone)', () => {
    expect(lrSchedule(undefined, 0.1, 5, 3)).toBeNull();
    expect(lrSchedule({ kind: 'constant' }, 0.1, 5, 3)).toBeNull();
  });

  it('step {every 2, gamma 0.1}: 0.1, 0.1, 0.01, 0.01, 0.001, 0.001 per epoch, constant within an epoch', () => {
    const f = lrSchedule({ kind: 'step', every: 2, gamma: 0.1 }, 0.1, 6, 4)!;
    const hand = [0.1, 0.1, 0.01, 0.01, 0.001, 0.001];
    for (let k = 0; k < 6; k++) for (let s = 0; s < 4; s++) expect(f(k, s)).toBeCloseTo(hand[k], 15);
  });

  it('cosine, no warm-up: η = 1, 2 epochs x 2 steps: 1, ½(1 + cos π/4), ½, ½(1 + cos 3π/4)', () => {
    const f = lrSchedule({ kind: 'cosine' }, 1, 2, 2)!;
    const got = [f(0, 0), f(0, 1), f(1, 0), f(1, 1)];
    [1, 0.8535533905932737, 0.5, 0.14644660940672627].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
  });

  it('cosine, warm-up 1 epoch, final 0.1: η = 1, 3 epochs x 2 steps: 0.5, 1, 1, 0.8682, 0.55, 0.2318', () => {
    const f = lrSchedule({ kind: 'cosine', warmup: 1, final: 0.1 }, 1, 3, 2)!;
    const got = [0, 1, 2, 3, 4, 5].map((t) => f(Math.floor(t / 2), t % 2));
    // warm-up (t+1)/2; then 0.1 + 0.45 (1 + cos(π (t − 2) / 4))
    const hand = [0.5, 1, 1, 0.1 + 0.45 * (1 + Math.SQRT1_2), 0.55, 0.1 + 0.45 * (1 - Math.SQRT1_2)];
    hand.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
    expect(hand[3]).toBeCloseTo(0.868198, 6);
    expect(hand[5]).toBeCloseTo(0.231802, 6);
  });
});

describe('lr schedules: fractional warm-up', () => {
  it('cosine, warm-up 0.5 epoch of 4 steps = round(2) steps: 0.5, 1, then the cosine over the other 6 steps', () => {
    const f = lrSchedule({ kind: 'cosine', warmup: 0.5 }, 1, 2, 4)!;
    const got = [0, 1, 2, 3, 4, 5, 6, 7].map((t) => f(Math.floor(t / 4), t % 4));
    const hand = [0.5, 1, ...[0, 1, 2, 3, 4, 5].map((j) => 0.5 * (1 + Math.cos((Math.PI * j) / 6)))];
    hand.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
  });
});

describe('lr schedules: the trainer', () => {
  const desc: ModelDesc = { name: 'lin', input: [16, 1, 1], layers: [{ type: 'flatten' }, { type: 'dense', out: 4 }] };
  const tr = blobs('train', 64, 16, 4, 'sched');
  const base: TrainSpec = { epochs: 3, lr: 0.2, momentum: 0, weightDecay: 0, batch: 16 };

  /** η_t of every step, recovered as −Δw/g over the elements with |g| large enough */
  function observedLr(schedule?: ScheduleSpec): number[] {
    const net = buildModel(desc, 3);
    const w = net.weightLayers()[0].op.weight;
    let prev = Float32Array.from(w.value);
    const out: number[] = [];
    train(net, tr, { ...base, schedule }, {
      seed: 3,
      afterStep: () => {
        let best = 0, eta = NaN;
        for (let i = 0; i < w.value.length; i++) {
          if (Math.abs(w.grad[i]) > best) { best = Math.abs(w.grad[i]); eta = -(w.value[i] - prev[i]) / w.grad[i]; }
        }
        out.push(eta);
        prev = Float32Array.from(w.value);
      },
    });
    return out;
  }

  it('constant / absent: every step uses η; {kind: constant} gives bit-identical weights to no schedule', () => {
    const a = buildModel(desc, 3), b = buildModel(desc, 3);
    train(a, tr, base, { seed: 3 });
    train(b, tr, { ...base, schedule: { kind: 'constant' } }, { seed: 3 });
    expect(b.weightsSha256()).toBe(a.weightsSha256());
    for (const eta of observedLr()) expect(eta).toBeCloseTo(0.2, 5);
  });

  it('step {every 1, gamma 0.5}: 4 steps at 0.2, 4 at 0.1, 4 at 0.05', () => {
    const got = observedLr({ kind: 'step', every: 1, gamma: 0.5 });
    expect(got).toHaveLength(12);
    got.forEach((eta, t) => expect(eta).toBeCloseTo(0.2 * 0.5 ** Math.floor(t / 4), 5));
  });

  it('cosine with 1 warm-up epoch: per step, as lrSchedule', () => {
    const got = observedLr({ kind: 'cosine', warmup: 1 });
    const f = lrSchedule({ kind: 'cosine', warmup: 1 }, 0.2, 3, 4)!;
    got.forEach((eta, t) => expect(eta).toBeCloseTo(f(Math.floor(t / 4), t % 4), 5));
    expect(got[0]).toBeCloseTo(0.05, 5);
    expect(got[3]).toBeCloseTo(0.2, 5);
  });

  it('a bad schedule at run time is a UserError naming the field', () => {
    const net = buildModel(desc, 3);
    expect(() => train(net, tr, { ...base, schedule: { kind: 'step', every: 0, gamma: 0.1 } }, { seed: 1 })).toThrow(UserError);
    expect(() => train(net, tr, { ...base, schedule: { kind: 'step', every: 0, gamma: 0.1 } }, { seed: 1 })).toThrow(/^train\.schedule\.every: /);
  });
});

describe('lr schedules: the config', () => {
  it('absent or constant: no schedule in the point, the same hash', async () => {
    const a = await planSweep({ method: 'fat' });
    const b = await planSweep({ method: 'fat', train: { schedule: { kind: 'constant' } }, retrain: { schedule: { kind: 'constant' } } });
    expect('schedule' in a.points[0].point.train).toBe(false);
    expect('schedule' in a.points[0].point.retrain).toBe(false);
    expect(b.points[0].hash).toBe(a.points[0].hash);
  });

  it('step and cosine are recorded and hashed; a list of schedules is a grid axis', async () => {
    const p = await planSweep({ method: 'ideal', train: { schedule: [{ kind: 'step', every: 10, gamma: 0.1 }, { kind: 'cosine', warmup: 1 }] } });
    expect(p.points.map((x) => x.point.train.schedule)).toEqual([{ kind: 'step', every: 10, gamma: 0.1 }, { kind: 'cosine', warmup: 1 }]);
    expect(p.points[0].hash).not.toBe(p.points[1].hash);
  });

  it('errors name the JSON path and the allowed values', async () => {
    const err = async (cfg: unknown) => {
      try { await planSweep(cfg); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
      throw new Error('expected a UserError');
    };
    expect(await err({ train: { schedule: { kind: 'step', every: 10, gamma: 2 } } })).toMatch(/^train\.schedule\.gamma: got .*allowed: \{"kind": "constant"\}/);
    expect(await err({ retrain: { schedule: { kind: 'cosine', warmpu: 1 } } })).toMatch(/^retrain\.schedule/);
    expect(await err({ train: { schedule: { kind: 'exp' } } })).toMatch(/^train\.schedule\.kind: /);
  });
});
