// Pins the choices the formulas leave open (docs/formula_choices.md "What the formulas leave open, and what
// rramsim does"): biases are digital; wMax is fixed when a layer's crossbar is built and never
// re-derived while retraining; the straight-through gradient passes the defect clamp of a
// half-stuck pair; every train() call starts with zero momentum; the last partial batch is kept
// (its own mean); unaware and fat (and every method) see one defect map per seed.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { absPercentile } from '../../src/crossbar/weight_range.js';
import type { Split } from '../../src/data/dataset.js';
import { trainedBase } from '../../src/experiment/base.js';
import { crossbarFor } from '../../src/methods/deploy.js';
import { ittrnaPointDeployment as ittrnaDeployment, unawarePointDeployment as unawareDeployment } from '../../src/experiment/method_runners.js';
import type { MethodName, PointSpec, TrainSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { train } from '../../src/nn/train.js';
import { permutation, stream } from '../../src/util/rng.js';
import { randomArray, randomParam } from '../crossbar/helpers.js';
import { blobs } from '../nn/synthetic.js';
import { syntheticDataset } from './synthetic_dataset.js';

const linear: ModelDesc = { name: 'linear', input: [1, 4, 4], layers: [{ type: 'flatten' }, { type: 'dense', out: 4 }] };
const small: ModelDesc = {
  name: 'blob-mlp', input: [1, 4, 4],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 32 }, { type: 'relu' }, { type: 'dense', out: 4 }],
};

/** mean-loss gradient of `net` (a copy is used) on examples idx of split, as one flat array of all params */
function batchGradient(net: Network, split: Split, idx: ArrayLike<number>): Float32Array[] {
  const c = net.clone();
  const d = 16, n = idx.length;
  const x = new Float32Array(n * d), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    x.set(split.x.subarray(idx[i] * d, (idx[i] + 1) * d), i * d);
    y[i] = split.y[idx[i]];
  }
  for (const p of c.params()) p.grad.fill(0);
  const logits = c.forward(x, n, true);
  const dl = new Float32Array(n * c.classes);
  softmaxCrossEntropy(logits, y, 0, n, c.classes, dl);
  c.backward(dl, n);
  return c.params().map((p) => Float32Array.from(p.grad));
}

const snapshot = (net: Network) => net.params().map((p) => Float32Array.from(p.value));

function expectStep(before: Float32Array[], after: Float32Array[], grad: Float32Array[], lr: number): void {
  before.forEach((b, q) => {
    for (let i = 0; i < b.length; i++) expect(after[q][i] - b[i]).toBeCloseTo(-lr * grad[q][i], 6);
  });
}

describe('biases are digital', () => {
  it('a bias reaches the output exactly: not clipped to ±wMax, not quantised, not stuck; it trains when every cell is stuck', () => {
    const net = buildModel(linear, 0);
    const [op] = mapNetwork(net, { device: { ...DEFAULTS.device, levels: 4 }, crossbar: DEFAULTS.crossbar, defects: { rate: 1, lrsShare: 0.5, distribution: 'uniform' } }, 0);
    expect(op.fullyStuckCount()).toBe(16 * 4); // every weight's cells are stuck
    expect(op.params()).toEqual([net.weightLayers()[0].op.weight]); // the crossbar holds the weight matrix only
    const b = net.weightLayers()[0].bias;
    b.value.set([1234.5, -777.25, 1e-7, 0.3]);
    expect(op.wMax).toBeLessThan(1);
    const y = net.forward(new Float32Array(3 * 16), 3, false); // X = 0: Y = 0·W_eff + b
    expect(Array.from(y)).toEqual([...b.value, ...b.value, ...b.value]);

    const w0 = Float32Array.from(op.weight.value), b0 = Float32Array.from(b.value);
    train(net, blobs('train', 32, 16, 4, 'bias'), { epochs: 1, lr: 0.01, momentum: 0, weightDecay: 0, batch: 16 }, { seed: 0 });
    expect(op.weight.value).toEqual(w0); // all cells stuck: weights frozen
    expect(b.value).not.toEqual(b0); // the digital bias is trained
  });
});

