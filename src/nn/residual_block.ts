/**
 * A residual block (He et al. 2016): two branches from the same input, added.
 *
 *   y = F(x) + S(x)
 *
 * F = the body, a chain of layers (e.g. conv → BN → ReLU → conv → BN); S = the shortcut: the
 * identity (no layers) or a chain such as a 1x1 strided conv (+ BN) that projects x to F's output
 * shape. Both branches must end in the same per-sample shape. (A ReLU after the add is a separate
 * layer after the block.)
 *
 * Backward, with g = ∂L/∂y: both branches receive g (∂y/∂F = ∂y/∂S = I),
 *   ∂L/∂x = J_Fᵀ·g + J_Sᵀ·g    (J_S = I for the identity shortcut: ∂L/∂x = J_Fᵀ·g + g)
 * and each branch's layers accumulate their parameter grads as in a chain.
 *
 * The block is a container: `sublayers()` returns the body then the shortcut, so Network's
 * depth-first walk finds the weight layers inside (names `<block>.<layer>` and
 * `<block>.shortcut.<layer>`, built in build_layers.ts). The input x is read (never written) by
 * both branches' first layers. Output and input-gradient buffers per batch size (BatchBuffer).
 * A ReLU right after the block (relu_fusion.ts) is applied in the native sum's pass,
 * y = max(F(x) + S(x), 0) (that ReLU's backward then runs as usual on this y).
 */
import { addArrays } from '../kernels/add_arrays.js';
import { nativeFor } from '../kernels/elementwise_dispatch.js';
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Layer, type Shape } from './layer.js';
import type { Param } from './param.js';
import type { ReLU } from './relu.js';
import { linkReluFusion, type ReluProducer } from './relu_fusion.js';

export class ResidualBlock implements Layer, ReluProducer {
  readonly kind = 'residual';
  readonly outShape: Shape;
  private readonly size: number;
  private readonly inSize: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  /** the ReLU right after the block (relu_fusion.ts), applied in the native sum's pass */
  private reluAfter: ReLU | null = null;

  constructor(readonly name: string, readonly inShape: Shape, readonly body: Layer[], readonly shortcut: Layer[]) {
    if (body.length === 0) throw new Error(`${name}: a residual block needs at least one body layer`);
    const fOut = body[body.length - 1].outShape;
    const sOut = shortcut.length ? shortcut[shortcut.length - 1].outShape : inShape;
    if (fOut.length !== sOut.length || fOut.some((d, i) => d !== sOut[i])) {
      throw new Error(`${name}: body output [${fOut.join(', ')}] and shortcut output [${sOut.join(', ')}] must have the same shape` +
        (shortcut.length ? '' : ' (identity shortcut: add a projection, e.g. a 1x1 conv, to the shortcut)'));
    }
    this.outShape = [...fOut];
    this.size = shapeSize(fOut);
    this.inSize = shapeSize(inShape);
    this.yb = new BatchBuffer(this.size);
    this.dxb = new BatchBuffer(this.inSize);
    linkReluFusion(body);
    linkReluFusion(shortcut);
  }

  fuseRelu(relu: ReLU): void {
    this.reluAfter = relu;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const xin = x.length === n * this.inSize ? x : x.subarray(0, n * this.inSize);
    let f = xin;
    for (let i = 0; i < this.body.length; i++) f = this.body[i].forward(f, n, training);
    let s = xin;
    for (let i = 0; i < this.shortcut.length; i++) s = this.shortcut[i].forward(s, n, training);
    const y = this.yb.view(n);
    const relu = this.reluAfter !== null && nativeFor() !== null ? this.reluAfter : null;
    addArrays(f, s, y, y.length, relu !== null);
    if (relu) relu.acceptFused(y, false);
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    let gf: Float32Array | null = dy;
    for (let i = this.body.length - 1; i >= 0; i--) gf = this.body[i].backward(gf!, n, i > 0 || needDx);
    let gs: Float32Array | null = dy;
    for (let i = this.shortcut.length - 1; i >= 0; i--) gs = this.shortcut[i].backward(gs!, n, i > 0 || needDx);
    if (!needDx) return null;
    const dx = this.dxb.view(n);
    addArrays(gf!, gs!, dx, dx.length);
    return dx;
  }

  params(): Param[] {
    return [...this.body.flatMap((l) => l.params()), ...this.shortcut.flatMap((l) => l.params())];
  }

  sublayers(): Layer[] {
    return [...this.body, ...this.shortcut];
  }
}
