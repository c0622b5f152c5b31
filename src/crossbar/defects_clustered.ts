/**
 * Spatially clustered defects (a thinned Gaussian cluster process, per tile):
 *
 * 1. K = clusters.perTile centres c_k, uniform (continuous) over the tile.
 * 2. Intensity of cell (r, c):  λ(r, c) = ε + Σ_k exp(−((r − r_k)² + (c − c_k)²) / (2·ρ²)),
 *    ρ = clusters.radius (cells), ε = 1e-9 a tiny background so every cell can be reached.
 * 3. Thinning to the requested rate: defect probability p(r, c) = min(1, a·λ(r, c)) with the scale a
 *    found by bisection so that Σ p = rate · N (N = cells in the tile). The expected number of
 *    defective cells of every tile is therefore exactly rate·N (for any centres), the same as the
 *    uniform distribution; cells near centres take most of it (capped at 1, the excess spills
 *    outwards as a grows).
 * 4. Each cell is defective with probability p (one draw), then stuck at LRS with probability
 *    lrsShare, else at HRS (second draw, only for defective cells).
 * The per-tile count is a sum of independent Bernoullis with mean rate·N and variance ≤ that of
 * Binomial(N, rate), so binomial intervals remain valid (conservative).
 */
import type { Rng } from '../util/rng.js';
import { HEALTHY, STUCK_HRS, STUCK_LRS } from './cell_state.js';

const EPS = 1e-9;

export function drawClusteredDefects(
  rng: Rng, rate: number, lrsShare: number, perTile: number, radius: number,
  rows: number, cols: number, out: Uint8Array,
): Uint8Array {
  const N = rows * cols;
  const K = perTile;
  const cr = new Float64Array(K), cc = new Float64Array(K);
  for (let k = 0; k < K; k++) { cr[k] = rng.next() * rows; cc[k] = rng.next() * cols; }
  const lam = new Float64Array(N);
  const inv = 1 / (2 * radius * radius);
  let minL = Infinity;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      let s = EPS;
      for (let k = 0; k < K; k++) {
        const dr = r + 0.5 - cr[k], dc = c + 0.5 - cc[k];
        s += Math.exp(-(dr * dr + dc * dc) * inv);
      }
      lam[r * cols + c] = s;
      if (s < minL) minL = s;
    }
  }
  const target = rate * N;
  // bisection for a in [0, 1/minL] (at the upper end every p = 1, Σp = N ≥ target)
  let lo = 0, hi = 1 / minL;
  const sumP = (a: number) => {
    let s = 0;
    for (let i = 0; i < N; i++) { const p = a * lam[i]; s += p < 1 ? p : 1; }
    return s;
  };
  if (rate >= 1) lo = hi;
  else if (rate > 0) {
    for (let it = 0; it < 200 && hi - lo > 1e-15 * hi; it++) {
      const mid = 0.5 * (lo + hi);
      if (sumP(mid) < target) lo = mid; else hi = mid;
    }
  }
  const a = rate <= 0 ? 0 : 0.5 * (lo + hi);
  for (let i = 0; i < N; i++) {
    const p = Math.min(1, a * lam[i]);
    if (rng.next() < p) out[i] = rng.next() < lrsShare ? STUCK_LRS : STUCK_HRS;
    else out[i] = HEALTHY;
  }
  return out;
}
