/**
 * Read stage 'read-noise' (on when the device model reads noisily: device.readSigma > 0 for the
 * default model): every cell read in every forward (training and evaluation: reads are noisy on
 * the chip either way) returns model.readNoise(u, z), z ~ N(0, 1) from stream 'read/<layer>',
 * drawn per cell per forward (shared by all rows of the batch), slots in logical row-major order,
 * cell P before cell N. Default model: u_read = u + σr·z·(u + gMin/Δ), i.e. G·(1 + σr z).
 */
import { stream } from '../../util/rng.js';
import { NormalSource } from '../gaussian.js';
import type { ReadStage, ReadStageEntry } from './read_stage.js';

export const readNoise: ReadStageEntry = {
  name: 'read-noise',
  create(ctx): ReadStage | null {
    const model = ctx.model;
    if (!model.readNoisy) return null;
    const rng = new NormalSource(stream(ctx.seed, `read/${ctx.layer}`));
    return {
      name: 'read-noise',
      readCell: (u) => model.readNoise(u, rng.next()),
    };
  },
};
