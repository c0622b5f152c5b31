/**
 * Average pooling (NHWC, kernel k, stride s, no padding; geometry in pool_geometry.ts):
 *   y[n,oy,ox,c] = (1/k²) Σ_{ky,kx < k} x[n, oy·s+ky, ox·s+kx, c]
 * Backward (the adjoint): ∂L/∂x[n, oy·s+ky, ox·s+kx, c] += ∂L/∂y[n,oy,ox,c] / k².
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';
import { poolGeometry, type PoolGeometry } from './pool_geometry.js';

export class AvgPool2d implements Layer {
  readonly kind = 'avgpool2d';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly g: PoolGeometry;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;

  constructor(readonly name: string, inShape: Shape, kernel: number, stride?: number) {
    this.g = poolGeometry(name, inShape, kernel, stride);
    this.inShape = [this.g.H, this.g.W, this.g.C];
    this.outShape = [this.g.OH, this.g.OW, this.g.C];
    this.yb = new BatchBuffer(this.g.OH * this.g.OW * this.g.C);
    this.dxb = new BatchBuffer(this.g.H * this.g.W * this.g.C);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const { H, W, C, k, s, OH, OW } = this.g;
    const y = this.yb.view(n);
    const inv = 1 / (k * k);
    let o = 0;
    for (let b = 0; b < n; b++) {
      const xb = b * H * W * C;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let c = 0; c < C; c++) y[o + c] = 0;
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const base = xb + ((oy * s + ky) * W + ox * s + kx) * C;
              for (let c = 0; c < C; c++) y[o + c] += x[base + c];
            }
          }
          for (let c = 0; c < C; c++) y[o + c] *= inv;
          o += C;
        }
      }
    }
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const { H, W, C, k, s, OH, OW } = this.g;
    const dx = this.dxb.view(n);
    dx.fill(0);
    const inv = 1 / (k * k);
    let o = 0;
    for (let b = 0; b < n; b++) {
      const xb = b * H * W * C;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const base = xb + ((oy * s + ky) * W + ox * s + kx) * C;
              for (let c = 0; c < C; c++) dx[base + c] += dy[o + c] * inv;
            }
          }
          o += C;
        }
      }
    }
    return dx;
  }

  params(): Param[] {
    return [];
  }
}
