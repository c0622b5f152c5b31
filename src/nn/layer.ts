/**
 * The layer interface every building block of a `Network` implements.
 *
 * Shapes are per sample: `[features]` for flat activations, `[H, W, C]` for images (NHWC, the
 * fixed conv layout of docs/DESIGN.md). A batch is `[n, ...shape]`, row-major, Float32Array.
 *
 * Buffers: a layer owns its output and input-gradient buffers. They are allocated (through
 * `allocF32`) when a batch size larger than any seen before arrives, and otherwise reused: for a
 * batch of n the layer hands out exact-length views of its buffers (new views are made only when
 * n changes, e.g. for the last partial batch of an epoch), so a training step allocates nothing.
 * The returned arrays are overwritten by the layer's next call.
 */
import type { Param } from './param.js';

export type Shape = readonly number[];

export interface Layer {
  /** unique within a network, e.g. 'fc1', 'conv2', 'pool1', 'relu3' */
  readonly name: string;
  readonly kind: string;
  readonly inShape: Shape;
  readonly outShape: Shape;
  /**
   * y = f(x) for a batch of n samples. x holds at least n·prod(inShape) floats; the result is a
   * view of exactly n·prod(outShape) floats owned by the layer. The layer keeps a reference to x
   * (and whatever it needs) for `backward`, so x must stay unchanged until then.
   */
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  /**
   * Backward of the last forward (same n). Accumulates (+=) into the grads of `params()`; returns
   * dL/dx (a view owned by the layer, n·prod(inShape) floats) when `needDx`, else null.
   */
  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null;
  params(): Param[];
  /**
   * Containers only (ResidualBlock): the layers inside, in order (body, then shortcut). Network
   * walks them depth-first (`walkLayers`) to find weight layers, BatchNorm state, …
   */
  sublayers?(): Layer[];
  /**
   * Model state that is not a Param (not trained by gradients), e.g. BatchNorm's running mean and
   * variance: copied by Network.clone and stored by Network.getWeights after the layer's params.
   */
  state?(): Float32Array[];
}

export function shapeSize(s: Shape): number {
  let p = 1;
  for (const d of s) p *= d;
  return p;
}

/**
 * Every layer depth-first in pre-order: a container (ResidualBlock) comes before the layers inside
 * it (its body, then its shortcut), so the order is the forward order of a chain with each block's
 * body before its shortcut. Stable for a given description.
 */
export function walkLayers(layers: readonly Layer[], out: Layer[] = []): Layer[] {
  for (const l of layers) {
    out.push(l);
    if (l.sublayers) walkLayers(l.sublayers(), out);
  }
  return out;
}
