import { describe, expect, it } from 'vitest';
import { all, create } from 'mathjs';
import { planSweep } from '../../src/config/expand.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { attachLora, digitalAdapters } from '../../src/methods/lora/attach.js';
import { gramNormA, gramNormB, haloraPenalty, topEigen } from '../../src/methods/lora/halora.js';
import { mergeLora } from '../../src/methods/lora/merge.js';
import { crossbarAdapters, loraTargets, macSplit } from '../../src/methods/lora/method.js';
import { NoisyBaseOp } from '../../src/methods/lora/noise_aware.js';
import { placementLayers, rolesOf } from '../../src/methods/lora/placement.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { DigitalMatrixOp } from '../../src/nn/matrix_op.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { makeParam } from '../../src/nn/param.js';
import { vitDesc } from '../../src/nn/vit.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';

/**
 * The transformer LoRA options on a tiny ViT and a token-id (Embedding) transformer: placement by role,
 * merged = unmerged with adapters on defect-free crossbars, B = 0 exact, HaLoRA's spectral-norm
 * regulariser against mathjs and finite differences, noise-aware base op, config validation.
 */
const math = create(all);
const vit = vitDesc({ name: 'vit-tiny', input: [1, 4, 4], patch: 2, dim: 8, depth: 2, heads: 2, mlpRatio: 2, classes: 10, pool: 'cls' });
const seq: ModelDesc = {
  name: 'seq-tiny', input: [1, 4, 4],
  layers: [
    { type: 'patchcode', patch: 2, grid: 2 }, { type: 'embedding', vocab: 16, dim: 8 }, { type: 'posembed' },
    { type: 'transformer', heads: 2, mlpDim: 16 }, { type: 'layernorm' }, { type: 'tokenpool', pool: 'mean' },
    { type: 'dense', out: 3, name: 'head' },
  ],
};
const x = Float32Array.from({ length: 6 * 16 }, (_, i) => Math.sin(1.7 * i) * 1.5);
// a fixed range with headroom, so the merged weights W0 + ΔW are not clipped at ±wMax
const ideal: PointSpec = { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0 }, crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16, range: { kind: 'fixed', wMax: 2 } } };

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('LoRA placement by role', () => {
  it('roles of a ViT: embedding, q/k/v/o and mlp.fc1/fc2 of every block, head = the last weight layer', () => {
    const net = buildModel(vit, 1);
    const roles = rolesOf(net.weightLayers());
    expect(roles.map((r) => `${r.name}:${r.role}`)).toEqual([
      'patch1:embedding',
      ...[1, 2].flatMap((b) => [`block${b}.attn.q:q`, `block${b}.attn.k:k`, `block${b}.attn.v:v`, `block${b}.attn.o:o`, `block${b}.mlp.fc1:mlp.fc1`, `block${b}.mlp.fc2:mlp.fc2`]),
      'head:head',
    ]);
    expect(placementLayers(roles, ['q', 'k'])).toEqual(['block1.attn.q', 'block1.attn.k', 'block2.attn.q', 'block2.attn.k']);
    expect(placementLayers(roles, ['mlp.fc1', 'mlp.fc2', 'head'])).toEqual(['block1.mlp.fc1', 'block1.mlp.fc2', 'block2.mlp.fc1', 'block2.mlp.fc2', 'head']);
    const p = { ...DEFAULTS, lora: { ...DEFAULTS.lora, placement: ['v' as const, 'embedding' as const] } };
    expect(loraTargets(net, p)).toEqual(['patch1', 'block1.attn.v', 'block2.attn.v']);
    // Embedding (token ids) is the 'embedding' role too
    expect(rolesOf(buildModel(seq, 1).weightLayers())[0]).toEqual({ name: 'embed1', role: 'embedding' });
  });

  it('a bad or absent role is a UserError naming the index and the allowed values', () => {
    const roles = rolesOf(buildModel(vit, 1).weightLayers());
    expect(() => placementLayers(roles, ['q', 'query'])).toThrow(UserError);
    expect(() => placementLayers(roles, ['q', 'query'])).toThrow(/lora\.placement\[1\]: unknown placement 'query'; allowed: q, k, v, o, embedding, mlp\.fc1, mlp\.fc2, head/);
    const mlpRoles = rolesOf(buildModel({ name: 'm', input: [1, 4, 4], layers: [{ type: 'flatten' }, { type: 'dense', out: 5 }, { type: 'dense', out: 3 }] }, 1).weightLayers());
    expect(() => placementLayers(mlpRoles, ['q'])).toThrow(/lora\.placement\[0\]: 'q' matches no weight layer of the model; its roles: head/);
  });

  it('sweep config: placement validated at planning (bad name → UserError naming the allowed values), absent fields keep the point free of them', async () => {
    await expect(planSweep({ model: 'vit-mnist', method: 'lora', lora: { rank: 4, placement: ['q', 'x'] } })).rejects.toThrow(/lora\.placement\[1\].*allowed: a non-empty list of adapter roles from q, k, v, o, embedding, mlp\.fc1, mlp\.fc2, head/);
    await expect(planSweep({ model: 'mlp', method: 'lora', lora: { rank: 4, placement: ['q'] } })).rejects.toThrow(/lora\.placement\[0\]: 'q' matches no weight layer of model mlp/);
    await expect(planSweep({ model: 'vit-mnist', method: 'lora', lora: { rank: 4, placement: ['q'], layers: ['head'] } })).rejects.toThrow(/either lora\.placement or lora\.layers/);
    await expect(planSweep({ model: 'vit-mnist', method: 'lora', lora: { rank: 4, experts: ['stuck', 'prog'] } })).rejects.toThrow(/lora\.noise\.sigma/);
    const plan = await planSweep({ model: 'vit-mnist', method: 'lora', lora: { rank: 4, placement: [['q', 'v'], ['q', 'k']], merged: [false, true] }, train: { optimizer: 'adamw' } });
    expect(plan.points.length).toBe(4);
    expect(plan.points[0].point.lora.placement).toEqual(['q', 'v']);
    expect('merged' in plan.points[0].point.lora).toBe(false); // false = the default: absent
    expect(plan.points[1].point.lora.merged).toBe(true);
    expect(plan.points[0].point.train.optimizer).toBe('adamw');
    const plain = await planSweep({ model: 'vit-mnist', method: 'lora', lora: { rank: 4 }, train: { optimizer: 'sgd' } });
    expect(Object.keys(plain.points[0].point.lora).sort()).toEqual(['alpha', 'base', 'layers', 'rank', 'sparsity']);
    expect('optimizer' in plain.points[0].point.train).toBe(false);
    expect('limit' in plain.points[0].point.retrain).toBe(false);
  });
});

