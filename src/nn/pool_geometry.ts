/**
 * Shared geometry of the 2-D pooling layers (NHWC, no padding):
 *   OH = ⌊(H − k)/s⌋ + 1,  OW = ⌊(W − k)/s⌋ + 1,
 *   output (oy, ox) reads the window iy ∈ [oy·s, oy·s + k), ix ∈ [ox·s, ox·s + k).
 */
import type { Shape } from './layer.js';

export interface PoolGeometry {
  H: number; W: number; C: number;
  k: number; s: number;
  OH: number; OW: number;
}

export function poolGeometry(name: string, inShape: Shape, kernel: number, stride?: number): PoolGeometry {
  if (inShape.length !== 3) throw new Error(`${name}: pooling needs an [H, W, C] input, got [${inShape.join(', ')}]`);
  const [H, W, C] = inShape as [number, number, number];
  const s = stride ?? kernel;
  if (!(kernel >= 1 && s >= 1 && kernel <= H && kernel <= W)) {
    throw new Error(`${name}: pooling kernel ${kernel} stride ${s} does not fit input ${H}x${W}`);
  }
  return { H, W, C, k: kernel, s, OH: Math.floor((H - kernel) / s) + 1, OW: Math.floor((W - kernel) / s) + 1 };
}
