/**
 * GELU, the exact (erf) form, PyTorch's default (nn.GELU(approximate='none')):
 *
 *   y = x·Φ(x) = ½·x·(1 + erf(x/√2))
 *   ∂y/∂x = Φ(x) + x·φ(x),   φ(x) = exp(−x²/2)/√(2π)
 *
 * erf is computed with the rational approximation of Abramowitz & Stegun 7.1.26 refined for
 * float32 use: erf(z) = 1 − t·exp(−z² + P(t)) with t = 1/(1 + ½|z|) (Numerical Recipes `erfcc`,
 * |relative error of erfc| < 1.2e-7 everywhere), below float32's resolution of y. Element-wise, digital.
 */
import { BatchBuffer } from './batch_buffer.js';
import { shapeSize, type Layer, type Shape } from './layer.js';
import type { Param } from './param.js';

/** erfc(z) (Numerical Recipes erfcc, Chebyshev fit; |relative error| < 1.2e-7) */
export function erfc(z: number): number {
  const a = Math.abs(z);
  const t = 1 / (1 + 0.5 * a);
  const r = t * Math.exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 +
    t * (-0.82215223 + t * 0.17087277)))))))));
  return z >= 0 ? r : 2 - r;
}

/** erf(z) = 1 − erfc(z) */
export function erf(z: number): number {
  return 1 - erfc(z);
}

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

export class GELU implements Layer {
  readonly kind = 'gelu';
  readonly inShape: Shape;
  readonly outShape: Shape;
  private readonly size: number;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private x: Float32Array | null = null;

  constructor(readonly name: string, shape: Shape) {
    this.inShape = [...shape];
    this.outShape = [...shape];
    this.size = shapeSize(shape);
    this.yb = new BatchBuffer(this.size);
    this.dxb = new BatchBuffer(this.size);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const y = this.yb.view(n);
    for (let i = 0; i < y.length; i++) {
      const v = x[i];
      y[i] = 0.5 * v * erfc(-v * INV_SQRT2);
    }
    this.x = x;
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const x = this.x;
    if (!x) throw new Error(`${this.name}: backward before forward`);
    const dx = this.dxb.view(n);
    for (let i = 0; i < dx.length; i++) {
      const v = x[i];
      const cdf = 0.5 * erfc(-v * INV_SQRT2);
      dx[i] = dy[i] * (cdf + v * INV_SQRT_2PI * Math.exp(-0.5 * v * v));
    }
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
