/**
 * Read stage 'dac' (on when crossbar.dacBits > 0): the word-line inputs go through a symmetric
 * uniform quantiser of dacBits bits over [−R, R], R = the DAC range (opts.dacRange, default
 * max |x| of the forward's inputs); converters.ts has the formula.
 */
import { maxAbs, quantiseSymmetric } from '../converters.js';
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const dac: ReadStageEntry = {
  name: 'dac',
  create(ctx): ReadStage | null {
    const bits = ctx.crossbar.dacBits, range = ctx.dacRange;
    if (!(bits > 0)) return null;
    return {
      name: 'dac',
      inputs: (x, len) => quantiseSymmetric(x, len, bits, range ?? maxAbs(x, len)),
    };
  },
};
