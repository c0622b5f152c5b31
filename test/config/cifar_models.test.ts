/**
 * CIFAR-10 model shapes in sweep configs: `dataset: "cifar10-jpeg"` with `model:
 * "resnet20"` / `"vgg8"` / a config-defined CNN plans with the weight-matrix shapes of a 32x32x3
 * input (counted by hand below); a description whose input is not [3, 32, 32] is refused at planning;
 * `evalLimit` / `retrainLimit` are optional (absent from the point when unset: older hashes stay)
 * and end to end (with ../shared/data/cifar10-jpeg) a small CNN and ResNet-20 run on CIFAR subsets:
 * the eval subset is exactly the first evalLimit test images (independent evaluate() on the same
 * view), and base training runs with the crop+flip augmentation (not the same network as without).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { modelLayers } from '../../src/config/model_layers.js';
import { loadDataset } from '../../src/data/load.js';
import { trainedBase } from '../../src/experiment/base.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { buildModel, resnet20Desc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { requireSystem } from '../support/system_package.js';

const CNN = {
  name: 'cnn-cifar-small',
  input: [3, 32, 32],
  layers: [
    { type: 'conv2d', out: 8, kernel: 3, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' }, { type: 'pool', pool: 'max', kernel: 2 },
    { type: 'conv2d', out: 16, kernel: 3, pad: 1 }, { type: 'relu' }, { type: 'globalavgpool' },
    { type: 'dense', out: 10 },
  ],
};

describe('CIFAR model shapes in configs', () => {
  it('resnet20, vgg8 and a config-defined CNN plan on cifar10-jpeg with the 32x32x3 weight shapes', async () => {
    const plan = await planSweep({ dataset: 'cifar10-jpeg', model: ['resnet20', 'vgg8', CNN], method: 'unaware' });
    expect(plan.points).toHaveLength(3);
    // ResNet-20: first conv 3·3·3 = 27 rows x 16; projection of stage 2: 16 x 32; fc 64 x 10; 22 weight layers
    const r = modelLayers('resnet20', 'max', 'cifar10-jpeg');
    expect(r).toHaveLength(22);
    expect(r[0]).toEqual({ name: 'conv1', rows: 27, cols: 16 });
    expect(r.find((l) => l.name.endsWith('shortcut.conv1'))).toMatchObject({ rows: 16, cols: 32 });
    expect(r[21]).toEqual({ name: 'fc1', rows: 64, cols: 10 });
    // VGG-8: conv1 27 x 128, conv6 9·512 = 4608 x 512, fc1 4·4·512 = 8192 x 1024
    const v = modelLayers('vgg8', 'max', 'cifar10-jpeg');
    expect(v.map((l) => [l.rows, l.cols])).toEqual([[27, 128], [1152, 128], [1152, 256], [2304, 256], [2304, 512], [4608, 512], [8192, 1024], [1024, 10]]);
    expect(modelLayers(CNN as never, 'max', 'cifar10-jpeg').map((l) => [l.rows, l.cols])).toEqual([[27, 8], [72, 16], [16, 10]]);
  });

  it('a description whose input is not the data set\'s [3, 32, 32] is refused at planning', async () => {
    await expect(planSweep({ dataset: 'cifar10-jpeg', model: { ...CNN, input: [1, 28, 28] } }))
      .rejects.toThrow(/^model\.input: \[1, 28, 28\] does not match data set 'cifar10-jpeg' .*\[3, 32, 32\]/);
  });

  it('evalLimit and retrainLimit: absent when unset (hash unchanged), retrainLimit only where retraining reads it', async () => {
    const base = await planSweep({ method: ['unaware', 'fat'] });
    const zero = await planSweep({ method: ['unaware', 'fat'], evalLimit: 0, retrainLimit: 0 });
    expect(zero.points.map((p) => p.hash)).toEqual(base.points.map((p) => p.hash));
    const set = await planSweep({ method: ['unaware', 'fat'], evalLimit: 100, retrainLimit: 50 });
    const [u, f] = set.points.map((p) => p.point);
    expect([u.evalLimit, u.retrainLimit, f.evalLimit, f.retrainLimit]).toEqual([100, undefined, 100, 50]);
    await expect(planSweep({ evalLimit: -1 })).rejects.toThrow(/^evalLimit: got -1/);
    await expect(planSweep({ retrainLimit: 1.5 })).rejects.toThrow(/^retrainLimit: got 1\.5/);
    // retrainLimit and retrain.limit cap the same thing: both set is one clear error
    await expect(planSweep({ method: 'fat', retrainLimit: 50, retrain: { limit: 60 } })).rejects.toThrow(/^retrainLimit: and retrain\.limit both cap the retraining examples; set one of them/);
    expect((await planSweep({ method: 'unaware', retrainLimit: 50, retrain: { limit: 60 } })).points).toHaveLength(1);
  });
});

// ../shared/data/cifar10-jpeg beside the checkout (as CI has), or env RRAMSIM_CIFAR_DIR
const SHARED_CIFAR = process.env.RRAMSIM_CIFAR_DIR ?? join(process.cwd(), '..', 'shared', 'data', 'cifar10-jpeg');
function noSharedCifar(): boolean {
  return requireSystem(existsSync(SHARED_CIFAR), {
    what: `the cifar10-jpeg batches in ${SHARED_CIFAR}`,
    how: 'a checkout with ../shared/data/cifar10-jpeg beside it, as CI has',
    scope: 'CIFAR end-to-end config tests',
  });
}

describe.skipIf(noSharedCifar())('CIFAR subsets end to end (cifar10-jpeg)', () => {
  it('a config-defined CNN and ResNet-20 train and deploy on subsets; evalLimit = the first N test images', async () => {
    const ds = await loadDataset('cifar10-jpeg', { dataDir: SHARED_CIFAR });
    const plan = await planSweep({
      dataset: 'cifar10-jpeg', model: [CNN, 'resnet20'], trainLimit: 128, evalLimit: 96,
      train: { epochs: 1, lr: 0.05, batch: 32 }, method: ['ideal', 'unaware'], defects: { rate: 0.05 },
    });
    expect(plan.points).toHaveLength(4);
    const cacheDir = mkdtempSync(join(tmpdir(), 'rramsim-cifar-cache-'));
    for (const { point } of plan.points) {
      const m = await runPoint(point, { dataset: ds, cacheDir });
      expect(m.evalSplit).toBe('test');
      if (point.method === 'ideal') {
        // the same base network evaluated independently on the first 96 test images
        const net = await trainedBase(point, { dataset: ds, cacheDir });
        const first = { ...ds.eval, n: 96, x: ds.eval.x.subarray(0, 96 * 3072), y: ds.eval.y.subarray(0, 96) };
        const ev = evaluate(net, first);
        expect(m.accuracy).toBe(ev.accuracy);
        expect(m.loss).toBe(ev.loss);
        // and not the whole test set (10,000 images give another mean loss)
        expect(m.loss).not.toBe(evaluate(net, { ...ds.eval, n: 200, x: ds.eval.x.subarray(0, 200 * 3072), y: ds.eval.y.subarray(0, 200) }).loss);
      } else {
        expect(m.cellsUsed).toBeGreaterThan(0);
      }
    }
  }, 240_000);

  it('base training on CIFAR augments (crop+flip) unless turned off', async () => {
    const ds = await loadDataset('cifar10-jpeg', { dataDir: SHARED_CIFAR });
    const spec = { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 };
    const desc = resnet20Desc();
    const a = buildModel(desc, 0), b = buildModel(desc, 0), c = buildModel(desc, 0);
    train(a, ds.train, spec, { seed: 0, limit: 64 });
    train(b, ds.train, spec, { seed: 0, limit: 64 });
    train(c, ds.train, spec, { seed: 0, limit: 64, augment: false });
    expect(a.weightsSha256()).toBe(b.weightsSha256()); // deterministic per seed
    expect(a.weightsSha256()).not.toBe(c.weightsSha256()); // the augmentation changed the batches
  }, 240_000);
});
