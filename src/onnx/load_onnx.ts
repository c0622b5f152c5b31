/**
 * `loadOnnxNetwork(path)`: read an ONNX file (read_onnx.ts), convert it (import_onnx.ts) and build
 * the rramsim Network with the imported weights: buildModel(desc) then setWeights(weights), so the
 * network is an ordinary one (mapNetwork, ITT-RNA, LoRA, fat, clone all apply). Inputs are NHWC:
 * an ONNX input x[n, c, h, w] is rramsim's x[((n·H + h)·W + w)·C + c] (see nchwToNhwc).
 * Its UserErrors (the file's path and names in them) print without control characters.
 */
import { basename } from 'node:path';
import { buildModel } from '../nn/model.js';
import type { Network } from '../nn/network.js';
import { sha256Hex } from '../util/hash.js';
import { withPrintableErrors } from '../util/safe_text.js';
import { importOnnxModel, type ImportedModel } from './import_onnx.js';
import { readOnnxFile } from './read_onnx.js';

export interface LoadedOnnx extends ImportedModel {
  readonly net: Network;
  /** SHA-256 of the .onnx file */
  readonly sha256: string;
}

export function loadOnnxNetwork(path: string, seed: number | string = 0): LoadedOnnx {
  return withPrintableErrors(() => {
    const { model, bytes } = readOnnxFile(path);
    const name = basename(path).replace(/\.onnx$/i, '');
    const imp = importOnnxModel(model, path, name);
    const net = buildModel(imp.desc, seed);
    net.setWeights(imp.weights);
    return { ...imp, net, sha256: sha256Hex(bytes) };
  });
}

/** NCHW → NHWC (n images of C×H×W). */
export function nchwToNhwc(x: Float32Array, n: number, C: number, H: number, W: number, out = new Float32Array(x.length)): Float32Array {
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) {
    out[((i * H + h) * W + w) * C + c] = x[((i * C + c) * H + h) * W + w];
  }
  return out;
}
