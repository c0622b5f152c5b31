import { describe, expect, it } from 'vitest';
import { buildModel, lenet5Desc, mlpDesc, presetDesc, validateModelDesc, type ModelDesc } from '../../src/nn/model.js';
import { UserError } from '../../src/util/errors.js';
import { modelLayers } from '../../src/config/model_layers.js';

const count = (net: ReturnType<typeof buildModel>) => net.params().reduce((s, p) => s + p.value.length, 0);

describe('model descriptions', () => {
  it('mlp: 784-300-100-10 with the expected parameter count and names', () => {
    const net = buildModel(mlpDesc(), 0);
    expect(net.weightLayers().map((l) => [l.name, l.kind, l.op.rows, l.op.cols])).toEqual([
      ['fc1', 'dense', 784, 300], ['fc2', 'dense', 300, 100], ['fc3', 'dense', 100, 10],
    ]);
    expect(count(net)).toBe(784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10);
    expect(net.layers.map((l) => l.kind)).toEqual(['flatten', 'dense', 'relu', 'dense', 'relu', 'dense']);
  });

  for (const pool of ['max', 'avg'] as const) {
    it(`lenet5 (${pool} pool): shapes through the network and the weight matrices`, () => {
      const net = buildModel(lenet5Desc(pool), 0);
      expect(net.layers.map((l) => l.outShape)).toEqual([
        [28, 28, 6], [28, 28, 6], [14, 14, 6], [10, 10, 16], [10, 10, 16], [5, 5, 16], [400],
        [120], [120], [84], [84], [10],
      ]);
      expect(net.layers[2].kind).toBe(pool === 'max' ? 'maxpool2d' : 'avgpool2d');
      expect(count(net)).toBe(156 + 2416 + 48120 + 10164 + 850);
      const logits = net.forward(new Float32Array(2 * 784), 2, false);
      expect(logits.length).toBe(20);
    });
  }

  it('weight-layer names and matrix shapes: src/config/model_layers.ts agrees with a hand-written table', () => {
    const hand = {
      mlp: [['fc1', 784, 300], ['fc2', 300, 100], ['fc3', 100, 10]],
      lenet5: [['conv1', 25, 6], ['conv2', 150, 16], ['fc1', 400, 120], ['fc2', 120, 84], ['fc3', 84, 10]],
    } as const;
    for (const m of ['mlp', 'lenet5'] as const) {
      const want = hand[m].map(([name, rows, cols]) => ({ name, rows, cols }));
      const net = buildModel(presetDesc(m), 0);
      expect(net.weightLayers().map((l) => ({ name: l.name, rows: l.op.rows, cols: l.op.cols }))).toEqual(want);
      expect(modelLayers(m)).toEqual(want);
    }
  });

  it('descriptions are JSON round-trippable and other sizes are one description away', () => {
    const d: ModelDesc = JSON.parse(JSON.stringify({
      name: 'mlp-small', input: [1, 8, 8],
      layers: [{ type: 'flatten' }, { type: 'dense', out: 16 }, { type: 'relu' }, { type: 'dense', out: 4, name: 'head' }],
    }));
    const net = buildModel(d, 1);
    expect(net.weightLayers().map((l) => l.name)).toEqual(['fc1', 'head']);
    expect(net.classes).toBe(4);
  });

  it('bad descriptions throw UserError naming the field and allowed values', () => {
    const bad = (d: unknown, re: RegExp) => {
      let err: unknown;
      try { buildModel(d as ModelDesc, 0); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(re);
    };
    const base = () => JSON.parse(JSON.stringify(mlpDesc()));
    bad({ ...base(), layers: [{ type: 'lstm' }] }, /model\.layers\[0\]\.type must be one of dense, conv2d, pool, relu, flatten/);
    bad({ ...base(), input: [1, 28] }, /model\.input must be \[C, H, W\]/);
    bad({ ...base(), layers: [{ type: 'dense', out: 0 }] }, /model\.layers\[0\]\.out must be an integer in \[1, 65536\]/);
    bad({ ...base(), layers: [{ type: 'pool', pool: 'median', kernel: 2 }, { type: 'dense', out: 3 }] }, /pool must be one of max, avg/);
    bad({ ...base(), layers: [{ type: 'dense', out: 3 }, { type: 'relu' }] }, /must end with a dense layer/);
    bad({ ...base(), init: { weights: 'lecun' } }, /model\.init\.weights must be one of he-uniform, he-normal, xavier-uniform, xavier-normal/);
    bad({ ...base(), layers: [{ type: 'conv2d', out: 3, kernel: 40 }, { type: 'dense', out: 2 }] }, /model\.layers\[0\] \(conv1\).*does not fit/);
    bad({ ...base(), layers: [{ type: 'dense', out: 3, name: 'x' }, { type: 'dense', out: 2, name: 'x' }] }, /used twice/);
    expect(() => presetDesc('resnet' as never)).toThrow(/model must be one of mlp, lenet5/);
    expect(validateModelDesc(base())).toBeTruthy();
  });

  it('clone copies weights, flags and masks into an independent network; get/setWeights round-trip', () => {
    const a = buildModel(lenet5Desc(), 3);
    a.weightLayer('conv2').op.weight.updateMask = new Float32Array(150 * 16).fill(1);
    a.weightLayer('fc1').bias.trainable = false;
    const b = a.clone();
    expect(b.weightsSha256()).toBe(a.weightsSha256());
    expect(b.weightLayer('fc1').bias.trainable).toBe(false);
    expect(b.weightLayer('conv2').op.weight.updateMask).toEqual(a.weightLayer('conv2').op.weight.updateMask);
    b.weightLayer('fc3').op.weight.value[0] += 1;
    expect(b.weightsSha256()).not.toBe(a.weightsSha256());
    const w = a.getWeights();
    expect(w.length).toBe(a.weightCount());
    const c = buildModel(lenet5Desc(), 99);
    c.setWeights(w);
    expect(c.weightsSha256()).toBe(a.weightsSha256());
    const x = Float32Array.from({ length: 3 * 784 }, (_, i) => Math.sin(i));
    expect(Array.from(c.forward(x, 3, false))).toEqual(Array.from(a.forward(x, 3, false)));
    expect(() => c.setWeights(new Float32Array(5))).toThrow(UserError);
    expect(() => a.weightLayer('fc9')).toThrow(/no weight layer 'fc9'.*conv1, conv2, fc1, fc2, fc3/);
  });
});
