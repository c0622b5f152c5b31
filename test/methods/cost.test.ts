import { describe, expect, it } from 'vitest';
import { baseMacsPerImage, networkCost } from '../../src/methods/cost.js';
import { Dense } from '../../src/nn/dense.js';
import { Conv2d } from '../../src/nn/conv2d.js';
import type { MatrixOp } from '../../src/nn/matrix_op.js';

describe('networkCost', () => {
  it('sums op costs, counts unmasked trainable params, conv MACs per output pixel', () => {
    const conv = new Conv2d('conv1', [6, 6, 1], 2, { kernel: 3 }); // 4x4 output, 9x2 matrix
    const fc = new Dense('fc1', 8, 3);
    const layers = [conv, fc];
    const net = { weightLayers: () => layers, params: () => layers.flatMap((l) => l.params()) };
    expect(baseMacsPerImage(net)).toBe(9 * 2 * 16 + 8 * 3);
    let c = networkCost(net);
    expect(c).toEqual({ trainableParams: 18 + 2 + 24 + 3, cellsUsed: 0, cellWrites: 0, cellsWritten: 0, macsPerImage: 312, extraMacsPerImage: 0 });
    // a costed op with extra MACs (like a LoRA op) on fc1, a masked weight and a frozen bias
    const base = fc.op;
    const costed: MatrixOp = Object.assign(Object.create(Object.getPrototypeOf(base)), base, {
      cost: () => ({ cellsUsed: 48, cellWrites: 7, macsPerRow: 24 + 11, cellsWritten: 5 }),
    });
    fc.op = costed;
    fc.op.weight.updateMask = new Float32Array(24).fill(1);
    fc.op.weight.updateMask[5] = 0;
    conv.bias.trainable = false;
    c = networkCost(net);
    expect(c.trainableParams).toBe(18 + 23 + 3);
    expect(c.cellsUsed).toBe(48);
    expect(c.cellWrites).toBe(7);
    expect(c.cellsWritten).toBe(5);
    expect(c.extraMacsPerImage).toBe(11);
    expect(networkCost(net, 0).extraMacsPerImage).toBe(c.macsPerImage);
  });
});
