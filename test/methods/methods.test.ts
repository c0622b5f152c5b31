import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { prototypeSplit, syntheticDataset } from './synthetic_dataset.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp, NO_DEFECTS } from '../../src/crossbar/crossbar_matrix_op.js';
import { makeParam } from '../../src/nn/param.js';
import { trainedBase } from '../../src/experiment/base.js';
import { crossbarFor } from '../../src/methods/deploy.js';
import { mapCrossbarLayer } from '../../src/methods/layer_mapping.js';
import type { MethodName, PointSpec } from '../../src/experiment/point.js';
import { methods, registerMethod, type RunContext } from '../../src/experiment/method_registry.js';
import type { PointMetrics } from '../../src/experiment/result.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { UserError } from '../../src/util/errors.js';

const dataset: Dataset = syntheticDataset('v1');

const cacheDir = mkdtempSync(join(tmpdir(), 'rramsim-methods-'));

function point(method: MethodName, over: Partial<PointSpec> = {}): PointSpec {
  return {
    ...DEFAULTS,
    method,
    dataset: 'mnist-embedded',
    defects: { ...DEFAULTS.defects, rate: 0.2 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    train: { epochs: 3, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 2, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
    ittrna: { ...DEFAULTS.ittrna, calibrationBatches: 2, lambda: 0.01 },
    seed: 5,
    ...over,
  };
}

const ctx = (artifactDir?: string): RunContext => ({ dataset, cacheDir, artifactDir });

function stripTime(m: PointMetrics): PointMetrics {
  const extra = { ...m.extra };
  delete extra.methodSeconds;
  return { ...m, extra };
}

describe('methods on a tiny synthetic problem', () => {
  const results = new Map<string, PointMetrics>();
  const all: MethodName[] = ['ideal', 'unaware', 'remap', 'fat', 'ittrna'];

  it('every method is deterministic for a seed (bit-identical metrics, with and without the base cache)', async () => {
    for (const m of all) {
      const a = await runPoint(point(m), ctx());
      const b = await runPoint(point(m), { dataset }); // no cache: trains the base again
      expect(stripTime(a)).toEqual(stripTime(b));
      expect(a.evalSplit).toBe('heldout');
      results.set(m, a);
    }
  });

  it('records cost and achieved penalty; unaware/remap write nothing after programming, fat/ittrna do', () => {
    const ideal = results.get('ideal')!, unaware = results.get('unaware')!, remap = results.get('remap')!;
    const fat = results.get('fat')!, itt = results.get('ittrna')!;
    expect(ideal.cellsUsed).toBe(0);
    expect(ideal.trainableParams).toBe(16 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    for (const m of [unaware, remap]) { expect(m.cellWrites).toBe(0); expect(m.trainableParams).toBe(0); }
    // differential pairs: 2 cells per weight
    expect(unaware.cellsUsed).toBeGreaterThanOrEqual(2 * (16 * 300 + 300 * 100 + 100 * 10));
    expect(fat.cellWrites).toBeGreaterThan(0);
    expect(itt.cellWrites).toBeGreaterThan(0);
    // fully stuck weights are frozen, so fat trains fewer parameters than ideal
    expect(fat.trainableParams).toBeLessThan(ideal.trainableParams);
    expect(fat.trainableParams).toBe(ideal.trainableParams - (fat.extra!.fullyStuckWeights as number));
    expect(typeof itt.extra!.penalty).toBe('number');
    expect(itt.extra!.penalty as number).toBeGreaterThanOrEqual(0);
    expect(unaware.extra!.programWrites as number).toBeGreaterThan(0);
    for (const m of [ideal, unaware, remap, fat, itt]) expect(m.extraMacsPerImage).toBe(0);
  });

  it('remap never increases the mapping cost; unaware loses accuracy on defects', () => {
    const remap = results.get('remap')!;
    expect(remap.extra!.mappingCostAfter as number).toBeLessThanOrEqual(remap.extra!.mappingCostBefore as number);
    expect(remap.extra!.mappingCostAfter as number).toBeLessThan(remap.extra!.mappingCostBefore as number);
    const itt = results.get('ittrna')!;
    expect(itt.extra!.mappingCostAfter as number).toBeLessThan(itt.extra!.mappingCostBefore as number);
    expect(results.get('unaware')!.accuracy).toBeLessThan(results.get('ideal')!.accuracy);
  });

  it('distinct cells written <= write events; with a dead band wider than the range nothing is written and the network stays as deployed', async () => {
    const fat = results.get('fat')!;
    expect(fat.cellsWritten).toBeGreaterThan(0);
    expect(fat.cellsWritten!).toBeLessThanOrEqual(fat.cellWrites);
    expect(fat.cellsWritten!).toBeLessThanOrEqual(fat.cellsUsed);
    const q = (h: number) => point('fat', { device: { ...DEFAULTS.device, levels: 16 }, crossbar: { ...point('fat').crossbar, writeThreshold: h } });
    const plain = await runPoint(q(0), ctx());
    expect(plain.cellWrites).toBeGreaterThan(plain.cellsWritten!); // cells are rewritten during training
    const band = await runPoint(q(1), ctx());
    expect(stripTime(await runPoint(q(1), ctx()))).toEqual(stripTime(band));
    expect(band).not.toEqual(plain);
    // h = 1000 level steps > the whole range: no cell is ever rewritten (only the digital biases
    // learn), and the evaluated network differs from the band-free one
    const frozen = await runPoint(q(1000), ctx());
    expect(frozen.cellWrites).toBe(0);
    expect(frozen.cellsWritten).toBe(0);
    expect(frozen.accuracy).not.toBe(plain.accuracy);
  });

  it('ittrna with mapping, penalty and compensation all off is exactly fat', async () => {
    const off = await runPoint(point('ittrna', { ittrna: { ...point('ittrna').ittrna, mapping: 'none', lambda: 0, compensation: false } }), ctx());
    const fat = results.get('fat')!;
    expect(off.accuracy).toBe(fat.accuracy);
    expect(off.loss).toBe(fat.loss);
    expect(off.cellWrites).toBe(fat.cellWrites);
  });

  it('ittrna ablations run (rows+cols, magnitude, linear warm-up, no compensation)', async () => {
    const base = point('ittrna').ittrna;
    const a = await runPoint(point('ittrna', { ittrna: { ...base, mapping: 'rows+cols', importance: 'magnitude', lambdaSchedule: 'linear-warmup', compensation: false } }), ctx());
    expect(a.extra!.stages).toBe(1);
    expect(a.extra!.mappingCostAfter as number).toBeLessThan(a.extra!.mappingCostBefore as number);
    expect(results.get('ittrna')!.extra!.stages).toBe(3);
  });

  it('writes defect_tile.json and importance_map.json in the DESIGN formats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-art-'));
    await runPoint(point('remap'), ctx(dir));
    const tile = JSON.parse(readFileSync(join(dir, 'defect_tile.json'), 'utf8'));
    expect(tile).toMatchObject({ layer: 'fc1', tileRow: 0, tileCol: 0, rows: 16, cols: 32, distribution: 'uniform' });
    expect(tile.state).toHaveLength(16 * 32);
    const im = JSON.parse(readFileSync(join(dir, 'importance_map.json'), 'utf8'));
    expect(im).toMatchObject({ layer: 'fc1', rows: 16, cols: 300 });
    for (const k of ['faulty', 'before', 'after']) expect(im[k]).toHaveLength(16 * 300);
    // the mapping moves importance off faulty slots
    const onFaulty = (v: number[]) => v.reduce((s, x, i) => s + (im.faulty[i] ? x : 0), 0);
    expect(onFaulty(im.after)).toBeLessThan(onFaulty(im.before));
    expect(existsSync(join(dir, 'defect_tile.json.tmp-' + process.pid))).toBe(false);
  });
});

