/**
 * Continual-learning metrics from the accuracy matrix (Chaudhry et al., "Riemannian Walk for
 * Incremental Learning", ECCV 2018, arXiv 1801.10112, §4 (average accuracy, forgetting); backward
 * transfer as in Lopez-Paz & Ranzato, "Gradient Episodic Memory", NeurIPS 2017, arXiv 1706.08840).
 *
 * a[j][i] = accuracy on task i after training task j (j, i = 0..T−1; entries with i > j may be
 * given (zero-shot) but are not used below). With T tasks:
 *
 *     ACC = (1/T) · Σ_{i=0}^{T−1} a[T−1][i]                                 average accuracy
 *     F   = (1/(T−1)) · Σ_{i=0}^{T−2} ( max_{j=i..T−2} a[j][i] − a[T−1][i] )   average forgetting
 *     BWT = (1/(T−1)) · Σ_{i=0}^{T−2} ( a[T−1][i] − a[i][i] )               backward transfer
 *
 * The max in F runs over j < T−1 as in Chaudhry et al.; only j ≥ i are measured after task i was
 * learned, so j ranges over i..T−2 (an entry a[j][i] with j < i is before task i was trained).
 * F and BWT need T ≥ 2 (null for T = 1).
 */

export interface ContinualMetrics {
  /** tasks */
  T: number;
  /** average accuracy after the last task */
  acc: number;
  /** average forgetting (null for T = 1) */
  forgetting: number | null;
  /** backward transfer (null for T = 1) */
  bwt: number | null;
  /** per task i < T−1: max_{j=i..T−2} a[j][i] − a[T−1][i] */
  forgettingPerTask: number[];
}

function check(a: readonly (readonly (number | null)[])[]): number {
  const T = a.length;
  if (T === 0) throw new RangeError('accuracy matrix is empty');
  for (let j = 0; j < T; j++) {
    if (a[j].length !== T) throw new RangeError(`accuracy matrix row ${j} has ${a[j].length} entries, expected ${T}`);
    for (let i = 0; i <= j; i++) {
      const v = a[j][i];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new RangeError(`accuracy matrix a[${j}][${i}] missing or not finite`);
    }
  }
  return T;
}

/** ACC, F and BWT of a T x T accuracy matrix (entries above the diagonal may be null) */
export function continualMetrics(a: readonly (readonly (number | null)[])[]): ContinualMetrics {
  const T = check(a);
  const last = a[T - 1] as number[];
  let acc = 0;
  for (let i = 0; i < T; i++) acc += last[i];
  acc /= T;
  if (T === 1) return { T, acc, forgetting: null, bwt: null, forgettingPerTask: [] };
  const per: number[] = [];
  let bwt = 0;
  for (let i = 0; i < T - 1; i++) {
    let best = -Infinity;
    for (let j = i; j < T - 1; j++) best = Math.max(best, a[j][i] as number);
    per.push(best - last[i]);
    bwt += last[i] - (a[i][i] as number);
  }
  const forgetting = per.reduce((s, v) => s + v, 0) / (T - 1);
  return { T, acc, forgetting, bwt: bwt / (T - 1), forgettingPerTask: per };
}
