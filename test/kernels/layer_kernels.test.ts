/**
 * The layer-level kernels that also run natively (max pooling, the SGD update) on every available
 * backend against independent oracles, and whole training runs compared across backends: the
 * numeric contract says 'native' and 'wasm' give identical bits, so a few steps of MLP and LeNet-5
 * training (forward, loss, backward, SGD) must leave identical weights on both.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { allocF32 } from '../../src/kernels/alloc.js';
import { sgdUpdate } from '../../src/kernels/sgd_update.js';
import { gatherRows } from '../../src/kernels/gather_rows.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { MaxPool2d } from '../../src/nn/max_pool2d.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { stream } from '../../src/util/rng.js';

const backends = availableBackends();
const initial = getBackend();
afterAll(() => setBackend(initial));

function rand(n: number, name: string, alloc = (k: number) => new Float32Array(k)): Float32Array {
  const r = stream(17, `test/layer_kernels/${name}`);
  const a = alloc(n);
  for (let i = 0; i < n; i++) a[i] = r.next() * 2 - 1;
  return a;
}

describe.each(backends)('backend %s', (backend: BackendName) => {
  it('max pooling: forward = window max (first maximum on ties), backward routes dy to it', () => {
    setBackend(backend);
    for (const [n, H, W, C, k, s] of [[2, 6, 6, 3, 2, 2], [1, 7, 5, 2, 3, 2], [3, 4, 4, 1, 2, 1], [2, 8, 8, 6, 2, 2], [1, 10, 10, 16, 2, 2], [1, 5, 5, 9, 2, 1]] as const) {
      const x = rand(n * H * W * C, `mx${H}${k}`, allocF32);
      // ties: quantise so equal values occur in a window
      for (let i = 0; i < x.length; i++) x[i] = Math.round(x[i] * 3) / 3;
      const pool = new MaxPool2d('p', [H, W, C], k, s);
      const y = pool.forward(x, n);
      const OH = Math.floor((H - k) / s) + 1, OW = Math.floor((W - k) / s) + 1;
      const dy = rand(n * OH * OW * C, `mdy${H}${k}`);
      const dx = pool.backward(dy, n, true)!;
      const wantDx = new Float32Array(x.length); // float32 additions in output order (overlapping windows add several)
      for (let b = 0; b < n; b++) for (let oy = 0; oy < OH; oy++) for (let ox = 0; ox < OW; ox++) for (let c = 0; c < C; c++) {
        let best = -Infinity, at = -1;
        for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const i = ((b * H + oy * s + ky) * W + ox * s + kx) * C + c;
          if (x[i] > best) { best = x[i]; at = i; }
        }
        const o = ((b * OH + oy) * OW + ox) * C + c;
        expect(y[o]).toBe(best);
        wantDx[at] += dy[o];
      }
      for (let i = 0; i < x.length; i++) expect(dx[i]).toBe(wantDx[i]);
    }
  });

  it('gatherRows copies row perm[start + i] of src into row i of dst', () => {
    setBackend(backend);
    const d = 7, n = 11, src = rand(n * d, 'gsrc'), perm = Int32Array.from([3, 10, 0, 3, 5, 9]);
    const dst = new Float32Array(4 * d).fill(NaN);
    gatherRows(src, perm, 2, 4, d, dst);
    for (let i = 0; i < 4; i++) for (let t = 0; t < d; t++) expect(dst[i * d + t]).toBe(src[perm[2 + i] * d + t]);
    if (backend === 'native') expect(() => nativeKernels()!.gatherRows(src, Int32Array.from([11]), 0, 1, d, dst)).toThrow(RangeError);
  });

  it('SGD update: v = m·((μv + g) + λw) in float64, stored rounded; w -= η·v (unrounded v)', () => {
    setBackend(backend);
    const n = 37;
    const w0 = rand(n, 'sw'), g = rand(n, 'sg'), v0 = rand(n, 'sv');
    const mask = new Float32Array(n).map((_, i) => (i % 3 === 0 ? 0 : 1));
    for (const m of [undefined, mask]) {
      const w = allocF32(n), v = allocF32(n);
      w.set(w0); v.set(v0);
      const [lr, mu, wd] = [0.01, 0.9, 5e-4];
      sgdUpdate(w, g, v, m, lr, mu, wd);
      for (let i = 0; i < n; i++) {
        const vi = (m ? m[i] : 1) * ((mu * v0[i] + g[i]) + wd * w0[i]);
        expect(v[i]).toBe(Math.fround(vi));
        expect(w[i]).toBe(Math.fround(w0[i] - lr * vi));
        if (m && m[i] === 0) expect(w[i]).toBe(w0[i]);
      }
    }
  });
});

describe.skipIf(!backends.includes('native'))('training: native and wasm leave identical weights', () => {
  const run = (backend: BackendName, model: 'mlp' | 'lenet5', steps: number) => {
    setBackend(backend);
    const d = 784, n = steps * 16;
    const r = stream(3, 'test/layer_kernels/data');
    const x = new Float32Array(n * d).map(() => r.normal());
    const y = new Uint8Array(n).map(() => r.int(10));
    const net = buildModel(presetDesc(model), 7);
    const res = train(net, { name: 'train', x, y, n }, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 1e-4, batch: 16 }, { seed: 1 });
    return { sha: net.weightsSha256(), loss: res.epochs.map((e) => e.trainLoss) };
  };
  it.each(['mlp', 'lenet5'] as const)('%s', (model) => {
    const w = run('wasm', model, 6), nat = run('native', model, 6);
    expect(nat.loss).toEqual(w.loss);
    expect(nat.sha).toBe(w.sha);
    // and training did move the weights
    setBackend('native');
    expect(buildModel(presetDesc(model), 7).weightsSha256()).not.toBe(nat.sha);
  });
});