describe('defect-aware mapping on a crossbar op', () => {
  it('is pure routing: the defect-free function with the chosen permutations is bit-identical', async () => {
    const net = await trainedBase(point('remap'), ctx());
    const layer = net.weightLayers()[0];
    const defective = crossbarFor(layer, point('remap'));
    const I = new Float32Array(layer.op.weight.value.length).map((_, k) => 1 + (k % 7));
    const r = mapCrossbarLayer(defective, I, 'rows+cols');
    expect(r.costAfter).toBeLessThan(r.costBefore);
    const w = makeParam('w', layer.op.weight.rows, layer.op.weight.cols);
    w.value.set(layer.op.weight.value);
    const plain = new CrossbarMatrixOp(w, { seed: 5, defects: NO_DEFECTS, crossbar: { tileRows: 16, tileCols: 32 } });
    const routed = new CrossbarMatrixOp(w, { seed: 5, defects: NO_DEFECTS, crossbar: { tileRows: 16, tileCols: 32 } });
    routed.setRowPermutation(defective.rowPermutation());
    routed.setColPermutation(defective.colPermutation());
    expect([...routed.rowPermutation()]).not.toEqual([...plain.rowPermutation()]);
    const n = 7, X = new Float32Array(n * 16).map((_, k) => Math.sin(k));
    const Y1 = new Float32Array(n * 300), Y2 = new Float32Array(n * 300);
    plain.forward(X, n, Y1, false);
    routed.forward(X, n, Y2, false);
    expect(Y2).toEqual(Y1);
  });
});

