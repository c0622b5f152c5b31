/**
 * The addon's convolution input gradient, batch normalisation and thread pool against independent
 * oracles:
 *   convInputGrad(dY, W) = col2im(dY·Wᵀ) of the pure-TS kernels' definition (a direct scatter-add
 *     loop here), bit for bit against gemm + col2im on the same backend;
 *   addArrays (native, 1-3 threads) = Math.fround(a + b) per element;
 *   batch normalisation (native) = the layer's TypeScript loop (backend 'ts'), bit for bit, in
 *     training and inference mode, with and without trainable γ/β;
 *   a ResNet-20 training run: the same weights and losses on 'wasm' and 'native', and on 'native'
 *     with 1, 2 and 3 kernel threads (the pool's parts never split a sum).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addArrays } from '../../src/kernels/add_arrays.js';
import { col2im } from '../../src/kernels/col2im.js';
import { convInputGrad } from '../../src/kernels/conv_gemm.js';
import { availableBackends, gemm, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { kernelThreads, setKernelThreads, defaultThreads } from '../../src/kernels/threads.js';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { stream } from '../../src/util/rng.js';

const backends = availableBackends();
const hasNative = backends.includes('native');
const initial = getBackend();
afterAll(() => { setBackend(initial); if (hasNative) setKernelThreads(1); });

function rand(n: number, name: string): Float32Array {
  const r = stream(5, `test/conv_bn_threads/${name}`);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = r.normal();
  return a;
}

describe.skipIf(!hasNative)('native convInputGrad = col2im(dY·Wᵀ)', () => {
  it.each([1, 2])('%i thread(s): bit for bit against gemm + col2im, and against a direct scatter loop', (threads) => {
    setBackend('native');
    setKernelThreads(threads);
    for (const [N, H, W, C, k, s, p, O] of [[3, 9, 7, 5, 3, 1, 1, 6], [2, 8, 8, 16, 3, 2, 1, 32], [4, 5, 5, 3, 1, 2, 0, 7], [1, 32, 32, 16, 3, 1, 1, 16], [5, 6, 6, 4, 5, 1, 2, 3]]) {
      const OH = Math.floor((H + 2 * p - k) / s) + 1, OW = Math.floor((W + 2 * p - k) / s) + 1;
      const m = N * OH * OW, Kc = k * k * C;
      const dY = rand(m * O, `dy${H}${C}`), Wt = rand(Kc * O, `w${H}${C}`);
      const got = new Float32Array(N * H * W * C).fill(NaN);
      convInputGrad(dY, { N, H, W, C, kh: k, kw: k, stride: s, pad: p }, Wt, O, got, () => { throw new Error('native needs no scratch'); });
      const dP = new Float32Array(m * Kc);
      gemm(false, true, m, Kc, O, dY, Wt, dP, false);
      const want = new Float32Array(N * H * W * C);
      col2im(dP, N, H, W, C, k, k, s, p, want);
      expect(Buffer.from(got.buffer).equals(Buffer.from(want.buffer))).toBe(true);
      // oracle: scatter every patch entry to the pixel it was read from (float64 sums, compared loosely)
      const ref = new Float64Array(N * H * W * C);
      for (let n = 0; n < N; n++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) {
        const r = (n * OH + oy) * OW + ox;
        for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = oy * s - p + ky, ix = ox * s - p + kx;
          if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
          for (let c = 0; c < C; c++) {
            let v = 0;
            for (let o = 0; o < O; o++) v += dY[r * O + o] * Wt[((ky * k + kx) * C + c) * O + o];
            ref[((n * H + iy) * W + ix) * C + c] += v;
          }
        }
      }
      for (let i = 0; i < ref.length; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(1e-4 * (1 + Math.abs(ref[i])));
    }
  });
});

describe.skipIf(!hasNative)('native addArrays = fround(a + b)', () => {
  it.each([1, 2, 3])('%i thread(s), lengths around the vector and part boundaries', (threads) => {
    setBackend('native');
    setKernelThreads(threads);
    for (const len of [0, 1, 15, 16, 17, 100_003, 262_144]) {
      const a = rand(len + 3, `aa${len}`), b = rand(len + 3, `ab${len}`).map((v, i) => (i % 7 === 0 ? -a[i] : v * 1e-3));
      const y = new Float32Array(len + 3).fill(7);
      addArrays(a, b, y, len);
      let bad = 0;
      for (let i = 0; i < len; i++) if (!Object.is(y[i], Math.fround(a[i] + b[i]))) bad++;
      expect(bad).toBe(0);
      expect(Array.from(y.subarray(len))).toEqual([7, 7, 7]);
    }
  });
});

describe.skipIf(!hasNative)('native batch normalisation = the TypeScript loop, bit for bit', () => {
  const run = (backend: BackendName, threads: number, shape: number[], n: number, training: boolean, frozen: boolean) => {
    setBackend(backend);
    if (hasNative) setKernelThreads(threads);
    const bn = new BatchNorm('bn', shape, { momentum: 0.1, eps: 1e-5 });
    const C = bn.channels, size = shape.reduce((a, b) => a * b, 1);
    const g = rand(C, `g${C}`), b = rand(C, `b${C}`);
    bn.gamma.value.set(g); bn.beta.value.set(b);
    bn.runningMean.set(rand(C, `rm${C}`));
    bn.runningVar.set(rand(C, `rv${C}`).map((v) => 0.5 + v * v));
    if (frozen) { bn.gamma.trainable = false; bn.beta.trainable = false; }
    bn.gamma.grad.set(rand(C, `gg${C}`)); bn.beta.grad.set(rand(C, `bg${C}`));
    const x = rand(n * size, `x${C}${n}`).map((v, i) => v * (1 + (i % C)) + (i % 3));
    const y = Float32Array.from(bn.forward(x, n, training));
    const dx = Float32Array.from(bn.backward(rand(n * size, `dy${C}${n}`), n, true)!);
    const dxNone = bn.backward(rand(n * size, `dy${C}${n}`), n, false);
    return { y, dx, dxNone, rm: Float32Array.from(bn.runningMean), rv: Float32Array.from(bn.runningVar),
      gg: Float32Array.from(bn.gamma.grad), bg: Float32Array.from(bn.beta.grad) };
  };
  const cases: [number[], number][] = [[[8, 8, 16], 4], [[5, 3, 13], 3], [[4, 4, 64], 8], [[10], 7], [[33], 1], [[2, 2, 512], 2]];
  it.each([1, 2, 3])('%i thread(s)', (threads) => {
    for (const [shape, n] of cases) {
      for (const training of [true, false]) {
        for (const frozen of [false, true]) {
          const want = run('ts', 1, shape, n, training, frozen);
          const got = run('native', threads, shape, n, training, frozen);
          expect(got).toEqual(want);
          for (const k of ['y', 'dx', 'rm', 'rv', 'gg', 'bg'] as const) {
            expect(Buffer.from(got[k].buffer).equals(Buffer.from(want[k].buffer))).toBe(true);
          }
          // oracle for the forward in training mode: per channel mean 0 and variance 1 of x̂ → y = γ·x̂ + β
          if (training && n * shape.reduce((a, b) => a * b, 1) / shape[shape.length - 1] > 4) {
            const C = shape[shape.length - 1], rows = got.y.length / C;
            const g = rand(C, `g${C}`), b = rand(C, `b${C}`);
            for (let c = 0; c < C; c++) {
              let s = 0, q = 0;
              for (let i = 0; i < rows; i++) { const h = (got.y[i * C + c] - b[c]) / g[c]; s += h; q += h * h; }
              expect(Math.abs(s / rows)).toBeLessThan(1e-3);
              expect(Math.abs(q / rows - 1)).toBeLessThan(1e-2);
            }
          }
        }
      }
    }
  });
});

describe.skipIf(!hasNative)('ResNet-20 training: identical on wasm and on native with 1, 2 and 3 threads', () => {
  const run = (backend: BackendName, threads: number) => {
    setBackend(backend);
    setKernelThreads(threads);
    expect(kernelThreads()).toBe(threads);
    const d = 32 * 32 * 3, n = 48;
    const r = stream(3, 'test/conv_bn_threads/data');
    const x = new Float32Array(n * d).map(() => r.normal());
    const y = new Uint8Array(n).map(() => r.int(10));
    const net = buildModel(presetDesc('resnet20'), 7);
    const res = train(net, { name: 'train', x, y, n }, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, batch: 16 }, { seed: 1 });
    return { sha: net.weightsSha256(), loss: res.epochs.map((e) => e.trainLoss) };
  };
  it('same weights after 3 steps (batch 16)', () => {
    const one = run('native', 1);
    const two = run('native', 2);
    const three = run('native', 3);
    const w = run('wasm', 1);
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    expect(w).toEqual(one);
    setBackend('native');
    expect(buildModel(presetDesc('resnet20'), 7).weightsSha256()).not.toBe(one.sha);
  }, 120_000);
});

describe('default thread count', () => {
  it('workers × threads ≤ cores, at least 1', () => {
    expect(defaultThreads(1, 2)).toBe(2);
    expect(defaultThreads(2, 2)).toBe(1);
    expect(defaultThreads(3, 8)).toBe(2);
    expect(defaultThreads(16, 4)).toBe(1);
    for (let w = 1; w <= 9; w++) for (let c = 1; c <= 9; c++) {
      const t = defaultThreads(w, c);
      expect(t).toBeGreaterThanOrEqual(1);
      if (w <= c) expect(w * t).toBeLessThanOrEqual(c);
    }
  });
});
