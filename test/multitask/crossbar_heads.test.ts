/**
 * Per-task output heads on crossbars (multitask.heads 'crossbar'):
 *   - on an ideal crossbar (no defects, continuous levels, no noise) a head computes what the
 *     digital head computes (y = x·H + b, and the same gradients), and a whole continual run gives
 *     the digital-head run's accuracy matrix;
 *   - on a defective crossbar every task's head is its own array `<out>/head/task<k>` with its own
 *     defect map (from its own stream), and its cells and writes are counted in the record.
 */
import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { makeCrossbarOp } from '../../src/crossbar/crossbar_op_factory.js';
import { crossbarArrays, HEAD_RANGE_GAIN, runContinual, runJointRouted, type ContinualMethod } from '../../src/methods/multitask/continual.js';
import { ArrayHeadMatrixOp, HeadMatrixOp, TaskHeads } from '../../src/methods/multitask/task_heads.js';
import { buildModel, mlpDesc } from '../../src/nn/model.js';
import { makeParam } from '../../src/nn/param.js';
import { train } from '../../src/nn/train.js';
import { makeTask } from '../../src/tasks/registry.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';
import { randFill, randParam, xbarFactory } from './helpers.js';

const data = syntheticDataset('multitask-heads');
const tasks = [0, 1, 2].map((k) => makeTask(`permuted-mnist-embedded/${k}`, data, 1));
const base = buildModel(mlpDesc([1, 4, 4]), 1);
train(base, tasks[0].train, { epochs: 8, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 }, { seed: 1 });
const defective = {
  seed: 1,
  device: { gMin: 1e-6, gMax: 1e-4, levels: 32, progSigma: 0, readSigma: 0 },
  crossbar: undefined as never,
  defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' as const },
};
/** no defects, continuous levels, no noise, ideal converters: the crossbar computes the float product */
const ideal = { ...defective, device: { ...defective.device, levels: 0 }, defects: { ...defective.defects, rate: 0 } };
const opts = (method: ContinualMethod, point: typeof defective, heads: 'digital' | 'crossbar') => ({
  method, tasks, base, point, heads,
  retrain: { epochs: 3, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 },
  rank: 4, alpha: 0, sparsity: 0.5,
});

describe('a crossbar head op', () => {
  it('on an ideal crossbar: y = x·H + b and the gradients of H, b and x equal the digital head', () => {
    const rows = 12, cols = 5, n = 7;
    const Hd = randParam('H', rows, cols, 4, 0.5), bd = randParam('b', cols, 1, 5, 0.5);
    const Hx = randParam('H', rows, cols, 4, 0.5), bx = randParam('b', cols, 1, 5, 0.5);
    const dig = new HeadMatrixOp(Hd, bd);
    const xb = new ArrayHeadMatrixOp(xbarFactory(1, 0, 0)('fc/head/task0', Hx), bx);
    const X = randFill(new Float32Array(n * rows), 6, 'test/X');
    const dY = randFill(new Float32Array(n * cols), 7, 'test/dY');
    const Yd = new Float32Array(n * cols), Yx = new Float32Array(n * cols);
    const dXd = new Float32Array(n * rows), dXx = new Float32Array(n * rows);
    dig.forward(X, n, Yd); xb.forward(X, n, Yx, true);
    dig.backward(X, dY, n, dXd); xb.backward(X, dY, n, dXx);
    // independent oracle: y = x·H + b by hand in float64
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++) {
      let s = bd.value[j];
      for (let k = 0; k < rows; k++) s += X[i * rows + k] * Hd.value[k * cols + j];
      expect(Math.abs(Yx[i * cols + j] - s)).toBeLessThan(1e-5);
      expect(Math.abs(Yd[i * cols + j] - s)).toBeLessThan(1e-5);
    }
    Hd.grad.forEach((g, i) => expect(Math.abs(Hx.grad[i] - g)).toBeLessThan(1e-5));
    bd.grad.forEach((g, i) => expect(Math.abs(bx.grad[i] - g)).toBeLessThan(1e-6));
    dXd.forEach((g, i) => expect(Math.abs(dXx[i] - g)).toBeLessThan(1e-5));
    expect(xb.params()).toEqual([Hx, bx]);
    expect(xb.cost().cellsUsed).toBe(2 * rows * cols); // differential pairs
    expect(xb.cost().cellWrites).toBeGreaterThan(0); // programmed on its first forward
  });

  it("TaskHeads on a crossbar factory: task k's head is the array '<out>/head/task<k>' with its own defect map from its own stream", () => {
    const net = base.clone();
    const out = net.weightLayers().at(-1)!;
    const wMax = 0.8;
    const heads = new TaskHeads(out, crossbarArrays(defective, () => wMax, 1));
    for (let k = 0; k < 3; k++) heads.addTask();
    const ops = heads.arrayOps() as CrossbarMatrixOp[];
    expect(ops.map((o) => o.layer)).toEqual([`${out.name}/head/task0`, `${out.name}/head/task1`, `${out.name}/head/task2`]);
    const maps = ops.map((o) => JSON.stringify(o.defectMapJSON()));
    expect(new Set(maps).size).toBe(3); // three different arrays
    ops.forEach((o, k) => {
      // the map is the one the factory draws from stream defects/<out>/head/task<k>/… (independent rebuild)
      const again = makeCrossbarOp(makeParam('w', o.rows, o.cols, true), `${out.name}/head/task${k}`, defective, { crossbar: { range: { kind: 'fixed', wMax: HEAD_RANGE_GAIN * wMax } } });
      expect(maps[k]).toBe(JSON.stringify(again.defectMapJSON()));
      expect(o.wMax).toBeCloseTo(2 * wMax, 6); // room for a new task's head to grow (HEAD_RANGE_GAIN = 2)
      // 10 % stuck cells: the count of a 2·100·10-cell array within a wide binomial band
      const [, hrs, lrs] = o.usedCellStates();
      const cells = 2 * o.rows * o.cols, sd = Math.sqrt(cells * 0.1 * 0.9);
      expect(Math.abs(hrs + lrs - 0.1 * cells)).toBeLessThan(5 * sd);
    });
    // digital heads: no arrays
    expect(new TaskHeads(out).arrayOps()).toEqual([]);
  });
});

