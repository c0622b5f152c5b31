import { describe, expect, it } from 'vitest';
import { modelDescOf, buildModel } from '../../src/nn/model.js';
import { PatchCode } from '../../src/nn/patch_code.js';
import { train } from '../../src/nn/train.js';
import { UserError } from '../../src/util/errors.js';

/** ViT presets (src/nn/presets/vit.ts): parameter counts by hand, shapes, and the patch-code tokeniser. */
describe('ViT presets', () => {
  const count = (name: 'vit-mnist' | 'vit-cifar' | 'vit-codes', input: [number, number, number]) => {
    const net = buildModel(modelDescOf(name, { input }), 1);
    return { net, params: net.params().reduce((s, p) => s + p.value.length, 0) };
  };

  it('parameter counts equal the hand counts in the preset header', () => {
    expect(count('vit-mnist', [1, 28, 28]).params).toBe(72074);
    expect(count('vit-cifar', [3, 32, 32]).params).toBe(142026);
    expect(count('vit-codes', [1, 28, 28]).params).toBe(72074);
  });

  it('weight layers: vit-mnist patch1 (49x64), q/k/v/o, fc1/fc2 per block, head; vit-codes embed1 (16x64)', () => {
    const m = count('vit-mnist', [1, 28, 28]).net.weightLayers();
    expect(m.map((l) => l.name)).toEqual(['patch1', ...[1, 2].flatMap((b) => ['q', 'k', 'v', 'o'].map((p) => `block${b}.attn.${p}`).concat([`block${b}.mlp.fc1`, `block${b}.mlp.fc2`])), 'head']);
    expect([m[0].op.rows, m[0].op.cols]).toEqual([49, 64]);
    const c = count('vit-codes', [1, 28, 28]).net.weightLayers();
    expect([c[0].name, c[0].op.rows, c[0].op.cols]).toEqual(['embed1', 16, 64]);
    const cf = count('vit-cifar', [3, 32, 32]).net.weightLayers();
    expect([cf[0].op.rows, cf.length]).toEqual([48, 1 + 4 * 6 + 1]);
  });

  it('a shape the patches do not divide is a UserError naming model', () => {
    expect(() => modelDescOf('vit-mnist', { input: [3, 32, 32] })).toThrow(UserError);
    expect(() => modelDescOf('vit-mnist', { input: [3, 32, 32] })).toThrow(/model 'vit-mnist' cuts 7x7 patches: its input must be H x W multiples of 7, got \[3, 32, 32\]/);
  });

  it('AdamW + cosine from the TrainSpec (optimizer field) trains vit-codes forward/backward without NaN', () => {
    const net = buildModel(modelDescOf('vit-codes', { input: [1, 28, 28] }), 2);
    const n = 20, x = new Float32Array(n * 784), y = new Uint8Array(n);
    for (let i = 0; i < n; i++) { y[i] = i % 2; for (let k = 0; k < 784; k++) x[i * 784 + k] = (y[i] ? k % 28 < 14 : k % 28 >= 14) ? 1 : -0.4; }
    const r = train(net, { name: 'train', x, y, n }, { epochs: 3, lr: 0.003, momentum: 0, weightDecay: 0.05, batch: 10, optimizer: 'adamw', schedule: { kind: 'cosine', warmup: 0.5 } }, { seed: 1 });
    expect(Number.isFinite(r.epochs[2].trainLoss)).toBe(true);
    expect(r.epochs[2].trainLoss).toBeLessThan(r.epochs[0].trainLoss);
  });
});

describe('PatchCode tokeniser', () => {
  it('ids = Σ_j [mean of sub-block j > τ]·2^j, hand-computed on a 4x4 image with 2x2 patches, grid 2', () => {
    const pc = new PatchCode('pc', [4, 4, 1], 2, 2, 0.25);
    // each 2x2 patch has 4 sub-blocks of 1 pixel: ids are the bits of the pixels > 0.25 in (0,0),(0,1),(1,0),(1,1) order
    const img = Float32Array.from([
      1, 0, 0, 0,
      0, 1, 0.3, 0.3,
      0, 0, 1, 1,
      0, 0, 1, 1,
    ]);
    expect(Array.from(pc.forward(img, 1))).toEqual([1 + 8, 4 + 8, 0, 15]);
    expect(pc.vocab).toBe(16);
    // grid 1: one bit per patch = patch mean > τ
    const pc1 = new PatchCode('pc1', [4, 4, 1], 2, 1, 0.25);
    expect(Array.from(pc1.forward(img, 1))).toEqual([1, 0, 0, 1]);
  });
});
