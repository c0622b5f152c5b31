/**
 * im2col for NHWC activations (the fixed conv layout of DESIGN.md).
 *
 * Input x is [N, H, W, C]. Output `out` is the patch matrix [N·OH·OW, kh·kw·C]:
 *
 *   OH = floor((H + 2·pad − kh) / stride) + 1,   OW = floor((W + 2·pad − kw) / stride) + 1
 *   row r = (n·OH + oy)·OW + ox,  column q = (ky·kw + kx)·C + c
 *   out[r, q] = x[n, iy, ix, c]  with iy = oy·stride − pad + ky, ix = ox·stride − pad + kx,
 *               or 0 when (iy, ix) falls in the zero padding.
 *
 * Because C is innermost in both x and a patch row, the in-bounds taps of one kernel row
 * (ky fixed, kx in [kxLo, kxHi)) are one contiguous run of (kxHi − kxLo)·C floats of x; padded taps
 * are written as zeros.
 * No allocation; `out` must hold at least N·OH·OW·kh·kw·C floats (checked).
 * With the 'wasm' backend and both arrays in wasm memory (allocF32) the same loop runs in
 * WebAssembly SIMD (src/kernels/wasm/kernels.as), with 'native' in the native addon
 * (src/native/kernels_impl.h), with identical results.
 */
import { nativeFor, need, wasmFor } from './elementwise_dispatch.js';

export function im2col(
  x: Float32Array, N: number, H: number, W: number, C: number,
  kh: number, kw: number, stride: number, pad: number, out: Float32Array,
): void {
  const OH = Math.floor((H + 2 * pad - kh) / stride) + 1;
  const OW = Math.floor((W + 2 * pad - kw) / stride) + 1;
  need('im2col', 'x', x, N * H * W * C);
  need('im2col', 'out', out, N * OH * OW * kh * kw * C);
  const nk = nativeFor();
  if (nk) { nk.im2col(x, N, H, W, C, kh, kw, stride, pad, out); return; }
  const w = wasmFor(x, out);
  if (w) { w.im2col(x.byteOffset, N, H, W, C, kh, kw, stride, pad, out.byteOffset); return; }
  let o = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        // taps kx in [kxLo, kxHi) hit real pixels; the others lie in the left/right padding
        const kxLo = ix0 < 0 ? Math.min(kw, -ix0) : 0;
        const kxHi = Math.max(kxLo, Math.min(kw, W - ix0));
        const zl = kxLo * C, run = (kxHi - kxLo) * C, zr = (kw - kxHi) * C;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) {
            // whole kernel row lies in the top/bottom padding
            for (let t = 0, e = kw * C; t < e; t++) out[o++] = 0;
            continue;
          }
          // taps of one kernel row are adjacent pixels, C floats each: one contiguous run in x
          for (let t = 0; t < zl; t++) out[o++] = 0;
          let s = xn + (iy * W + ix0 + kxLo) * C;
          for (let t = 0; t < run; t++) out[o++] = x[s++];
          for (let t = 0; t < zr; t++) out[o++] = 0;
        }
      }
    }
  }
}
