/**
 * Central finite-difference gradient checks for float32 layers (test helper, not a test file).
 *
 * The scalar checked is L(x, θ) = Σ_k r_k · y_k with a fixed random projection r, evaluated in
 * float64 from the layer's float32 output y. Then ∂L/∂y = r, so `backward(r)` must return ∂L/∂x
 * and accumulate ∂L/∂θ. Numerical estimate: (L(v + ε) − L(v − ε)) / 2ε per element.
 *
 * Tolerance: the layers checked here are piecewise linear in each input (Dense, Conv2d, pools,
 * ReLU, Flatten), so the central difference is exact in exact arithmetic as long as no kink
 * (ReLU at 0, a max-pool tie) lies within ±ε: test inputs keep a margin > 2ε from every kink.
 * What remains is float32 rounding of y: |δL| ≲ Σ|r_k|·|y_k|·2⁻²³ ≈ 1e-5 for the sizes used, so
 * the estimate is off by ≲ 1e-5 / 2ε ≈ 1e-3 with ε = 2⁻⁸. We accept |num − ana| ≤ 2e-3 + 1e-3·|ana|.
 * ε is a power of two so v ± ε is exact in float32 for |v| < 2¹⁴·ε.
 */
import { expect } from 'vitest';
import type { Layer } from '../../src/nn/layer.js';
import { stream } from '../../src/util/rng.js';

export const EPS = 2 ** -8;

export function uniform(n: number, seed: string, lo = -1, hi = 1): Float32Array {
  const r = stream(0, seed);
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r.next();
  return a;
}

function project(y: Float32Array, r: Float64Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += r[i] * y[i];
  return s;
}

/** pick up to `max` indices of 0..n-1 (all if n <= max), deterministically */
export function sampleIdx(n: number, max: number, seed: string): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  const r = stream(0, seed);
  const s = new Set<number>();
  while (s.size < max) s.add(r.int(n));
  return [...s].sort((a, b) => a - b);
}

export function expectClose(num: number, ana: number, what: string, abs = 2e-3, rel = 1e-3): void {
  const err = Math.abs(num - ana);
  if (err > abs + rel * Math.abs(ana)) {
    expect.fail(`${what}: finite difference ${num} vs analytic ${ana} (|diff| ${err})`);
  }
}

/** check ∂L/∂x and every param's ∂L/∂θ of `layer` on input x (n samples) */
export function checkLayer(layer: Layer, x: Float32Array, n: number, opts: { maxChecks?: number; eps?: number } = {}): number {
  const eps = opts.eps ?? EPS;
  const max = opts.maxChecks ?? 200;
  const outLen = layer.forward(x, n, true).length;
  const r64 = new Float64Array(outLen);
  const rs = stream(0, `proj/${layer.name}`);
  for (let i = 0; i < outLen; i++) r64[i] = 2 * rs.next() - 1;
  const r32 = Float32Array.from(r64);
  // analytic
  for (const p of layer.params()) p.grad.fill(0);
  layer.forward(x, n, true);
  const dx = Float64Array.from(layer.backward(r32, n, true)!);
  const grads = layer.params().map((p) => Float64Array.from(p.grad));
  const L = () => project(layer.forward(x, n, true), r64);
  let checks = 0;
  for (const i of sampleIdx(x.length, max, `idx/x/${layer.name}`)) {
    const v = x[i];
    x[i] = v + eps; const lp = L();
    x[i] = v - eps; const lm = L();
    x[i] = v;
    expectClose((lp - lm) / (2 * eps), dx[i], `${layer.name} dx[${i}]`);
    checks++;
  }
  layer.params().forEach((p, k) => {
    for (const i of sampleIdx(p.value.length, max, `idx/${p.name}`)) {
      const v = p.value[i];
      p.value[i] = v + eps; const lp = L();
      p.value[i] = v - eps; const lm = L();
      p.value[i] = v;
      expectClose((lp - lm) / (2 * eps), grads[k][i], `${p.name}[${i}]`);
      checks++;
    }
  });
  return checks;
}
