/**
 * Learning-rate schedules: η_t for optimiser step t = 0, 1, …, S−1 (S = total steps of the run),
 * base rate η (TrainSpec.lr):
 *
 *   'constant':      η_t = η
 *   'warmup-cosine': linear warm-up over W steps, then cosine decay to η_min at the last step:
 *                      t < W:  η_t = η·(t + 1)/W
 *                      t ≥ W:  η_t = η_min + (η − η_min)·½·(1 + cos(π·(t − W)/max(1, S − 1 − W)))
 *                    (W = warmupSteps, or round(warmupFraction·S) when given as a fraction)
 *   'step':          η_t = η·γ^⌊t / stepSize⌋     (γ = gamma, PyTorch StepLR per step)
 *
 * The trainer sets optimizer.lr = η_t before step t (train.ts, TrainOptions.schedule).
 */
import { UserError } from '../util/errors.js';

export type LrSchedule =
  | { kind: 'constant' }
  | { kind: 'warmup-cosine'; warmupSteps?: number; warmupFraction?: number; minLr?: number }
  | { kind: 'step'; stepSize: number; gamma: number };

/** η_t for step t of `total` with base rate `lr` (formulas in the file comment) */
export function lrAt(s: LrSchedule, lr: number, t: number, total: number): number {
  switch (s.kind) {
    case 'constant': return lr;
    case 'warmup-cosine': {
      const W = s.warmupSteps ?? Math.round((s.warmupFraction ?? 0) * total);
      const minLr = s.minLr ?? 0;
      if (t < W) return lr * (t + 1) / W;
      const span = Math.max(1, total - 1 - W);
      return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, (t - W) / span)));
    }
    case 'step': return lr * s.gamma ** Math.floor(t / s.stepSize);
  }
}

/** check a schedule (UserError naming the field under `path`) */
export function validateSchedule(s: LrSchedule, path = 'schedule'): void {
  const nonNeg = (v: unknown, f: string, int = false) => {
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0 && (!int || Number.isInteger(v)))) {
      throw new UserError(`${path}.${f} must be a${int ? 'n integer' : ' number'} >= 0 (got ${JSON.stringify(v)})`, `${path}.${f}`);
    }
  };
  switch (s.kind) {
    case 'constant': return;
    case 'warmup-cosine':
      nonNeg(s.warmupSteps, 'warmupSteps', true);
      nonNeg(s.minLr, 'minLr');
      nonNeg(s.warmupFraction, 'warmupFraction');
      if ((s.warmupFraction ?? 0) > 1) throw new UserError(`${path}.warmupFraction must be in [0, 1] (got ${s.warmupFraction})`, `${path}.warmupFraction`);
      return;
    case 'step':
      if (!(Number.isInteger(s.stepSize) && s.stepSize >= 1)) throw new UserError(`${path}.stepSize must be an integer >= 1 (got ${JSON.stringify(s.stepSize)})`, `${path}.stepSize`);
      if (!(typeof s.gamma === 'number' && s.gamma > 0 && s.gamma <= 1)) throw new UserError(`${path}.gamma must be a number in (0, 1] (got ${JSON.stringify(s.gamma)})`, `${path}.gamma`);
      return;
    default:
      throw new UserError(`${path}.kind must be one of constant, warmup-cosine, step (got ${JSON.stringify((s as { kind: unknown }).kind)})`, `${path}.kind`);
  }
}
