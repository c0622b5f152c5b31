import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { attachLora } from '../../src/methods/lora/attach.js';
import { LoraMatrixOp } from '../../src/methods/lora/lora_matrix_op.js';
import { mergeLora } from '../../src/methods/lora/merge.js';
import { adaptNetwork, crossbarAdapters } from '../../src/methods/lora/method.js';
import { runLora, runLori } from '../../src/experiment/method_runners.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import type { PointMetrics } from '../../src/experiment/result.js';
import { stream } from '../../src/util/rng.js';

const dataset: Dataset = syntheticDataset('lora-v1');
const ctx: RunContext = { dataset };

function point(method: 'lora' | 'lori', over: Partial<PointSpec> = {}): PointSpec {
  return {
    ...DEFAULTS,
    method,
    defects: { ...DEFAULTS.defects, rate: 0.2 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    lora: { rank: 4, alpha: 4, layers: [], sparsity: 0.9, base: 'unaware' },
    seed: 3,
    ...over,
  };
}

const small: ModelDesc = {
  name: 'mlp-test', input: [1, 4, 4],
  layers: [{ type: 'flatten' }, { type: 'dense', out: 24 }, { type: 'relu' }, { type: 'dense', out: 10 }],
};

function x(n: number): Float32Array {
  const r = stream(9, 'test/x');
  return Float32Array.from({ length: n * 16 }, () => r.normal());
}

function stripTime(m: PointMetrics): PointMetrics {
  const extra = { ...m.extra };
  delete extra.methodSeconds;
  return { ...m, extra };
}

describe('LoRA on crossbars', () => {
  it('zero-init on defect-free adapter arrays gives exactly the deployed base output', () => {
    const net = buildModel(small, 1);
    const p = point('lora');
    mapNetwork(net, p, p.seed); // defective base
    const n = 7, X = x(n);
    const y0 = Float32Array.from(net.forward(X, n, false));
    attachLora(net.weightLayers(), { rank: 3, alpha: 3, layers: [] }, p.seed,
      crossbarAdapters({ ...p, defects: { ...p.defects, rate: 0 } }, net, 'lora'));
    expect(net.weightLayers().every((l) => l.op instanceof LoraMatrixOp)).toBe(true);
    expect(Array.from(net.forward(X, n, false))).toEqual(Array.from(y0));
  });

  it('Conv2d: LoRA on the unrolled kernel matrix, zero-init exact, A/B gradients match finite differences', () => {
    // conv (no ReLU, so the loss is linear in each single A or B entry: central differences exact)
    const desc: ModelDesc = {
      name: 'conv-test', input: [1, 4, 4],
      layers: [{ type: 'conv2d', out: 3, kernel: 3, pad: 1 }, { type: 'flatten' }, { type: 'dense', out: 10 }],
    };
    const net = buildModel(desc, 6);
    const n = 3, X = x(n);
    const y0 = Float32Array.from(net.forward(X, n, false));
    const [op] = attachLora(net.weightLayers(), { rank: 2, alpha: 3, layers: ['conv1'] }, 1);
    expect(op.rows).toBe(9); // kh·kw·C
    expect(Array.from(net.forward(X, n, false))).toEqual(Array.from(y0));
    const r = stream(5, 'test/Bc');
    for (let i = 0; i < op.B.value.length; i++) op.B.value[i] = 0.3 * r.normal();
    const G = Float32Array.from({ length: n * 10 }, () => r.normal());
    const loss = () => { const y = net.forward(X, n, true); let s = 0; for (let i = 0; i < y.length; i++) s += G[i] * y[i]; return s; };
    loss();
    for (const q of net.params()) q.grad.fill(0);
    net.backward(G, n);
    const eps = 0.05;
    for (const P of [op.A, op.B]) {
      for (let i = 0; i < P.value.length; i++) {
        const v = P.value[i];
        P.value[i] = v + eps; const lp = loss();
        P.value[i] = v - eps; const lm = loss();
        P.value[i] = v;
        const fd = (lp - lm) / (2 * eps);
        expect(Math.abs(fd - P.grad[i])).toBeLessThan(2e-3 * Math.max(1, Math.abs(fd)));
      }
    }
  });

  it('merge on a defect-free continuous crossbar equals the unmerged forward', () => {
    const net = buildModel(small, 2);
    // a fixed range wide enough that W0 + ΔW is not clipped (clipping would make the merge inexact)
    const p = point('lora', {
      defects: { ...DEFAULTS.defects, rate: 0 },
      crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32, range: { kind: 'fixed', wMax: 10 } },
    });
    mapNetwork(net, p, p.seed);
    const ops = attachLora(net.weightLayers(), { rank: 2, alpha: 4, layers: [] }, p.seed, crossbarAdapters(p, net, 'lora'));
    const r = stream(4, 'test/B');
    for (const o of ops) for (let i = 0; i < o.B.value.length; i++) o.B.value[i] = 0.2 * r.normal();
    const n = 5, X = x(n);
    const yl = Float32Array.from(net.forward(X, n, false));
    const base = ops.map((o) => o.base as CrossbarMatrixOp);
    base.forEach((b) => b.resetWriteCounts());
    mergeLora(net.weightLayers());
    expect(net.weightLayers().every((l) => l.op instanceof CrossbarMatrixOp)).toBe(true);
    const ym = net.forward(X, n, false);
    let maxDiff = 0, maxY = 0;
    for (let i = 0; i < yl.length; i++) { maxDiff = Math.max(maxDiff, Math.abs(ym[i] - yl[i])); maxY = Math.max(maxY, Math.abs(yl[i])); }
    expect(maxDiff).toBeLessThan(1e-4 * Math.max(1, maxY));
    expect(base.reduce((s, b) => s + b.cellWrites(), 0)).toBeGreaterThan(0); // the merge reprogrammed the base
  });

  it('stuck adapter cells get no gradient', () => {
    const net = buildModel(small, 3);
    const p = point('lora', { defects: { ...DEFAULTS.defects, rate: 0.5 } });
    mapNetwork(net, p, p.seed);
    const ops = attachLora(net.weightLayers(), { rank: 4, alpha: 4, layers: ['fc1'] }, p.seed, crossbarAdapters(p, net, 'lora'));
    const o = ops[0];
    const r = stream(4, 'test/B');
    for (let i = 0; i < o.B.value.length; i++) o.B.value[i] = 0.1 * r.normal();
    const n = 6, X = x(n);
    const logits = net.forward(X, n, true);
    for (const q of net.params()) q.grad.fill(0);
    net.backward(Float32Array.from(logits, (v, i) => (i % 3) - 1 + 0.1 * v), n);
    let stuck = 0, free = 0;
    for (const P of [o.A, o.B]) {
      const m = P.updateMask!;
      for (let i = 0; i < m.length; i++) {
        if (m[i] === 0) { stuck++; expect(P.grad[i]).toBe(0); } else if (P.grad[i] !== 0) free++;
      }
    }
    expect(stuck).toBeGreaterThan(0);
    expect(free).toBeGreaterThan(0);
  });

  it('LoRI: the mask has the requested sparsity, A is never rewritten, masked B cells are never written', () => {
    const net = buildModel(small, 4);
    const p = point('lori', { lora: { rank: 4, alpha: 4, layers: [], sparsity: 0.75, base: 'unaware' } });
    mapNetwork(net, p, p.seed);
    for (const l of net.weightLayers()) (l.op as CrossbarMatrixOp).resetWriteCounts();
    const res = adaptNetwork(net, p, ctx, 'lori', 'crossbar');
    expect(res.totalB).toBe(4 * 24 + 4 * 10);
    expect(res.keptB).toBe(Math.round(0.25 * res.totalB!));
    let writtenUnmasked = 0, kept = 0;
    for (const o of res.ops) {
      const opB = o.opB as CrossbarMatrixOp, opA = o.opA as CrossbarMatrixOp;
      expect(opA.cellWrites()).toBe(0); // programmed once (deployment), frozen afterwards
      expect((o.base as CrossbarMatrixOp).cellWrites()).toBe(0); // base frozen
      const m = o.B.updateMask!;
      const { writesP, writesN } = opB.array;
      for (let i = 0; i < m.length; i++) {
        // identity permutation: logical weight i sits on slot i
        if (m[i] === 0) {
          expect(writesP[i] + writesN[i]).toBe(0);
          expect(o.B.value[i]).toBe(0);
        } else { kept++; writtenUnmasked += writesP[i] + writesN[i]; }
      }
    }
    expect(kept).toBeLessThanOrEqual(res.keptB!); // stuck cells may remove a few more
    expect(writtenUnmasked).toBeGreaterThan(0);
  });

  it('LoRA training reduces the training loss of the defective network', () => {
    const p = point('lora', { defects: { ...DEFAULTS.defects, rate: 0.3 } });
    const net2 = buildModel(small, 5);
    mapNetwork(net2, p, p.seed);
    const logs: string[] = [];
    adaptNetwork(net2, { ...p, retrain: { ...p.retrain, epochs: 4 } }, { dataset, log: (s) => logs.push(s) }, 'lora', 'crossbar');
    const losses = logs.map((s) => /loss ([0-9.]+)/.exec(s)).filter(Boolean).map((m) => Number(m![1]));
    const first = losses[0], last = losses[losses.length - 1];
    expect(losses.length).toBe(4);
    expect(last).toBeLessThan(first);
  });

  it('runLora / runLori: same seed gives bit-identical metrics; cost accounting present', async () => {
    const a = await runLora(point('lora'), ctx);
    const b = await runLora(point('lora'), ctx);
    expect(stripTime(a)).toEqual(stripTime(b));
    const e = a.extra!;
    expect(typeof e.mergedAccuracy).toBe('number');
    expect(e.unmergedAccuracy).toBe(a.accuracy);
    // mlp on 4x4 inputs: 16-300-100-10; r = 4 on all three layers
    const adapterWeights = 4 * (16 + 300) + 4 * (300 + 100) + 4 * (100 + 10);
    expect(e.adapterCells).toBe(2 * adapterWeights); // differential: 2 cells per weight
    expect(a.extraMacsPerImage).toBe(adapterWeights);
    expect(a.trainableParams).toBeGreaterThan(0.8 * adapterWeights);
    expect(a.trainableParams).toBeLessThanOrEqual(adapterWeights);
    expect(a.cellWrites).toBe(e.adapterWrites);
    expect(a.cellWrites).toBeGreaterThan(0);
    expect(a.cellsUsed).toBe(2 * (16 * 300 + 300 * 100 + 100 * 10) + 2 * adapterWeights);
    const l1 = await runLori(point('lori'), ctx);
    const l2 = await runLori(point('lori'), ctx);
    expect(stripTime(l1)).toEqual(stripTime(l2));
    expect(l1.extra!.loriKeptB).toBe(Math.round(0.1 * (4 * 300 + 4 * 100 + 4 * 10)));
    expect(l1.cellWrites).toBeLessThan(a.cellWrites);
  });
});


