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
 * Presets: `vitMnistDesc()` 7×7 patches on 28×28 (16 tokens), width 64, 2 blocks, 4 heads, MLP 128;
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
}

export function vitDesc(o: VitOptions): ModelDesc {
  const layers: LayerSpec[] = [{ type: 'patchembed', patch: o.patch, dim: o.dim }];
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

/** CIFAR-10 (NHWC input [32, 32, 3]): 4×4 patches → 64 tokens (+ cls), width 64, 4 blocks, 4 heads, MLP 128 */
export function vitCifarDesc(over: Partial<VitOptions> = {}): ModelDesc {
  return vitDesc({ name: 'vit-cifar', input: [3, 32, 32], patch: 4, dim: 64, depth: 4, heads: 4, mlpRatio: 2, classes: 10, pool: 'cls', ...over });
}
