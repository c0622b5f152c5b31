/**
 * Repeated evaluation under read noise (`eval.repeats` = N > 1, eval_spec.ts): the point's final
 * network (the one its method evaluated) is read N more times on the eval split. Before repeat k
 * (k = 0..N−1) every read path of the network (every crossbar array: base layers, adapters, spare
 * columns) re-keys its read noise to the named stream 'read/<array>/repeat<k>' of the point's seed
 * and restarts its forward counter (src/crossbar/read_path.ts rekeyReadNoise), so repeat k is a pure
 * function of (point, k): the same bits in every rerun, worker and N ≥ k + 1. Without read noise
 * every repeat reads the same cells: a_0 = … = a_{N−1}.
 *
 * Statistics of the accuracies a_0..a_{N−1} (mathjs):
 *   mean  ā = (1/N) Σ a_k
 *   std   s = sqrt(Σ (a_k − ā)² / (N − 1))          (sample std; 0 for N = 1)
 *   all a_k equal (no read noise): ā = a_0 and s = 0 exactly (not a rounding residue of the sum)
 *   q05, q50, q95 = quantileSeq(a, p): linear interpolation between order statistics,
 *         a_(⌊h⌋) + (h − ⌊h⌋)(a_(⌊h⌋+1) − a_(⌊h⌋)), h = p·(N − 1), a_(i) sorted ascending, 0-based
 */
import { mean, quantileSeq, std } from 'mathjs';
import { ReadPath } from '../crossbar/read_path.js';
import type { Split } from '../data/dataset.js';
import type { Network } from '../nn/network.js';
import { evaluate } from '../nn/train.js';
import { networkOps } from './network_ops.js';

export interface EvalRepeats {
  n: number;
  mean: number;
  std: number;
  q05: number;
  q50: number;
  q95: number;
  accuracies: number[];
  /** the stream pattern of repeat k */
  streams: string;
}

/** every read path of the network's crossbar arrays (network_ops.ts), in layer order */
export function networkReadPaths(net: Network): ReadPath[] {
  const out: ReadPath[] = [];
  for (const op of networkOps(net)) {
    for (const v of Object.values(op as unknown as Record<string, unknown>)) if (v instanceof ReadPath && !out.includes(v)) out.push(v);
  }
  return out;
}

/** summary statistics of the accuracies (file comment) */
export function repeatStats(acc: number[]): Omit<EvalRepeats, 'accuracies' | 'streams'> {
  const n = acc.length;
  const q = (p: number) => Number(quantileSeq(acc, p));
  // equal accuracies (no read noise): exactly that value and std 0, not a rounding residue of the sum
  if (acc.every((a) => a === acc[0])) return { n, mean: acc[0], std: 0, q05: acc[0], q50: acc[0], q95: acc[0] };
  return { n, mean: Number(mean(acc)), std: n > 1 ? Number(std(acc)) : 0, q05: q(0.05), q50: q(0.5), q95: q(0.95) };
}

/** N evaluations of `net` on `split`, repeat k with read-noise streams 'read/<array>/repeat<k>' */
export function evalRepeats(net: Network, split: Split, n: number): EvalRepeats {
  const paths = networkReadPaths(net);
  const accuracies: number[] = [];
  for (let k = 0; k < n; k++) {
    for (const p of paths) p.rekeyReadNoise(`${p.layer}/repeat${k}`);
    accuracies.push(evaluate(net, split).accuracy);
  }
  return { ...repeatStats(accuracies), accuracies, streams: 'read/<array>/repeat<k>' };
}