describe('wMax is fixed when the crossbar is built', () => {
  it('an op keeps its wMax when the weights grow; they are clipped to it', () => {
    const W = randomParam('fc', 20, 10, 'wmax');
    const op = new CrossbarMatrixOp(W, { seed: 0, crossbar: { tileRows: 32, tileCols: 32 } });
    const w0 = op.wMax;
    expect(w0).toBe(absPercentile(W.value, 100)); // default range: percentile 100 = max |w|
    for (let i = 0; i < W.value.length; i++) W.value[i] *= 3;
    op.forward(randomArray(2 * 20, 'wx'), 2, new Float32Array(2 * 10), true); // syncs the cells
    expect(op.wMax).toBe(w0);
    expect(op.countClipped()).toBeGreaterThan(0);
    const eff = op.effectiveWeights();
    for (let k = 0; k < eff.length; k++) expect(Math.abs(eff[k])).toBeLessThanOrEqual(w0 * (1 + 1e-6));
  });

  it('fat and ittrna: every layer\'s wMax is derived from the trained base weights, also for layers ITT-RNA switches on after earlier stages retrained them', async () => {
    const dataset = syntheticDataset('choices-wmax');
    const ctx: RunContext = { dataset };
    const point: PointSpec = {
      ...DEFAULTS, method: 'ittrna', dataset: 'mnist-embedded', seed: 3,
      defects: { ...DEFAULTS.defects, rate: 0.2 },
      crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
      train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
      retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
      ittrna: { ...DEFAULTS.ittrna, calibrationBatches: 2, epochsPerStage: 1, finalEpochs: 1, compensation: true },
    };
    const base = await trainedBase(point, ctx);
    const baseWMax = base.weightLayers().map((l) => absPercentile(l.op.weight.value, 100));
    const { deployment } = await ittrnaDeployment(point, ctx);
    expect(deployment.xbar.map((op) => op.wMax)).toEqual(baseWMax);
    // the last layer was retrained digitally in stages 1 and 2 before it went on its crossbar: its
    // weights moved, and max |w| at switch-on differs from its wMax
    const last = deployment.xbar.length - 1;
    expect(absPercentile(deployment.xbar[last].weight.value, 100)).not.toBe(baseWMax[last]);

    const fat = await unawareDeployment({ ...point, method: 'fat' }, ctx);
    train(fat.net, dataset.train, point.retrain, { seed: point.seed, shuffleStream: 'retrain/shuffle' });
    expect(fat.xbar.map((op) => op.wMax)).toEqual(baseWMax);
  });
});

