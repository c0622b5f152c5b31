/**
 * A feed-forward network: an ordered list of layers built from a model description (model.ts).
 *
 * Input: a batch [n, C·H·W] as stored in a `Split` (for C = 1, the MNIST case, this equals the
 * NHWC layout the layers use; C > 1 inputs must already be NHWC). Output: logits [n, classes].
 *
 * `forward` / `backward` chain the layers; buffers belong to the layers and are reused (see
 * layer.ts), so a training step allocates nothing. `backward` accumulates parameter gradients
 * (zero them first, e.g. with `zeroGrads(net.params())`).
 */
import { sha256Hex } from '../util/hash.js';
import { UserError } from '../util/errors.js';
import { buildLayers } from './build_layers.js';
import { shapeSize, type Layer } from './layer.js';
import type { ModelDesc } from './model.js';
import type { Param } from './param.js';
import { isWeightLayer, type WeightLayer } from './weight_layer.js';

export class Network {
  readonly inputSize: number;
  readonly classes: number;
  private readonly wls: WeightLayer[];

  constructor(readonly desc: ModelDesc, readonly layers: Layer[]) {
    this.inputSize = shapeSize(desc.input);
    this.classes = shapeSize(layers[layers.length - 1].outShape);
    this.wls = layers.filter(isWeightLayer);
  }

  /** Dense and Conv2d layers in order, each with `name`, `kind`, `op` (swappable) and `bias` */
  weightLayers(): WeightLayer[] {
    return this.wls;
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

  /** backpropagate dL/dlogits [n, classes] through the last forward; accumulates param grads */
  backward(dLogits: Float32Array, n: number): void {
    let g: Float32Array | null = dLogits;
    for (let i = this.layers.length - 1; i >= 0 && g; i--) g = this.layers[i].backward(g, n, i > 0);
  }

  /** all parameters of all layers (through each layer's current op: e.g. LoRA adapters appear here) */
  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  /**
   * A new network with the same description and a copy of the logical weights (op.weight), biases,
   * `trainable` flags and update masks. The clone's ops are plain DigitalMatrixOp: re-map it onto
   * crossbars (or wrap it in LoRA) if needed.
   */
  clone(): Network {
    const c = new Network(this.desc, buildLayers(this.desc));
    const src = this.wls, dst = c.wls;
    for (let i = 0; i < src.length; i++) {
      for (const [a, b] of [[src[i].op.weight, dst[i].op.weight], [src[i].bias, dst[i].bias]] as const) {
        b.value.set(a.value);
        b.trainable = a.trainable;
        if (a.updateMask) b.updateMask = Float32Array.from(a.updateMask);
      }
    }
    return c;
  }

  /** number of floats in getWeights() */
  weightCount(): number {
    let s = 0;
    for (const l of this.wls) s += l.op.weight.value.length + l.bias.value.length;
    return s;
  }

  /**
   * A flat copy of the logical weights: for each weight layer in order, op.weight (row-major
   * rows x cols) then bias. For caching a trained network (with a hash) and for determinism checks.
   */
  getWeights(): Float32Array {
    const out = new Float32Array(this.weightCount());
    let o = 0;
    for (const l of this.wls) {
      out.set(l.op.weight.value, o); o += l.op.weight.value.length;
      out.set(l.bias.value, o); o += l.bias.value.length;
    }
    return out;
  }

  /** inverse of getWeights (length must match: a UserError otherwise, e.g. a stale cache file) */
  setWeights(w: Float32Array): void {
    const n = this.weightCount();
    if (w.length !== n) throw new UserError(`weights for model ${this.desc.name} must hold ${n} floats (got ${w.length})`, 'weights');
    let o = 0;
    for (const l of this.wls) {
      const a = l.op.weight.value, b = l.bias.value;
      a.set(w.subarray(o, o + a.length)); o += a.length;
      b.set(w.subarray(o, o + b.length)); o += b.length;
    }
  }

  /** SHA-256 (hex) of getWeights() bytes */
  weightsSha256(): string {
    return sha256Hex(this.getWeights());
  }
}
