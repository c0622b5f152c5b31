/**
 * src/kernels/conv_gemm.ts: convForward = im2col then gemm (Y = P·W) and convWeightGrad = im2col
 * then gemm (dW += Pᵀ·dY), bit for bit, on every backend and (native) every instruction set, against
 * the unfused path on the wasm backend (the reference of the numeric contract) and on the backend
 * itself. The native addon builds P in row chunks (several chunks per call in the LeNet-5 shapes
 * below: conv1 m = 64·784 rows of 25, conv2 m = 32·100 rows of 150 with K blocks of 247 rows) and
 * from zero-padded image copies, so these cases cover chunk and image boundaries, padding, strides
 * and the block structure of the weight gradient. Independent oracle: a float64 direct convolution
 * (forward) and Σ_rows x·dY (weight gradient), within float32 rounding.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, gemm, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { convForward, convWeightGrad, type ConvGeometry } from '../../src/kernels/conv_gemm.js';
import { im2col } from '../../src/kernels/im2col.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { stream } from '../../src/util/rng.js';

const backends = availableBackends();
const initial = getBackend();
afterAll(() => setBackend(initial));

function rand(n: number, name: string): Float32Array {
  const r = stream(23, `test/conv_gemm/${name}`);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.next() * 2 - 1;
  return a;
}
const outDim = (H: number, k: number, s: number, p: number) => Math.floor((H + 2 * p - k) / s) + 1;
const same = (a: Float32Array, b: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength)
  .equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

// [N, H, W, C, kh, kw, stride, pad, out]
const cases: Array<[number, number, number, number, number, number, number, number, number]> = [
  [64, 28, 28, 1, 5, 5, 1, 2, 6],   // LeNet-5 conv1, batch 64 (m = 50176: kb = 256)
  [32, 14, 14, 6, 5, 5, 1, 0, 16],  // LeNet-5 conv2, last batch of 60000 (m = 3200: kb = 247)
  [64, 14, 14, 6, 5, 5, 1, 0, 16],  // conv2, batch 64 (m = 6400)
  [3, 9, 7, 3, 3, 3, 2, 1, 5],      // stride 2, pad 1, C = 3
  [5, 11, 10, 2, 4, 3, 3, 2, 7],    // non-square kernel, stride 3
  [1, 5, 5, 1, 5, 5, 1, 0, 1],      // one output pixel
  [7, 12, 12, 20, 3, 3, 1, 1, 33],  // kw·C = 60 (runs over 16-float vectors), out > 32
  [2, 33, 33, 1, 7, 7, 1, 3, 9],    // m = 2178, not a multiple of the K block
];

function geometry(c: (typeof cases)[number]): ConvGeometry & { m: number; Kc: number; out: number } {
  const [N, H, W, C, kh, kw, stride, pad, out] = c;
  const m = N * outDim(H, kh, stride, pad) * outDim(W, kw, stride, pad);
  return { N, H, W, C, kh, kw, stride, pad, m, Kc: kh * kw * C, out };
}

/** the unfused path: whole P, then gemm */
function reference(g: ReturnType<typeof geometry>, x: Float32Array, w: Float32Array, dY: Float32Array, dW0: Float32Array) {
  const P = new Float32Array(g.m * g.Kc);
  im2col(x, g.N, g.H, g.W, g.C, g.kh, g.kw, g.stride, g.pad, P);
  const Y = new Float32Array(g.m * g.out);
  gemm(false, false, g.m, g.out, g.Kc, P, w, Y, false);
  const dW = dW0.slice();
  gemm(true, false, g.Kc, g.out, g.m, P, dY, dW, true);
  return { Y, dW };
}

function fused(g: ReturnType<typeof geometry>, x: Float32Array, w: Float32Array, dY: Float32Array, dW0: Float32Array) {
  const scratch = () => new Float32Array(g.m * g.Kc);
  const Y = new Float32Array(g.m * g.out).fill(Number.NaN);  // overwritten, never read
  convForward(x, g, w, g.out, Y, scratch);
  const dW = dW0.slice();
  convWeightGrad(x, g, dY, g.out, dW, scratch);
  return { Y, dW };
}

