/**
 * Learning-rate schedules (`train.schedule`, `retrain.schedule`), applied by the trainer before
 * every optimiser step. η = the spec's lr, k = epoch (0-based), t = step over the whole run
 * (0-based), S = steps per epoch, K = epochs of this train() call, T = K·S:
 *
 *   constant (default; absent from the spec and the point hash):   η_t = η
 *   step     { every: n, gamma: γ }:                                 η_t = η · γ^⌊k / n⌋
 *            (PyTorch StepLR(step_size = n, gamma = γ), stepped once per epoch)
 *   cosine   { warmup?: W epochs (0; may be fractional), final?: f (0) }, per step,
 *            W_s = round(W·S) warm-up steps:
 *              t < W_s:   η_t = η · (t + 1) / W_s                        (linear warm-up)
 *              t ≥ W_s:   η_t = η_min + ½ (η − η_min) (1 + cos(π (t − W_s) / (T − W_s))),
 *                         η_min = f·η                                     (cosine annealing,
 *            SGDR without restarts, Loshchilov & Hutter 2017: η_t runs from η at t = W_s
 *            towards η_min at t = T)
 *
 * The schedule spans one train() call (its K epochs); ITT-RNA stages and retraining are separate
 * calls, each with its own schedule from `retrain`. Bounds (the config checks the same schema):
 * every an integer in [1, 1000], gamma in (0, 1], warmup a number in [0, 1000] (epochs), final in [0, 1].
 */
import { z } from 'zod';
import { UserError } from '../util/errors.js';

export type ScheduleSpec =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; warmup?: number; final?: number };

export const SCHEDULE_KINDS = ['constant', 'step', 'cosine'] as const;

export const SCHEDULE_SCHEMA = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('constant') }),
  z.strictObject({ kind: z.literal('step'), every: z.number().int().gte(1).lte(1000), gamma: z.number().gt(0).lte(1) }),
  z.strictObject({ kind: z.literal('cosine'), warmup: z.number().gte(0).lte(1000).optional(), final: z.number().gte(0).lte(1).optional() }),
]);

export const SCHEDULE_ALLOWED =
  '{"kind": "constant"}, {"kind": "step", "every": integer in [1, 1000] epochs, "gamma": number in (0, 1]} or ' +
  '{"kind": "cosine", "warmup"?: number in [0, 1000] epochs, "final"?: number in [0, 1] (η_min / η)}';

/** Run-time check (the same schema as the config): UserError naming `<path>.schedule…`. */
export function checkSchedule(s: unknown, path: string): void {
  if (s === undefined) return;
  const r = SCHEDULE_SCHEMA.safeParse(s);
  if (!r.success) {
    const inner = (r.error.issues[0]?.path ?? []).map(String).join('.');
    const at = inner ? `${path}.schedule.${inner}` : `${path}.schedule`;
    throw new UserError(`${at}: got ${JSON.stringify(s)}; allowed: ${SCHEDULE_ALLOWED}`, at);
  }
}

/** Is this the default (constant) schedule? Then the spec carries no `schedule` (hashes unchanged). */
export function isConstantSchedule(s: ScheduleSpec | undefined): boolean {
  return s === undefined || s.kind === 'constant';
}

/**
 * η as a function of (epoch k, step s within the epoch), for `epochs` epochs of `stepsPerEpoch`
 * steps; null for the constant schedule (the trainer then never touches the optimiser's lr).
 */
export function lrSchedule(s: ScheduleSpec | undefined, lr: number, epochs: number, stepsPerEpoch: number): ((k: number, s: number) => number) | null {
  if (s === undefined || s.kind === 'constant') return null;
  if (s.kind === 'step') {
    const { every, gamma } = s;
    return (k) => lr * Math.pow(gamma, Math.floor(k / every));
  }
  const warm = Math.round((s.warmup ?? 0) * stepsPerEpoch);
  const total = epochs * stepsPerEpoch;
  const min = (s.final ?? 0) * lr;
  return (k, st) => {
    const t = k * stepsPerEpoch + st;
    if (t < warm) return (lr * (t + 1)) / warm;
    return min + 0.5 * (lr - min) * (1 + Math.cos((Math.PI * (t - warm)) / (total - warm)));
  };
}
