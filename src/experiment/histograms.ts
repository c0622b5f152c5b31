/**
 * Weight and conductance histograms of a point's deployed network (`analysis.histograms`), per
 * array, stored compactly as bin edges + counts:
 *
 *   weights   the weights the array realises, W_eff = wMax·t(uP, uN) in logical layout (a digital
 *             layer: its weight values), B_W = 64 equal bins on [−m, m], m = max |w| (m = 1 if all 0);
 *             counts sum to rows·cols
 *   cells     normalised conductance u = (G − gMin)/(gMax − gMin) of every physical cell, B_G = 32
 *             equal bins on [0, 1] (edges also in siemens: G_k = gMin + k/B_G·(gMax − gMin)), split as
 *               gPlus   healthy G⁺ cells (differential) or the healthy offset cells
 *               gMinus  healthy G⁻ cells (differential only)
 *               stuck   stuck cells (at HRS or LRS, measured stuck conductances included)
 *             a value outside [0, 1] counts in the end bin; a cell never programmed (u = NaN) counts
 *             in `unprogrammed`. Σ counts + unprogrammed = slots·cellsPerWeight.
 * Bin b holds x with edges[b] ≤ x < edges[b+1] (the last bin also holds its upper edge).
 */
import { CrossbarMatrixOp } from '../crossbar/crossbar_matrix_op.js';
import { HEALTHY } from '../crossbar/cell_state.js';
import type { Network } from '../nn/network.js';
import { networkOps } from './network_ops.js';

export interface Histogram {
  edges: number[];
  counts: number[];
}

export interface ArrayHistograms {
  array: string;
  weights: Histogram;
  cells?: { edgesSiemens: number[]; gPlus: Histogram; gMinus?: Histogram; stuck: Histogram; unprogrammed: number; cellsPerWeight: number };
}

export const WEIGHT_BINS = 64;
export const CELL_BINS = 32;

/** equal-width histogram of `v` on [lo, hi] with `bins` bins (out-of-range values in the end bins) */
export function histogram(v: ArrayLike<number>, lo: number, hi: number, bins: number, keep: (i: number) => boolean = () => true): Histogram {
  const counts = new Array<number>(bins).fill(0);
  const w = (hi - lo) / bins;
  for (let i = 0; i < v.length; i++) {
    if (!keep(i)) continue;
    const b = Math.floor((v[i] - lo) / w);
    counts[Math.min(bins - 1, Math.max(0, b))]++;
  }
  return { edges: Array.from({ length: bins + 1 }, (_, k) => (k === bins ? hi : lo + k * w)), counts };
}

function weightHistogram(w: Float32Array): Histogram {
  let m = 0;
  for (let i = 0; i < w.length; i++) m = Math.max(m, Math.abs(w[i]));
  return histogram(w, -(m || 1), m || 1, WEIGHT_BINS);
}

function arrayHistograms(op: CrossbarMatrixOp): ArrayHistograms {
  const a = op.array, two = op.mapping.cellsPerWeight === 2;
  const { gMin, gMax } = op.device;
  const edgesSiemens = Array.from({ length: CELL_BINS + 1 }, (_, k) => gMin + (k / CELL_BINS) * (gMax - gMin));
  let unprogrammed = 0;
  for (let s = 0; s < a.slots; s++) {
    if (Number.isNaN(a.uP[s])) unprogrammed++;
    if (two && Number.isNaN(a.uN[s])) unprogrammed++;
  }
  const ok = (u: Float32Array, st: Uint8Array, healthy: boolean) => (s: number) => !Number.isNaN(u[s]) && (st[s] === HEALTHY) === healthy;
  const stuckP = histogram(a.uP, 0, 1, CELL_BINS, ok(a.uP, a.stateP, false));
  if (two) {
    const stuckN = histogram(a.uN, 0, 1, CELL_BINS, ok(a.uN, a.stateN, false));
    stuckN.counts.forEach((c, b) => { stuckP.counts[b] += c; });
  }
  return {
    array: op.layer,
    weights: weightHistogram(op.effectiveWeights()),
    cells: {
      edgesSiemens,
      gPlus: histogram(a.uP, 0, 1, CELL_BINS, ok(a.uP, a.stateP, true)),
      ...(two ? { gMinus: histogram(a.uN, 0, 1, CELL_BINS, ok(a.uN, a.stateN, true)) } : {}),
      stuck: stuckP,
      unprogrammed,
      cellsPerWeight: op.mapping.cellsPerWeight,
    },
  };
}

/** the histograms of every crossbar array of the network, or of its digital weight layers */
export function networkHistograms(net: Network): ArrayHistograms[] {
  const xbars = networkOps(net).filter((op): op is CrossbarMatrixOp => op instanceof CrossbarMatrixOp);
  if (xbars.length > 0) return xbars.map(arrayHistograms);
  return net.weightLayers().map((l) => ({ array: l.name, weights: weightHistogram(l.op.weight.value) }));
}
