/**
 * Checks before any work starts: the --data-dir exists, and every IDX dataset the points need can
 * be found (src/data/locate.ts; cheap: no file is parsed). A missing dataset is a UserError (exit 2)
 * naming where it looked and how to get it, instead of every point failing one by one.
 */
import { existsSync, statSync } from 'node:fs';
import { locateCifar } from '../../src/data/cifar10.js';
import { locateDataset } from '../../src/data/locate.js';
import type { PointSpec } from '../../src/methods/point.js';
import { UserError } from '../../src/util/errors.js';

export function preflight(points: PointSpec[], dataDir?: string): void {
  if (dataDir !== undefined && !(existsSync(dataDir) && statSync(dataDir).isDirectory())) {
    throw new UserError(`--data-dir: '${dataDir}' is not a directory; give the directory holding the IDX files (e.g. ../shared/data/mnist)`, '--data-dir');
  }
  const names = new Set(points.map((p) => p.dataset));
  for (const n of names) {
    if (n === 'mnist' || n === 'fashion-mnist') locateDataset(n, { dataDir });
    if (n === 'cifar10' || n === 'cifar10-jpeg') locateCifar(n, { dataDir });
  }
}
