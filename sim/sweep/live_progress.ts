/**
 * What a running sweep shows while it works: the pool's events (a point started, finished a
 * training epoch, finished) turned into
 *   - one line per running point:
 *       base <key> (<model>/<data set> seed <s>): epoch k/n, N img/s, ETA t        (its base training)
 *       point <hash> (<method>, <varying fields>): <phase> epoch k/n, N img/s, phase ETA t
 *     img/s = images per epoch (cost_model.ts: trainImages for the base, retrainImages for a
 *     method's phase) / seconds since the previous epoch of that phase (or since the point started);
 *     ETA = (n − k) · those seconds;
 *   - the status beside the count of points: what the sweep is doing and the ETA of the rest
 *     (eta.ts: cost-weighted, calibrated on the points finished; "uncalibrated" before the first).
 */
import type { PlannedPoint } from '../../src/config/expand.js';
import { pointCost } from '../../src/experiment/cost_model.js';
import { formatSeconds } from '../../src/experiment/memory_estimate.js';
import { threadsPerPoint } from '../../src/kernels/threads.js';
import { modelLabel } from '../../src/nn/model.js';
import { Eta } from './eta.js';
import type { Progress } from './progress.js';
import { baseKey } from './schedule.js';

export interface LiveOptions {
  /** the points this run will run */
  todo: readonly PlannedPoint[];
  /** base keys of the points already finished (their bases are cached) */
  doneKeys: Iterable<string>;
  workers: number;
  progress: Progress;
  /** a point's label (its varying fields) */
  label: (hash: string) => string;
  /** 'points' (a sweep) or 'bases' (--bases-only: every point is a base training) */
  what?: 'points' | 'bases';
  now?: () => number;
}

interface Running {
  point: PlannedPoint['point'];
  started: number;
  /** per phase: when its previous epoch ended */
  lastEpoch: Map<string, number>;
  base: boolean;
}

export class LiveProgress {
  readonly eta: Eta;
  private running = new Map<string, Running>();
  private byHash: Map<string, PlannedPoint>;
  private finishedHere = 0;
  private timer?: ReturnType<typeof setInterval>;
  private readonly now: () => number;

  constructor(private readonly o: LiveOptions) {
    this.now = o.now ?? (() => Date.now());
    const running = Math.max(1, Math.min(o.workers, o.todo.length));
    this.eta = new Eta(o.todo, o.doneKeys, running, threadsPerPoint(running));
    this.byHash = new Map(o.todo.map((p) => [p.hash, p]));
  }

  /** refresh the status every `seconds` while the sweep runs (the ETA counts down between events) */
  tick(seconds = 5): void {
    this.timer = setInterval(() => this.refresh(), seconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  onStart(p: PlannedPoint): void {
    const t = this.now();
    this.eta.start(p.hash, t);
    this.running.set(p.hash, { point: p.point, started: t, lastEpoch: new Map(), base: this.o.what === 'bases' });
    this.o.progress.point?.(p.hash, `${this.head(p.hash)}: starting`, true);
    this.refresh();
  }

  onEpoch(hash: string, phase: string, epoch: number, epochs: number): void {
    const r = this.running.get(hash);
    if (!r) return;
    const t = this.now();
    if (phase === 'base') {
      r.base = true;
      this.eta.baseEpoch(hash);
    }
    const since = r.lastEpoch.get(phase) ?? r.started;
    r.lastEpoch.set(phase, t);
    const sec = Math.max(1e-3, (t - since) / 1000);
    const c = pointCost(r.point);
    const images = phase === 'base' ? c.trainImages : c.retrainImages;
    const rate = `${images / sec >= 100 ? Math.round(images / sec) : (images / sec).toPrecision(2)} img/s`;
    const left = formatSeconds((epochs - epoch) * sec);
    const text = phase === 'base'
      ? `${this.baseHead(hash)}: epoch ${epoch}/${epochs}, ${rate}, ETA ${epoch >= epochs ? '0 s' : left}`
      : `${this.head(hash)}: ${phase} epoch ${epoch}/${epochs}, ${rate}, phase ETA ${epoch >= epochs ? '0 s' : left}`;
    this.o.progress.point?.(hash, text);
    this.refresh();
  }

  onDone(hash: string, seconds: number, ok: boolean): void {
    this.running.delete(hash);
    this.eta.finish(hash, seconds, ok);
    this.finishedHere++;
    this.o.progress.point?.(hash, undefined);
    this.refresh();
  }

  /** `point <hash> (<method>, <label>)` */
  private head(hash: string): string {
    const p = this.byHash.get(hash);
    if (this.o.what === 'bases' && p) return this.baseHead(hash);
    // the label names the method when it varies; else it is added
    const label = this.o.label(hash), method = p?.point.method ?? '?';
    return `point ${hash} (${label.includes(`method=${method}`) ? label : `method=${method}${label ? ` ${label}` : ''}`})`;
  }

  /** `base <key> (<model>/<data set> seed <s>)` */
  private baseHead(hash: string): string {
    const p = this.byHash.get(hash)!.point;
    return `base ${baseKey(p).slice(0, 8)} (${modelLabel(p.model)}/${p.dataset} seed ${p.seed})`;
  }

  /** the status text (file header) */
  statusText(): string {
    const bases = [...this.running.values()].filter((r) => r.base).length;
    const doing = this.running.size === 0 ? 'waiting'
      : bases > 0 && (this.o.what === 'bases' || bases === this.running.size) ? `training ${bases} base network${bases > 1 ? 's' : ''}`
        : `${this.running.size} running${bases > 0 ? ` (${bases} training a base)` : ''}`;
    const left = this.eta.remaining(this.now());
    const eta = left > 0 ? `ETA ~${formatSeconds(left)}${this.eta.calibrated ? '' : ' (uncalibrated)'}` : 'ETA 0 s';
    return `${doing} | ${eta}`;
  }

  private refresh(): void {
    this.o.progress.status?.(this.statusText());
  }
}
