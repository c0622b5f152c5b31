/**
 * A tiny learnable stand-in for MNIST shared by the method tests: 10 noisy class prototypes in
 * 4x4 "images" (300 train / 200 heldout examples). `tag` goes into the checksums, which key the
 * cached base network, so each suite can keep its own cache entries.
 */
import type { Dataset, Split } from '../../src/data/dataset.js';
import { stream } from '../../src/util/rng.js';

function synthetic(n: number, name: string, seed: number): Split {
  const proto = stream(1, 'test/proto');
  const P = Array.from({ length: 10 }, () => Array.from({ length: 16 }, () => proto.normal()));
  const r = stream(seed, 'test/data');
  const x = new Float32Array(n * 16), y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    y[i] = c;
    for (let k = 0; k < 16; k++) x[i * 16 + k] = P[c][k] + 0.8 * r.normal();
  }
  return { name, x, y, n };
}

export function syntheticDataset(tag: string): Dataset {
  return {
    name: 'mnist-embedded', shape: [1, 4, 4], classes: 10,
    train: synthetic(300, 'train', 2), eval: synthetic(200, 'heldout', 3),
    source: 'synthetic (test)', checksums: { synthetic: tag },
  };
}
