/**
 * `bright-dark` (test only): a made-up data set in the registry's shape, the worked example of
 * docs/DESIGN.md "How to add a data set". 4×4 grey 8-bit images made in code (no files): class 1
 * images are bright (pixels 128..255), class 0 dark (0..127), each pixel one draw of the named
 * stream `bright-dark/<split>`; normalised with mean 0.5, std 0.25 like any image data set, so
 * the model sees (p/255 − 0.5)/0.25. Its own kind: open / preflight / check written here.
 */
import type { Dataset, DatasetName, Split } from '../../src/data/dataset.js';
import { pixelCoding } from '../../src/data/pixel_coding.js';
import { defineDataset } from '../../src/data/sets/dataset_entry.js';
import { stream } from '../../src/util/rng.js';

const NORMALISATION = { mean: [0.5], std: [0.25] };
const SIDE = 4;

function makeSplit(name: string, n: number): Split {
  const r = stream(0, `bright-dark/${name}`);
  const x = new Uint8Array(n * SIDE * SIDE), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % 2;
    for (let k = 0; k < SIDE * SIDE; k++) x[i * SIDE * SIDE + k] = y[i] * 128 + r.int(128);
  }
  return { name, x, pixels: pixelCoding(NORMALISATION), y, n };
}

export const brightDark = defineDataset({
  name: 'bright-dark',
  describe: 'made-up 4x4 grey images, bright (class 1) or dark (class 0): the registry recipe example',
  shape: [1, SIDE, SIDE],
  classes: 2,
  splits: { train: 512, eval: { name: 'test', n: 128 } },
  normalisation: NORMALISATION,
  checksums: { rule: 'none: made in code from the stream bright-dark/<split>', files: {} },
  open: () => ({
    key: 'bright-dark',
    load: (): Dataset => ({
      name: 'bright-dark' as DatasetName, shape: [1, SIDE, SIDE], classes: 2,
      train: makeSplit('train', 512), eval: makeSplit('test', 128), source: 'made in code', checksums: {},
    }),
  }),
  preflight: () => {},
  check: () => ({ dataset: 'bright-dark', available: true, where: 'made in code', splits: [{ name: 'train', n: 512 }, { name: 'test', n: 128 }], ok: true, files: [] }),
});
