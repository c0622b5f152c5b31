/** Synthetic data for trainer tests (helper, not a test file). */
import type { Split } from '../../src/data/dataset.js';
import { stream } from '../../src/util/rng.js';

/**
 * `classes` Gaussian blobs in `dim` dimensions: class c has a random mean μ_c ∈ {−1, +1}^dim and
 * x = μ_c + σ·N(0, I). With σ = 0.5 and dim = 16 the classes are (almost surely) linearly separable.
 */
export function blobs(name: string, n: number, dim: number, classes: number, seed: string, sigma = 0.5): Split {
  const rm = stream(0, 'blobs/means');
  const mu = Array.from({ length: classes }, () => Array.from({ length: dim }, () => (rm.next() < 0.5 ? -1 : 1)));
  const r = stream(0, `blobs/${seed}`);
  const x = new Float32Array(n * dim);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = r.int(classes);
    y[i] = c;
    for (let j = 0; j < dim; j++) x[i * dim + j] = mu[c][j] + sigma * r.normal();
  }
  return { name, x, y, n };
}

/** random MNIST-shaped data (for determinism and shape tests; nothing to learn) */
export function noise(name: string, n: number, size: number, seed: string): Split {
  const r = stream(0, `noise/${seed}`);
  const x = new Float32Array(n * size);
  for (let i = 0; i < x.length; i++) x[i] = r.normal();
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) y[i] = r.int(10);
  return { name, x, y, n };
}