describe('merged equals unmerged on defect-free crossbars (adapters on their own arrays)', () => {
  for (const [label, desc, layers] of [
    ['Linear (q, v, mlp.fc1)', vit, ['block1.attn.q', 'block1.attn.v', 'block2.mlp.fc1']],
    ['Embedding (token ids)', seq, ['embed1']],
  ] as const) {
    it(label, () => {
      const net = buildModel(desc, 5);
      mapNetwork(net, ideal, 0);
      const y0 = Float32Array.from(net.forward(x, 6, false));
      const ops = attachLora(net.weightLayers(), { rank: 2, alpha: 2, layers: [...layers] }, 5, crossbarAdapters(ideal, net, 'lora'));
      // B = 0 on its crossbar: the base output (up to the float32 rounding of adding zero products)
      expect(maxDiff(Float32Array.from(net.forward(x, 6, false)), y0)).toBeLessThan(1e-6);
      const r = stream(0, 'test/vit-lora-options/B');
      for (const op of ops) { for (let i = 0; i < op.B.value.length; i++) op.B.value[i] = 0.05 * (r.next() - 0.5); op.opB.sync?.(); }
      const yU = Float32Array.from(net.forward(x, 6, false));
      expect(maxDiff(yU, y0)).toBeGreaterThan(1e-4);
      expect(mergeLora(net.weightLayers())).toEqual([...layers]);
      expect(maxDiff(Float32Array.from(net.forward(x, 6, false)), yU)).toBeLessThan(1e-4);
    });
  }

  it('B = 0 (digital adapters) reproduces the base bit for bit on every placement, Embedding included', () => {
    const net = buildModel(seq, 2);
    const y0 = Float32Array.from(net.forward(x, 6, false));
    attachLora(net.weightLayers(), { rank: 2, alpha: 4, layers: [] }, 2, digitalAdapters);
    expect(Array.from(net.forward(x, 6, false))).toEqual(Array.from(y0));
  });

  it('MAC split: attention products digital, adapters analog or digital, none after merging', () => {
    const net = buildModel(vit, 1);
    const ops = attachLora(net.weightLayers(), { rank: 2, alpha: 2, layers: ['block1.attn.q'] }, 1, digitalAdapters);
    const T = 5, D = 8; // 4 patches + cls
    const base = 4 * 4 * 8 + 2 * (5 * (4 * 8 * 8) + 5 * (8 * 16 + 16 * 8)) + 8 * 10;
    const adapter = 2 * (8 + 8) * T;
    expect(macSplit(net, ops, 'digital', false)).toEqual({ analogMacsPerImage: base, digitalMacsPerImage: 2 * 2 * T * T * D + adapter, adapterMacsPerImage: adapter, attentionMacsPerImage: 2 * 2 * T * T * D });
    expect(macSplit(net, ops, 'crossbar', false).analogMacsPerImage).toBe(base + adapter);
    expect(macSplit(net, ops, 'crossbar', true).adapterMacsPerImage).toBe(0);
  });
});

