// Grid expansion: counts, stable order, defaults, duplicate collapsing, hashes; shipped configs.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { planSweep } from '../../src/config/expand.js';
import { leaves } from '../../src/config/fields.js';
import { loadSweepConfig } from '../../src/config/load_config.js';
import { pointHash } from '../../src/experiment/point.js';

describe('grid expansion', () => {
  it('count = product of the axis lengths when nothing collapses', async () => {
    const plan = await planSweep({
      model: ['mlp', 'lenet5'],
      method: ['unaware', 'fat', 'ittrna'],
      defects: { rate: '0.05:0.05:0.2', lrsShare: [0.2, 0.8] },
      seed: '0:2',
    });
    expect(plan.points).toHaveLength(2 * 3 * 4 * 2 * 3);
    expect(plan.gridSize).toBe(plan.points.length);
    expect(new Set(plan.points.map((p) => p.hash)).size).toBe(plan.points.length);
    expect(plan.varying.map((a) => a.path.join('.'))).toEqual(['model', 'seed', 'defects.rate', 'defects.lrsShare', 'method']);
  });

  it('an empty config is one point with every field at its default', async () => {
    const plan = await planSweep({});
    expect(plan.points).toHaveLength(1);
    const p = plan.points[0].point;
    expect(p.method).toBe(DEFAULTS.method);
    expect(p.train).toEqual(DEFAULTS.train);
    expect(p.device).toEqual(DEFAULTS.device);
    const { writeThreshold: off, batchNorm: bn, ...crossbar } = DEFAULTS.crossbar;
    expect(off).toBe(0);
    expect(bn).toBe('digital');
    expect(p.crossbar).toEqual(crossbar);
    // every leaf of the field tree is present in the resolved point (clusters/file/writeThreshold/batchNorm/lineResistance/schedule/device.model/drift/endurance only when used)
    for (const { path } of leaves()) {
      if (path[0] === 'defects' && (path[1] === 'clusters' || path[1] === 'file')) continue;
      if (path[0] === 'defects' && path[1] === 'seed') { expect(Object.hasOwn(p.defects, 'seed')).toBe(false); continue; } // the chip follows the point seed: absent
      if (path[0] === 'retrainLimit' || path[0] === 'evalLimit') { expect(Object.hasOwn(p, path[0]), path[0]).toBe(false); continue; } // optional: absent when unset
      if (path[0] === 'crossbar' && (path[1] === 'writeThreshold' || path[1] === 'batchNorm' || path[1] === 'lineResistance')) continue; // ideal wires: absent
      if (path[0] === 'device' && (path[1] === 'model' || path[1] === 'modelParams' || path[1] === 'readNoiseModel' || path[1] === 'progNoiseModel')) continue; // default model / read-noise / programming-noise model: absent
      if (path[0] === 'device' && (path[1] === 'drift' || path[1] === 'endurance')) continue; // no drift / wear-out: absent
      if (path[0] === 'multitask') { expect(Object.hasOwn(p, 'multitask')).toBe(false); continue; } // read by the mt-* methods only: absent
      if (path[0] === 'lifetime') { expect(Object.hasOwn(p, 'lifetime')).toBe(false); continue; } // one run per point: absent
      if (path[0] === 'update') { expect(Object.hasOwn(p, 'update')).toBe(false); continue; } // write-verify updates (the default): absent
      if (path[0] === 'eval' || path[0] === 'analysis') { expect(Object.hasOwn(p, path[0])).toBe(false); continue; } // one evaluation, no diagnostics: absent
      if (path[0] === 'device' && path[1] === 'stuckG') continue; // stuck cells at gMax / gMin: absent
      if (path[0] === 'crossbar' && path[1] === 'spareColumns') continue; // method 'spare' only: absent
      if (path[0] === 'train' && path[1] === 'noiseInjection') continue; // plain base training: absent
      if (path[0] === 'retrain' && path[1] === 'maxSteps') continue; // whole retraining epochs: absent
      // the constant learning rate (default) is no field: points without a schedule keep their hashes
      if ((path[0] === 'train' || path[0] === 'retrain') && path[1] === 'schedule') {
        expect(Object.hasOwn(p[path[0]], 'schedule'), path.join('.')).toBe(false);
        continue;
      }
      // optional transformer-era fields (optimiser, per-call example limit, LoRA placement/merge/HaLoRA/noise/experts): absent at their defaults
      if ((path[0] === 'train' || path[0] === 'retrain') && (path[1] === 'optimizer' || path[1] === 'limit')) {
        expect(Object.hasOwn(p[path[0]], path[1]), path.join('.')).toBe(false);
        continue;
      }
      if (path[0] === 'lora' && ['placement', 'merged', 'adapters', 'halora', 'noise', 'experts'].includes(path[1])) {
        expect(Object.hasOwn(p.lora, path[1]), path.join('.')).toBe(false);
        continue;
      }
      let v: unknown = p;
      for (const k of path) v = (v as Record<string, unknown>)[k];
      expect(v, path.join('.')).not.toBeUndefined();
    }
  });

  it('order depends on list order, not on JSON key order', async () => {
    const a = await planSweep({ method: ['fat', 'unaware'], seed: [1, 0], defects: { rate: [0.1, 0], lrsShare: 0.3 } });
    const b = await planSweep({ defects: { lrsShare: 0.3, rate: [0.1, 0] }, seed: [1, 0], method: ['fat', 'unaware'] });
    expect(b.points.map((p) => p.hash)).toEqual(a.points.map((p) => p.hash));
    expect(b.configHash).toBe(a.configHash);
    // outermost axis first (seed), method fastest
    expect(a.points.slice(0, 2).map((p) => [p.point.seed, p.point.method])).toEqual([[1, 'fat'], [1, 'unaware']]);
    expect(a.points.every((p) => p.index === a.points.indexOf(p))).toBe(true);
  });

  it('sections a method does not read collapse: ranks do not multiply the unaware points', async () => {
    const plan = await planSweep({ method: ['unaware', 'lora', 'lori'], lora: { rank: [1, 2, 4] }, defects: { rate: [0.1] } });
    expect(plan.gridSize).toBe(9);
    expect(plan.points).toHaveLength(1 + 3 + 3);
    const lora = plan.points.filter((p) => p.point.method === 'lora');
    expect(lora.map((p) => [p.point.lora.rank, p.point.lora.alpha, p.point.lora.sparsity])).toEqual([[1, 1, 0], [2, 2, 0], [4, 4, 0]]);
    const lori = plan.points.filter((p) => p.point.method === 'lori');
    expect(lori.every((p) => p.point.lora.sparsity === DEFAULTS.lora.sparsity)).toBe(true);
    const unaware = plan.points.find((p) => p.point.method === 'unaware')!.point;
    expect(unaware.lora.rank).toBe(0);
  });

  it('rate 0 collapses the stuck-state split; clusters exist only for clustered', async () => {
    const plan = await planSweep({ defects: { rate: [0, 0.1], lrsShare: [0.2, 0.8], distribution: ['uniform', 'clustered'] } });
    expect(plan.points).toHaveLength(1 + 2 * 2);
    for (const { point } of plan.points) {
      expect(point.defects.clusters !== undefined).toBe(point.defects.distribution === 'clustered');
    }
  });

  it('crossbar.writeThreshold exists only where on and read: default points keep their hashes', async () => {
    const plain = await planSweep({ method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, device: { levels: 32 } });
    const zero = await planSweep({ method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, device: { levels: 32 }, crossbar: { writeThreshold: 0 } });
    expect(zero.points.map((p) => p.hash)).toEqual(plain.points.map((p) => p.hash));
    for (const { point } of plain.points) expect('writeThreshold' in point.crossbar).toBe(false);
    const on = await planSweep({ method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, device: { levels: 32 }, crossbar: { writeThreshold: [0, 1] } });
    // unaware programs once and never trains: the dead band collapses for it
    expect(on.points.map((p) => [p.point.method, p.point.crossbar.writeThreshold])).toEqual([
      ['unaware', undefined], ['fat', undefined], ['lora', undefined], ['fat', 1], ['lora', 1],
    ]);
  });

  it('pointHash is the hash of the resolved point', async () => {
    for (const p of (await planSweep({ method: ['fat', 'ittrna'], seed: [0, 1] })).points) expect(p.hash).toBe(pointHash(p.point));
  });

  it('a list of lists sweeps lora.layers; a plain list is one value', async () => {
    expect((await planSweep({ method: 'lora', lora: { rank: 2, layers: ['fc1', 'fc2'] } })).points).toHaveLength(1);
    const plan = await planSweep({ method: 'lora', lora: { rank: 2, layers: [['fc1'], ['fc1', 'fc2'], []] } });
    expect(plan.points.map((p) => p.point.lora.layers)).toEqual([['fc1'], ['fc1', 'fc2'], []]);
  });
});

