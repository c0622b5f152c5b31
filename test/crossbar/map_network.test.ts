import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork, networkDefectMaps } from '../../src/crossbar/map_network.js';
import { buildModel, lenet5Desc, mlpDesc } from '../../src/nn/model.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { maxAbsDiff, randomArray } from './helpers.js';

const ideal: Pick<PointSpec, 'device' | 'crossbar' | 'defects'> = {
  device: { gMin: 1e-6, gMax: 1e-4, levels: 0, progSigma: 0, readSigma: 0 },
  crossbar: { tileRows: 128, tileCols: 128, mapping: 'differential', range: { kind: 'percentile', percentile: 100 }, dacBits: 0, adcBits: 0 },
  defects: { rate: 0, lrsShare: 0.5, distribution: 'uniform' },
};

describe('mapNetwork', () => {
  for (const [name, desc] of [['mlp', mlpDesc()], ['lenet5', lenet5Desc()]] as const) {
    it(`${name}: ideal crossbars compute the same logits as the digital network`, () => {
      const net = buildModel(desc, 0);
      const n = 3;
      const x = randomArray(n * net.inputSize, 'net');
      const y0 = Float32Array.from(net.forward(x, n, false));
      const ops = mapNetwork(net, ideal, 0);
      expect(ops.length).toBe(net.weightLayers().length);
      for (const l of net.weightLayers()) expect(l.op).toBeInstanceOf(CrossbarMatrixOp);
      const y1 = net.forward(x, n, false);
      expect(maxAbsDiff(y0, y1)).toBeLessThan(1e-4);
    });
  }

  it('defective crossbars: one map per layer tile from the layer-named stream, and the logits change', () => {
    const net = buildModel(mlpDesc(), 0);
    const x = randomArray(2 * net.inputSize, 'net');
    const y0 = Float32Array.from(net.forward(x, 2, false));
    const ops = mapNetwork(net, { ...ideal, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' } }, 1);
    expect(ops.map((o) => o.layer)).toEqual(net.weightLayers().map((l) => l.name));
    const maps = networkDefectMaps(ops);
    // 784x300 differential on 128x128 tiles: 7 x 5 tiles; 300x100: 3 x 2; 100x10: 1 x 1
    expect(maps.length).toBe(35 + 6 + 1);
    expect(new Set(maps.map((m) => `${m.layer}/${m.tileRow}_${m.tileCol}`)).size).toBe(maps.length);
    expect(maxAbsDiff(y0, net.forward(x, 2, false))).toBeGreaterThan(1e-2);
    // stuck weights are frozen for the optimiser
    for (const l of net.weightLayers()) expect(l.op.weight.updateMask?.some((v) => v === 0)).toBe(true);
  });
});
