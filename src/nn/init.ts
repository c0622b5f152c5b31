/**
 * Weight initialisation, drawn from the named stream `stream(seed, 'init/<layer>')`.
 *
 * For a weight matrix rows x cols (rows = fan-in, cols = outputs; a conv kernel has
 * fan_in = kh·kw·C_in and fan_out = kh·kw·C_out, as in PyTorch):
 *
 *   he-uniform     (Kaiming uniform, gain √2 for ReLU):  w ~ U(−b, b),  b = √(6 / fan_in)
 *   he-normal      (Kaiming normal):                     w ~ N(0, σ²),  σ = √(2 / fan_in)
 *   xavier-uniform (Glorot):                             w ~ U(−b, b),  b = √(6 / (fan_in + fan_out))
 *   xavier-normal  (Glorot):                             w ~ N(0, σ²),  σ = √(2 / (fan_in + fan_out))
 *   pytorch        (PyTorch's nn.Linear/nn.Conv2d default, Kaiming uniform with a = √5):
 *                  w ~ U(−b, b),  b = gain·√(3/fan_in), gain = √(2/(1 + a²)) = √(1/3)  ⇒  b = 1/√fan_in
 *
 * Var(w) = 2/fan_in (He), 2/(fan_in + fan_out) (Xavier), 1/(3·fan_in) (pytorch).
 * The mlp and lenet5 presets use 'pytorch' weights and 'uniform' biases, i.e. exactly PyTorch's
 * default initialisation, so that the issue-2 recipe (SGD lr 0.01, momentum 0.9, batch 64) is the
 * same experiment as the PyTorch peer; He/Xavier are one `init` field away in a description.
 *
 * Biases: 'zero' (b = 0, the default) or 'uniform' (PyTorch's default for Linear/Conv2d:
 * b ~ U(−1/√fan_in, 1/√fan_in)).
 *
 * Draw order (fixed, for bit-identical runs): weights in row-major order, then the bias (if
 * 'uniform') from the same stream. Uniform draws use one `next()` each, normal draws one
 * `normal()` (Box–Muller, two `next()`s) each.
 */
import type { Rng } from '../util/rng.js';

export type WeightInit = 'he-uniform' | 'he-normal' | 'xavier-uniform' | 'xavier-normal' | 'pytorch';
export type BiasInit = 'zero' | 'uniform';

export const WEIGHT_INITS: readonly WeightInit[] = ['he-uniform', 'he-normal', 'xavier-uniform', 'xavier-normal', 'pytorch'];
export const BIAS_INITS: readonly BiasInit[] = ['zero', 'uniform'];

/** the standard deviation the scheme targets (uniform: b/√3) */
export function initStd(kind: WeightInit, fanIn: number, fanOut: number): number {
  switch (kind) {
    case 'he-uniform':
    case 'he-normal':
      return Math.sqrt(2 / fanIn);
    case 'xavier-uniform':
    case 'xavier-normal':
      return Math.sqrt(2 / (fanIn + fanOut));
    case 'pytorch':
      return 1 / Math.sqrt(3 * fanIn);
  }
}

export function initWeights(w: Float32Array, kind: WeightInit, fanIn: number, fanOut: number, rng: Rng): void {
  const std = initStd(kind, fanIn, fanOut);
  if (kind === 'he-uniform' || kind === 'xavier-uniform' || kind === 'pytorch') {
    const b = std * Math.sqrt(3);
    for (let i = 0; i < w.length; i++) w[i] = (2 * rng.next() - 1) * b;
  } else {
    for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
  }
}

export function initBias(b: Float32Array, kind: BiasInit, fanIn: number, rng: Rng): void {
  if (kind === 'zero') {
    b.fill(0);
    return;
  }
  const bound = 1 / Math.sqrt(fanIn);
  for (let i = 0; i < b.length; i++) b[i] = (2 * rng.next() - 1) * bound;
}
