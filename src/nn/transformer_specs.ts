/**
 * Layer specs of the transformer building blocks for model descriptions (model.ts),
 * their validation (UserError naming the JSON path) and construction (build_layers.ts):
 *
 *   { type: 'patchembed', patch, dim }      NHWC image [H, W, C] → tokens [(H/p)·(W/p), dim]   (weight layer, conv2d)
 *   { type: 'embedding', vocab, dim }       token ids [T] → [T, dim]                            (weight layer, dense on one-hot rows)
 *   { type: 'patchcode', patch, grid, threshold? }  NHWC image → token ids [T], vocab 2^(grid²)  (digital, patch_code.ts)
 *   { type: 'clstoken' }                    [T, D] → [T+1, D], learned token prepended
 *   { type: 'posembed' }                    [T, D] + learned E [T, D]
 *   { type: 'layernorm', eps? }             per token over D
 *   { type: 'gelu' }                        exact erf form
 *   { type: 'attention', heads }            multi-head self-attention, q/k/v/o weight layers
 *   { type: 'tokendense', out }             token-wise Dense [T, D] → [T, out]                  (weight layer)
 *   { type: 'transformer', heads, mlpDim, eps? }  pre-LN block x + MHSA(LN(x)), then + MLP(LN(·))
 *   { type: 'tokenpool', pool: 'cls'|'mean' }     [T, D] → [D]
 *
 * Automatic names (per prefix counter in a chain): 'patch1', 'embed1', 'pcode1', 'cls1', 'pos1', 'ln1',
 * 'gelu1', 'attn1', 'tfc1', 'block1' (transformer; shares the 'block' counter with residual
 * blocks), 'tpool1'.
 */
import { UserError } from '../util/errors.js';
import { ClassToken } from './class_token.js';
import { Embedding } from './embedding.js';
import { GELU } from './gelu.js';
import { walkLayers, type Layer, type Shape } from './layer.js';
import { LayerNorm } from './layer_norm.js';
import { MultiHeadSelfAttention } from './multi_head_attention.js';
import { PatchCode } from './patch_code.js';
import { PatchEmbedding } from './patch_embedding.js';
import { PositionalEmbedding } from './positional_embedding.js';
import { TokenDense } from './token_dense.js';
import { TOKEN_POOLS, TokenPool, type TokenPoolMode } from './token_pool.js';
import { TransformerBlock } from './transformer_block.js';

export type TransformerLayerSpec =
  | { type: 'patchembed'; patch: number; dim: number; name?: string }
  | { type: 'embedding'; vocab: number; dim: number; name?: string }
  | { type: 'patchcode'; patch: number; grid: number; threshold?: number; name?: string }
  | { type: 'clstoken'; name?: string }
  | { type: 'posembed'; name?: string }
  | { type: 'layernorm'; eps?: number; name?: string }
  | { type: 'gelu'; name?: string }
  | { type: 'attention'; heads: number; name?: string }
  | { type: 'tokendense'; out: number; name?: string }
  | { type: 'transformer'; heads: number; mlpDim: number; eps?: number; name?: string }
  | { type: 'tokenpool'; pool: TokenPoolMode; name?: string };

export const TRANSFORMER_LAYER_TYPES = [
  'patchembed', 'embedding', 'patchcode', 'clstoken', 'posembed', 'layernorm', 'gelu', 'attention', 'tokendense', 'transformer', 'tokenpool',
] as const;

export const TRANSFORMER_PREFIX: Record<TransformerLayerSpec['type'], string> = {
  patchembed: 'patch', embedding: 'embed', patchcode: 'pcode', clstoken: 'cls', posembed: 'pos', layernorm: 'ln', gelu: 'gelu',
  attention: 'attn', tokendense: 'tfc', transformer: 'block', tokenpool: 'tpool',
};

