/**
 * Read stage 'read-noise' (on when the device model reads noisily: device.readSigma > 0 for the
 * default model): every cell read in every forward (training and evaluation: reads are noisy on
 * the chip either way) returns model.readNoise(u, z), z ~ N(0, 1) from stream 'read/<layer>',
 * drawn per cell per forward (shared by all rows of the batch), slots in logical row-major order,
 * cell P before cell N. Default model: u_read = u + σr·z·(u + gMin/Δ), i.e. G·(1 + σr z).
 * This is `device.readNoiseModel` 'per-cell' (a point without the key; configs default to 'per-output'): per-batch weight
 * noise. 'per-output' (read_noise_output.ts) draws the same per-read distribution per sample on
 * the outputs, at the cost of one extra GEMM.
 */
import { stream } from '../../util/rng.js';
import type { DeviceModel } from '../device_model.js';
import { NormalSource } from '../gaussian.js';
import { createOutputReadNoise } from './read_noise_output.js';
import type { ReadStage, ReadStageEntry } from './read_stage.js';

class ReadNoiseStage implements ReadStage {
  readonly name = 'read-noise';
  constructor(private readonly model: DeviceModel, private readonly rng: NormalSource) {}
  readCell(u: number): number {
    return this.model.readNoise(u, this.rng.next());
  }
}

export const readNoise: ReadStageEntry = {
  name: 'read-noise',
  create(ctx): ReadStage | null {
    if (!ctx.model.readNoisy) return null;
    if (ctx.model.spec.readNoiseModel === 'per-output') return createOutputReadNoise(ctx);
    return new ReadNoiseStage(ctx.model, new NormalSource(stream(ctx.seed, `read/${ctx.layer}`)));
  },
};
