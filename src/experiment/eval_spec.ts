/**
 * EvalSpec: the optional `eval` config section, the ONE place of its fields, defaults and bounds.
 *
 *   repeats   N, evaluations of the deployed network (integer 1..1000; default 1). With N > 1 the
 *             point's final network is read N more times after the method returned, repeat k
 *             (k = 0..N−1) with every read-noise generator re-keyed to the stream
 *             'read/<array>/repeat<k>' and its forward counter restarted (eval_repeats.ts), and
 *             the record holds the N accuracies a_k with their mean, sample std and 5/50/95 %
 *             quantiles. The point's own accuracy (metrics.accuracy) is unchanged.
 *
 * Read by every method but the multi-task ones (mt-*: their accuracy is per task). Absent (or repeats = 1) = one evaluation: not in the point or its hash.
 */
import { type PointFacts, numField, section, type SpecOf, type SECTION } from '../util/spec_field.js';

export const EVAL_SECTION = section({
  repeats: numField({ min: 1, max: 1000, int: true }, 'evaluate the deployed network N times with fresh read-noise draws (streams read/<array>/repeat<k>) and record mean, std, 5/50/95 % quantiles and the N accuracies; 1 = one evaluation (default {default})', {
    optional: true, default: 1, absentIs: 1,
  }),
}, { optional: true, readIf: (p: PointFacts) => !p.reads('multitask'), readIfText: 'the method is not a multi-task method (mt-*)', unread: 'drop', describe: 'repeated evaluation of the deployed network under read noise (absent = one evaluation)' });

/** EvalSpec (derived from EVAL_SECTION) */
export type EvalSpec = SpecOf<typeof EVAL_SECTION>;
