/**
 * The sweep's remaining time, weighted by each point's expected cost (src/experiment/cost_model.ts)
 * and calibrated on the points this sweep has finished:
 *
 *   predicted wall-seconds of point i = s_base·B_i·δ_i + s_{m_i}·M_i
 *     B_i, M_i  the cost model's base and method CPU-seconds of the point; δ_i = 1 when the point
 *               trains its base network (the first point of a base group: it reported base epochs,
 *               or it is the first of its group to run here), else 0
 *     s_k       one scale per kind (k = 'base' or the method name): wall-seconds per predicted
 *               CPU-second (absorbs the machine, the load and the kernel threads per point)
 *   calibration: minimise over log s_k
 *     Σ_finished (log t_i − log(s_base·B_i·δ_i + s_{m_i}·M_i))² + PRIOR·Σ_k (log s_k − log g)²
 *     g = Σ_i t_i / Σ_i (B_i·δ_i + M_i): the common scale (dominated by the costly points, which
 *     dominate the remaining time too); a kind with no finished point
 *     takes g, a kind with few points stays near it (the prior), so a first point that trained the
 *     base informs s_base and its method's scale only through their sum. Solved by coordinate
 *     descent (golden-section in log space per kind). Before any point finished: s_k = 1 / t,
 *     t = the kernel threads per point (the cost model's reference rates, uncalibrated).
 *   ETA = the makespan of the rest on `workers` slots: each slot starts with a running point's
 *         max(0, prediction − elapsed) (or 0), then every point not started, in dispatch order, goes
 *         to the least loaded slot with its prediction (with the base of every group nobody has
 *         trained or is training: once, on its first point); ETA = the largest slot load. (A sum /
 *         workers would miss that the last long points run alone.)
 */
import { pointCost, type PointCost } from '../../src/experiment/cost_model.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { baseKey } from './schedule.js';

/** weight of the prior that pulls every kind's scale to the common one */
export const PRIOR = 0.25;

interface Entry {
  point: PointSpec;
  cost: PointCost;
  key: string;
  state: 'todo' | 'running' | 'done';
  started?: number;
  trainsBase: boolean;
}

export interface Sample {
  /** method name (the kind of M) */
  method: string;
  /** predicted base CPU-seconds paid by this point (0 when it did not train its base) */
  base: number;
  /** predicted method CPU-seconds */
  cost: number;
  /** measured wall-seconds */
  seconds: number;
}

/** the per-kind scales fitted to samples (file header): keys 'base', the method names, and '*' = g */
export function calibrate(samples: readonly Sample[]): Map<string, number> {
  const out = new Map<string, number>();
  if (samples.length === 0) return out;
  const g = Math.log(samples.reduce((s, x) => s + x.seconds, 0) / samples.reduce((s, x) => s + x.base + x.cost, 0));
  const kinds = [...new Set(['base', ...samples.map((x) => x.method)])];
  const log = new Map(kinds.map((k) => [k, g]));
  const loss = () => {
    let s = 0;
    for (const x of samples) {
      const pred = Math.exp(log.get('base')!) * x.base + Math.exp(log.get(x.method)!) * x.cost;
      s += (Math.log(x.seconds) - Math.log(pred)) ** 2;
    }
    for (const k of kinds) s += PRIOR * (log.get(k)! - g) ** 2;
    return s;
  };
  for (let round = 0; round < 8; round++) {
    for (const k of kinds) {
      // golden-section search for log s_k in [g − 6, g + 6] (a factor e^6 ≈ 400 either way)
      let a = g - 6, b = g + 6;
      const phi = (Math.sqrt(5) - 1) / 2;
      const f = (v: number) => { log.set(k, v); return loss(); };
      let c = b - phi * (b - a), d = a + phi * (b - a), fc = f(c), fd = f(d);
      for (let i = 0; i < 40; i++) {
        if (fc < fd) { b = d; d = c; fd = fc; c = b - phi * (b - a); fc = f(c); }
        else { a = c; c = d; fc = fd; d = a + phi * (b - a); fd = f(d); }
      }
      log.set(k, (a + b) / 2);
    }
  }
  for (const k of kinds) out.set(k, Math.exp(log.get(k)!));
  out.set('*', Math.exp(g));
  return out;
}

