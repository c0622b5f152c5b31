/**
 * Convolution products through the patch matrix P = im2col(x) (src/kernels/im2col.ts):
 *
 *   convForward:     Y [m, out]  = P · W          m = N·OH·OW, P is [m, Kc], Kc = kh·kw·C, W is [Kc, out]
 *   convWeightGrad:  dW [Kc, out] += Pᵀ · dY      dY is [m, out]
 *   convInputGrad:   dx = col2im(dY · Wᵀ)          dx is [N, H, W, C] (overwritten)
 *
 * i.e. exactly `im2col(x, …, P)` followed by `gemm(false, false, m, out, Kc, P, W, Y, false)` or
 * `gemm(true, false, Kc, out, m, P, dY, dW, true)`, and the same bits on every backend. With the
 * 'native' backend the addon never builds the whole P (LeNet-5's conv1: 64·784·25 floats = 5 MB per
 * batch, written and read back from memory twice per step): it produces P in row chunks of about
 * 128 KiB in an L2-resident buffer and runs each chunk through the GEMM (src/native/kernels_impl.h).
 * Per output element the float32 operations are unchanged: a GEMM's summation order depends on K
 * and its blocking only, and the weight-gradient chunks are whole K blocks of the single product
 * (kb = ⌈m / ⌈m/256⌉⌉ rows, chunks start at multiples of kb and use that same kb). convInputGrad's
 * chunks of dY·Wᵀ are added into dx (col2im's loop for those rows) as soon as they are formed: the
 * same additions in the same order as col2im on the whole product.
 * Other backends build P (or dP) in `scratch` (at least m·Kc floats) and call im2col / col2im and gemm.
 * With the addon's thread pool (src/kernels/threads.ts) the parts never split a sum: the bits do not
 * depend on the thread count.
 */
import { gemm } from './gemm.js';
import { col2im } from './col2im.js';
import { im2col } from './im2col.js';
import { nativeFor, need } from './elementwise_dispatch.js';

export interface ConvGeometry {
  N: number; H: number; W: number; C: number;
  kh: number; kw: number; stride: number; pad: number;
}

/**
 * The per-output read variance convForward can form with its product: V = (P∘P)·S, S[k, j] =
 * fround((aP + bP·uP)² + (aN + bN·uN)²), coef = [aP, bP, aN, bN] (read_stages/read_noise_output.ts);
 * the same bits as squares and the variance GEMM on the whole P (native only)
 */
export interface ConvVarianceArgs {
  uP: Float32Array;
  uN: Float32Array;
  coef: Float64Array;
  V: Float32Array;
}

/** true when convForward/convWeightGrad run chunked in the native addon (no whole P needed) */
export function convChunked(): boolean {
  const nk = nativeFor();
  return !!(nk?.convForward && nk.convWeightGrad);
}

function rowsOf(g: ConvGeometry): number {
  const OH = Math.floor((g.H + 2 * g.pad - g.kh) / g.stride) + 1;
  const OW = Math.floor((g.W + 2 * g.pad - g.kw) / g.stride) + 1;
  return g.N * OH * OW;
}

/** Y = im2col(x) · W (overwrites Y); `scratch` holds P on non-native backends */
export function convForward(x: Float32Array, g: ConvGeometry, W: Float32Array, outCh: number,
  Y: Float32Array, scratch: () => Float32Array, variance?: ConvVarianceArgs): void {
  const m = rowsOf(g), Kc = g.kh * g.kw * g.C;
  need('convForward', 'x', x, g.N * g.H * g.W * g.C);
  need('convForward', 'W', W, Kc * outCh);
  need('convForward', 'Y', Y, m * outCh);
  const nk = nativeFor();
  if (variance) {
    // only the addon forms the variance with the product (the caller checks convChunked())
    if (!nk?.convForward) throw new Error('convForward: the read variance needs the native addon');
    need('convForward', 'uP', variance.uP, Kc * outCh);
    need('convForward', 'uN', variance.uN, Kc * outCh);
    need('convForward', 'V', variance.V, m * outCh);
    const c = variance.coef;
    nk.convForward(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, W, outCh, Y, variance.uP, variance.uN, c[0], c[1], c[2], c[3], variance.V);
    return;
  }
  if (nk?.convForward) {
    nk.convForward(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, W, outCh, Y);
    return;
  }
  const P = scratch();
  im2col(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, P);
  gemm(false, false, m, outCh, Kc, P, W, Y, false);
}

/** dW += im2col(x)ᵀ · dY; `scratch` holds P on non-native backends */
export function convWeightGrad(x: Float32Array, g: ConvGeometry, dY: Float32Array, outCh: number,
  dW: Float32Array, scratch: () => Float32Array): void {
  const m = rowsOf(g), Kc = g.kh * g.kw * g.C;
  need('convWeightGrad', 'x', x, g.N * g.H * g.W * g.C);
  need('convWeightGrad', 'dY', dY, m * outCh);
  need('convWeightGrad', 'dW', dW, Kc * outCh);
  const nk = nativeFor();
  if (nk?.convWeightGrad) {
    nk.convWeightGrad(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, dY, outCh, dW);
    return;
  }
  const P = scratch();
  im2col(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, P);
  gemm(true, false, Kc, outCh, m, P, dY, dW, true);
}

/** dx = col2im(dY · Wᵀ) (overwrites dx); `scratch` holds dY·Wᵀ on non-native backends */
export function convInputGrad(dY: Float32Array, g: ConvGeometry, W: Float32Array, outCh: number,
  dx: Float32Array, scratch: () => Float32Array): void {
  const m = rowsOf(g), Kc = g.kh * g.kw * g.C;
  need('convInputGrad', 'dY', dY, m * outCh);
  need('convInputGrad', 'W', W, Kc * outCh);
  need('convInputGrad', 'dx', dx, g.N * g.H * g.W * g.C);
  const nk = nativeFor();
  if (nk?.convInputGrad) {
    nk.convInputGrad(dY, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, W, outCh, dx);
    return;
  }
  const dP = scratch();
  gemm(false, true, m, Kc, outCh, dY, W, dP, false);
  col2im(dP, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, dx);
}
