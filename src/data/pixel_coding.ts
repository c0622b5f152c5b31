/**
 * 8-bit pixels kept as read, turned into the model's float32 inputs when a batch is read:
 *
 *     value(i) = lut[ch·256 + p_i],   ch = i mod C   (NHWC: the channel is the fastest index)
 *     lut[ch·256 + p] = fround((p/255 − mean_ch) / std_ch)     (computed in float64, rounded once)
 *
 * with the data set's per-channel normalisation (C = 1 for MNIST-like data, 3 for CIFAR-10). The
 * table is the one the loaders used to fill a whole float32 copy of every split, so a decoded
 * batch holds exactly the bits that copy held; the data set itself stays 1 byte per value
 * (CIFAR-10's 60,000 images: 184 MB instead of 737 MB).
 */

/** per-channel statistics of pixel/255 (one entry per channel) */
export interface Normalisation {
  readonly mean: readonly number[];
  readonly std: readonly number[];
}

/** how a split's 8-bit values become floats: the lookup table (channels × 256) and the channel count */
export interface PixelCoding {
  readonly lut: Float32Array;
  readonly channels: number;
}

/** channels × 256 table: lut[ch·256 + p] = fround((p/255 − mean_ch)/std_ch) */
export function normalisationLut(norm: Normalisation): Float32Array {
  const C = norm.mean.length;
  if (norm.std.length !== C || C === 0) throw new RangeError(`normalisation: ${norm.mean.length} means and ${norm.std.length} stds`);
  const lut = new Float32Array(C * 256);
  for (let ch = 0; ch < C; ch++) {
    for (let p = 0; p < 256; p++) lut[ch * 256 + p] = (p / 255 - norm.mean[ch]) / norm.std[ch];
  }
  return lut;
}

export function pixelCoding(norm: Normalisation): PixelCoding {
  return { lut: normalisationLut(norm), channels: norm.mean.length };
}

/**
 * out[at + k] = value of src[from + k] for k < len; `from` must be the start of a pixel (a
 * multiple of C), so the channel of src[from + k] is k mod C.
 */
export function decodePixels(src: Uint8Array, from: number, len: number, coding: PixelCoding, out: Float32Array, at: number): void {
  const { lut, channels: C } = coding;
  if (C === 1) {
    for (let k = 0; k < len; k++) out[at + k] = lut[src[from + k]];
    return;
  }
  if (C === 3) {
    for (let k = 0; k < len; k += 3) {
      out[at + k] = lut[src[from + k]];
      out[at + k + 1] = lut[256 + src[from + k + 1]];
      out[at + k + 2] = lut[512 + src[from + k + 2]];
    }
    return;
  }
  for (let k = 0; k < len; k++) out[at + k] = lut[(k % C) * 256 + src[from + k]];
}
