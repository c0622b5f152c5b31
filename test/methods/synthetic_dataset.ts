/**
 * A tiny learnable stand-in for MNIST shared by the method tests: 10 noisy class prototypes in
 * 4x4 "images" (300 train / 200 heldout examples). `tag` goes into the checksums, which key the
 * cached base network, so each suite can keep its own cache entries.
 */
import type { Dataset, Split } from '../../src/data/dataset.js';
import { stream } from '../../src/util/rng.js';

/**
 * n noisy examples of 10 class prototypes with `pixels` values each: prototypes from
 * stream(protoSeed, 'test/proto<suffix>'), noise 0.8·N(0, 1) from stream(seed, 'test/data<suffix>'),
 * example i of class i mod 10.
 */
export function prototypeSplit(
  n: number, name: string, seed: number, o: { pixels: number; protoSeed: number; suffix: string } = { pixels: 16, protoSeed: 1, suffix: '' },
): Split {
  const { pixels: d } = o;
  const proto = stream(o.protoSeed, `test/proto${o.suffix}`);
  const P = Array.from({ length: 10 }, () => Array.from({ length: d }, () => proto.normal()));
  const r = stream(seed, `test/data${o.suffix}`);
  const x = new Float32Array(n * d), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y[i] = c;
    for (let k = 0; k < d; k++) x[i * d + k] = P[c][k] + 0.8 * r.normal();
  }
  return { name, x, y, n };
}

export function syntheticDataset(tag: string): Dataset {
  return {
    name: 'mnist-embedded', shape: [1, 4, 4], classes: 10,
    train: prototypeSplit(300, 'train', 2), eval: prototypeSplit(200, 'heldout', 3),
    source: 'synthetic (test)', checksums: { synthetic: tag },
  };
}
