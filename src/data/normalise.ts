/**
 * Pixel normalisation of the one-channel (MNIST-like) data sets, as scalars:
 *
 *   x = (pixel/255 − mean) / std
 *
 * with each data set's training-set mean and standard deviation of pixel/255, read from its
 * registry entry at the call (src/data/sets/*.ts: MNIST and mnist-embedded 0.1307, 0.3081; Fashion-MNIST
 * 0.2860, 0.3530). Multi-channel data sets (CIFAR-10) are normalised per channel; the general form
 * is pixel_coding.ts. The values are computed once per pixel value 0..255 in float64 and rounded
 * to float32 (a lookup table), so normalisation is exact to float32 rounding and identical on
 * every machine.
 */
import { normalisationLut } from './pixel_coding.js';
import { datasetEntry } from './sets/registry.js';

export interface ScalarNormalisation {
  readonly mean: number;
  readonly std: number;
}

/** a one-channel data set's normalisation, read from its registry entry at the call */
export function scalarNormalisation(name: string): ScalarNormalisation {
  const e = datasetEntry(name);
  if (!e || e.normalisation.mean.length !== 1) throw new RangeError(`scalarNormalisation: '${name}' is not a registered one-channel data set`);
  return { mean: e.normalisation.mean[0], std: e.normalisation.std[0] };
}

/** 256-entry table: lut[p] = fround((p/255 − mean)/std) */
export function normalisationTable(norm: ScalarNormalisation): Float32Array {
  return normalisationLut({ mean: [norm.mean], std: [norm.std] });
}

/** Normalise 8-bit pixels into a new (or given) Float32Array of the same length. */
export function normalisePixels(pixels: Uint8Array, norm: ScalarNormalisation, out?: Float32Array): Float32Array {
  const x = out ?? new Float32Array(pixels.length);
  const lut = normalisationTable(norm);
  for (let i = 0; i < pixels.length; i++) x[i] = lut[pixels[i]];
  return x;
}
