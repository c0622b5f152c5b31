/**
 * Rotated-image tasks (rotated MNIST, Lopez-Paz & Ranzato 2017, arXiv 1706.08840): task θ shows
 * every image rotated by the fixed angle θ (degrees, counter-clockwise as displayed, i.e. with
 * row index y growing downwards) about the image centre (c_x, c_y) = ((W−1)/2, (H−1)/2).
 *
 * Inverse mapping with BILINEAR interpolation: output pixel (x, y) reads the source at
 *
 *     u =  cosθ·(x − c_x) − sinθ·(y − c_y) + c_x
 *     v =  sinθ·(x − c_x) + cosθ·(y − c_y) + c_y
 *
 *     out(x, y) = Σ_{a,b ∈ {0,1}} w_a(u)·w_b(v)·src(⌊u⌋+a, ⌊v⌋+b),  w_0(t) = 1 − (t − ⌊t⌋), w_1 = t − ⌊t⌋
 *
 * where a source position outside the image reads `fill` (the data set's normalised background,
 * i.e. the value of pixel 0). For multiples of 90° cosθ and sinθ are set to their exact values
 * (0, ±1), so those rotations are exact pixel permutations (and θ = 0 is the identity). An
 * example is stored NHWC-flat (value of channel c at pixel (x, y) at index (y·W + x)·C + c; the
 * data layer's layout; for C = 1 simply y·W + x); every channel is rotated alike. A task's split
 * shares the source's examples and rotates each example as batches are read (rotatedSplit;
 * src/data/split_rows.ts) with the same per-example arithmetic as rotateSplit (a whole new array).
 */
import type { Split } from '../data/dataset.js';
import { splitValues, type ExampleTransform } from '../data/split_rows.js';

/** (cos θ, sin θ) with exact values at multiples of 90° */
export function rotationCosSin(deg: number): [number, number] {
  const q = deg / 90;
  if (Number.isInteger(q)) {
    const m = ((q % 4) + 4) % 4;
    return [[1, 0], [0, 1], [-1, 0], [0, -1]][m] as [number, number];
  }
  const t = (deg * Math.PI) / 180;
  return [Math.cos(t), Math.sin(t)];
}

/** rotate one image (shape C, H, W; stored NHWC-flat) `src` into `out` (formulas in the file header) */
export function rotateImage(
  src: Float32Array, C: number, H: number, W: number, deg: number, fill: number, out: Float32Array,
): void {
  const [c, s] = rotationCosSin(deg);
  const cx = (W - 1) / 2, cy = (H - 1) / 2;
  for (let ch = 0; ch < C; ch++) {
    const at = (xx: number, yy: number): number =>
      xx < 0 || yy < 0 || xx >= W || yy >= H ? fill : src[(yy * W + xx) * C + ch];
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const dx = x - cx, dy = y - cy;
        const u = c * dx - s * dy + cx;
        const v = s * dx + c * dy + cy;
        const u0 = Math.floor(u), v0 = Math.floor(v);
        const fu = u - u0, fv = v - v0;
        let val = (1 - fu) * (1 - fv) * at(u0, v0);
        if (fu !== 0) val += fu * (1 - fv) * at(u0 + 1, v0);
        if (fv !== 0) val += (1 - fu) * fv * at(u0, v0 + 1);
        if (fu !== 0 && fv !== 0) val += fu * fv * at(u0 + 1, v0 + 1);
        out[(y * W + x) * C + ch] = val;
      }
    }
  }
}

/** a new split with every example rotated by `deg` (labels shared, not copied) */
export function rotateSplit(split: Split, shape: readonly [number, number, number], deg: number, fill: number): Split {
  const [C, H, W] = shape;
  const d = C * H * W;
  if (split.x.length !== split.n * d) {
    throw new RangeError(`rotateSplit: split '${split.name}' has ${split.x.length / split.n} values per example, shape ${shape.join('x')}`);
  }
  const x = new Float32Array(split.x.length);
  const src = splitValues(split);
  for (let e = 0; e < split.n; e++) {
    rotateImage(src.subarray(e * d, (e + 1) * d), C, H, W, deg, fill, x.subarray(e * d, (e + 1) * d));
  }
  return { name: split.name, x, y: split.y, n: split.n };
}

/** the split seen rotated by `deg` (x and labels shared with `split`; each example rotated by rotateImage when read) */
export function rotatedSplit(split: Split, shape: readonly [number, number, number], deg: number, fill: number): Split {
  const [C, H, W] = shape;
  if (split.transform) throw new RangeError(`rotatedSplit: split '${split.name}' already has a transform`);
  if (split.x.length !== split.n * C * H * W) {
    throw new RangeError(`rotatedSplit: split '${split.name}' has ${split.x.length / split.n} values per example, shape ${shape.join('x')}`);
  }
  const transform: ExampleTransform = { apply: (src, out) => rotateImage(src, C, H, W, deg, fill, out) };
  return { name: split.name, x: split.x, ...(split.pixels ? { pixels: split.pixels } : {}), y: split.y, n: split.n, transform };
}
