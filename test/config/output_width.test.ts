/**
 * The model's output width against the classes of its data set, checked at planning: a last layer
 * narrower than the class count is ONE UserError naming the field that sets it
 * (`model.layers[i].out`), before any point runs — not every point failing late with
 * "label 8 of row 0 is outside 0..6" and a stack trace. The mt-* methods need exactly the tasks'
 * class count (each task gets a head of the output layer's shape).
 */
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { modelOutputs } from '../../src/config/model_layers.js';
import { datasetClasses } from '../../src/data/dataset_shapes.js';
import { loadDataset } from '../../src/data/load.js';
import type { ModelDesc } from '../../src/nn/model.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mlpOut = (out: number): ModelDesc => ({
  name: `mlp-out${out}`,
  input: [1, 28, 28],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 32 }, { type: 'relu' }, { type: 'dense', out }],
});

async function planError(cfg: unknown): Promise<UserError> {
  try {
    await planSweep(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error('expected a UserError');
}

describe('output width against the class count', () => {
  it('the class table agrees with the loaded data set (an independent count of its labels)', async () => {
    const d = await loadDataset('mnist-embedded');
    expect(datasetClasses('mnist-embedded')).toBe(d.classes);
    expect(Math.max(...d.train.y) + 1).toBe(d.classes);
  });

  it('modelOutputs is what the built network will have: presets and descriptions', () => {
    expect(modelOutputs('mlp', 'max', 'mnist')).toBe(10);
    expect(modelOutputs('lenet5', 'max', 'mnist')).toBe(10);
    expect(modelOutputs(mlpOut(7))).toBe(7);
  });

  it('a last dense layer of 7 outputs on 10-class MNIST is refused naming model.layers[3].out', async () => {
    const e = await planError({ model: mlpOut(7), dataset: 'mnist-embedded', method: 'unaware' });
    expect(e.field).toBe('model.layers[3].out');
    expect(e.message).toMatch(/^model\.layers\[3\]\.out: the model has 7 outputs but data set 'mnist-embedded' .* 10 classes/);
    expect(e.message).toContain('allowed: at least 10 outputs');
  });

  it('in a grid of models, the path names the list entry', async () => {
    const e = await planError({ model: ['mlp', mlpOut(9)], dataset: 'mnist-embedded', method: 'ideal' });
    expect(e.field).toBe('model[1].layers[3].out');
  });

  it('10 or more outputs plan (extra logits are allowed for single-task methods)', async () => {
    await expect(planSweep({ model: mlpOut(10), dataset: 'mnist-embedded', method: 'unaware' })).resolves.toBeTruthy();
    await expect(planSweep({ model: mlpOut(12), dataset: 'mnist-embedded', method: 'unaware' })).resolves.toBeTruthy();
  });

  it('mt-* methods need exactly the tasks\' class count', async () => {
    const e = await planError({
      model: mlpOut(12), method: 'mt-fat', multitask: { tasks: ['mnist-embedded', 'permuted-mnist-embedded/1'] },
    });
    expect(e.field).toBe('model.layers[3].out');
    expect(e.message).toContain("task 'mnist-embedded'");
    expect(e.message).toContain('exactly 10 outputs');
  });

  it('rramsim list / sweep exit 2 with one line before any point runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-width-'));
    const cfg = join(dir, 'narrow.json');
    writeFileSync(cfg, JSON.stringify({ name: 'narrow', model: mlpOut(7), dataset: 'mnist-embedded', method: 'unaware', trainLimit: 64 }));
    for (const argv of [['list', cfg], ['sweep', cfg, '--out', join(dir, 'out'), '--workers', '1']]) {
      const errs: string[] = [];
      const orig = process.stderr.write.bind(process.stderr);
      process.stderr.write = ((s: string) => (errs.push(String(s)), true)) as typeof process.stderr.write;
      let code: number;
      try {
        code = await runCli(argv);
      } finally {
        process.stderr.write = orig;
      }
      expect(code, argv[0]).toBe(2);
      expect(errs.join('').trim().split('\n')).toHaveLength(1);
      expect(errs.join('')).toContain('model.layers[3].out');
    }
  });
});
