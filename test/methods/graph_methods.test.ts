import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { baseMacsPerImage, networkCost } from '../../src/methods/cost.js';
import { Deployment } from '../../src/methods/deploy.js';
import { ittrnaOnNetwork } from '../../src/methods/ittrna.js';
import { adaptNetwork } from '../../src/methods/lora/method.js';
import { LoraMatrixOp } from '../../src/methods/lora/lora_matrix_op.js';
import { mergeLora } from '../../src/methods/lora/merge.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { buildModel } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { evaluate, train } from '../../src/nn/train.js';
import { RESIDUAL_WEIGHT_LAYERS, residualDesc } from '../nn/graph_network.js';
import { syntheticDataset } from './synthetic_dataset.js';

/**
 * The network graph seen by every consumer of weightLayers(): a residual network (identity and
 * projection shortcuts, BatchNorm, global average pooling; test/nn/graph_network.ts) on the tiny
 * synthetic data set of the method tests (10 classes, 4x4 images).
 */
const dataset = syntheticDataset('graph-v1');
const ctx: RunContext = { dataset };
const desc = residualDesc([1, 4, 4], 10);

function point(over: Partial<PointSpec> = {}): PointSpec {
  return {
    ...DEFAULTS,
    method: 'ittrna',
    defects: { ...DEFAULTS.defects, rate: 0.1 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16 },
    train: { epochs: 3, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 1, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    ittrna: { ...DEFAULTS.ittrna, calibrationBatches: 2, lambda: 0.01, epochsPerStage: 1, finalEpochs: 1 },
    lora: { rank: 2, alpha: 2, layers: [], sparsity: 0.5, base: 'unaware' },
    seed: 4,
    ...over,
  };
}

function trainedNet(): Network {
  const net = buildModel(desc, 4);
  train(net, dataset.train, point().train, { seed: 4 });
  return net;
}

describe('residual network on crossbars', () => {
  it('ideal crossbars: every weight layer, inside blocks too, gets a crossbar op; BN stays digital; logits unchanged', () => {
    const net = trainedNet();
    const x = dataset.eval.x.subarray(0, 8 * 16);
    const y0 = Float32Array.from(net.forward(x, 8, false));
    const ideal = { ...point(), defects: { ...point().defects, rate: 0 } };
    const ops = mapNetwork(net, ideal, 0);
    expect(ops.map((o) => o.layer)).toEqual(RESIDUAL_WEIGHT_LAYERS);
    for (const l of net.weightLayers()) expect(l.op).toBeInstanceOf(CrossbarMatrixOp);
    const y1 = net.forward(x, 8, false);
    let err = 0;
    for (let i = 0; i < y0.length; i++) err = Math.max(err, Math.abs(y0[i] - y1[i]));
    expect(err).toBeLessThan(1e-4);
    // cost counts every layer's cells (2 per weight, differential) and MACs, the shortcut included
    const c = networkCost(net);
    const cells = net.weightLayers().reduce((s, l) => s + 2 * l.op.rows * l.op.cols, 0);
    expect(c.cellsUsed).toBeGreaterThanOrEqual(cells);
    for (const o of ops) expect(o.cost().cellsUsed).toBeGreaterThan(0);
    // block2.shortcut.conv1: 1x1 stride 2 from 4x4x4 to 2x2x6: 4 rows x 6 cols x 4 pixels
    const macs = 9 * 4 * 16 + 2 * (36 * 4 * 16) + 36 * 6 * 4 + 54 * 6 * 4 + 4 * 6 * 4 + 6 * 5 + 5 * 5 + 5 * 10;
    expect(baseMacsPerImage(net)).toBe(macs);
    expect(c.macsPerImage).toBe(macs);
  });

  it('trains through defective crossbars: loss decreases and the layers inside the blocks are written', () => {
    const net = buildModel(desc, 4);
    const ops = mapNetwork(net, point(), 4);
    for (const o of ops) o.resetWriteCounts();
    const losses: number[] = [];
    train(net, dataset.train, { epochs: 4, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 32 }, {
      seed: 4, onEpoch: (e) => losses.push(e.trainLoss),
    });
    expect(losses[3]).toBeLessThan(0.8 * losses[0]);
    for (const o of ops) expect(o.cellWrites()).toBeGreaterThan(0);
    expect(networkCost(net).cellWrites).toBe(ops.reduce((s, o) => s + o.cellWrites(), 0));
    expect(evaluate(net, dataset.eval).accuracy).toBeGreaterThan(0.3); // chance is 0.1
  });
});

describe('methods on a residual network (smoke: they run, see every weight layer, keep their invariants)', () => {
  it('ITT-RNA: one compensation stage per weight layer (blocks included), mapping cost not increased', async () => {
    const net = trainedNet();
    const before = net.getWeights();
    const { deployment: d, extra } = await ittrnaOnNetwork(net, point(), ctx);
    expect(d.layers.map((l) => l.name)).toEqual(RESIDUAL_WEIGHT_LAYERS);
    expect(d.on.every(Boolean)).toBe(true);
    expect(extra.stages).toBe(RESIDUAL_WEIGHT_LAYERS.length);
    expect(extra.mappingCostAfter as number).toBeLessThanOrEqual(extra.mappingCostBefore as number);
    expect(net.getWeights()).not.toEqual(before); // retrained
    const ev = evaluate(net, dataset.eval);
    expect(Number.isFinite(ev.loss)).toBe(true);
    expect(d.cellWrites()).toBeGreaterThan(0);
  });

  it('LoRA and LoRI: adapters on every weight layer of the deployed residual network, then merged', () => {
    for (const variant of ['lora', 'lori'] as const) {
      const net = trainedNet();
      const d = new Deployment(net, point({ method: variant }), true);
      const res = adaptNetwork(net, point({ method: variant }), ctx, variant, 'crossbar');
      expect(res.ops).toHaveLength(RESIDUAL_WEIGHT_LAYERS.length);
      expect(net.weightLayers().every((l) => l.op instanceof LoraMatrixOp)).toBe(true);
      // the base (weights, biases, BN γ/β) is frozen; only adapters train
      for (const p of net.params()) {
        if (p.trainable) expect(p.name).toMatch(/lora/i);
      }
      expect(res.ops.reduce((s, o) => s + o.adapterCost().cellWrites, 0)).toBeGreaterThan(0);
      expect(mergeLora(net.weightLayers())).toEqual(RESIDUAL_WEIGHT_LAYERS);
      expect(net.weightLayers().every((l, k) => l.op === d.xbar[k])).toBe(true);
      expect(Number.isFinite(evaluate(net, dataset.eval).loss)).toBe(true);
    }
  });
});
