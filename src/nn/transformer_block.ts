/**
 * Pre-LN transformer encoder block (ViT), on [n, T, D]:
 *
 *   u = x + MHSA(LN₁(x))                       (multi_head_attention.ts, layer_norm.ts)
 *   y = u + MLP(LN₂(u)),   MLP(z) = fc2(GELU(fc1(z))),  fc1: D → M,  fc2: M → D (token-wise)
 *
 * Built from two ResidualBlocks with identity shortcuts (residual_block.ts: y = F(x) + x), so the
 * backward is theirs: ∂L/∂u = g + J_MLPᵀ·J_LN₂ᵀ·g, then ∂L/∂x = ∂L/∂u + J_MHSAᵀ·J_LN₁ᵀ·∂L/∂u.
 *
 * Names (with the block's name, e.g. 'block1'): `block1.ln1`, `block1.attn` (a container with the
 * weight layers `block1.attn.q`, `.k`, `.v`, `.o`), `block1.ln2`, `block1.mlp.fc1`,
 * `block1.mlp.gelu`, `block1.mlp.fc2`. `sublayers()` returns those six (not the two residual
 * wrappers), in forward order, so Network's depth-first walk lists block1, block1.ln1,
 * block1.attn, block1.attn.q, .k, .v, .o, block1.ln2, block1.mlp.fc1, block1.mlp.gelu,
 * block1.mlp.fc2, and weightLayers() = q, k, v, o, fc1, fc2 per block.
 */
import { GELU } from './gelu.js';
import type { Layer, Shape } from './layer.js';
import { LayerNorm } from './layer_norm.js';
import { MultiHeadSelfAttention } from './multi_head_attention.js';
import type { Param } from './param.js';
import { ResidualBlock } from './residual_block.js';
import { TokenDense } from './token_dense.js';

export interface TransformerBlockOptions {
  heads: number;
  /** hidden width M of the MLP */
  mlpDim: number;
  /** LayerNorm ε (default 1e-5) */
  eps?: number;
}

export class TransformerBlock implements Layer {
  readonly kind = 'transformer';
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly ln1: LayerNorm;
  readonly attn: MultiHeadSelfAttention;
  readonly ln2: LayerNorm;
  readonly fc1: TokenDense;
  readonly gelu: GELU;
  readonly fc2: TokenDense;
  private readonly attnRes: ResidualBlock;
  private readonly mlpRes: ResidualBlock;

  /** inShape [T, D] */
  constructor(readonly name: string, inShape: Shape, o: TransformerBlockOptions) {
    if (inShape.length !== 2) throw new Error(`${name}: a transformer block needs a [tokens, features] input, got [${inShape.join(', ')}]`);
    const [T, D] = inShape as [number, number];
    this.inShape = [T, D];
    this.outShape = [T, D];
    this.ln1 = new LayerNorm(`${name}.ln1`, [T, D], { eps: o.eps });
    this.attn = new MultiHeadSelfAttention(`${name}.attn`, [T, D], o.heads);
    this.ln2 = new LayerNorm(`${name}.ln2`, [T, D], { eps: o.eps });
    this.fc1 = new TokenDense(`${name}.mlp.fc1`, [T, D], o.mlpDim);
    this.gelu = new GELU(`${name}.mlp.gelu`, [T, o.mlpDim]);
    this.fc2 = new TokenDense(`${name}.mlp.fc2`, [T, o.mlpDim], D);
    this.attnRes = new ResidualBlock(`${name}.attn_residual`, [T, D], [this.ln1, this.attn], []);
    this.mlpRes = new ResidualBlock(`${name}.mlp_residual`, [T, D], [this.ln2, this.fc1, this.gelu, this.fc2], []);
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    return this.mlpRes.forward(this.attnRes.forward(x, n, training), n, training);
  }

  backward(dy: Float32Array, n: number, needDx: boolean): Float32Array | null {
    const du = this.mlpRes.backward(dy, n, true)!;
    return this.attnRes.backward(du, n, needDx);
  }

  params(): Param[] {
    return [...this.attnRes.params(), ...this.mlpRes.params()];
  }

  sublayers(): Layer[] {
    return [this.ln1, this.attn, this.ln2, this.fc1, this.gelu, this.fc2];
  }
}