describe('the straight-through gradient passes the defect clamp of a half-stuck pair', () => {
  it('a weight outside its half range gets dL/dW_eff although W_eff = clamp(w, lo, hi) does not move with it', () => {
    const [n, rows, cols] = [4, 23, 13];
    const W = randomParam('fc', rows, cols, 'ste');
    const op = new CrossbarMatrixOp(W, { seed: 2, defects: { rate: 0.3, lrsShare: 0.5, distribution: 'uniform' }, crossbar: { tileRows: 8, tileCols: 8 } });
    const X = randomArray(n * rows, 'stex'), G = randomArray(n * cols, 'steg');
    const Y = new Float32Array(n * cols);
    const loss = () => { op.forward(X, n, Y, true); let s = 0; for (let i = 0; i < Y.length; i++) s += Y[i] * G[i]; return s; };
    loss();
    W.grad.fill(0);
    op.backward(X, G, n, null);
    const { lo, hi } = op.attainable();
    const mask = W.updateMask!;
    const h = 1e-3;
    let checked = 0;
    for (let k = 0; k < rows * cols; k++) {
      const w = W.value[k];
      const halfStuck = mask[k] === 1 && hi[k] - lo[k] < 1.5 * op.wMax; // one cell stuck: a half range [−wMax, 0] or [0, wMax]
      if (!halfStuck || !(w < lo[k] - 2 * h || w > hi[k] + 2 * h)) continue;
      const i = Math.floor(k / cols), j = k % cols;
      let xtg = 0; // (Xᵀ·dY)_ij, the straight-through gradient
      for (let b = 0; b < n; b++) xtg += X[b * rows + i] * G[b * cols + j];
      expect(W.grad[k]).toBeCloseTo(xtg, 5);
      expect(Math.abs(xtg)).toBeGreaterThan(1e-4);
      W.value[k] = w + h; const a = loss();
      W.value[k] = w - h; const c = loss();
      W.value[k] = w;
      expect(a).toBe(c); // the true derivative through the clamp is 0
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});

describe('retraining starts with a fresh momentum buffer', () => {
  it('the first step of a train() call is −lr·g, whatever momentum the previous call built', () => {
    const data = blobs('train', 64, 16, 4, 'mom');
    const net = buildModel(small, 0);
    const spec: TrainSpec = { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 16 };
    train(net, data, spec, { seed: 0 }); // builds momentum over 8 steps
    const before = snapshot(net);
    const g = batchGradient(net, data, Array.from({ length: 16 }, (_, i) => i));
    // one step: limit 16 = one batch of the first 16 examples (in shuffled order: the same mean)
    train(net, data, { ...spec, epochs: 1 }, { seed: 1, limit: 16, shuffleStream: 'retrain/shuffle' });
    expectStep(before, snapshot(net), g, spec.lr);
  });
});

describe('the last partial batch is kept', () => {
  it('40 examples in batches of 16: steps of 16, 16 and 8 examples, the last one with the mean over its 8', () => {
    const data = blobs('train', 40, 16, 4, 'last');
    const net = buildModel(small, 0);
    const lr = 0.05;
    let beforeLast: Float32Array[] = [];
    const r = train(net, data, { epochs: 1, lr, momentum: 0, weightDecay: 0, batch: 16 }, {
      seed: 0, afterStep: (n, step) => { if (step === 1) beforeLast = snapshot(n); },
    });
    expect(r.steps).toBe(3);
    const perm = permutation(stream(0, 'shuffle/epoch0'), 40);
    const g = batchGradient(buildNetWith(beforeLast), data, perm.subarray(32, 40));
    expectStep(beforeLast, snapshot(net), g, lr);
  });
});

function buildNetWith(values: Float32Array[]): Network {
  const net = buildModel(small, 0);
  net.params().forEach((p, q) => p.value.set(values[q]));
  return net;
}

describe('one defect map per seed, whatever the method', () => {
  const dataset = syntheticDataset('choices-maps');
  const point = (method: MethodName, seed: number): PointSpec => ({
    ...DEFAULTS, method, dataset: 'mnist-embedded', seed,
    defects: { ...DEFAULTS.defects, rate: 0.1 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    train: { epochs: 1, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
  });

  it('unaware and fat write the same defect tile for a seed (another seed: another tile); all layers\' maps agree', async () => {
    const tile = async (method: MethodName, seed: number) => {
      const dir = mkdtempSync(join(tmpdir(), 'rramsim-choices-'));
      await runPoint(point(method, seed), { dataset, artifactDir: dir });
      return JSON.parse(readFileSync(join(dir, 'defect_tile.json'), 'utf8')) as { state: number[] };
    };
    const u = await tile('unaware', 4), f = await tile('fat', 4), u5 = await tile('unaware', 5);
    expect(f.state).toEqual(u.state);
    expect(u.state.some((s) => s !== 0)).toBe(true);
    expect(u5.state).not.toEqual(u.state);
    const net = buildModel(linear, 0);
    const l = net.weightLayers()[0];
    const maps = (m: MethodName) => crossbarFor(l, point(m, 4)).defectMapJSON();
    expect(maps('fat')).toEqual(maps('unaware'));
    expect(maps('ittrna')).toEqual(maps('unaware'));
  });
});
