/** Shared builders for the line-resistance tests: random tiles from named streams, error measures. */
import { stream } from '../../../src/util/rng.js';

export interface RandomTile { G: Float64Array; V: Float64Array }

/**
 * rows × cols conductances uniform in [gLo, gHi] (siemens) and input voltages uniform in [vLo, vHi],
 * all from the stream `stream(seed, name)` (G row-major first, then V).
 */
export function randomTile(
  rows: number, cols: number, name: string,
  opts: { gLo?: number; gHi?: number; vLo?: number; vHi?: number; seed?: number } = {},
): RandomTile {
  const { gLo = 1e-6, gHi = 1e-4, vLo = 0.05, vHi = 0.3, seed = 1 } = opts;
  const rng = stream(seed, name);
  const G = new Float64Array(rows * cols);
  for (let k = 0; k < G.length; k++) G[k] = gLo + (gHi - gLo) * rng.next();
  const V = new Float64Array(rows);
  for (let i = 0; i < rows; i++) V[i] = vLo + (vHi - vLo) * rng.next();
  return { G, V };
}

/** max_j |x_j − y_j| / |y_j| */
export function maxRelError(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let j = 0; j < y.length; j++) m = Math.max(m, Math.abs(x[j] - y[j]) / Math.abs(y[j]));
  return m;
}
