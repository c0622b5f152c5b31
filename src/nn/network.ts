/**
 * A feed-forward network: an ordered list of layers built from a model description (model.ts).
 *
 * Input: a batch [n, C·H·W] as stored in a `Split` (for C = 1, the MNIST case, this equals the
 * NHWC layout the layers use; C > 1 inputs must already be NHWC). Output: logits [n, classes].
 *
 * `forward` / `backward` chain the top-level layers; a layer may be a block with skip
 * connections (ResidualBlock: y = F(x) + S(x)) holding its own layers (`Layer.sublayers`). Buffers
 * belong to the layers and are reused (see layer.ts), so a training step allocates nothing.
 * `backward` accumulates parameter gradients (zero them first, e.g. with `zeroGrads(net.params())`).
 *
 * The graph is walked depth-first in pre-order (`allLayers()`, layer.ts `walkLayers`): a block,
 * then its body, then its shortcut. `weightLayers()` is that walk's Dense/Conv2d layers, so every
 * consumer (crossbar mapping, ITT-RNA, LoRA, cost, clone, getWeights) sees the weights inside
 * blocks, in a stable order, with unique names ('block1.conv1', 'block1.shortcut.conv1').
 *
 * Model state (getWeights / setWeights / weightsSha256 / clone), per layer of the walk:
 *   weight layer:            op.weight (rows x cols, row-major), then bias
 *   other layer with params or state (BatchNorm): its params() (γ, β), then state() (running
 *                            mean, running variance)
 * Networks without BatchNorm (the mlp and lenet5 presets) store exactly what they stored before
 * blocks existed (weights and biases per weight layer), so their hashes and caches are unchanged.
 */
import { BatchNorm } from './batch_norm.js';
import { sha256Hex } from '../util/hash.js';
import { UserError } from '../util/errors.js';
import { buildLayers } from './build_layers.js';
import { shapeSize, walkLayers, type Layer } from './layer.js';
import { linkReluFusion } from './relu_fusion.js';
import type { ModelDesc } from './model.js';
import type { Param } from './param.js';
import { isWeightLayer, type WeightLayer } from './weight_layer.js';

export class Network {
  readonly inputSize: number;
  readonly classes: number;
  private readonly wls: WeightLayer[];
  /** index of the first top-level layer holding parameters (backward forms no input gradient from it on down) */
  private readonly firstWithParams: number;
  private readonly all: Layer[];

  constructor(readonly desc: ModelDesc, readonly layers: Layer[]) {
    this.inputSize = shapeSize(desc.input);
    this.classes = shapeSize(layers[layers.length - 1].outShape);
    this.all = walkLayers(layers);
    this.wls = this.all.filter(isWeightLayer);
    // fixed with the layer list: a weight layer always holds its bias, whatever op it gets later
    let first = 0;
    while (first < layers.length && layers[first].params().length === 0) first++;
    this.firstWithParams = first;
    linkReluFusion(layers);
  }

  /** the tensors of getWeights in order (see the file comment) */
  private stateTensors(): Float32Array[] {
    return this.all.flatMap((l): Float32Array[] => {
      if (isWeightLayer(l)) return [l.op.weight.value, l.bias.value];
      if (l.sublayers) return []; // a container: its layers come next in the walk
      return [...l.params().map((p) => p.value), ...(l.state?.() ?? [])];
    });
  }

  /**
   * Dense and Conv2d layers in depth-first order (blocks: body, then shortcut), each with `name`,
   * `kind`, `op` (swappable) and `bias`
   */
  weightLayers(): WeightLayer[] {
    return this.wls;
  }

  /** every layer, depth-first pre-order (a block before its body and shortcut layers) */
  allLayers(): Layer[] {
    return this.all;
  }

