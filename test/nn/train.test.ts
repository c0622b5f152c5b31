import { describe, expect, it } from 'vitest';
import { buildModel, lenet5Desc, mlpDesc, type ModelDesc } from '../../src/nn/model.js';
import { evaluate, train, type EpochInfo } from '../../src/nn/train.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import type { TrainSpec } from '../../src/experiment/point.js';
import { UserError } from '../../src/util/errors.js';
import { blobs, noise } from './synthetic.js';
import { arenaStats, inWasmMemory } from '../../src/kernels/wasm_memory.js';

const small: ModelDesc = {
  name: 'blob-mlp', input: [1, 4, 4],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 32 }, { type: 'relu' }, { type: 'dense', out: 4 }],
};
const spec: TrainSpec = { epochs: 8, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 16 };
const strip = (e: EpochInfo[]) => e.map(({ seconds: _s, eval: ev, ...rest }) => ({ ...rest, eval: ev }));

describe('trainer', () => {
  it('a tiny MLP learns a separable synthetic problem (held-out accuracy >= 95%, loss falls)', () => {
    const tr = blobs('train', 400, 16, 4, 'train');
    const ho = blobs('heldout', 400, 16, 4, 'heldout');
    const net = buildModel(small, 1);
    const before = evaluate(net, ho);
    const res = train(net, tr, spec, { seed: 1, evalSplit: ho });
    const after = evaluate(net, ho, 64);
    expect(res.epochs).toHaveLength(8);
    expect(res.steps).toBe(8 * 25);
    expect(after.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(after.loss).toBeLessThan(before.loss / 5);
    expect(res.epochs[7].trainLoss).toBeLessThan(res.epochs[0].trainLoss);
    expect(res.epochs[7].eval!.accuracy).toBe(after.accuracy);
    expect(after.split).toBe('heldout');
  });

  it('evaluate: accuracy and mean loss agree with a one-batch computation, whatever the batch', () => {
    const ho = blobs('heldout', 137, 16, 4, 'e');
    const net = buildModel(small, 2);
    const whole = softmaxCrossEntropy(net.forward(ho.x, ho.n, false), ho.y, 0, ho.n, 4, null);
    const e = evaluate(net, ho, 10);
    expect(e.accuracy).toBe(whole.correct / ho.n);
    expect(e.loss).toBeCloseTo(whole.loss, 6);
    expect(e.n).toBe(137);
  });

  it('same config + seed ⇒ bit-identical weights and metrics (LeNet-5, MLP); another seed differs', () => {
    const data = noise('train', 150, 784, 'det');
    const ho = noise('test', 50, 784, 'det-ho');
    const s: TrainSpec = { epochs: 2, lr: 0.01, momentum: 0.9, weightDecay: 1e-4, batch: 32 };
    for (const d of [lenet5Desc('max'), lenet5Desc('avg'), mlpDesc()]) {
      const run = (seed: number) => {
        const net = buildModel(d, seed);
        const r = train(net, data, s, { seed, evalSplit: ho });
        return { sha: net.weightsSha256(), epochs: strip(r.epochs) };
      };
      const a = run(0), b = run(0), c = run(1);
      expect(b.sha).toBe(a.sha);
      expect(b.epochs).toEqual(a.epochs);
      expect(c.sha).not.toBe(a.sha);
    }
  });

  it('shuffling depends only on the seed: same init, different shuffle seed ⇒ different weights', () => {
    const data = blobs('train', 64, 16, 4, 'sh');
    const a = buildModel(small, 0), b = buildModel(small, 0);
    train(a, data, { ...spec, epochs: 1 }, { seed: 0 });
    train(b, data, { ...spec, epochs: 1 }, { seed: 0, shuffleStream: 'shuffle-retrain' });
    expect(a.weightsSha256()).not.toBe(b.weightsSha256());
  });

  it('hooks: penalty runs after backward and before the step, afterStep after it; limit and epochs override', () => {
    const data = blobs('train', 100, 16, 4, 'hooks');
    const net = buildModel(small, 0);
    const fc1 = net.weightLayer('fc1').op.weight;
    const calls: string[] = [];
    let gradSeen = 0;
    const r = train(net, data, spec, {
      seed: 0, epochs: 2, limit: 40,
      penalty: (n) => {
        // grads are filled by backward at this point; add 0.5·‖w‖² penalty gradient
        gradSeen += fc1.grad.some((g) => g !== 0) ? 1 : 0;
        let v = 0;
        const w = n.weightLayer('fc1').op.weight;
        for (let i = 0; i < w.value.length; i++) { v += 0.5 * w.value[i] ** 2; w.grad[i] += w.value[i]; }
        calls.push('penalty');
        return v;
      },
      afterStep: (_n, step) => calls.push(`after${step}`),
    });
    expect(r.steps).toBe(2 * 3); // 40 examples / batch 16 → 3 steps per epoch
    expect(calls.slice(0, 4)).toEqual(['penalty', 'after0', 'penalty', 'after1']);
    expect(gradSeen).toBe(6);
    expect(r.epochs[0].penalty).toBeGreaterThan(0);
  });

  it('frozen elements (updateMask) and frozen params (trainable = false) do not move during training', () => {
    const data = blobs('train', 64, 16, 4, 'mask');
    const net = buildModel(small, 0);
    const w = net.weightLayer('fc1').op.weight;
    w.updateMask = new Float32Array(w.value.length).map((_, i) => (i % 3 === 0 ? 0 : 1));
    net.weightLayer('fc2').bias.trainable = false;
    net.weightLayer('fc2').bias.value.fill(0.25);
    const before = Float32Array.from(w.value);
    train(net, data, { ...spec, epochs: 2, weightDecay: 0.01 }, { seed: 0 });
    let moved = 0;
    for (let i = 0; i < w.value.length; i++) {
      if (i % 3 === 0) expect(w.value[i]).toBe(before[i]);
      else if (w.value[i] !== before[i]) moved++;
    }
    expect(moved).toBeGreaterThan(w.value.length / 2);
    expect(net.weightLayer('fc2').bias.value.every((v) => v === 0.25)).toBe(true);
  });

  const arena = inWasmMemory(buildModel(small, 0).weightLayer('fc1').op.weight.value);
  it.runIf(arena)('training steps allocate no kernel memory after the first step (buffers are reused)', () => {
    const data = noise('train', 6 * 32, 784, 'alloc');
    const net = buildModel(lenet5Desc(), 0);
    const before = arenaStats().arenaUsed;
    const used: number[] = [];
    train(net, data, { ...spec, epochs: 2, batch: 32 }, { seed: 0, onStep: () => used.push(arenaStats().arenaUsed) });
    expect(used).toHaveLength(12);
    expect(used[0]).toBeGreaterThan(before); // the first step sizes the layer buffers in the arena
    expect(new Set(used.slice(1)).size).toBe(1);
  });

  it('bad training specs throw UserError naming the field', () => {
    const data = blobs('train', 10, 16, 4, 'bad');
    const net = buildModel(small, 0);
    expect(() => train(net, data, { ...spec, batch: 0 }, { seed: 0 })).toThrow(UserError);
    expect(() => train(net, data, { ...spec, batch: 0 }, { seed: 0 })).toThrow(/train\.batch must be an integer in \[1, 65536\]/);
    expect(() => train(net, data, { ...spec, lr: -1 }, { seed: 0 })).toThrow(/train\.lr must be a number in \(0, 10\]/);
    expect(() => train(net, data, { ...spec, momentum: 1 }, { seed: 0 })).toThrow(/train\.momentum must be a number in \[0, 1\)/);
    expect(() => train(buildModel(mlpDesc(), 0), data, spec, { seed: 0 })).toThrow(/needs 784/);
  });
});
