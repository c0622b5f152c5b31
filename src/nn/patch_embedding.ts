/**
 * Patch embedding (ViT): cut an NHWC image [H, W, C] into non-overlapping p×p patches, flatten each
 * and project it to D features with one weight matrix:
 *
 *   token t = (py·(W/p) + px)  (row-major over the patch grid),  T = (H/p)·(W/p)
 *   patch_t[(ky·p + kx)·C + c] = x[py·p + ky, px·p + kx, c]
 *   Y[t, :] = patch_t · W + bᵀ,   W [p·p·C, D] (rows = fan-in)
 *
 * This is exactly a convolution with kernel p, stride p, no padding (im2col column order
 * (ky·kw + kx)·C + c, docs/DESIGN.md "Conv layout"), whose NHWC output [H/p, W/p, D] is the token
 * matrix [T, D] in the same memory order. So the layer IS a Conv2d (kind 'conv2d', a weight layer
 * that maps onto a crossbar with p·p·C word lines and D bit lines; cost OH·OW = T rows per image)
 * whose output shape reads [T, D]. Backward as Conv2d (col2im is the adjoint of the patch cut).
 */
import type { Shape } from './layer.js';
import { Conv2d } from './conv2d.js';

export class PatchEmbedding extends Conv2d {
  readonly patch: number;
  readonly tokens: number;

  /** inShape [H, W, C] with H and W multiples of `patch` */
  constructor(name: string, inShape: Shape, dim: number, patch: number) {
    if (inShape.length !== 3) throw new Error(`${name}: patch embedding needs an [H, W, C] image, got [${inShape.join(', ')}]`);
    const [H, W] = inShape;
    if (!Number.isInteger(patch) || patch < 1 || H % patch !== 0 || W % patch !== 0) {
      throw new Error(`${name}: patch ${patch} must divide the image size ${H}x${W}`);
    }
    super(name, inShape, dim, { kernel: patch, stride: patch, pad: 0 });
    this.patch = patch;
    this.tokens = this.OH * this.OW;
    // same memory as the NHWC conv output [OH, OW, D]: read it as tokens [T, D]
    (this as { outShape: Shape }).outShape = [this.tokens, dim];
  }
}
