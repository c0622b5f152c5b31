/**
 * Pixel normalisation for MNIST-like data.
 *
 *   x = (pixel/255 − mean) / std
 *
 * with the training-set mean and standard deviation of pixel/255:
 * - MNIST (and mnist-embedded, so both are on the same scale): mean 0.1307, std 0.3081
 *   (the usual constants; the 60k official training images give 0.13066, 0.30811);
 * - Fashion-MNIST: its own statistics, mean 0.2860, std 0.3530 (60k training images: 0.28604, 0.35302).
 * (CIFAR-10 is normalised per channel: src/data/cifar10.ts.)
 * The values are computed once per pixel value 0..255 in float64 and rounded to float32 (a lookup
 * table), so normalisation is exact to float32 rounding and identical on every machine.
 */
import type { DatasetName } from './dataset.js';

export interface Normalisation {
  readonly mean: number;
  readonly std: number;
}

export const NORMALISATION: Record<Exclude<DatasetName, 'cifar10' | 'cifar10-jpeg'>, Normalisation> = {
  mnist: { mean: 0.1307, std: 0.3081 },
  'mnist-embedded': { mean: 0.1307, std: 0.3081 },
  'fashion-mnist': { mean: 0.286, std: 0.353 },
};

/** 256-entry table: lut[p] = fround((p/255 − mean)/std) */
export function normalisationTable(norm: Normalisation): Float32Array {
  const lut = new Float32Array(256);
  for (let p = 0; p < 256; p++) lut[p] = (p / 255 - norm.mean) / norm.std;
  return lut;
}

/** Normalise 8-bit pixels into a new (or given) Float32Array of the same length. */
export function normalisePixels(pixels: Uint8Array, norm: Normalisation, out?: Float32Array): Float32Array {
  const x = out ?? new Float32Array(pixels.length);
  const lut = normalisationTable(norm);
  for (let i = 0; i < pixels.length; i++) x[i] = lut[pixels[i]];
  return x;
}
