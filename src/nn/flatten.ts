/**
 * Flatten: [n, H, W, C] → [n, H·W·C]. With row-major NHWC storage this is the identity on the
 * data (the feature index is (h·W + w)·C + c), so forward returns x and backward returns dy.
 * (PyTorch flattens NCHW, so feature order differs from a PyTorch model; training is unaffected.)
 */
import { shapeSize, type Layer, type Shape } from './layer.js';
import type { Param } from './param.js';

export class Flatten implements Layer {
  readonly kind = 'flatten';
  readonly inShape: Shape;
  readonly outShape: Shape;
  private readonly size: number;

  constructor(readonly name: string, inShape: Shape) {
    this.inShape = [...inShape];
    this.size = shapeSize(inShape);
    this.outShape = [this.size];
  }

  forward(x: Float32Array, n: number): Float32Array {
    const len = n * this.size;
    return x.length === len ? x : x.subarray(0, len);
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const len = n * this.size;
    return dy.length === len ? dy : dy.subarray(0, len);
  }

  params(): Param[] {
    return [];
  }
}