/** keys each transformer layer type accepts (model.ts refuses any other key, naming these) */
export const TRANSFORMER_LAYER_KEYS: Record<TransformerLayerSpec['type'], readonly string[]> = {
  patchembed: ['type', 'patch', 'dim', 'name'],
  embedding: ['type', 'vocab', 'dim', 'name'],
  patchcode: ['type', 'patch', 'grid', 'threshold', 'name'],
  clstoken: ['type', 'name'],
  posembed: ['type', 'name'],
  layernorm: ['type', 'eps', 'name'],
  gelu: ['type', 'name'],
  attention: ['type', 'heads', 'name'],
  tokendense: ['type', 'out', 'name'],
  transformer: ['type', 'heads', 'mlpDim', 'eps', 'name'],
  tokenpool: ['type', 'pool', 'name'],
};

export function isTransformerSpec(s: { type: string }): s is TransformerLayerSpec {
  return (TRANSFORMER_LAYER_TYPES as readonly string[]).includes(s.type);
}

function posInt(v: unknown, field: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new UserError(`${field} must be an integer >= 1 (got ${JSON.stringify(v)})`, field);
}

/** validate the fields of one transformer spec `s` at JSON path `f` (type already checked) */
export function validateTransformerSpec(s: Record<string, unknown>, f: string): void {
  switch (s.type) {
    case 'patchembed': posInt(s.patch, `${f}.patch`); posInt(s.dim, `${f}.dim`); break;
    case 'embedding': posInt(s.vocab, `${f}.vocab`); posInt(s.dim, `${f}.dim`); break;
    case 'patchcode':
      posInt(s.patch, `${f}.patch`); posInt(s.grid, `${f}.grid`);
      if ((s.grid as number) > 4) throw new UserError(`${f}.grid must be an integer in 1..4 (vocabulary 2^(grid²) <= 65536; got ${JSON.stringify(s.grid)})`, `${f}.grid`);
      if (s.threshold !== undefined && !(typeof s.threshold === 'number' && Number.isFinite(s.threshold))) throw new UserError(`${f}.threshold must be a finite number (got ${JSON.stringify(s.threshold)})`, `${f}.threshold`);
      break;
    case 'attention': posInt(s.heads, `${f}.heads`); break;
    case 'tokendense': posInt(s.out, `${f}.out`); break;
    case 'transformer': posInt(s.heads, `${f}.heads`); posInt(s.mlpDim, `${f}.mlpDim`); break;
    case 'tokenpool':
      if (!(TOKEN_POOLS as readonly string[]).includes(s.pool as string)) {
        throw new UserError(`${f}.pool must be one of ${TOKEN_POOLS.join(', ')} (got ${JSON.stringify(s.pool)})`, `${f}.pool`);
      }
      break;
  }
  if ((s.type === 'layernorm' || s.type === 'transformer') && s.eps !== undefined && !(typeof s.eps === 'number' && Number.isFinite(s.eps) && s.eps > 0)) {
    throw new UserError(`${f}.eps must be a number > 0 (got ${JSON.stringify(s.eps)})`, `${f}.eps`);
  }
}

/** the layer for spec `s` named `name` on per-sample input `shape` (shape errors: plain Error) */
export function buildTransformerLayer(s: TransformerLayerSpec, name: string, shape: Shape): Layer {
  switch (s.type) {
    case 'patchembed': return new PatchEmbedding(name, shape, s.dim, s.patch);
    case 'embedding': return new Embedding(name, shape, s.vocab, s.dim);
    case 'patchcode': return new PatchCode(name, shape, s.patch, s.grid, s.threshold ?? 0);
    case 'clstoken': return new ClassToken(name, shape);
    case 'posembed': return new PositionalEmbedding(name, shape);
    case 'layernorm': return new LayerNorm(name, shape, { eps: s.eps });
    case 'gelu': return new GELU(name, shape);
    case 'attention': return new MultiHeadSelfAttention(name, shape, s.heads);
    case 'tokendense': return new TokenDense(name, shape, s.out);
    case 'transformer': return new TransformerBlock(name, shape, { heads: s.heads, mlpDim: s.mlpDim, eps: s.eps });
    case 'tokenpool': return new TokenPool(name, shape, s.pool);
  }
}

/** names of the layers inside a container built here (for the uniqueness check) */
export function innerNames(l: Layer): string[] {
  return l.sublayers ? walkLayers(l.sublayers()).map((x) => x.name) : [];
}
