/**
 * `fashion-mnist`: Fashion-MNIST (Xiao, Rasul, Vollgraf, Zalando), the MNIST layout with 10 classes
 * of clothing. Found with --data-dir / RRAMSIM_DATA / ./data/fashion-mnist /
 * ../shared/data/fashion-mnist, then /usr/share/datasets/fashion-mnist (Debian package
 * `dataset-fashion-mnist`). Normalised with its own statistics, mean 0.2860, std 0.3530 (60k
 * training images: 0.28604, 0.35302).
 * Checksums: the SHA-256 of each file's IDX content. This one rule accepts the official .gz files,
 * re-compressed copies (the Debian package re-gzips the official files, so its .gz bytes differ
 * from the published ones while the content is identical) and the raw files. The published MD5s
 * of the official .gz files (zalandoresearch/fashion-mnist README) are recorded but cannot match
 * the Debian files; the MD5s of the uncompressed official files (f4a8712d…, 9018921c…, 8181f547…,
 * 15d48437…, as listed by several public projects) match the Debian package's decompressed
 * content, which is how the content SHA-256s below were checked.
 */
import type { IdxFormat } from '../checksums.js';
import { idxSetFunctions } from '../idx_set.js';
import { DATA_ENV } from '../search_path.js';
import { defineDataset } from './dataset_entry.js';

const FORMAT: IdxFormat = {
  name: 'fashion-mnist',
  places: { dirNames: ['fashion-mnist'], extraDirs: ['/usr/share/datasets/fashion-mnist'] },
  howToGet:
    'install the Debian package (apt-get install dataset-fashion-mnist, puts them in ' +
    '/usr/share/datasets/fashion-mnist) or get the four files from ' +
    'https://github.com/zalandoresearch/fashion-mnist (data/fashion) into one directory and pass it ' +
    `with --data-dir or ${DATA_ENV}`,
  files: {
  'train-images-idx3-ubyte': {
    name: 'train-images-idx3-ubyte',
    bytes: 47040016,
    contentSha256: 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
    contentMd5: 'f4a8712d7a061bf5bd6d2ca38dc4d50a',
    gz: [
      { origin: 'official', bytes: 26421880, md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d' },
      { origin: 'debian dataset-fashion-mnist 0.0~git20200523.55506a9-1', bytes: 26421856, md5: 'cf8536b0aa1a6ac5fa3f23001093305c', sha256: 'b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7' },
    ],
  },
  'train-labels-idx1-ubyte': {
    name: 'train-labels-idx1-ubyte',
    bytes: 60008,
    contentSha256: 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
    contentMd5: '9018921c3c673c538a1fc5bad174d6f9',
    gz: [
      { origin: 'official', bytes: 29515, md5: '25c81989df183df01b3e8a0aad5dffbe' },
      { origin: 'debian dataset-fashion-mnist 0.0~git20200523.55506a9-1', bytes: 29491, md5: '10bea18fdb374794d4bb42e356e600c9', sha256: '0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056' },
    ],
  },
  't10k-images-idx3-ubyte': {
    name: 't10k-images-idx3-ubyte',
    bytes: 7840016,
    contentSha256: '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
    contentMd5: '8181f5470baa50b63fa0f6fddb340f0a',
    gz: [
      { origin: 'official', bytes: 4422102, md5: 'bef4ecab320f06d8554ea6380940ec79' },
      { origin: 'debian dataset-fashion-mnist 0.0~git20200523.55506a9-1', bytes: 4422079, md5: 'f78720b4224f21cce2f2ccf2d7a94c9a', sha256: 'cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa' },
    ],
  },
  't10k-labels-idx1-ubyte': {
    name: 't10k-labels-idx1-ubyte',
    bytes: 10008,
    contentSha256: '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    contentMd5: '15d484375f8d13e6eb1aabb0c3f46965',
    gz: [
      { origin: 'official', bytes: 5148, md5: 'bb300cfdad3c16e7a12a480ee83cd310' },
      { origin: 'debian dataset-fashion-mnist 0.0~git20200523.55506a9-1', bytes: 5125, md5: '0d30e22e447f3c33dab9ed536400ac01', sha256: '8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05' },
    ],
  },
  },
};

export const fashionMnist = defineDataset({
  name: 'fashion-mnist',
  describe: 'Fashion-MNIST clothing images, IDX files (60,000 train, 10,000 test, 28x28 grey)',
  shape: [1, 28, 28],
  classes: 10,
  splits: { train: 60000, eval: { name: 'test', n: 10000 } },
  normalisation: { mean: [0.286], std: [0.353] },
  checksums: { rule: "SHA-256 of each file's IDX content (after gunzip for .gz files)", files: Object.fromEntries(Object.values(FORMAT.files).map((f) => [f.name, f.contentSha256])) },
  idx: FORMAT,
}, idxSetFunctions);
