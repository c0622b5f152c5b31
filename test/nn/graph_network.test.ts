import { describe, expect, it } from 'vitest';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import { buildModel, type LayerSpec, type ModelDesc } from '../../src/nn/model.js';
import { zeroGrads } from '../../src/nn/sgd.js';
import { softmaxCrossEntropy } from '../../src/nn/softmax_cross_entropy.js';
import { train } from '../../src/nn/train.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { expectClose, sampleIdx, uniform } from './gradcheck.js';
import { RESIDUAL_WEIGHT_LAYERS, residualDesc, resnet20Desc } from './graph_network.js';
import { blobs } from './synthetic.js';

function withoutRelu(layers: LayerSpec[]): LayerSpec[] {
  return layers.filter((s) => s.type !== 'relu').map((s) => s.type === 'residual'
    ? { ...s, body: withoutRelu(s.body), ...(s.shortcut ? { shortcut: withoutRelu(s.shortcut) } : {}) }
    : s);
}

describe('network graph: blocks, BatchNorm, global average pooling', () => {
  it('weightLayers() walks blocks depth-first (body, then shortcut) with unique prefixed names', () => {
    const net = buildModel(residualDesc(), 0);
    expect(net.weightLayers().map((l) => l.name)).toEqual(RESIDUAL_WEIGHT_LAYERS);
    expect(net.layers.map((l) => l.name)).toEqual(['conv1', 'bn1', 'relu1', 'block1', 'relu2', 'block2', 'relu3', 'gap1', 'fc1', 'bn2', 'relu4', 'block3', 'fc2']);
    const all = net.allLayers().map((l) => l.name);
    expect(all.slice(3, 9)).toEqual(['block1', 'block1.conv1', 'block1.bn1', 'block1.relu1', 'block1.conv2', 'block1.bn2']);
    expect(all).toContain('block2.shortcut.bn1');
    expect(new Set(all).size).toBe(all.length);
    expect(net.weightLayer('block2.shortcut.conv1').op.rows).toBe(4); // 1x1 kernel over 4 channels
    // every param of every layer, also inside blocks (BN γ/β included)
    const names = net.params().map((p) => p.name);
    for (const l of RESIDUAL_WEIGHT_LAYERS) expect(names).toContain(`${l}.weight`);
    expect(names.filter((n) => n.endsWith('.gamma'))).toHaveLength(7);
    expect(net.classes).toBe(3);
  });

  it('init draws: each weight layer from its own stream init/<name> (same layer, same draw, whatever the graph)', () => {
    const a = buildModel(residualDesc(), 4);
    const flat: ModelDesc = { name: 'flat', input: [2, 6, 6], layers: [{ type: 'conv2d', out: 4, kernel: 3, pad: 1, name: 'conv1' }, { type: 'flatten' }, { type: 'dense', out: 3 }], init: { weights: 'he-normal', bias: 'uniform' } };
    const b = buildModel(flat, 4);
    expect(Array.from(a.weightLayer('conv1').op.weight.value)).toEqual(Array.from(b.weightLayer('conv1').op.weight.value));
    expect(Array.from(a.weightLayer('block1.conv1').op.weight.value)).not.toEqual(Array.from(a.weightLayer('block1.conv2').op.weight.value));
  });

  it('every parameter matches central finite differences (training mode: BN batch statistics)', () => {
    // The graph without its ReLUs (residualDesc minus every relu layer): stem conv + BN, identity
    // block, projection block (1x1 strided conv + BN shortcut), global average pooling, Dense + BN,
    // Dense block, logits. Without kinks the loss is smooth, so every sampled element must agree at
    // one ε (no retries): curvature O(ε²) with ε = 2⁻⁹ is negligible, float32 rounding of the
    // logits ≈ 1e-7·|z| / 2ε ≲ 1e-4; tolerance 1e-3 absolute + 1e-3 relative. (With the ReLUs, a
    // stem weight moves every downstream activation and some of them cross a kink within ±ε, so
    // a finite difference across the whole net is not a valid oracle; ReLU is checked per layer.)
    // The loss is evaluated in training mode, the BatchNorm function being differentiated.
    const net = buildModel({ ...residualDesc(), layers: withoutRelu(residualDesc().layers) }, 7);
    expect(net.weightLayers().map((l) => l.name)).toEqual(RESIDUAL_WEIGHT_LAYERS);
    const n = 4;
    const x = uniform(n * net.inputSize, 'graphx');
    const y = Uint8Array.from([0, 2, 1, 2]);
    const params = net.params();
    const d = new Float32Array(n * 3);
    zeroGrads(params);
    softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, 3, d);
    net.backward(d, n);
    const L = () => softmaxCrossEntropy(net.forward(x, n, true), y, 0, n, 3, null).loss;
    const eps = 2 ** -9;
    let checked = 0;
    for (const p of params) {
      const g = Float64Array.from(p.grad);
      for (const i of sampleIdx(p.value.length, 12, `graph/${p.name}`)) {
        const v = p.value[i];
        p.value[i] = v + eps; const lp = L();
        p.value[i] = v - eps; const lm = L();
        p.value[i] = v;
        expectClose((lp - lm) / (2 * eps), g[i], `${p.name}[${i}]`, 1e-3, 1e-3);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    // and the gradients are not trivially zero inside the blocks
    for (const name of ['block2.shortcut.conv1.weight', 'block1.bn2.gamma', 'block3.fc1.weight']) {
      expect(params.find((p) => p.name === name)!.grad.some((v) => Math.abs(v) > 1e-4)).toBe(true);
    }
  });

  it('clone(): identical forward outputs (weights, BN γ/β and running statistics copied), independent buffers', () => {
    const net = buildModel(residualDesc([1, 4, 4], 4), 2);
    const data = blobs('train', 96, 16, 4, 'graph-clone');
    train(net, data, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 16 }, { seed: 1 });
    const bn = net.allLayers().find((l) => l.name === 'block2.shortcut.bn1') as BatchNorm;
    expect(bn.runningVar.some((v) => v !== 1)).toBe(true); // training moved the running stats
    net.weightLayer('fc1').op.weight.updateMask = new Float32Array(16 * 5).fill(1);
    const c = net.clone();
    const x = data.x.subarray(0, 10 * 16);
    expect(Array.from(c.forward(x, 10, false))).toEqual(Array.from(net.forward(x, 10, false)));
    expect(c.weightsSha256()).toBe(net.weightsSha256());
    expect(c.weightLayer('fc1').op.weight.updateMask).toEqual(net.weightLayer('fc1').op.weight.updateMask);
    // the clone owns its tensors
    (c.allLayers().find((l) => l.name === 'block2.shortcut.bn1') as BatchNorm).runningMean[0] += 1;
    expect(c.weightsSha256()).not.toBe(net.weightsSha256());
  });

  it('getWeights/setWeights carry BN state at its place in the walk; the length check stays', () => {
    const net = buildModel(residualDesc(), 3);
    const wl = net.weightLayers().reduce((s, l) => s + l.op.weight.value.length + l.bias.value.length, 0);
    const bnFloats = net.allLayers().filter((l) => l instanceof BatchNorm).reduce((s, l) => s + 4 * (l as BatchNorm).channels, 0);
    expect(net.weightCount()).toBe(wl + bnFloats);
    const r = stream(0, 'graph/setw');
    const w = Float32Array.from({ length: net.weightCount() }, () => r.next());
    const other = buildModel(residualDesc(), 9);
    other.setWeights(w);
    expect(Array.from(other.getWeights())).toEqual(Array.from(w));
    // the stem: conv1 weight (18·4) and bias (4), then bn1 γ, β, running mean, running var
    const bn1 = other.allLayers()[1] as BatchNorm;
    expect(Array.from(bn1.runningVar)).toEqual(Array.from(w.subarray(18 * 4 + 4 + 12, 18 * 4 + 4 + 16)));
    expect(() => other.setWeights(w.subarray(1))).toThrow(UserError);
  });

  it('bad block and BatchNorm specs: UserError naming the JSON path', () => {
    const bad = (layers: unknown[], re: RegExp) => {
      const d = { name: 'x', input: [1, 4, 4], layers: [...layers, { type: 'flatten' }, { type: 'dense', out: 2 }] };
      expect(() => buildModel(d as ModelDesc, 0)).toThrow(UserError);
      expect(() => buildModel(d as ModelDesc, 0)).toThrow(re);
    };
    bad([{ type: 'residual', body: [] }], /model\.layers\[0\]\.body must be a non-empty array/);
    bad([{ type: 'residual', body: [{ type: 'conv2d', out: 0, kernel: 3 }] }], /model\.layers\[0\]\.body\[0\]\.out must be an integer in \[1, 65536\]/);
    bad([{ type: 'residual', body: [{ type: 'conv2d', out: 2, kernel: 3, pad: 1 }] }], /model\.layers\[0\] \(block1\): .*body output \[4, 4, 2\] and shortcut output \[4, 4, 1\]/);
    bad([{ type: 'residual', body: [{ type: 'relu' }], shortcut: {} }], /model\.layers\[0\]\.shortcut must be an array/);
    bad([{ type: 'batchnorm', momentum: 1.5 }], /model\.layers\[0\]\.momentum must be a number in \[0, 1\]/);
    bad([{ type: 'batchnorm', eps: 0 }], /model\.layers\[0\]\.eps must be a number > 0/);
    bad([{ type: 'relu', name: 'a/b' }], /model\.layers\[0\]\.name must be 1 to 64 letters, digits, '\.', '_' or '-' \(got "a\/b"\)/);
    bad([{ type: 'residual', body: [{ type: 'relu', name: 'r' }] }, { type: 'relu', name: 'block1.r' }], /'block1\.r' is used twice/);
    bad([{ type: 'flatten' }, { type: 'globalavgpool' }], /global average pooling needs an \[H, W, C\] input/);
  });

  it('ResNet-20 (CIFAR) is a description: 22 weight layers, 273,258 parameters (0.27 M), logits for 32x32x3 images', () => {
    const net = buildModel(resnet20Desc(), 0);
    const wl = net.weightLayers();
    expect(wl).toHaveLength(19 + 2 + 1);
    expect(wl.filter((l) => l.name.includes('.shortcut.')).map((l) => l.name)).toEqual(['block4.shortcut.conv1', 'block7.shortcut.conv1']);
    // hand count: conv k²·Cin·Cout + Cout (bias), BN 2·C (γ, β), fc 64·10 + 10
    const expected =
      (27 * 16 + 16) + 32 //                                   stem conv + BN
      + 6 * (144 * 16 + 16) + 6 * 32 //                         stage 1: 6 convs, 6 BN
      + (144 * 32 + 32) + 5 * (288 * 32 + 32) + (16 * 32 + 32) + 7 * 64 //  stage 2 (+ projection)
      + (288 * 64 + 64) + 5 * (576 * 64 + 64) + (32 * 64 + 64) + 7 * 128 // stage 3 (+ projection)
      + 64 * 10 + 10;
    expect(expected).toBe(273258);
    expect(net.params().reduce((s, p) => s + p.value.length, 0)).toBe(expected);
    const x = uniform(2 * 3072, 'r20');
    expect(net.forward(x, 2, false)).toHaveLength(20);
    expect(net.layers.map((l) => l.outShape).slice(-3)).toEqual([[8, 8, 64], [64], [10]]);
  });
});
