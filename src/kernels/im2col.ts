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
 * Because C is innermost in both x and a patch row, every (ky, kx) tap copies a contiguous run
 * of C floats (`copyWithin`-style loop), or writes C zeros for a padded tap.
 * No allocation; `out` must hold at least N·OH·OW·kh·kw·C floats.
 */
export function im2col(
  x: Float32Array, N: number, H: number, W: number, C: number,
  kh: number, kw: number, stride: number, pad: number, out: Float32Array,
): void {
  const OH = Math.floor((H + 2 * pad - kh) / stride) + 1;
  const OW = Math.floor((W + 2 * pad - kw) / stride) + 1;
  let o = 0;
  for (let n = 0; n < N; n++) {
    const xn = n * H * W * C;
    for (let oy = 0; oy < OH; oy++) {
      const iy0 = oy * stride - pad;
      for (let ox = 0; ox < OW; ox++) {
        const ix0 = ox * stride - pad;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky;
          if (iy < 0 || iy >= H) {
            // whole kernel row lies in the padding
            for (let t = 0, e = kw * C; t < e; t++) out[o++] = 0;
            continue;
          }
          const xrow = xn + iy * W * C;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx;
            if (ix < 0 || ix >= W) {
              for (let c = 0; c < C; c++) out[o++] = 0;
            } else {
              let s = xrow + ix * C;
              for (let c = 0; c < C; c++) out[o++] = x[s++];
            }
          }
        }
      }
    }
  }
}
