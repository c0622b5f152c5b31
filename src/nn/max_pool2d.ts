/**
 * Max pooling (NHWC, kernel k, stride s, no padding; geometry in pool_geometry.ts):
 *   y[n,oy,ox,c] = max_{ky,kx < k} x[n, oy·s+ky, ox·s+kx, c]
 * Backward routes the gradient to the arg-max (the first maximum in (ky, kx) scan order on ties):
 *   ∂L/∂x[argmax(n,oy,ox,c)] += ∂L/∂y[n,oy,ox,c]   (all other inputs get 0).
 * With the 'native' kernel backend both loops run in the addon (src/native/kernels_impl.h: the same
 * comparisons and float32 additions in the same order, so the same bits).
 */
import { nativeFor } from '../kernels/elementwise_dispatch.js';
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';
import { poolGeometry, type PoolGeometry } from './pool_geometry.js';

export class MaxPool2d implements Layer {
  readonly kind = 'maxpool2d';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly g: PoolGeometry;
  private readonly yb: BatchBuffer;
  private readonly dxb: BatchBuffer;
  private arg: Int32Array = new Int32Array(0);

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
    if (this.arg.length < y.length) this.arg = new Int32Array(y.length);
    const arg = this.arg;
    const nk = nativeFor();
    if (nk) {
      nk.maxPoolForward(x, y, arg, n, H, W, C, k, s);
      return y;
    }
    const rowStride = W * C;
    if (k === 2 && s === 2) {
      maxPool2x2(x, y, arg, n, H, C, OH, OW, rowStride);
      return y;
    }
    let o = 0;
    for (let b = 0; b < n; b++) {
      const xb = b * H * rowStride;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const first = xb + oy * s * rowStride + ox * s * C;
          for (let c = 0; c < C; c++) {
            // scan the k x k window of channel c; first maximum wins on ties
            let best = x[first + c], bi = first + c;
            for (let ky = 0; ky < k; ky++) {
              let idx = first + ky * rowStride + c;
              for (let kx = 0; kx < k; kx++, idx += C) {
                const v = x[idx];
                if (v > best) { best = v; bi = idx; }
              }
            }
            y[o] = best;
            arg[o++] = bi;
          }
        }
      }
    }
    return y;
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    if (!needDx) return null;
    const dx = this.dxb.view(n);
    const arg = this.arg;
    const len = n * this.g.OH * this.g.OW * this.g.C;
    const nk = nativeFor();
    if (nk) {
      nk.maxPoolBackward(dy, arg, dx, len, dx.length);
      return dx;
    }
    dx.fill(0);
    for (let i = 0; i < len; i++) dx[arg[i]] += dy[i];
    return dx;
  }

  params(): Param[] {
    return [];
  }
}


/** the common 2x2 / stride-2 case, unrolled (same scan order and tie rule as the general loop) */
function maxPool2x2(x: Float32Array, y: Float32Array, arg: Int32Array, n: number, H: number, C: number,
  OH: number, OW: number, rs: number): void {
  let o = 0;
  for (let b = 0; b < n; b++) {
    const xb = b * H * rs;
    for (let oy = 0; oy < OH; oy++) {
      let p = xb + 2 * oy * rs;
      for (let ox = 0; ox < OW; ox++, p += 2 * C) {
        for (let c = 0; c < C; c++) {
          const i0 = p + c, i1 = i0 + C, i2 = i0 + rs, i3 = i2 + C;
          let best = x[i0], bi = i0;
          let v = x[i1]; if (v > best) { best = v; bi = i1; }
          v = x[i2]; if (v > best) { best = v; bi = i2; }
          v = x[i3]; if (v > best) { best = v; bi = i3; }
          y[o] = best;
          arg[o++] = bi;
        }
      }
    }
  }
}
