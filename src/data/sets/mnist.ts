/**
 * `mnist`: the official MNIST (LeCun, Cortes, Burges), four IDX files, 60,000 training and 10,000
 * test images of 28×28 grey digits. Found with --data-dir / RRAMSIM_DATA / ./data/mnist /
 * ../shared/data/mnist (search_path.ts). Normalised with the usual constants (mean 0.1307,
 * std 0.3081; the 60k training images give 0.13066, 0.30811).
 * Checksums: the SHA-256 of each file's IDX content. The four official .gz files' MD5s equal the
 * published ones (the ones torchvision checks): f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…;
 * the SHA-256s were computed from them.
 */
import type { IdxFormat } from '../checksums.js';
import { idxSetFunctions } from '../idx_set.js';
import { DATA_ENV } from '../search_path.js';
import { defineDataset } from './dataset_entry.js';

const FORMAT: IdxFormat = {
  name: 'mnist',
  places: { dirNames: ['mnist'] },
  howToGet:
    'get the four official MNIST files (http://yann.lecun.com/exdb/mnist/ or a mirror such as ' +
    'https://ossci-datasets.s3.amazonaws.com/mnist/), gzipped or not, into one directory and pass it ' +
    `with --data-dir or ${DATA_ENV}`,
  files: {
  'train-images-idx3-ubyte': {
    name: 'train-images-idx3-ubyte',
    bytes: 47040016,
    contentSha256: 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
    contentMd5: '6bbc9ace898e44ae57da46a324031adb',
    gz: [{ origin: 'official', bytes: 9912422, md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873', sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609' }],
  },
  'train-labels-idx1-ubyte': {
    name: 'train-labels-idx1-ubyte',
    bytes: 60008,
    contentSha256: '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
    contentMd5: 'a25bea736e30d166cdddb491f175f624',
    gz: [{ origin: 'official', bytes: 28881, md5: 'd53e105ee54ea40749a09fcbcd1e9432', sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c' }],
  },
  't10k-images-idx3-ubyte': {
    name: 't10k-images-idx3-ubyte',
    bytes: 7840016,
    contentSha256: '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
    contentMd5: '2646ac647ad5339dbf082846283269ea',
    gz: [{ origin: 'official', bytes: 1648877, md5: '9fb629c4189551a2d022fa330f9573f3', sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6' }],
  },
  't10k-labels-idx1-ubyte': {
    name: 't10k-labels-idx1-ubyte',
    bytes: 10008,
    contentSha256: 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
    contentMd5: '27ae3e4e09519cfbb04c329615203637',
    gz: [{ origin: 'official', bytes: 4542, md5: 'ec29112dd5afa0611ce80d1b7f02629c', sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6' }],
  },
  },
};

export const mnist = defineDataset({
  name: 'mnist',
  describe: 'MNIST digits, the official IDX files (60,000 train, 10,000 test, 28x28 grey)',
  shape: [1, 28, 28],
  classes: 10,
  splits: { train: 60000, eval: { name: 'test', n: 10000 } },
  normalisation: { mean: [0.1307], std: [0.3081] },
  checksums: { rule: "SHA-256 of each file's IDX content (after gunzip for .gz files)", files: Object.fromEntries(Object.values(FORMAT.files).map((f) => [f.name, f.contentSha256])) },
  idx: FORMAT,
}, idxSetFunctions);