describe("continual runs with heads on crossbars", () => {
  // measured: identical matrices for fat, lora, lori; crab (router, shared parts retrained for
  // every task) differs by 1 of 200 eval examples in one entry (float rounding amplified by training)
  it('on an ideal crossbar the accuracy matrix equals the digital-head run within 2 of 200 examples (every method)', () => {
    for (const m of ['fat', 'lora', 'lori', 'crab'] as const) {
      const d = runContinual(opts(m, ideal, 'digital'));
      const x = runContinual(opts(m, ideal, 'crossbar'));
      x.accuracy.forEach((row, j) => row.forEach((a, i) => {
        if (a === null) expect(d.accuracy[j][i]).toBeNull();
        else expect(Math.abs(a - (d.accuracy[j][i] as number)), `${m} a[${j}][${i}]`).toBeLessThanOrEqual(0.01);
      }));
      expect(d.headCells, m).toBeUndefined(); // digital records carry no head fields
      expect(x.headCells, m).toBe(3 * 2 * 100 * 10); // fc3 is 100 x 10, differential pairs, one array per task
    }
  });

  it('on a defective crossbar the head arrays are counted: cells, writes in W_j, per task and per kind', () => {
    const d = runContinual(opts('lori', defective, 'digital'));
    const x = runContinual(opts('lori', defective, 'crossbar'));
    expect(x.headArrays!.map((h) => h.array)).toEqual(['fc3/head/task0', 'fc3/head/task1', 'fc3/head/task2']);
    for (const h of x.headArrays!) {
      expect(h.cells).toBe(2 * 100 * 10);
      expect(h.writes).toBeGreaterThan(0);
    }
    expect(x.arrays.head).toEqual({ cells: x.headCells, writes: x.headArrays!.reduce((s, h) => s + h.writes, 0) });
    // every write after the base programming: adapters + heads (the base is never written by lori)
    expect(x.baseWrites).toEqual([0, 0, 0]);
    expect(x.arrays.loraA.writes + x.arrays.loraB.writes + x.arrays.head.writes).toBe(x.cumulativeWrites[2]);
    expect(d.arrays.head).toBeUndefined();
    expect(d.arrays.loraA.writes + d.arrays.loraB.writes).toBe(d.cumulativeWrites[2]);
    // the heads are trained through the array: after task j, W_j includes head j's programming and updates
    expect(x.cumulativeWrites[0]).toBeGreaterThanOrEqual(x.headArrays![0].writes);
    // the adapter cells are the same; the head cells are extra
    expect(x.adapterCells).toBe(d.adapterCells);
    expect(x.metrics.forgetting).toBe(0); // each task keeps its own B and its own head array
    for (let j = 0; j < 3; j++) expect(x.accuracy[j][j]!, `a[${j}][${j}]`).toBeGreaterThan(0.5);
  });

  it('joint Crab training with crossbar heads counts them too', () => {
    const r = runJointRouted({ ...opts('crab', defective, 'crossbar') });
    expect(r.headCells).toBe(3 * 2 * 100 * 10);
    expect(r.arrays.head.cells).toBe(r.headCells);
    expect(r.arrays.crabA.writes + r.arrays.crabB.writes + r.arrays.crabR.writes + r.arrays.head.writes).toBe(r.writes);
  });
});
