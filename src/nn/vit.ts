/**
 * Vision Transformer descriptions (Dosovitskiy et al. 2021), small enough for this simulator:
 *
 *   image [C, H, W] → patchembed (p×p patches, width D) → [clstoken] → posembed
 *     → L × transformer block (pre-LN: x + MHSA(LN(x)), x + MLP(LN(x)), MLP = fc1 (D → r·D) → GELU → fc2)
 *     → layernorm → tokenpool ('cls' | 'mean') → dense (classes)
 *
 * Tokens T = (H/p)·(W/p) (+1 with a class token). Weight layers (crossbar-mappable), in
 * weightLayers() order: 'patch1', then per block k: 'block<k>.attn.q', '.k', '.v', '.o',
 * 'block<k>.mlp.fc1', 'block<k>.mlp.fc2', then the head 'head'. Everything else (LayerNorm,
 * softmax attention products, GELU, embeddings added, pooling) is digital.
 *
 * With `codes` the image becomes a sequence of token ids (patchcode, patch_code.ts) read by an
 * Embedding 'embed1' (a weight layer: one word line per code) in place of 'patch1'.
 *
 * Presets (src/nn/presets/vit.ts: 'vit-mnist', 'vit-cifar', 'vit-codes'): `vitMnistDesc()` 7×7 patches on 28×28 (16 tokens), width 64, 2 blocks, 4 heads, MLP 128;
 * `vitCifarDesc()` 4×4 patches on 32×32×3 (64 tokens), width 64, 4 blocks, 4 heads, MLP 128.
 */
import type { LayerSpec, ModelDesc } from './model.js';
import type { TokenPoolMode } from './token_pool.js';

export interface VitOptions {
  name?: string;
  /** [C, H, W] */
  input: [number, number, number];
  patch: number;
  dim: number;
  depth: number;
  heads: number;
  /** MLP hidden width = mlpRatio·dim (rounded) */
  mlpRatio: number;
  classes: number;
  /** 'cls' (class token, read at the end) or 'mean' (mean over tokens) */
  pool: TokenPoolMode;
  /**
   * token ids instead of patch vectors: `patchcode {patch, grid, threshold}` (patch_code.ts:
   * each patch → one of 2^(grid²) codes) then `embedding {vocab: 2^(grid²), dim}`, in place of
   * `patchembed` (then `patch` is unused)
   */
  codes?: { patch: number; grid: number; threshold?: number };
}

export function vitDesc(o: VitOptions): ModelDesc {
  const layers: LayerSpec[] = o.codes
    ? [{ type: 'patchcode', patch: o.codes.patch, grid: o.codes.grid, ...(o.codes.threshold !== undefined ? { threshold: o.codes.threshold } : {}) },
      { type: 'embedding', vocab: 2 ** (o.codes.grid * o.codes.grid), dim: o.dim }]
    : [{ type: 'patchembed', patch: o.patch, dim: o.dim }];
  if (o.pool === 'cls') layers.push({ type: 'clstoken' });
  layers.push({ type: 'posembed' });
  for (let k = 0; k < o.depth; k++) layers.push({ type: 'transformer', heads: o.heads, mlpDim: Math.round(o.mlpRatio * o.dim) });
  layers.push({ type: 'layernorm', name: 'norm' }, { type: 'tokenpool', pool: o.pool }, { type: 'dense', out: o.classes, name: 'head' });
  return {
    name: o.name ?? `vit-p${o.patch}-d${o.dim}-L${o.depth}-h${o.heads}`,
    input: o.input,
    layers,
    init: { weights: 'xavier-uniform', bias: 'zero' },
  };
}

/** MNIST / Fashion-MNIST: 7×7 patches → 16 tokens (+ cls), width 64, 2 blocks, 4 heads, MLP 128 */
export function vitMnistDesc(over: Partial<VitOptions> = {}): ModelDesc {
  return vitDesc({ name: 'vit-mnist', input: [1, 28, 28], patch: 7, dim: 64, depth: 2, heads: 4, mlpRatio: 2, classes: 10, pool: 'cls', ...over });
}

/**
 * MNIST / Fashion-MNIST as a sequence task: 4×4 patches, each quantised to one of 16 codes (2×2
 * sub-blocks of 2×2 pixels, bit = sub-block mean > 0 in normalised units, i.e. brighter than the
 * data set's mean pixel) → 49 tokens (+ cls) → Embedding(16, 64) → 2 blocks as vit-mnist
 */
export function vitCodesDesc(over: Partial<VitOptions> = {}): ModelDesc {
  return vitDesc({ name: 'vit-codes', input: [1, 28, 28], patch: 4, dim: 64, depth: 2, heads: 4, mlpRatio: 2, classes: 10, pool: 'cls', codes: { patch: 4, grid: 2 }, ...over });
}

/** CIFAR-10 (NHWC input [32, 32, 3]): 4×4 patches → 64 tokens (+ cls), width 64, 4 blocks, 4 heads, MLP 128 */
export function vitCifarDesc(over: Partial<VitOptions> = {}): ModelDesc {
  return vitDesc({ name: 'vit-cifar', input: [3, 32, 32], patch: 4, dim: 64, depth: 4, heads: 4, mlpRatio: 2, classes: 10, pool: 'cls', ...over });
}
