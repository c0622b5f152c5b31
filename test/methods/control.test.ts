/**
 * Method `control` (src/methods/control.ts), the same-budget defect-free control, against
 * independent references:
 *  - it ignores the defect fields: the same metrics, bit for bit, at rate 0.2 as at rate 0;
 *  - it is `fat` without stuck cells: bit for bit fat's metrics at rate 0 (same retraining budget,
 *    streams and crossbars), so the difference method − control isolates the defects;
 *  - point resolution resets its rate like ideal's: a grid over rates gives one point per seed.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { planSweep } from '../../src/config/expand.js';
import { runMethod } from '../../src/methods/method_functions.js';
import type { PointMetrics } from '../../src/methods/method_metrics.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { syntheticDataset } from './synthetic_dataset.js';

const dataset = syntheticDataset('control');
const trainSpec = { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 };
const retrain = { epochs: 2, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 };

function trainedNet() {
  const net = buildModel(presetDesc('mlp', { pool: 'max', input: dataset.shape }), 3);
  train(net, dataset.train, trainSpec, { seed: 3 });
  return net;
}
const noTime = (m: PointMetrics) => ({ ...m, extra: { ...m.extra, methodSeconds: 0 } });
const opts = (rate: number) => ({
  defects: { ...DEFAULTS.defects, rate },
  device: { ...DEFAULTS.device, levels: 16, readSigma: 0.01 },
  crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
  retrain,
  seed: 3,
});

describe('method control', () => {
  it('ignores the defect rate and equals fat without stuck cells, bit for bit', () => {
    const at20 = noTime(runMethod('control', trainedNet(), dataset, opts(0.2)));
    const at0 = noTime(runMethod('control', trainedNet(), dataset, opts(0)));
    const fat0 = noTime(runMethod('fat', trainedNet(), dataset, opts(0)));
    const fat20 = noTime(runMethod('fat', trainedNet(), dataset, opts(0.2)));
    expect(at20).toEqual(at0);
    expect(at20).toEqual(fat0);
    // not vacuous: the defects change fat, it retrained (writes), and it is on crossbars
    expect(fat20.accuracy).not.toBe(fat0.accuracy);
    expect(at20.cellWrites).toBeGreaterThan(0);
    expect(at20.cellsUsed).toBeGreaterThan(0);
  });

  it('a grid over rates gives one control and one ideal point per seed (rate reset to 0)', async () => {
    const plan = await planSweep({ method: ['ideal', 'control', 'fat'], defects: { rate: [0, 0.1, 0.2], lrsShare: [0.3, 0.7] }, seed: [0, 1] });
    const count = (m: string) => plan.points.filter((p) => p.point.method === m).length;
    expect(count('ideal')).toBe(2);
    expect(count('control')).toBe(2);
    expect(count('fat')).toBe(2 * (1 + 2 * 2));
    for (const p of plan.points.filter((q) => q.point.method !== 'fat')) expect(p.point.defects).toEqual({ rate: 0, lrsShare: 0.5, distribution: 'uniform' });
  });
});