  /** a weight layer by name ('fc1', 'conv2', …) */
  weightLayer(name: string): WeightLayer {
    const l = this.wls.find((w) => w.name === name);
    if (!l) throw new UserError(`no weight layer '${name}' in model ${this.desc.name}; layers: ${this.wls.map((w) => w.name).join(', ')}`, 'layer');
    return l;
  }

  /** logits [n, classes] (a buffer owned by the last layer: overwritten by the next forward) */
  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    let a = x.length === n * this.inputSize ? x : x.subarray(0, n * this.inputSize);
    for (let i = 0; i < this.layers.length; i++) a = this.layers[i].forward(a, n, training);
    return a;
  }

  /**
   * backpropagate dL/dlogits [n, classes] through the last forward; accumulates param grads.
   * A layer forms its input gradient only when some layer before it holds parameters: the
   * gradient with respect to the network's input is never used, so the first layer with
   * parameters (and the parameter-free layers before it, e.g. the MLP's Flatten) skip it (for the
   * MLP this is fc1's dX = dY·Wᵀ, a 64×784×300 GEMM per step).
   */
  backward(dLogits: Float32Array, n: number): void {
    const first = this.firstWithParams;
    let g: Float32Array | null = dLogits;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, n, i > first);
  }

  /** all parameters of all layers (through each layer's current op: e.g. LoRA adapters appear here) */
  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /**
   * A new network with the same description and a copy of the logical weights (op.weight), biases,
   * the other layers' params (BatchNorm γ, β) and state (running statistics), `trainable` flags and
   * update masks. The clone's ops are plain DigitalMatrixOp: re-map it onto crossbars (or wrap it
   * in LoRA) if needed.
   */
  clone(): Network {
    const c = new Network(this.desc, buildLayers(this.desc));
    const copy = (a: Param, b: Param) => {
      b.value.set(a.value);
      b.trainable = a.trainable;
      if (a.updateMask) b.updateMask = Float32Array.from(a.updateMask);
    };
    const src = this.all, dst = c.all;
    for (let i = 0; i < src.length; i++) {
      const s = src[i], d = dst[i];
      if (isWeightLayer(s) && isWeightLayer(d)) {
        copy(s.op.weight, d.op.weight);
        copy(s.bias, d.bias);
      } else if (!s.sublayers) {
        const ps = s.params(), pd = d.params();
        for (let k = 0; k < ps.length; k++) copy(ps[k], pd[k]);
        const ss = s.state?.() ?? [], sd = d.state?.() ?? [];
        for (let k = 0; k < ss.length; k++) sd[k].set(ss[k]);
        if (s instanceof BatchNorm && d instanceof BatchNorm) d.folded = s.folded;
      }
    }
    return c;
  }

  /** number of floats in getWeights() */
  weightCount(): number {
    let s = 0;
    for (const t of this.stateTensors()) s += t.length;
    return s;
  }

  /**
   * A flat copy of the model state (file comment): for each weight layer in depth-first order,
   * op.weight (row-major rows x cols) then bias; BatchNorm layers add γ, β, running mean and
   * variance at their place in the walk. For caching a trained network (with a hash) and for
   * determinism checks.
   */
  getWeights(): Float32Array {
    const ts = this.stateTensors();
    const out = new Float32Array(ts.reduce((s, t) => s + t.length, 0));
    let o = 0;
    for (const t of ts) { out.set(t, o); o += t.length; }
    return out;
  }

  /** inverse of getWeights (length must match: a UserError otherwise, e.g. a stale cache file) */
  setWeights(w: Float32Array): void {
    const n = this.weightCount();
    if (w.length !== n) throw new UserError(`weights for model ${this.desc.name} must hold ${n} floats (got ${w.length})`, 'weights');
    let o = 0;
    for (const t of this.stateTensors()) { t.set(w.subarray(o, o + t.length)); o += t.length; }
  }

  /** SHA-256 (hex) of getWeights() bytes */
  weightsSha256(): string {
    return sha256Hex(this.getWeights());
  }
}
