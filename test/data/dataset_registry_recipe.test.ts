// The data-set registry's recipe (docs/DESIGN.md, "How to add a data set"): one entry file
// (bright_dark_set.ts) plus one registration line make a data set that loads, is listed by
// `data check`, decodes its 8-bit pixels with its own normalisation and trains like the others.
import { describe, expect, it } from 'vitest';
import { checkDatasets } from '../../src/data/check.js';
import type { DatasetName } from '../../src/data/dataset.js';
import { datasetClasses, datasetExamples, datasetShape } from '../../src/data/dataset_shapes.js';
import { scalarNormalisation } from '../../src/data/normalise.js';
import { loadDataset } from '../../src/data/load.js';
import { datasetEntry, datasetNames, registerDataset } from '../../src/data/sets/registry.js';
import { splitValues } from '../../src/data/split_rows.js';
import { buildModel } from '../../src/nn/model.js';
import { DEFAULT_TRAIN } from '../../src/nn/train_spec.js';
import { evaluate, train } from '../../src/nn/train.js';
import { brightDark } from './bright_dark_set.js';

registerDataset(brightDark); // the registration line

describe('a data set added by one entry file and one registration line', () => {
  it('is registered, listed by data check after the built-in ones, and a second registration is refused', () => {
    expect(datasetNames()).toEqual(['mnist', 'fashion-mnist', 'mnist-embedded', 'cifar10', 'cifar10-jpeg', 'bright-dark']);
    expect(datasetEntry('bright-dark')).toBe(brightDark);
    const c = checkDatasets({ dataDir: process.cwd() }).find((x) => x.dataset === 'bright-dark');
    expect(c).toMatchObject({ available: true, ok: true, splits: [{ name: 'train', n: 512 }, { name: 'test', n: 128 }] });
    expect(() => registerDataset(brightDark)).toThrow(/already registered/);
  });

  it('the planning facts (shape, classes, examples, normalisation) see it: read from the registry at the call, though their modules loaded before it was registered', () => {
    expect(datasetShape('bright-dark')).toEqual([1, 4, 4]);
    expect(datasetClasses('bright-dark')).toBe(2);
    expect(datasetExamples('bright-dark')).toBe(512 + 128);
    expect(scalarNormalisation('bright-dark')).toEqual({ mean: 0.5, std: 0.25 });
    expect([datasetShape('no-such-set'), datasetClasses('no-such-set')]).toEqual([undefined, undefined]);
    expect(() => scalarNormalisation('cifar10')).toThrow(/not a registered one-channel data set/);
  });

  it('loads (cached), and its batches are (p/255 − 0.5)/0.25 of its bytes', async () => {
    const ds = await loadDataset('bright-dark' as DatasetName);
    expect(await loadDataset('bright-dark' as DatasetName)).toBe(ds);
    const px = ds.train.x as Uint8Array, v = splitValues(ds.train);
    for (let i = 0; i < px.length; i += 37) expect(v[i]).toBe(Math.fround((px[i] / 255 - 0.5) / 0.25));
  });

  it('trains: a linear classifier separates bright from dark on the held-out split', async () => {
    const ds = await loadDataset('bright-dark' as DatasetName);
    const net = buildModel({ name: 'lin', input: [1, 4, 4], layers: [{ type: 'flatten' }, { type: 'dense', out: 2 }] }, 3);
    const before = evaluate(net, ds.eval).accuracy;
    train(net, ds.train, { ...DEFAULT_TRAIN, epochs: 2, batch: 32 }, { seed: 3 });
    expect(evaluate(net, ds.eval).accuracy).toBeGreaterThan(Math.max(0.95, before));
  });
});
