/**
 * `cifar10`: the official CIFAR-10 binary release (Krizhevsky 2009, `cifar-10-batches-bin`),
 * supplied by the user: --data-dir / RRAMSIM_DATA / ./data/cifar10 or ./data/cifar-10-batches-bin /
 * ../shared/data/… (search_path.ts). Only the MD5 of the archive cifar-10-binary.tar.gz is
 * published (c32a1d4ab5d03f1284b67883e8d87530); the per-file checksums of the extracted .bin files
 * are unknown to rramsim, so the files are verified by structure and size only (every file exactly
 * 10,000 records, labels < 10, 5,000 training and 1,000 test images per class), and a directory
 * holding another registered CIFAR format's content (cifar10-jpeg) is refused.
 */
import { CIFAR_NORMALISATION, type CifarFormat } from '../cifar10.js';
import { cifarSetFunctions } from '../cifar_set.js';
import { DATA_ENV } from '../search_path.js';
import { defineDataset } from './dataset_entry.js';

/** published MD5 of the official archive (the only official checksum known) */
export const CIFAR10_OFFICIAL_TAR_MD5 = 'c32a1d4ab5d03f1284b67883e8d87530';

const FORMAT: CifarFormat = {
  name: 'cifar10',
  title: 'the official CIFAR-10',
  places: { dirNames: ['cifar10', 'cifar-10-batches-bin'] },
  howToGet:
    `extract the official cifar-10-binary.tar.gz (https://www.cs.toronto.edu/~kriz/cifar.html, md5 ${CIFAR10_OFFICIAL_TAR_MD5}) ` +
    `and pass the directory cifar-10-batches-bin (or its parent) with --data-dir or ${DATA_ENV}`,
};

export const cifar10 = defineDataset({
  name: 'cifar10',
  describe: 'CIFAR-10, the official binary release supplied by the user (50,000 train, 10,000 test, 32x32 RGB)',
  shape: [3, 32, 32],
  classes: 10,
  splits: { train: 50000, eval: { name: 'test', n: 10000 } },
  normalisation: CIFAR_NORMALISATION,
  checksums: { rule: `none per file is published (archive md5 ${CIFAR10_OFFICIAL_TAR_MD5}): structure, sizes and class balance are checked`, files: {} },
  cifar: FORMAT,
}, cifarSetFunctions);