describe("HaLoRA's regulariser ‖AAᵀ‖₂ + ‖BᵀB‖₂ (spectral norms)", () => {
  it('topEigen = the largest eigenvalue (mathjs eigs) with its eigenvector', () => {
    const r = stream(1, 'test/halora/eig');
    const n = 5;
    const A = Array.from({ length: 7 }, () => Array.from({ length: n }, () => r.normal()));
    const G = math.multiply(math.transpose(A), A) as number[][];
    const { value, vector } = topEigen(Float64Array.from(G.flat()), n);
    const ev = math.eigs(G).values as number[];
    expect(value).toBeCloseTo(Math.max(...ev), 10);
    const Gv = math.multiply(G, Array.from(vector)) as number[];
    for (let i = 0; i < n; i++) expect(Gv[i]).toBeCloseTo(value * vector[i], 9);
  });

  it('‖AᵀA‖₂ = σ_max(A)² and the gradients 2·A·v·vᵀ, 2·u·uᵀ·B match central finite differences', () => {
    const r = stream(2, 'test/halora/grad');
    const rows = 6, rank = 3, cols = 5;
    const A = Float32Array.from({ length: rows * rank }, () => r.normal());
    const B = Float32Array.from({ length: rank * cols }, () => r.normal());
    const svd = Math.max(...(math.eigs(math.multiply(math.transpose(math.reshape(Array.from(A), [rows, rank]) as number[][]), math.reshape(Array.from(A), [rows, rank]) as number[][]) as number[][]).values as number[]));
    expect(gramNormA(A, rows, rank)).toBeCloseTo(svd, 4);
    const gA = new Float32Array(A.length), gB = new Float32Array(B.length);
    gramNormA(A, rows, rank, gA);
    gramNormB(B, rank, cols, gB);
    const h = 1e-2;
    for (const [M, g, f] of [[A, gA, () => gramNormA(A, rows, rank)], [B, gB, () => gramNormB(B, rank, cols)]] as const) {
      for (let i = 0; i < M.length; i++) {
        const v = M[i];
        M[i] = v + h; const fp = f();
        M[i] = v - h; const fm = f();
        M[i] = v;
        const fd = (fp - fm) / (2 * h);
        expect(Math.abs(fd - g[i])).toBeLessThan(2e-3 * (1 + Math.abs(fd)));
      }
    }
  });

  it('the penalty hook adds λ·gradient into trainable adapters only and returns λ·L_reg', () => {
    const net = buildModel(vit, 1);
    const ops = attachLora(net.weightLayers(), { rank: 2, alpha: 2, layers: ['block1.attn.q', 'head'] }, 1, digitalAdapters);
    const r = stream(3, 'test/halora/hook');
    for (const op of ops) for (let i = 0; i < op.B.value.length; i++) op.B.value[i] = r.normal();
    ops[1].A.trainable = false;
    const pen = haloraPenalty(ops, 0.5)();
    let reg = 0;
    for (const op of ops) reg += gramNormA(op.A.value, op.A.rows, 2) + gramNormB(op.B.value, 2, op.B.cols);
    expect(pen).toBeCloseTo(0.5 * reg, 5);
    const gA = new Float32Array(ops[0].A.value.length);
    gramNormA(ops[0].A.value, ops[0].A.rows, 2, gA, 0.5);
    expect(Array.from(ops[0].A.grad)).toEqual(Array.from(gA));
    expect(ops[1].A.grad.every((v) => v === 0)).toBe(true);
  });
});

