/**
 * Smoke test of the continual-learning runner on tiny synthetic tasks: 3 permuted versions of
 * the 4x4 prototype data set (test/methods/synthetic_dataset.ts), an MLP base trained on task 0,
 * deployed on crossbars with 10 % stuck cells.
 */
import { describe, expect, it } from 'vitest';
import { runContinual, runJointRouted, type ContinualMethod } from '../../src/methods/multitask/continual.js';
import { buildModel, mlpDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { makeTask } from '../../src/tasks/registry.js';
import { UserError } from '../../src/util/errors.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';

const data = syntheticDataset('multitask');
const tasks = [0, 1, 2].map((k) => makeTask(`permuted-mnist-embedded/${k}`, data, 1));
const base = buildModel(mlpDesc([1, 4, 4]), 1);
train(base, tasks[0].train, { epochs: 8, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 }, { seed: 1 });
const point = {
  seed: 1,
  device: { gMin: 1e-6, gMax: 1e-4, levels: 32, progSigma: 0, readSigma: 0 },
  crossbar: undefined as never,
  defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' as const },
};
const opts = (method: ContinualMethod, merge: 'none' | 'linear' | 'concatenated' = 'none') => ({
  method, tasks, base, point, merge,
  retrain: { epochs: 4, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 },
  rank: 4, alpha: 0, sparsity: 0.5,
});

describe('continual-learning runner (synthetic tasks)', () => {
  const results = Object.fromEntries((['fat', 'lora', 'lori', 'crab'] as const).map((m) => [m, runContinual(opts(m, m === 'lora' || m === 'lori' ? 'linear' : 'none'))]));

  it('fills the lower triangle of the accuracy matrix and learns every task well above chance', () => {
    for (const [m, r] of Object.entries(results)) {
      expect(r.accuracy.length, m).toBe(3);
      r.accuracy.forEach((row, j) => row.forEach((a, i) => {
        if (i > j) expect(a).toBeNull();
        else { expect(a).toBeGreaterThanOrEqual(0); expect(a).toBeLessThanOrEqual(1); }
      }));
      for (let j = 0; j < 3; j++) expect(r.accuracy[j][j], `${m} a[${j}][${j}]`).toBeGreaterThan(0.5);
      // cumulative writes never decrease
      for (let j = 1; j < 3; j++) expect(r.cumulativeWrites[j]).toBeGreaterThanOrEqual(r.cumulativeWrites[j - 1]);
    }
  });

  it('lora and lori never touch a task after it is learned (forgetting exactly 0) and never write the base', () => {
    for (const m of ['lora', 'lori'] as const) {
      const r = results[m];
      expect(r.metrics.forgetting, m).toBe(0);
      for (let j = 0; j < 3; j++) expect(r.accuracy[j][0]).toBe(r.accuracy[0][0]);
      expect(r.baseWrites, m).toEqual([0, 0, 0]);
      expect(r.cumulativeWrites[0]).toBeGreaterThan(0);
      expect(r.merged!.accuracy.length).toBe(3);
    }
    expect(results.lori.merged!.kind).toBe('linear-shared-A');
    expect(results.lora.merged!.kind).toBe('linear-into-base');
    expect(results.lora.merged!.writes).toBeGreaterThan(0); // base cells rewritten
    expect(results.lora.merged!.cells).toBe(0); // no new array
    expect(results.crab.baseWrites).toEqual([0, 0, 0]);
    expect(results.fat.baseWrites[0]).toBeGreaterThan(0); // fat reprograms the base
  });

  it('lori writes fewer cells per task than lora (shared frozen A, sparse B) and uses fewer adapter cells', () => {
    const lora = results.lora, lori = results.lori;
    expect(lori.adapterCells).toBeLessThan(lora.adapterCells);
    expect(lori.cumulativeWrites[2] - lori.cumulativeWrites[0]).toBeLessThan(lora.cumulativeWrites[2] - lora.cumulativeWrites[0]);
  });

  it('breaks cells and writes down by array kind; the LoRI shared A holds only its programming writes', () => {
    const lori = results.lori.arrays, lora = results.lora.arrays, crab = results.crab.arrays;
    expect(Object.keys(lori).sort()).toEqual(['loraA', 'loraB']);
    expect(Object.keys(crab).sort()).toEqual(['crabA', 'crabB', 'crabR']);
    // mlp 16-300-100-10: adapted fc1 (16x300), fc2 (300x100); r = 4; differential pairs (2 cells)
    const aCells = 2 * (16 * 4 + 300 * 4), bCells = 2 * (4 * 300 + 4 * 100);
    expect(lori.loraA.cells).toBe(aCells);
    expect(lora.loraA.cells).toBe(3 * aCells);
    expect(lori.loraB.cells).toBe(3 * bCells);
    expect(lori.loraA.writes + lori.loraB.writes).toBe(results.lori.cumulativeWrites[2]);
    // the shared A was written only when programmed: no more than its healthy cells
    expect(lori.loraA.writes).toBeLessThanOrEqual(aCells);
    expect(lora.loraA.writes).toBeGreaterThan(3 * aCells); // trained A_k: rewritten
    expect(crab.crabB.cells).toBe(3 * bCells);
  });

  it('adapts only the selected layers; an unknown layer is a UserError', () => {
    const r = runContinual({ ...opts('lori'), layers: ['fc2'] });
    expect(r.arrays.loraA.cells).toBe(2 * 300 * 4);
    expect(() => runContinual({ ...opts('lori'), layers: ['fc3'] })).toThrow(/lora\.layers: unknown layer 'fc3'; allowed: fc1, fc2/);
  });

  it('crab reports per-task routing weights that sum to 1 per layer', () => {
    const r = results.crab.routing!;
    expect(r.length).toBe(3);
    for (const perLayer of r) for (const w of perLayer) {
      expect(w.length).toBe(3);
      expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    }
  });

  it('concatenated merge on a defective chip: a rank-3r adapter; LoRI linear and concatenated merges compute the same ΔW', () => {
    const cat = runContinual(opts('lori', 'concatenated'));
    expect(cat.merged!.kind).toBe('concatenated');
    expect(cat.accuracy).toEqual(results.lori.accuracy); // the sequence itself is unchanged
    // (both read the same used A, B values; they differ only by the new arrays' own defects)
    cat.merged!.accuracy.forEach((a, i) => expect(Math.abs(a - results.lori.merged!.accuracy[i])).toBeLessThan(0.15));
    expect(cat.merged!.cells).toBeGreaterThan(results.lori.merged!.cells);
  });

  it('is deterministic', () => {
    const again = runContinual(opts('lori', 'linear'));
    expect(again.accuracy).toEqual(results.lori.accuracy);
    expect(again.cumulativeWrites).toEqual(results.lori.cumulativeWrites);
  });

  it('bad input: one task, merge on a method without adapters', () => {
    expect(() => runContinual({ ...opts('lora'), tasks: tasks.slice(0, 1) })).toThrow(UserError);
    expect(() => runContinual({ ...opts('lora'), tasks: tasks.slice(0, 1) })).toThrow(/at least 2 tasks/);
    expect(() => runContinual(opts('fat', 'linear'))).toThrow(/merge: only lora and lori/);
    expect(() => runContinual({ ...opts('lora'), method: 'nope' as never })).toThrow(/allowed: fat, lora, lori, crab/);
  });
});

describe('joint training of the routed multi-head adapter (Crab setting)', () => {
  const o = { ...opts('crab'), retrain: { epochs: 5, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 } };
  const r = runJointRouted(o);

  it('learns every task jointly without writing the base; routing weights sum to 1', () => {
    r.accuracy.forEach((a, i) => expect(a, `task ${i}`).toBeGreaterThan(0.5));
    expect(r.acc).toBeCloseTo(r.accuracy.reduce((a, b) => a + b, 0) / 3, 12);
    expect(r.baseWrites).toBe(0);
    expect(r.writes).toBeGreaterThan(0);
    for (const perLayer of r.routing) for (const w of perLayer) expect(Math.abs(w.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    // the new tasks' training loss falls from the first to the last epoch (task 0 is the base's
    // own task, already at a loss ≈ 0.01)
    for (let t = 1; t < 3; t++) expect(r.loss[4][t]).toBeLessThan(r.loss[0][t]);
    expect(r.loss[4][0]).toBeLessThan(0.1);
  });

  it('is deterministic and rejects a one-task list', () => {
    const again = runJointRouted(o);
    expect(again.accuracy).toEqual(r.accuracy);
    expect(again.writes).toBe(r.writes);
    expect(() => runJointRouted({ ...o, tasks: tasks.slice(0, 1) })).toThrow(/at least 2 tasks/);
  });
});
