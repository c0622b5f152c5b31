/**
 * The ReLU fused into the layer before it (src/nn/relu_fusion.ts) against the separate layers:
 *   BatchNorm → ReLU: forward r(BN(x)), r(v) = v > 0 ? v : 0, and backward (dx, ∂γ, ∂β with dy
 *     masked by r's derivative) on 'native' with the fusion, bit for bit equal to the unfused
 *     layers on 'ts' (the layers' TypeScript loops: the independent reference), in training and
 *     inference mode, with 1 and 2 kernel threads; channels where γ = 0, β = −0 give exact ±0
 *     outputs, the edge of the mask;
 *   residual block → ReLU: y = r(F(x) + S(x)) and the block's input gradient, the same way;
 *   the fused forward really ran (the ReLU returns its producer's buffer), so the comparison
 *   cannot pass by running the unfused path twice.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { availableBackends, getBackend, setBackend } from '../../src/kernels/gemm.js';
import { setKernelThreads } from '../../src/kernels/threads.js';
import { BatchNorm } from '../../src/nn/batch_norm.js';
import type { Layer } from '../../src/nn/layer.js';
import { ReLU } from '../../src/nn/relu.js';
import { linkReluFusion } from '../../src/nn/relu_fusion.js';
import { ResidualBlock } from '../../src/nn/residual_block.js';
import { stream } from '../../src/util/rng.js';

const hasNative = availableBackends().includes('native');
const initial = getBackend();
afterAll(() => { setBackend(initial); if (hasNative) setKernelThreads(1); });

function rand(n: number, name: string): Float32Array {
  const r = stream(11, `test/relu_fusion/${name}`);
  return new Float32Array(n).map(() => r.normal());
}

function bits(a: Float32Array): Uint32Array {
  return new Uint32Array(Float32Array.from(a).buffer);
}

/** [BatchNorm, ReLU] on [H, W, C] images with fixed γ, β (channel 0: γ = 0, β = −0) */
function bnRelu(H: number, W: number, C: number): Layer[] {
  const bn = new BatchNorm('bn', [H, W, C]);
  const g = rand(C, 'gamma'), b = rand(C, 'beta');
  g[0] = 0; b[0] = -0;
  bn.gamma.value.set(g);
  bn.beta.value.set(b);
  return [bn, new ReLU('relu', [H, W, C])];
}

function run(chain: Layer[], x: Float32Array, dy: Float32Array, n: number, training: boolean) {
  let a = x;
  const outs: Float32Array[] = [];
  for (const l of chain) { a = l.forward(a, n, training); outs.push(a); }
  const y = Float32Array.from(a);
  let g: Float32Array | null = dy;
  for (let i = chain.length - 1; i >= 0; i--) g = chain[i].backward(g!, n, true);
  const grads = chain.flatMap((l) => l.params().map((p) => Float32Array.from(p.grad)));
  return { y, dx: Float32Array.from(g!), grads, fusedBuffer: outs[outs.length - 1] === outs[outs.length - 2] };
}

describe.skipIf(!hasNative)('ReLU fused into BatchNorm and into the residual sum (native) = the separate layers (ts)', () => {
  it.each([[1, true], [2, true], [1, false], [2, false]] as const)('BatchNorm → ReLU, %i thread(s), training %s', (threads, training) => {
    for (const [n, H, W, C] of [[4, 8, 8, 16], [3, 5, 7, 20], [2, 4, 4, 64]]) {
      const len = n * H * W * C;
      const x = rand(len, `x${C}`), dy = rand(len, `dy${C}`);
      setBackend('ts');
      const ref = run(bnRelu(H, W, C), x, dy, n, training);
      setBackend('native');
      setKernelThreads(threads);
      const fused = bnRelu(H, W, C);
      linkReluFusion(fused);
      const got = run(fused, x, dy, n, training);
      setKernelThreads(1);
      expect(got.fusedBuffer).toBe(true);
      expect(ref.fusedBuffer).toBe(false);
      // the forward: r of the unfused BatchNorm output, per element
      expect(bits(got.y)).toEqual(bits(ref.y));
      expect(got.y.every((v) => v >= 0 && !Object.is(v, -0))).toBe(true);
      expect(got.y.some((v) => v === 0)).toBe(true);
      expect(bits(got.dx)).toEqual(bits(ref.dx));
      expect(got.grads.map(bits)).toEqual(ref.grads.map(bits));
    }
  });

  it.each([1, 2])('residual block (body BatchNorm, identity shortcut) → ReLU, %i thread(s)', (threads) => {
    const n = 3, H = 6, W = 6, C = 16, len = n * H * W * C;
    const make = () => {
      const [bn] = bnRelu(H, W, C);
      return [new ResidualBlock('block', [H, W, C], [bn], []), new ReLU('relu', [H, W, C])];
    };
    const x = rand(len, 'rx'), dy = rand(len, 'rdy');
    setBackend('ts');
    const ref = run(make(), x, dy, n, true);
    setBackend('native');
    setKernelThreads(threads);
    const fused = make();
    linkReluFusion(fused);
    const got = run(fused, x, dy, n, true);
    setKernelThreads(1);
    expect(got.fusedBuffer).toBe(true);
    expect(bits(got.y)).toEqual(bits(ref.y));
    // both sides of the mask are exercised
    expect(got.y.some((v) => v === 0) && got.y.some((v) => v > 0)).toBe(true);
    expect(bits(got.dx)).toEqual(bits(ref.dx));
    expect(got.grads.map(bits)).toEqual(ref.grads.map(bits));
  });
});