export class Eta {
  private entries = new Map<string, Entry>();
  private samples: Sample[] = [];
  private scales = new Map<string, number>();
  /** base groups trained (a point of theirs finished) or being trained */
  private trained = new Set<string>();
  private training = new Set<string>();

  /**
   * @param todo the points this run will run (hash → point)
   * @param finishedKeys the base keys of points already finished (resume: their bases are cached)
   * @param workers points running at once
   * @param threads kernel threads per point (the uncalibrated scale is 1/threads)
   */
  constructor(todo: readonly { hash: string; point: PointSpec }[], finishedKeys: Iterable<string>, private readonly workers: number, private readonly threads: number) {
    for (const p of todo) this.entries.set(p.hash, { point: p.point, cost: pointCost(p.point), key: baseKey(p.point), state: 'todo', trainsBase: false });
    for (const k of finishedKeys) this.trained.add(k);
  }

  /** the point started (now: ms) */
  start(hash: string, now: number): void {
    const e = this.entries.get(hash);
    if (!e) return;
    e.state = 'running';
    e.started = now;
    if (e.cost.base > 0 && !this.trained.has(e.key) && !this.training.has(e.key)) {
      e.trainsBase = true;
      this.training.add(e.key);
    }
  }

  /** the point reported a training epoch of its base network: it trains the base */
  baseEpoch(hash: string): void {
    const e = this.entries.get(hash);
    if (!e || e.trainsBase) return;
    e.trainsBase = true;
    this.training.add(e.key);
  }

  /** the point finished after `seconds` wall-seconds (failed points count as finished, not as samples) */
  finish(hash: string, seconds: number, ok: boolean): void {
    const e = this.entries.get(hash);
    if (!e) return;
    e.state = 'done';
    this.trained.add(e.key);
    this.training.delete(e.key);
    if (ok && seconds > 0) {
      this.samples.push({ method: e.point.method, base: e.trainsBase ? e.cost.base : 0, cost: e.cost.method, seconds });
      this.scales = calibrate(this.samples);
    }
  }

  /** calibrated yet (at least one point finished here) */
  get calibrated(): boolean {
    return this.samples.length > 0;
  }

  private scale(kind: string): number {
    return this.scales.get(kind) ?? this.scales.get('*') ?? 1 / this.threads;
  }

  /** predicted wall-seconds of a point (with its base when it trains it) */
  predict(hash: string): number {
    const e = this.entries.get(hash);
    if (!e) return 0;
    const withBase = e.state === 'running' ? e.trainsBase : e.cost.base > 0 && !this.trained.has(e.key) && !this.training.has(e.key);
    return (withBase ? this.scale('base') * e.cost.base : 0) + this.scale(e.point.method) * e.cost.method;
  }

  /** remaining wall-seconds of the sweep (file header: the makespan), now in ms */
  remaining(now: number): number {
    const slots: number[] = [];
    const paid = new Set<string>();
    for (const [hash, e] of this.entries) {
      if (e.state === 'running') slots.push(Math.max(0, this.predict(hash) - (now - (e.started ?? now)) / 1000));
    }
    while (slots.length < this.workers) slots.push(0);
    slots.sort((a, b) => a - b);
    for (const e of this.entries.values()) {
      if (e.state !== 'todo') continue;
      let t = this.scale(e.point.method) * e.cost.method;
      if (e.cost.base > 0 && !this.trained.has(e.key) && !this.training.has(e.key) && !paid.has(e.key)) {
        paid.add(e.key);
        t += this.scale('base') * e.cost.base;
      }
      // the least loaded slot takes it (slots kept sorted: insert in place)
      const v = slots.shift()! + t;
      let j = 0;
      while (j < slots.length && slots[j] < v) j++;
      slots.splice(j, 0, v);
    }
    return Math.max(0, ...slots);
  }
}
