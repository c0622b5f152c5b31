/**
 * Per-batch training augmentation (applied by the trainer, src/nn/train.ts, to training batches
 * only; evaluation never augments).
 *
 * `crop-flip` (the standard CIFAR recipe): for each example of a batch, in batch order, three draws
 * from the epoch's stream: dy = int(2·pad + 1), dx = int(2·pad + 1), flip = (next() < flipP).
 * The image (NHWC, H×W×C) is zero-padded by `pad` pixels on every side ("zero" = a black pixel,
 * i.e. the normalised value `fill[ch]` of pixel 0, as torchvision pads before normalising), a
 * H×W window at (dy, dx) of the padded image is cut out, and then mirrored left–right if flip:
 *
 *   out[r][c][ch] = in[r + dy − pad][c' + dx − pad][ch],  c' = flip ? W−1−c : c
 *                   (fill[ch] where that source pixel is outside the image).
 *
 * dy = dx = pad and no flip is the identity. No allocation per call (one image of scratch is
 * passed in).
 */
import type { Rng } from '../util/rng.js';

export interface Augmentation {
  readonly kind: 'crop-flip';
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  /** padding on each side, pixels */
  readonly pad: number;
  /** probability of a horizontal flip */
  readonly flipP: number;
  /** padding value per channel (normalised black) */
  readonly fill: readonly number[];
}

/** Augment the b images of x (NHWC, in place); `scratch` holds at least one image. */
export function augmentBatch(x: Float32Array, b: number, aug: Augmentation, rng: Rng, scratch: Float32Array): void {
  const { height: H, width: W, channels: C, pad } = aug;
  const d = H * W * C;
  const span = 2 * pad + 1;
  for (let i = 0; i < b; i++) {
    const dy = rng.int(span);
    const dx = rng.int(span);
    const flip = rng.next() < aug.flipP;
    if (dy === pad && dx === pad && !flip) continue;
    const base = i * d;
    for (let k = 0; k < d; k++) scratch[k] = x[base + k];
    for (let r = 0; r < H; r++) {
      const sr = r + dy - pad;
      for (let c = 0; c < W; c++) {
        const sc = (flip ? W - 1 - c : c) + dx - pad;
        const o = base + (r * W + c) * C;
        if (sr < 0 || sr >= H || sc < 0 || sc >= W) {
          for (let ch = 0; ch < C; ch++) x[o + ch] = aug.fill[ch];
        } else {
          const s = (sr * W + sc) * C;
          for (let ch = 0; ch < C; ch++) x[o + ch] = scratch[s + ch];
        }
      }
    }
  }
}

/** Stream name of the augmentation draws of epoch k for a trainer shuffle prefix. */
export function augmentStreamName(shufflePrefix: string, k: number): string {
  return shufflePrefix === 'shuffle' ? `augment/epoch${k}` : `augment/${shufflePrefix}/epoch${k}`;
}
