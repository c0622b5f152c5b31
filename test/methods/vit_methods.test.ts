import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { baseMacsPerImage, networkCost } from '../../src/methods/cost.js';
import { attachLora } from '../../src/methods/lora/attach.js';
import { mergeLora } from '../../src/methods/lora/merge.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { vitDesc } from '../../src/nn/vit.js';
import { stream } from '../../src/util/rng.js';
import { syntheticDataset } from './synthetic_dataset.js';

/**
 * A small ViT seen by the consumers of weightLayers(): crossbar mapping, cost, LoRA attach/merge
 * (by layer name: block1.attn.q, …), and Embedding LoRA on a token-id model.
 */
const dataset = syntheticDataset('vit-v1');
const desc = vitDesc({ name: 'vit-tiny', input: [1, 4, 4], patch: 2, dim: 8, depth: 2, heads: 2, mlpRatio: 2, classes: 10, pool: 'cls' });

function trained() {
  const net = buildModel(desc, 7);
  train(net, dataset.train, { epochs: 3, lr: 0.01, momentum: 0, weightDecay: 0, batch: 32 }, { seed: 7, optimizer: { kind: 'adamw' } });
  return net;
}

function maxDiff(a: Float32Array, b: Float32Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

const x = dataset.eval.x.subarray(0, 8 * 16);

describe('ViT on crossbars', () => {
  it('ideal crossbars: patch embedding, q/k/v/o, MLP and head get crossbar ops; logits unchanged; MACs count T rows per image', () => {
    const net = trained();
    const y0 = Float32Array.from(net.forward(x, 8, false));
    const point = { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0 }, crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16 } };
    const ops = mapNetwork(net, point, 0);
    expect(ops.map((o) => o.layer)).toEqual(net.weightLayers().map((l) => l.name));
    expect(ops.length).toBe(1 + 2 * 6 + 1);
    for (const l of net.weightLayers()) expect(l.op).toBeInstanceOf(CrossbarMatrixOp);
    expect(maxDiff(y0, net.forward(x, 8, false))).toBeLessThan(1e-4);
    // T = 4 patches (+1 class token inside the blocks): patch 4·(4·8); per block 5·(4·64 + 2·(8·16)); head 64 + 0
    const macs = 4 * 4 * 8 + 2 * (5 * (4 * 8 * 8) + 5 * (8 * 16 + 16 * 8)) + 8 * 10;
    expect(baseMacsPerImage(net)).toBe(macs);
    expect(networkCost(net).macsPerImage).toBe(macs);
  });

  it('LoRA attaches to block1.attn.q/.v by name: B = 0 reproduces the base exactly; merged equals unmerged (digital)', () => {
    const net = trained();
    const y0 = Float32Array.from(net.forward(x, 8, false));
    const ops = attachLora(net.weightLayers(), { rank: 2, alpha: 4, layers: ['block1.attn.q', 'block1.attn.v', 'block2.mlp.fc1'] }, 7);
    expect(ops.length).toBe(3);
    expect(Array.from(net.forward(x, 8, false))).toEqual(Array.from(y0));
    for (const n of ['block1.attn.q', 'block1.attn.v', 'block2.mlp.fc1']) expect(net.weightLayer(n).op.weight.trainable).toBe(false);
    expect(net.weightLayer('block1.attn.k').op.weight.trainable).toBe(true);
    // non-zero B: the adapted function differs, and merging (α/r)·A·B into the base keeps it
    const r = stream(0, 'test/vit/B');
    for (const op of ops) for (const p of op.params()) if (p.trainable && /B$/.test(p.name)) for (let i = 0; i < p.value.length; i++) p.value[i] = r.next() - 0.5;
    const yU = Float32Array.from(net.forward(x, 8, false));
    expect(maxDiff(yU, y0)).toBeGreaterThan(1e-3);
    expect(mergeLora(net.weightLayers())).toEqual(['block1.attn.q', 'block1.attn.v', 'block2.mlp.fc1']);
    expect(maxDiff(net.forward(x, 8, false), yU)).toBeLessThan(1e-5);
  });
});

describe('Embedding LoRA (token ids)', () => {
  const seqDesc: ModelDesc = {
    name: 'seq-tiny', input: [1, 1, 6],
    layers: [
      { type: 'embedding', vocab: 7, dim: 8 }, { type: 'posembed' },
      { type: 'transformer', heads: 2, mlpDim: 16 }, { type: 'layernorm' }, { type: 'tokenpool', pool: 'mean' },
      { type: 'dense', out: 3, name: 'head' },
    ],
  };
  const ids = Float32Array.from({ length: 4 * 6 }, (_, i) => (i * 5 + 3) % 7);

  it('B = 0 gives the base output exactly; merged equals unmerged; adapters on an ideal crossbar too', () => {
    const net = buildModel(seqDesc, 3);
    expect(net.weightLayers().map((l) => l.name)[0]).toBe('embed1');
    const y0 = Float32Array.from(net.forward(ids, 4, false));
    const [op] = attachLora(net.weightLayers(), { rank: 2, alpha: 2, layers: ['embed1'] }, 3);
    expect(Array.from(net.forward(ids, 4, false))).toEqual(Array.from(y0));
    const B = op.params().find((p) => /B$/.test(p.name))!;
    const r = stream(0, 'test/vit/embB');
    for (let i = 0; i < B.value.length; i++) B.value[i] = r.next() - 0.5;
    const yU = Float32Array.from(net.forward(ids, 4, false));
    expect(maxDiff(yU, y0)).toBeGreaterThan(1e-3);
    mergeLora(net.weightLayers());
    expect(maxDiff(net.forward(ids, 4, false), yU)).toBeLessThan(1e-5);
    // the merged table on an ideal crossbar: the one-hot path computes the same
    const point = { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0 }, crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 16 } };
    mapNetwork(net, point, 0);
    expect(maxDiff(net.forward(ids, 4, false), yU)).toBeLessThan(1e-4);
  });
});