describe('noise-aware base op', () => {
  it('forward = X·(W + E) and dX = dY·(W + E)ᵀ with E = σ·wMax·N(0,1) from lora/noise/<layer>/draw<j>; redraws change E deterministically', () => {
    const W = makeParam('w', 4, 3);
    const r = stream(4, 'test/noise/w');
    for (let i = 0; i < W.value.length; i++) W.value[i] = r.normal();
    W.trainable = false;
    const op = new NoisyBaseOp(new DigitalMatrixOp(W), 'fc1', 0.1, 2, 9);
    const e = stream(9, 'lora/noise/fc1/draw0');
    const We = Float32Array.from(W.value, (w) => w + 0.2 * e.normal());
    const X = Float32Array.from({ length: 2 * 4 }, (_, i) => i - 3);
    const Y = new Float32Array(6), Yr = new Float32Array(6);
    op.forward(X, 2, Y, true);
    new DigitalMatrixOp(makeParam('we', 4, 3)).forward(X, 2, Yr, false); // zero weights: Yr = 0
    const ref = new DigitalMatrixOp({ ...W, value: We } as typeof W);
    ref.forward(X, 2, Yr, false);
    expect(maxDiff(Y, Yr)).toBeLessThan(1e-5);
    const dY = Float32Array.from({ length: 6 }, (_, i) => 0.5 - i), dX = new Float32Array(8), dXr = new Float32Array(8);
    op.backward(X, dY, 2, dX);
    ref.backward(X, dY, 2, dXr);
    expect(maxDiff(dX, dXr)).toBeLessThan(1e-5);
    const E0 = Float32Array.from(op.E);
    op.redraw(0);
    expect(Array.from(op.E)).toEqual(Array.from(E0));
    op.redraw(1);
    expect(maxDiff(op.E, E0)).toBeGreaterThan(0.01);
  });
});

describe('lora method on a ViT: placement, merged, digital adapters, HaLoRA, MoF experts (synthetic data)', async () => {
  const { syntheticDataset } = await import('./synthetic_dataset.js');
  const { runLora } = await import('../../src/experiment/method_runners.js');
  const dataset = syntheticDataset('vit-lora-options-v1');
  const ctx = { dataset };
  const point = (lora: Partial<PointSpec['lora']>): PointSpec => ({
    ...DEFAULTS, model: vit, method: 'lora', seed: 3,
    defects: { ...DEFAULTS.defects, rate: 0.2 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16 },
    train: { epochs: 3, lr: 0.01, momentum: 0, weightDecay: 0, batch: 32, optimizer: 'adamw' },
    retrain: { epochs: 1, lr: 0.01, momentum: 0, weightDecay: 0, batch: 32, optimizer: 'adamw', limit: 100 },
    lora: { rank: 2, alpha: 2, layers: [], sparsity: 0, base: 'unaware', placement: ['q', 'v'], ...lora },
  });

  it('placement q+v adapts the four q/v layers; merged: true reports the merged accuracy and no extra MACs; digital adapters use no cells', async () => {
    const m = await runLora(point({}), ctx);
    expect(m.extra!.adaptedLayerNames).toBe('block1.attn.q,block1.attn.v,block2.attn.q,block2.attn.v');
    expect(m.accuracy).toBe(m.extra!.unmergedAccuracy);
    expect(m.extra!.adapterCells as number).toBeGreaterThan(0);
    expect(m.extraMacsPerImage).toBe(4 * 2 * (8 + 8) * 5);
    const mm = await runLora(point({ merged: true }), ctx);
    expect(mm.accuracy).toBe(mm.extra!.mergedAccuracy);
    expect(mm.extraMacsPerImage).toBe(0);
    expect(mm.extra!.mergeCellsWritten as number).toBeGreaterThan(0);
    const md = await runLora(point({ adapters: 'digital' }), ctx);
    expect(md.extra!.adapterCells).toBe(0);
    expect(md.extra!.digitalMacsPerImage).toBe(md.extra!.attentionMacsPerImage as number + 4 * 2 * (8 + 8) * 5);
  });

  it('HaLoRA: a large λ leaves a smaller L_reg than a small one', async () => {
    const lo = await runLora(point({ halora: 1e-4 }), ctx);
    const hi = await runLora(point({ halora: 10 }), ctx);
    expect(hi.extra!.haloraReg as number).toBeLessThan(lo.extra!.haloraReg as number);
  });

  it('MoF experts stuck + prog: both trained, merged before mapping, no adapter arrays', async () => {
    const m = await runLora(point({ experts: ['stuck', 'prog'], noise: { sigma: 0.05, every: 2 } }), ctx);
    expect(Number.isFinite(m.extra!.expert_stuck_accuracy as number)).toBe(true);
    expect(Number.isFinite(m.extra!.expert_prog_accuracy as number)).toBe(true);
    expect(m.extra!.mergedWeightsChanged as number).toBeGreaterThan(0);
    expect(m.extraMacsPerImage).toBe(0);
    expect(m.trainableParams).toBe(2 * 4 * 2 * (8 + 8));
    expect(m.accuracy).toBe(m.extra!.mergedAccuracy);
  });
});
