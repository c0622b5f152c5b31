import { describe, expect, it } from 'vitest';
import { trainJoint } from '../../src/methods/multitask/joint_train.js';
import { TaskHeads } from '../../src/methods/multitask/task_heads.js';
import { buildModel, mlpDesc } from '../../src/nn/model.js';
import { makeTask } from '../../src/tasks/registry.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';

describe('trainJoint (round-robin multi-task batches)', () => {
  const data = syntheticDataset('joint');
  const tasks = [0, 1].map((k) => makeTask(`permuted-mnist-embedded/${k}`, data, 2));
  const small = { ...tasks[1], train: { ...tasks[1].train, n: 100 } }; // 100 examples: wraps around

  function run(limit = 0) {
    const net = buildModel(mlpDesc([1, 4, 4]), 3);
    const wl = net.weightLayers();
    const heads = new TaskHeads(wl[wl.length - 1]);
    heads.addTask(); heads.addTask();
    const shared = wl.slice(0, -1).flatMap((l) => [l.op.weight, l.bias]);
    const before = heads.ops.map((h) => Float32Array.from(h.weight.value));
    const res = trainJoint(net, [tasks[0].train, small.train], { epochs: 3, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 }, {
      seed: 1, limit, select: (t) => heads.select(t), shared, own: [0, 1].map((t) => heads.trainableParams(t)),
    });
    return { res, heads, before };
  }

  it('steps = epochs · max_t ⌈m_t/B⌉ · T (the smaller task wraps around); both heads learn; losses fall', () => {
    const { res, heads, before } = run();
    expect(res.steps).toBe(3 * Math.ceil(300 / 32) * 2);
    heads.ops.forEach((h, t) => expect(Array.from(h.weight.value)).not.toEqual(Array.from(before[t])));
    for (let t = 0; t < 2; t++) expect(res.loss[2][t]).toBeLessThan(res.loss[0][t]);
    expect(run(64).res.steps).toBe(3 * 2 * 2); // limit 64 → 2 batches per task
  });

  it('is deterministic', () => {
    expect(run().res.loss).toEqual(run().res.loss);
  });
});
