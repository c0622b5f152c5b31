// Models from config: a sweep config may give `model` as a preset name or a
// model description; descriptions are validated with JSON paths, hashed into the point (a preset
// name hashes exactly as before), keyed into the base cache, labelled by name in reports, and run
// end to end on mnist-embedded through unaware, fat and ittrna (and lora on a one-layer network).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { modelLayers } from '../../src/config/model_layers.js';
import { loadDataset } from '../../src/data/load.js';
import { baseKey } from '../../src/experiment/base.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { runPoint } from '../../src/experiment/run_point.js';
import type { ModelDesc } from '../../src/nn/model.js';
import { aggregate } from '../../sim/report/aggregate.js';
import { configHash } from '../../src/util/hash.js';
import { UserError } from '../../src/util/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const mlp256: ModelDesc = {
  name: 'mlp-784-256-10',
  input: [1, 28, 28],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 256 }, { type: 'relu' }, { type: 'dense', out: 10 }],
};
const linear: ModelDesc = { name: 'linear-784-10', input: [1, 28, 28], layers: [{ type: 'flatten' }, { type: 'dense', out: 10 }] };

async function planError(cfg: unknown): Promise<string> {
  try {
    await planSweep(cfg);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('model from config: validation and hashing', () => {
  it('a preset name hashes exactly as the plain point (the name is the hashed value)', async () => {
    const plan = await planSweep({ model: 'mlp', method: 'ideal' });
    expect(plan.points[0].point.model).toBe('mlp');
    expect(plan.points[0].hash).toBe(configHash(plan.points[0].point));
  });

  it('a description is hashed into the point; a changed layer changes the hash; key order does not', async () => {
    const a = await planSweep({ model: mlp256, method: 'ideal' });
    const b = await planSweep({ model: { ...mlp256, layers: [...mlp256.layers.slice(0, 3), { type: 'dense', out: 10, name: 'out' }] }, method: 'ideal' });
    const c = await planSweep({ model: { layers: mlp256.layers, input: mlp256.input, name: mlp256.name }, method: 'ideal' });
    expect(a.points[0].point.model).toEqual(mlp256);
    expect(a.points[0].hash).not.toBe(b.points[0].hash);
    expect(c.points[0].hash).toBe(a.points[0].hash);
  });

  it('a list of models (presets and descriptions) is a grid axis', async () => {
    const plan = await planSweep({ model: ['mlp', mlp256, linear], method: 'ideal' });
    expect(plan.points.map((p) => (typeof p.point.model === 'string' ? p.point.model : p.point.model.name))).toEqual(['mlp', 'mlp-784-256-10', 'linear-784-10']);
  });

  it('errors name the JSON path and the allowed values', async () => {
    const bad = (layers: unknown[]) => ({ model: { ...mlp256, layers } });
    expect(await planError(bad([{ type: 'flatten' }, { type: 'dense', out: 0 }]))).toMatch(/^model\.layers\[1\]\.out must be an integer in \[1, 65536\] \(got 0\)/);
    expect(await planError({ model: ['mlp', { ...mlp256, layers: [{ type: 'flatten' }, { type: 'dense', outs: 3 }] }] })).toMatch(/^model\[1\]\.layers\[1\]\.outs: unknown key; allowed keys: type, out, name/);
    expect(await planError(bad([{ type: 'conv3d' }]))).toMatch(/^model\.layers\[0\]\.type must be one of dense, conv2d, .*residual/);
    expect(await planError({ model: { ...mlp256, input: [1, 28] } })).toMatch(/^model\.input must be \[C, H, W\]/);
    expect(await planError({ model: { ...mlp256, name: 'mlp' } })).toMatch(/^model\.name 'mlp' is a preset's name/);
    expect(await planError({ model: 'resnet21' })).toMatch(/^model: got "resnet21"; allowed: one of 'mlp', 'lenet5', 'resnet20', 'vgg8', 'vit-mnist', 'vit-cifar', 'vit-codes', or a model description/);
    expect(await planError(bad([{ type: 'flatten' }, { type: 'relu' }]))).toMatch(/must end with a dense layer/);
    expect(await planError(bad([{ type: 'residual', body: [{ type: 'dense', out: 5 }] }, { type: 'flatten' }, { type: 'dense', out: 10 }]))).toMatch(/^model\.layers\[0\] \(block1\): .*must have the same shape/);
    // shapes that do not fit fail at planning (a 7x7 kernel on a 4x4 map)
    const tiny = { name: 'tiny', input: [1, 4, 4], layers: [{ type: 'conv2d', out: 2, kernel: 7 }, { type: 'flatten' }, { type: 'dense', out: 10 }] };
    expect(await planError({ model: tiny })).toMatch(/^model\.layers\[0\] \(conv1\)/);
    // too large to build: refused before anything is allocated
    expect(await planError({ model: { name: 'huge', input: [1, 4096, 4096], layers: [{ type: 'flatten' }, { type: 'dense', out: 65536 }] } })).toMatch(/^model: 1099511627776 weights; allowed: at most 134217728/);
    expect(await planError({ model: { name: 'wide', input: [1, 4096, 4096], layers: [{ type: 'conv2d', out: 2, kernel: 1 }, { type: 'flatten' }, { type: 'dense', out: 2 }] } })).toMatch(/^model: an activation of 33554432 values per sample; allowed: at most 16777216/);
    // an input that does not fit the data set
    expect(await planError({ model: [mlp256, { ...mlp256, input: [3, 32, 32] }], dataset: 'mnist' })).toMatch(/^model\[1\]\.input: \[3, 32, 32\] does not match data set 'mnist' \(from dataset\), whose images are \[1, 28, 28\]/);
  });

  it('lora.layers and lora.rank are checked against the described layers', async () => {
    expect(modelLayers(linear)).toEqual([{ name: 'fc1', rows: 784, cols: 10 }]);
    // a preset is planned for the data set's shape: ResNet-20's first conv on 1-channel MNIST has 3·3·1 rows
    expect(modelLayers('resnet20', 'max', 'mnist')[0]).toEqual({ name: 'conv1', rows: 9, cols: 16 });
    expect(modelLayers('resnet20')[0]).toEqual({ name: 'conv1', rows: 27, cols: 16 });
    expect(await planError({ model: linear, method: 'lora', lora: { rank: 4, layers: ['fc2'] } })).toMatch(/unknown layer 'fc2' for model linear-784-10; allowed: fc1/);
    expect(await planError({ model: linear, method: 'lora', lora: { rank: 11 } })).toMatch(/rank 11 exceeds layer fc1 of linear-784-10 \(784 x 10\)/);
  });

  it('the base-network cache key includes the description', async () => {
    const ds = await loadDataset('mnist-embedded');
    const ctx: RunContext = { dataset: ds };
    const [p1] = (await planSweep({ model: mlp256, method: 'ideal' })).points.map((p) => p.point);
    const [p2] = (await planSweep({ model: { ...mlp256, layers: [...mlp256.layers.slice(0, 1), { type: 'dense', out: 255 }, ...mlp256.layers.slice(2)] }, method: 'ideal' })).points.map((p) => p.point);
    expect(baseKey(p1, ctx)).not.toBe(baseKey(p2, ctx));
  });

  it('the committed example config plans (2 models x 5 methods x 3 rates x 2 seeds)', async () => {
    const cfg = JSON.parse(readFileSync(join(ROOT, 'configs', 'mlp-784-256-10.json'), 'utf8'));
    const plan = await planSweep(cfg);
    expect(plan.points.length).toBe(2 * 4 * 3 * 2 + 2 * 2); // ideal: once per model and seed, not per rate
  });
});

describe('model from config: end to end on mnist-embedded', () => {
  const metrics = new Map<string, { accuracy: number; cellsUsed: number }>();

  it('784-256-10 and 784-10 through ideal, unaware, fat, ittrna (and lora on 784-10); report labels show the names', async () => {
    const ds = await loadDataset('mnist-embedded');
    const ctx: RunContext = { dataset: ds };
    const plan = await planSweep({
      model: [mlp256, linear],
      dataset: 'mnist-embedded',
      trainLimit: 1000,
      train: { epochs: 1 },
      retrain: { epochs: 1 },
      method: ['ideal', 'unaware', 'fat', 'ittrna', 'lora'],
      defects: { rate: 0.1 },
      ittrna: { epochsPerStage: 1, finalEpochs: 1, calibrationBatches: 2 },
      lora: { rank: 2 },
    });
    const records = [];
    for (const { point, hash } of plan.points) {
      const m = await runPoint(point as PointSpec, ctx);
      const name = typeof point.model === 'string' ? point.model : point.model.name;
      metrics.set(`${name}/${point.method}`, { accuracy: m.accuracy, cellsUsed: m.cellsUsed });
      records.push({ pointHash: hash, point, status: 'ok' as const, metrics: m, wallSeconds: 0 });
    }
    expect(metrics.size).toBe(10);
    for (const [k, v] of metrics) {
      expect(Number.isFinite(v.accuracy), k).toBe(true);
      // one epoch on 1000 images: far above chance (0.1) for every method
      expect(v.accuracy, k).toBeGreaterThan(0.5);
    }
    // differential pairs: 2 cells per weight
    expect(metrics.get('linear-784-10/unaware')!.cellsUsed).toBe(2 * 784 * 10);
    expect(metrics.get('mlp-784-256-10/unaware')!.cellsUsed).toBe(2 * (784 * 256 + 256 * 10));
    const agg = aggregate(records as never);
    const panels = new Set(agg.groups.map((g) => g.panel));
    expect(panels).toEqual(new Set(['mlp-784-256-10 · mnist-embedded', 'linear-784-10 · mnist-embedded']));
    for (const g of agg.groups) expect(['mlp-784-256-10', 'linear-784-10']).toContain(g.fields.model);
  }, 240_000);
});
