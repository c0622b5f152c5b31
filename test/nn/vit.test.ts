import { describe, expect, it } from 'vitest';
import { buildModel, validateModelDesc, type ModelDesc } from '../../src/nn/model.js';
import { zeroGrads } from '../../src/nn/sgd.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { train } from '../../src/nn/train.js';
import { vitCifarDesc, vitDesc, vitMnistDesc } from '../../src/nn/vit.js';
import { UserError } from '../../src/util/errors.js';
import { prototypeSplit } from '../methods/synthetic_dataset.js';
import { uniform } from './gradcheck.js';
import { arenaStats, inWasmMemory } from '../../src/kernels/wasm_memory.js';

/** The ViT descriptions as networks: names seen by weightLayers(), forward/backward, clone, training with AdamW. */

const tiny = (pool: 'cls' | 'mean' = 'cls'): ModelDesc =>
  vitDesc({ name: 'vit-tiny', input: [1, 4, 4], patch: 2, dim: 8, depth: 2, heads: 2, mlpRatio: 2, classes: 10, pool });

describe('ViT description', () => {
  it('MNIST preset: 7x7 patches → 16 tokens + cls, weight layers patch1, q/k/v/o and mlp.fc1/fc2 per block, head', () => {
    const net = buildModel(vitMnistDesc(), 1);
    expect(net.weightLayers().map((l) => l.name)).toEqual([
      'patch1',
      ...[1, 2].flatMap((k) => ['attn.q', 'attn.k', 'attn.v', 'attn.o', 'mlp.fc1', 'mlp.fc2'].map((s) => `block${k}.${s}`)),
      'head',
    ]);
    const patch = net.weightLayer('patch1');
    expect([patch.op.rows, patch.op.cols]).toEqual([49, 64]);
    expect([net.weightLayer('block1.mlp.fc1').op.rows, net.weightLayer('block1.mlp.fc1').op.cols]).toEqual([64, 128]);
    expect(net.allLayers().map((l) => l.name)).toContain('block2.mlp.gelu');
    const logits = net.forward(uniform(3 * 784, 'vitx'), 3, false);
    expect(logits.length).toBe(30);
    expect(logits.every(Number.isFinite)).toBe(true);
  });

  it('CIFAR preset: 4x4 patches on 32x32x3 → 64 tokens (+ cls), patch rows 4·4·3', () => {
    const net = buildModel(vitCifarDesc({ depth: 1 }), 1);
    expect(net.weightLayer('patch1').op.rows).toBe(48);
    expect(net.allLayers().find((l) => l.name === 'block1')!.inShape).toEqual([65, 64]);
  });

  it('validation names the JSON path of a bad transformer field', () => {
    const d = tiny();
    const bad = { ...d, layers: d.layers.map((l) => (l.type === 'transformer' ? { ...l, heads: 0 } : l)) };
    expect(() => validateModelDesc(bad)).toThrow(/model\.layers\[3\]\.heads/);
    const badPool = { ...d, layers: d.layers.map((l) => (l.type === 'tokenpool' ? { ...l, pool: 'max' } : l)) };
    expect(() => validateModelDesc(badPool)).toThrow(UserError);
    // 3 heads do not divide width 8: a UserError naming the layer
    const odd = { ...d, layers: d.layers.map((l) => (l.type === 'transformer' ? { ...l, heads: 3 } : l)) };
    expect(() => buildModel(odd, 1)).toThrow(/model\.layers\[3\]/);
  });

  it('forward/backward: every param gets a gradient; one AdamW run on a small batch lowers the loss', () => {
    for (const pool of ['cls', 'mean'] as const) {
      const net = buildModel(tiny(pool), 2);
      const split = prototypeSplit(40, 'train', 5);
      const params = net.params();
      zeroGrads(params);
      const logits = net.forward(split.x, 40, true);
      const dl = new Float32Array(400);
      const r = { loss: 0, correct: 0 };
      softmaxCrossEntropy(logits, split.y, 0, 40, 10, dl, r);
      net.backward(dl, 40);
      for (const p of params) expect(p.grad.some((g) => g !== 0), `${pool}: ${p.name} has a gradient`).toBe(true);
      const losses: number[] = [];
      train(net, split, { epochs: 30, lr: 0.02, momentum: 0, weightDecay: 0.01, batch: 40, schedule: { kind: 'cosine', warmup: 3 } }, {
        seed: 2, optimizer: { kind: 'adamw' },
        onEpoch: (e) => losses.push(e.trainLoss),
      });
      expect(losses[29]).toBeLessThan(0.4 * losses[0]);
    }
  });

  it('clone copies every param (LayerNorm, positional embedding, class token, q/k/v/o, MLP) and computes the same logits', () => {
    const net = buildModel(tiny(), 3);
    train(net, prototypeSplit(40, 'train', 6), { epochs: 2, lr: 0.01, momentum: 0, weightDecay: 0, batch: 20 }, { seed: 3, optimizer: { kind: 'adamw' } });
    const c = net.clone();
    const a = net.params(), b = c.params();
    expect(b.map((p) => p.name)).toEqual(a.map((p) => p.name));
    for (const n of ['pos1.pos', 'cls1.token', 'block1.ln1.gamma', 'block2.attn.k.weight', 'block2.mlp.fc2.bias']) expect(a.map((p) => p.name)).toContain(n);
    for (let i = 0; i < a.length; i++) {
      expect(a[i].value.some((v) => v !== 0) || a[i].name.endsWith('bias'), `${a[i].name} was trained`).toBe(true);
      expect(Array.from(b[i].value)).toEqual(Array.from(a[i].value));
    }
    expect(c.weightsSha256()).toBe(net.weightsSha256());
    const x = uniform(5 * 16, 'clx');
    expect(Array.from(c.forward(x, 5, false))).toEqual(Array.from(net.forward(x, 5, false)));
  });

  const arena = inWasmMemory(buildModel(tiny(), 0).weightLayer('head').op.weight.value);
  it.runIf(arena)('AdamW + schedule training steps allocate no kernel memory after the first step (buffers reused)', () => {
    const net = buildModel(tiny(), 0);
    const used: number[] = [];
    train(net, prototypeSplit(6 * 16, 'train', 8), { epochs: 2, lr: 0.01, momentum: 0, weightDecay: 0.01, batch: 16, schedule: { kind: 'cosine', warmup: 1 / 3 } }, {
      seed: 0, optimizer: { kind: 'adamw' },
      onStep: () => used.push(arenaStats().arenaUsed),
    });
    expect(used).toHaveLength(12);
    expect(new Set(used.slice(1)).size).toBe(1);
  });
});
