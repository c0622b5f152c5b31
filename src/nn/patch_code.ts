/**
 * Patch codes: quantise an image into a sequence of token ids from a small vocabulary, so that a
 * transformer with an `Embedding` (embedding.ts) can read images as a sequence task.
 *
 * NHWC image [H, W, C] (normalised values), patch p, grid g (g | p), threshold τ:
 *   token t = py·(W/p) + px (row-major over the patch grid),  T = (H/p)·(W/p)
 *   each p×p patch is cut into g×g sub-blocks of s×s pixels (s = p/g); sub-block j = (sy·g + sx):
 *     m_j = (1 / (s²·C)) Σ_{ky, kx < s, c} x[py·p + sy·s + ky, px·p + sx·s + kx, c]
 *     bit_j = 1 if m_j > τ else 0
 *   id_t = Σ_j bit_j · 2^j              (vocabulary V = 2^(g²); g = 2 → 16 codes)
 *
 * So the id says which of the g×g sub-blocks of the patch hold ink above τ (in normalised units:
 * τ = 0 = brighter than the data set's mean pixel). Output: ids as floats [T] (exact integers),
 * the input an `Embedding { vocab: 2^(g²) }` expects. Digital, not differentiable: backward returns
 * null (it must be the first layer). No parameters. Sums in float64 in the order above.
 */
import { BatchBuffer } from './batch_buffer.js';
import type { Layer, Shape } from './layer.js';
import type { Param } from './param.js';

export class PatchCode implements Layer {
  readonly kind = 'patchcode';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly patch: number;
  readonly grid: number;
  readonly threshold: number;
  /** V = 2^(grid²) */
  readonly vocab: number;
  readonly tokens: number;
  private readonly yb: BatchBuffer;

  /** inShape [H, W, C]; grid divides patch, patch divides H and W, grid² <= 16 */
  constructor(readonly name: string, inShape: Shape, patch: number, grid: number, threshold = 0) {
    if (inShape.length !== 3) throw new Error(`${name}: patch codes need an [H, W, C] image, got [${inShape.join(', ')}]`);
    const [H, W] = inShape;
    if (!Number.isInteger(patch) || patch < 1 || H % patch !== 0 || W % patch !== 0) throw new Error(`${name}: patch ${patch} must divide the image size ${H}x${W}`);
    if (!Number.isInteger(grid) || grid < 1 || patch % grid !== 0 || grid * grid > 16) throw new Error(`${name}: grid ${grid} must divide the patch ${patch} and have grid² <= 16 (vocabulary <= 65536)`);
    this.inShape = [...inShape];
    this.patch = patch; this.grid = grid; this.threshold = threshold;
    this.vocab = 2 ** (grid * grid);
    this.tokens = (H / patch) * (W / patch);
    this.outShape = [this.tokens];
    this.yb = new BatchBuffer(this.tokens);
  }

  forward(x: Float32Array, n: number): Float32Array {
    const [H, W, C] = this.inShape as [number, number, number];
    const { patch: p, grid: g, threshold: tau } = this;
    const s = p / g, gw = W / p, T = this.tokens, inv = 1 / (s * s * C);
    const y = this.yb.view(n);
    for (let b = 0; b < n; b++) {
      const img = b * H * W * C;
      for (let t = 0; t < T; t++) {
        const py = Math.floor(t / gw), px = t % gw;
        let id = 0;
        for (let sy = 0; sy < g; sy++) {
          for (let sx = 0; sx < g; sx++) {
            let m = 0;
            for (let ky = 0; ky < s; ky++) {
              const row = img + ((py * p + sy * s + ky) * W + px * p + sx * s) * C;
              for (let k = 0; k < s * C; k++) m += x[row + k];
            }
            if (m * inv > tau) id += 2 ** (sy * g + sx);
          }
        }
        y[b * T + t] = id;
      }
    }
    return y;
  }

  backward(): Float32Array | null {
    return null;
  }

  params(): Param[] {
    return [];
  }
}