describe('shipped configs', () => {
  const dir = join(import.meta.dirname, '..', '..', 'configs');
  const expected: Record<string, number> = {
    // ideal (no stuck cells) has its rate reset: one point per seed, not one per rate
    'quick.json': 4 * 4 * 2 + 2,
    'ittrna-mlp.json': 6 * 5 * 3 + 3,
    'ittrna-lenet5.json': 6 * 5 * 3 + 3,
    // the LoRA acceptance runs: (unaware, fat, ittrna) + 5 ranks x (lora, lori), 2 rates, 3 seeds
    'lora.json': 3 * 2 * (3 + 5 + 5),
    'mlp-784-256-10.json': 2 * 4 * 3 * 2 + 2 * 2,
    // 2 task sequences x 2 rates x 3 seeds x (mt-fat, mt-lora, mt-lori, mt-crab sequential + joint; LeNet-5: sequential only)
    'multitask-mlp.json': 2 * 2 * 3 * 5,
    'multitask-lenet5.json': 2 * 2 * 3 * 4,
    'multitask-heads-mlp.json': 2 * 5, // heads digital|crossbar x (4 sequential + mt-crab joint)
    'lora-lenet5.json': 3 * 2 * (3 + 5),
    'lora-lenet5-placement.json': 3 * 2 * (2 + 5),
    'lora-lenet5-conv2fc2.json': 3 * 2 * (2 + 5),
    'lora-lenet5-lori.json': 3 * 2,
    'lora-lenet5-lori-ranks.json': 3 * 2 * (2 + 4),
    'lora-ittrna-base.json': 3 * 2 * 2,
    'lora-deadband.json': 3 * 2 * 2 * 2,
    'clustered.json': 3 * 4 * 4 * (1 + 2),
    'fashion.json': 2 * 5 * 3 + 2,
    // the ITT-RNA acceptance runs (subsets of the two paper configs, same settings)
    'ittrna-mlp-table.json': 4 * 5 * 3 + 3,
    'ittrna-mlp-ablation.json': 2 * 2 * 2 * 3,
    'ittrna-lenet5-table.json': 4 * 5 * 3 + 3,
    'ittrna-lenet5-20.json': 5 * 3,
    // drift (2 models x 6 times x 2 refresh settings x 3 seeds)
    'drift.json': 2 * 6 * 2 * 3,
    // r_wire 0/1/2.5/5 x (unaware, fat, ittrna) x 3 seeds; lifetime: 2 N50 x (fat, ittrna, lora, lori) x 3 seeds
    'line-resistance.json': 4 * 3 * 3,
    'line-resistance-100us.json': 4 * 3 * 3,
    'lifetime-mlp.json': 2 * 4 * 3,
    'lifetime-mlp-merge.json': 2 * 3,
    // CIFAR-10 (cifar10-jpeg), 3 seeds x rates x methods
    'resnet20-cifar10-jpeg.json': 2 * 5 * 3 + 3,
    'resnet20-cifar10-jpeg-retrain.json': 3 * 5 * 3,
    // the full-scale base (method ideal, one seed)
    'resnet20-cifar10-jpeg-full.json': 1,
    'resnet20-cifar10-jpeg-160.json': 1,
    // pulsed updates: 2 rates x (fat, lora, lori) x 3 schemes x 2 devices x 2 asymmetries x 3 seeds
    'pulsed-mlp.json': 2 * 3 * 3 * 2 * 2 * 3,
    'pulsed-lenet5.json': 2 * 3 * 3 * 2 * 2 * 3,
    'vgg8-cifar10-jpeg.json': 2 * 3 * 3 + 3,
    'vgg8-cifar10-jpeg-retrain.json': 3 * 3 * 3,
    'vgg8s-cifar10-jpeg.json': 3 * 3 * 6 - 2 * 3, // ideal: 3 seeds, not 3 rates x 3 seeds
    // ViT: one ideal run; placement 2 rates x 3 seeds x (unaware, fat, 2 ranks x 5 placements);
    // digital adapters 20 % x 3 seeds x 5 placements; HaLoRA on/off and MoF [stuck] / [stuck, prog] x 3 seeds
    'vit-mnist.json': 1,
    'vit-placement.json': 2 * 3 * (2 + 2 * 5),
    'vit-placement-digital.json': 3 * 5,
    'vit-placement-digital-10.json': 3 * 5,
    'vit-halora.json': 2 * 3,
    'vit-mof.json': 2 * 3,
    'vit-embedded-ideal.json': 3,
    'vit-cifar.json': 1,
    'lifetime-mlp-wear.json': 2 * 3 * 3,
    'vit-cifar-small.json': 1,
    'vit-codes.json': 1 + 1 + 2,
  };
  it('every config in configs/ is valid and expands to the documented count', async () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(expected).sort());
    for (const f of files) expect((await loadSweepConfig(join(dir, f))).points.length, f).toBe(expected[f]);
  });

  // the paper reproductions (configs/papers/, docs/reproductions.md)
  // (ideal runs without stuck cells: its points do not multiply by rate or stuck-state reading)
  const papers: Record<string, number> = {
    'chen-date2017.json': 2 * 4 * 4 * 3 - 12,
    'chen-date2017-variation.json': 3 * 2 * 3,
    // fixed per-cell variation (device.model 'lognormal-d2d'): 4 sigma x 2 readings x (ideal, unaware, remap, ittrna) x 3 seeds
    'chen-date2017-d2d.json': 4 * 2 * 4 * 3 - 12,
    // its retraining-budget sensitivity: sigma 1, 2 x 2 readings x ittrna (3 epochs) x 3 seeds
    'chen-date2017-d2d-epochs.json': 2 * 2 * 3,
    'he-dac2019.json': 18,
    'he-dac2019-epochs.json': 4,
    'he-dac2019-resnet20.json': 8,
    'ittrna-parts-budget-clustered30.json': 6,
    'ittrna-parts-budget-lrs40.json': 6,
    'ittrna-parts-budget-offset.json': 6,
    'ittrna-parts-clustered30.json': 27,
    'ittrna-parts-fraction-lrs40.json': 12,
    'ittrna-parts-fraction-offset.json': 12,
    'ittrna-parts-lambda-lrs40.json': 18,
    'ittrna-parts-lambda.json': 18,
    'ittrna-parts-lrs40.json': 27,
    'ittrna-parts-offset.json': 27,
    'liu-dac2017.json': 35,
    'liu-dac2017-mlp.json': 21,
    'liu-dac2017-sensitivity.json': 72,
    'liu-dac2017-spare.json': 15,
  };
  it('every config in configs/papers/ is valid and expands to the documented count', async () => {
    const pdir = join(dir, 'papers');
    const files = readdirSync(pdir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(Object.keys(papers).sort());
    for (const f of files) expect((await loadSweepConfig(join(pdir, f))).points.length, f).toBe(papers[f]);
  });

  it('quick.json is the embedded-data job with the five README methods', async () => {
    const plan = await loadSweepConfig(join(dir, 'quick.json'));
    expect(new Set(plan.points.map((p) => p.point.dataset))).toEqual(new Set(['mnist-embedded']));
    expect([...new Set(plan.points.map((p) => p.point.method))]).toEqual(['ideal', 'unaware', 'fat', 'ittrna', 'lora']);
  });
});
