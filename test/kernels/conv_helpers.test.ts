import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { availableBackends, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { im2col } from '../../src/kernels/im2col.js';
import { col2im } from '../../src/kernels/col2im.js';
import { addBiasRows, biasGrad } from '../../src/kernels/bias.js';
import { reluBackward, reluForward } from '../../src/kernels/relu.js';
import { stream } from '../../src/util/rng.js';
import { allocF32 } from '../../src/kernels/alloc.js';
import { inWasmMemory } from '../../src/kernels/wasm_memory.js';

// Every kernel here has a TS loop, a WebAssembly version (backend 'wasm', used when all operands
// are in wasm memory, i.e. come from allocF32) and a native one (backend 'native', any array). The
// suites run on every available backend x both placements; a final block checks that all of them
// give identical bits.
type Alloc = (n: number) => Float32Array;
const placementList: Array<[string, Alloc]> = [
  ['plain arrays', (n) => new Float32Array(n)],
  ['allocF32 arrays', (n) => allocF32(n)],
];
const initialBackend = getBackend();
afterAll(() => setBackend(initialBackend));
/** [label, placement, backend]: which loop runs is named in the label */
const placements: Array<[string, Alloc, BackendName]> = availableBackends().flatMap((b) =>
  placementList.map(([name, alloc]): [string, Alloc, BackendName] => [
    `${name}, backend ${b} (${b === 'native' ? 'native' : b === 'wasm' && name.startsWith('allocF32') ? 'wasm' : 'TS loops'})`, alloc, b]));
const copyTo = (alloc: Alloc, src: Float32Array) => { const d = alloc(src.length); d.set(src); return d; };

function rand(n: number, name: string): Float32Array {
  const r = stream(11, `test/kernels/${name}`);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.next() * 2 - 1;
  return a;
}

const outDim = (H: number, k: number, s: number, p: number) => Math.floor((H + 2 * p - k) / s) + 1;

/** Naive float64 direct convolution, NHWC input, weight [(ky·kw+kx)·C + c, f]. */
function directConv(x: Float32Array, N: number, H: number, W: number, C: number,
  kh: number, kw: number, s: number, p: number, w: Float32Array, F: number): Float64Array {
  const OH = outDim(H, kh, s, p), OW = outDim(W, kw, s, p);
  const y = new Float64Array(N * OH * OW * F);
  for (let n = 0; n < N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++)
    for (let f = 0; f < F; f++) {
      let acc = 0;
      for (let ky = 0; ky < kh; ky++) for (let kx = 0; kx < kw; kx++) for (let c = 0; c < C; c++) {
        const iy = oy * s - p + ky, ix = ox * s - p + kx;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        acc += x[((n * H + iy) * W + ix) * C + c] * w[((ky * kw + kx) * C + c) * F + f];
      }
      y[((n * OH + oy) * OW + ox) * F + f] = acc;
    }
  return y;
}

const cases = [
  // N, H, W, C, kh, kw, stride, pad
  [2, 5, 5, 1, 3, 3, 1, 0],
  [2, 6, 7, 3, 3, 3, 1, 1],
  [1, 7, 6, 2, 2, 3, 2, 1],
  [3, 8, 8, 4, 5, 5, 1, 2],
  [1, 9, 5, 2, 3, 2, 3, 2],
  [1, 4, 4, 1, 4, 4, 1, 0],
  [2, 28, 28, 1, 5, 5, 1, 2], // LeNet conv1
] as const;

describe.each(placements)('im2col / col2im (NHWC), %s', (_name: string, alloc: Alloc, backend: BackendName) => {
  beforeEach(() => setBackend(backend));
  it('placement is what the suite claims', () => {
    expect(inWasmMemory(alloc(4))).toBe(_name.startsWith('allocF32'));
  });
  for (const [N, H, W, C, kh, kw, s, p] of cases) {
    const tag = `N${N} H${H} W${W} C${C} k${kh}x${kw} s${s} p${p}`;
    const OH = outDim(H, kh, s, p), OW = outDim(W, kw, s, p);
    const rows = N * OH * OW, K = kh * kw * C;

    it(`im2col · W equals a direct convolution (${tag})`, () => {
      const F = 3;
      const x = copyTo(alloc, rand(N * H * W * C, `x${tag}`));
      const w = rand(K * F, `w${tag}`);
      const cols = alloc(rows * K + 5).fill(42);
      im2col(x, N, H, W, C, kh, kw, s, p, cols);
      for (let i = rows * K; i < cols.length; i++) expect(cols[i]).toBe(42); // no overrun
      const ref = directConv(x, N, H, W, C, kh, kw, s, p, w, F);
      for (let r = 0; r < rows; r++) for (let f = 0; f < F; f++) {
        let acc = 0;
        for (let q = 0; q < K; q++) acc += cols[r * K + q] * w[q * F + f];
        expect(acc).toBeCloseTo(ref[r * F + f], 12);
      }
    });

    it(`adjoint identity <im2col(x), c> = <x, col2im(c)> (${tag})`, () => {
      const x = copyTo(alloc, rand(N * H * W * C, `ax${tag}`));
      const c = copyTo(alloc, rand(rows * K, `ac${tag}`));
      const px = alloc(rows * K);
      im2col(x, N, H, W, C, kh, kw, s, p, px);
      const dx = alloc(N * H * W * C + 3).fill(7); // must be overwritten (and nothing past it)
      col2im(c, N, H, W, C, kh, kw, s, p, dx);
      let lhs = 0, rhs = 0, mag = 0;
      for (let i = 0; i < px.length; i++) { lhs += px[i] * c[i]; mag += Math.abs(px[i] * c[i]); }
      for (let i = 0; i < x.length; i++) rhs += x[i] * dx[i];
      for (let i = x.length; i < dx.length; i++) expect(dx[i]).toBe(7);
      // dx entries are float32 sums of <= kh·kw terms: relative error <= kh·kw·2^-24 per entry
      expect(Math.abs(lhs - rhs)).toBeLessThanOrEqual(mag * kh * kw * 2 ** -23 + 1e-12);
    });
  }

  it('col2im of a one-hot patch entry lands on exactly the source pixel', () => {
    const [N, H, W, C, kh, kw, s, p] = [1, 5, 4, 2, 3, 3, 1, 1];
    const OH = outDim(H, kh, s, p), OW = outDim(W, kw, s, p);
    const K = kh * kw * C;
    const cols = alloc(OH * OW * K);
    // row (oy=2, ox=1), tap (ky=0, kx=2), channel 1 → pixel iy = 1, ix = 2
    cols[(2 * OW + 1) * K + (0 * kw + 2) * C + 1] = 1;
    const dx = alloc(N * H * W * C);
    col2im(cols, N, H, W, C, kh, kw, s, p, dx);
    const hot = [...dx.keys()].filter((i) => dx[i] !== 0);
    expect(hot).toEqual([(1 * W + 2) * C + 1]);
    expect(dx[hot[0]]).toBe(1);
  });
});

describe.each(placements)('bias kernels, %s', (_name: string, alloc: Alloc, backend: BackendName) => {
  beforeEach(() => setBackend(backend));
  it('addBiasRows adds bias[j] to every row, biasGrad accumulates column sums', () => {
    // narrow rows (≤ 16 columns) run as one flat pass in runs of 16·cols floats: shapes with whole
    // runs and a tail, one column, exactly 16, and the row loop beyond 16
    for (const [m, c] of [[101, 6], [33, 16], [50, 1], [9, 17], [3, 6]]) {
      const Yw = copyTo(alloc, rand(m * c, `Yw${m}x${c}`));
      const Yw0 = Float32Array.from(Yw);
      const bw = copyTo(alloc, rand(c, `bw${c}`));
      addBiasRows(Yw, m, c, bw);
      let bad = 0;
      for (let i = 0; i < m; i++) for (let j = 0; j < c; j++) bad += Yw[i * c + j] === Math.fround(Yw0[i * c + j] + bw[j]) ? 0 : 1;
      expect(bad, `${m}x${c}`).toBe(0);
    }
    const n = 7, cols = 5;
    const Y = copyTo(alloc, rand(n * cols, 'Y'));
    const Y0 = copyTo(alloc, Y);
    const b = copyTo(alloc, rand(cols, 'b'));
    addBiasRows(Y, n, cols, b);
    for (let i = 0; i < n; i++) for (let j = 0; j < cols; j++)
      expect(Y[i * cols + j]).toBe(Math.fround(Y0[i * cols + j] + b[j]));
    const gb = alloc(cols).fill(1);
    biasGrad(Y0, n, cols, gb);
    for (let j = 0; j < cols; j++) {
      let s = 1;
      for (let i = 0; i < n; i++) s += Y0[i * cols + j];
      expect(gb[j]).toBeCloseTo(s, 5);
    }
  });
});

describe.each(placements)('relu kernels, %s', (_name: string, alloc: Alloc, backend: BackendName) => {
  beforeEach(() => setBackend(backend));
  it('forward is max(x,0) (NaN, -0 -> 0) and backward gates dy by y > 0, also in place', () => {
    // 9 elements: two SIMD groups of 4 and a scalar tail
    const x = copyTo(alloc, Float32Array.from([-2, -0, 0, 0.5, 3, -1e-30, NaN, 1e-45, 7]));
    const y = alloc(9);
    reluForward(x, y, 9);
    expect(Array.from(y)).toEqual([0, 0, 0, 0.5, 3, 0, 0, Math.fround(1e-45), 7]);
    expect(Object.is(y[1], 0)).toBe(true); // +0, not -0
    const dy = copyTo(alloc, Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const dx = alloc(9);
    reluBackward(y, dy, dx, 9);
    expect(Array.from(dx)).toEqual([0, 0, 0, 4, 5, 0, 0, 8, 9]);
    reluForward(x, x, 9);
    expect(Array.from(x)).toEqual(Array.from(y));
  });
  it('refuses operands shorter than len', () => {
    expect(() => reluForward(alloc(3), alloc(4), 4)).toThrow(/x has 3 elements, needs 4/);
  });
});

describe('TS, wasm and native versions give identical bits', () => {
  it('im2col, col2im, bias, relu on a LeNet conv2-like shape', () => {
    const [N, H, W, C, kh, kw, s, p] = [3, 9, 8, 6, 5, 5, 1, 1];
    const OH = outDim(H, kh, s, p), OW = outDim(W, kw, s, p);
    const rows = N * OH * OW, K = kh * kw * C;
    const x = rand(N * H * W * C, 'bx'), c = rand(rows * K, 'bc'), b = rand(K, 'bb');
    const run = (alloc: Alloc, backend: BackendName) => {
      setBackend(backend);
      const xs = copyTo(alloc, x), cs = copyTo(alloc, c), bs = copyTo(alloc, b);
      const cols = alloc(rows * K), dx = alloc(x.length), gb = alloc(K).fill(0.25);
      im2col(xs, N, H, W, C, kh, kw, s, p, cols);
      col2im(cs, N, H, W, C, kh, kw, s, p, dx);
      addBiasRows(cs, rows, K, bs);
      biasGrad(cs, rows, K, gb);
      reluForward(cs, cs, cs.length);
      reluBackward(cs, dx.subarray(0, 100), dx.subarray(0, 100), 100);
      return [cols, dx, cs, gb].map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex'));
    };
    const outs = placements.map(([name, alloc, backend]) => ({ name, out: run(alloc, backend) }));
    expect(outs.length).toBeGreaterThanOrEqual(4);
    for (const o of outs) {
      for (let i = 0; i < o.out.length; i++) {
        if (o.out[i] !== outs[0].out[i]) throw new Error(`${o.name}: output ${i} differs from ${outs[0].name}`);
      }
    }
  });
});
