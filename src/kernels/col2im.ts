/**
 * col2im: the exact adjoint of `im2col` (src/kernels/im2col.ts), NHWC.
 *
 * cols is [N·OH·OW, kh·kw·C] (same indexing as im2col); dx is [N, H, W, C] and is OVERWRITTEN:
 *
 *   dx[n, iy, ix, c] = Σ over (oy, ox, ky, kx) with oy·stride − pad + ky = iy,
 *                                              ox·stride − pad + kx = ix   of  cols[r, q]
 *
 * i.e. every patch entry is scattered back (added) to the input pixel it was copied from;
 * entries that came from the zero padding are dropped. Hence ⟨im2col(x), c⟩ = ⟨x, col2im(c)⟩.
 * Summation order is fixed (row-major over cols), so results are deterministic. No allocation.
 * With the 'wasm' backend and both arrays in wasm memory (allocF32) the same loop runs in
 * WebAssembly SIMD (src/kernels/wasm/kernels.as), with 'native' in the native addon
 * (src/native/kernels_impl.h), with identical results.
 */
import { nativeFor, need, wasmFor } from './elementwise_dispatch.js';

export function col2im(
  cols: Float32Array, N: number, H: number, W: number, C: number,
  kh: number, kw: number, stride: number, pad: number, dx: Float32Array,
): void {
  const OH = Math.floor((H + 2 * pad - kh) / stride) + 1;
  const OW = Math.floor((W + 2 * pad - kw) / stride) + 1;
  need('col2im', 'cols', cols, N * OH * OW * kh * kw * C);
  need('col2im', 'dx', dx, N * H * W * C);
  const nk = nativeFor();
  if (nk) { nk.col2im(cols, N, H, W, C, kh, kw, stride, pad, dx); return; }
  const w = wasmFor(cols, dx);
  if (w) { w.col2im(cols.byteOffset, N, H, W, C, kh, kw, stride, pad, dx.byteOffset); return; }
  dx.fill(0, 0, N * H * W * C);
  let o = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        const kxLo = ix0 < 0 ? Math.min(kw, -ix0) : 0;
        const kxHi = Math.max(kxLo, Math.min(kw, W - ix0));
        const zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) { o += kw * C; continue; }
          // in-bounds taps of one kernel row map to one contiguous run of dx (see im2col)
          o += zl;
          let s = xn + (iy * W + ix0 + kxLo) * C;
          for (let t = 0; t < run; t++) dx[s++] += cols[o++];
          o += zr;
        }
      }
    }
  }
}