describe('runPoint', () => {
  it('unknown method: UserError listing the methods', async () => {
    await expect(runPoint(point('nope' as MethodName), ctx())).rejects.toThrow(UserError);
    await expect(runPoint(point('nope' as MethodName), ctx())).rejects.toThrow(/method must be one of ideal, unaware, remap, fat, ittrna, lora, lori, mt-fat, mt-lora, mt-lori, mt-crab, spare/);
  });
  it('a NaN result is a clear error', async () => {
    const saved = methods.lori;
    registerMethod('lori', async () => ({ accuracy: NaN, loss: NaN, evalSplit: 'heldout', cellWrites: 0, trainableParams: 0, cellsUsed: 0, extraMacsPerImage: 0 }));
    try {
      await expect(runPoint(point('lori'), ctx())).rejects.toThrow(/method lori: accuracy is NaN/);
    } finally {
      if (saved) methods.lori = saved; else delete methods.lori;
    }
  });
});

describe('LeNet-5: conv layers mapped as their unrolled kernel matrices', () => {
  // 12x12 images of 10 prototypes (their own streams: 'test/proto12', 'test/data12')
  const images = (n: number, name: string, seed: number) => prototypeSplit(n, name, seed, { pixels: 144, protoSeed: 4, suffix: '12' });
  const ds: Dataset = { ...dataset, shape: [1, 12, 12], train: images(120, 'train', 2), eval: images(60, 'heldout', 3) };
  it('ittrna (rows+cols) is deterministic and lowers the mapping cost of conv and dense layers', async () => {
    const p = point('ittrna', {
      model: 'lenet5',
      train: { epochs: 1, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 20 },
      retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 20 },
      ittrna: { ...point('ittrna').ittrna, mapping: 'rows+cols', epochsPerStage: 1, finalEpochs: 0 },
    });
    const a = await runPoint(p, { dataset: ds, cacheDir });
    const b = await runPoint(p, { dataset: ds });
    expect(stripTime(a)).toEqual(stripTime(b));
    expect(a.extra!.stages).toBe(5);
    expect(a.extra!.mappingCostAfter as number).toBeLessThan(a.extra!.mappingCostBefore as number);
    const net = await trainedBase(p, { dataset: ds, cacheDir });
    const conv = net.weightLayers()[0];
    expect(conv.kind).toBe('conv2d');
    const op = crossbarFor(conv, p);
    const I = new Float32Array(conv.op.weight.value.length).fill(1);
    const r = mapCrossbarLayer(op, I, 'rows+cols');
    expect(r.costAfter).toBeLessThanOrEqual(r.costBefore);
    expect(op.rows).toBe(25); // 5·5·1 unrolled kernel rows
  });
});