function inputs(g: ReturnType<typeof geometry>, tag: string) {
  return {
    x: rand(g.N * g.H * g.W * g.C, `x${tag}`), w: rand(g.Kc * g.out, `w${tag}`),
    dY: rand(g.m * g.out, `dy${tag}`), dW0: rand(g.Kc * g.out, `dw${tag}`),
  };
}

describe.each(backends)('convForward / convWeightGrad, backend %s', (backend: BackendName) => {
  for (const c of cases) {
    const g = geometry(c);
    const tag = c.join('_');
    // 'ts' rounds differently from wasm/native (src/kernels/gemm.ts): compared with itself only
    it(`= im2col + gemm on ${backend}${backend === 'ts' ? '' : ' and on wasm'}, bit for bit (${tag})`, () => {
      const { x, w, dY, dW0 } = inputs(g, tag);
      setBackend(backend);
      const f = fused(g, x, w, dY, dW0);
      const own = reference(g, x, w, dY, dW0);
      expect(same(f.Y, own.Y)).toBe(true);
      expect(same(f.dW, own.dW)).toBe(true);
      if (backend !== 'ts' && backends.includes('wasm')) {
        setBackend('wasm');
        const ref = reference(g, x, w, dY, dW0);
        expect(same(f.Y, ref.Y)).toBe(true);
        expect(same(f.dW, ref.dW)).toBe(true);
      }
    });
  }

  it('matches a float64 direct convolution and weight gradient (LeNet-5 conv2 shape, pad 1)', () => {
    const g = geometry([3, 14, 14, 6, 5, 5, 1, 1, 4]);
    const { x, w, dY, dW0 } = inputs(g, 'oracle');
    setBackend(backend);
    const f = fused(g, x, w, dY, dW0);
    const OH = outDim(g.H, g.kh, g.stride, g.pad), OW = outDim(g.W, g.kw, g.stride, g.pad);
    const dW64 = Float64Array.from(dW0);
    let maxErrY = 0;
    for (let n = 0; n < g.N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
      const r = (n * OH + oy) * OW + ox;
      for (let o = 0; o < g.out; o++) {
        let acc = 0;
        for (let ky = 0; ky < g.kh; ky++) for (let kx = 0; kx < g.kw; kx++) for (let ch = 0; ch < g.C; ch++) {
          const iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
          if (iy < 0 || iy >= g.H || ix < 0 || ix >= g.W) continue;
          const q = (ky * g.kw + kx) * g.C + ch;
          const xv = x[((n * g.H + iy) * g.W + ix) * g.C + ch];
          acc += xv * w[q * g.out + o];
          dW64[q * g.out + o] += xv * dY[r * g.out + o];
        }
        maxErrY = Math.max(maxErrY, Math.abs(acc - f.Y[r * g.out + o]));
      }
    }
    expect(maxErrY).toBeLessThan(1e-4);
    let maxErrW = 0;
    for (let i = 0; i < dW64.length; i++) maxErrW = Math.max(maxErrW, Math.abs(dW64[i] - f.dW[i]));
    expect(maxErrW).toBeLessThan(1e-3);
    expect(maxErrW).toBeGreaterThan(0);  // float32 sums of ~600 terms do round somewhere
  });
});

describe.skipIf(!backends.includes('native'))('native convForward / convWeightGrad on every instruction set', () => {
  const nk = nativeKernels();
  it.each(nk ? nk.isas() : [])('%s = wasm im2col + gemm, bit for bit', (isa: string) => {
    const before = nk!.isa();
    try {
      for (const c of cases) {
        const g = geometry(c);
        const tag = c.join('_');
        const { x, w, dY, dW0 } = inputs(g, tag);
        setBackend('wasm');
        const ref = reference(g, x, w, dY, dW0);
        setBackend('native');
        expect(nk!.setIsa(isa)).toBe(true);
        const f = fused(g, x, w, dY, dW0);
        if (!same(f.Y, ref.Y) || !same(f.dW, ref.dW)) throw new Error(`${isa} ${tag}: chunked conv differs from wasm im2col + gemm`);
      }
    } finally {
      nk!.setIsa(before);
    }
  });
});
