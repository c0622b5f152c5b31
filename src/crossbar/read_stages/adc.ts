/**
 * Read stage 'adc' (on when crossbar.adcBits > 0): each tile's partial sums go through a
 * symmetric uniform quantiser of adcBits bits over [−R, R], R = the ADC range in the weight
 * domain (opts.adcRange, default max |partial sum| of that tile in the forward); converters.ts.
 */
import { maxAbs, quantiseSymmetric } from '../converters.js';
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const adc: ReadStageEntry = {
  name: 'adc',
  create(ctx): ReadStage | null {
    const bits = ctx.crossbar.adcBits, range = ctx.adcRange;
    if (!(bits > 0)) return null;
    return {
      name: 'adc',
      partials: (p, len) => quantiseSymmetric(p, len, bits, range ?? maxAbs(p, len)),
    };
  },
};
