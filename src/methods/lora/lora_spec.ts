/**
 * LoraSpec: the LoRA/LoRI adapters' parameters, defaults and bounds, the ONE place (the sweep
 * config composes LORA_FIELDS; lora_matrix_op.ts and lori_mask.ts check the same rules at run time):
 *   rank      adapter rank r, integer 0..4096; 0 = unset (lora/lori need r ≥ 1 and r ≤ min(rows, cols)
 *             of every adapted layer: checked at planning, src/config/resolve_point.ts)
 *   alpha     update = (α / r)·A·B, α ≥ 0; 0 = "α = r" (scale 1)
 *   layers    layer names that get adapters; [] = all weight layers
 *   sparsity  LoRI: fraction of B entries pruned, [0, 1) (LoRA: forced to 0)
 *   base      the deployed base the adapters start from: 'unaware' | 'ittrna'
 * Optional (issue 19; absent = the old behaviour and not recorded in the point, so hashes stay):
 *   placement adapter roles instead of layer names, a list over LORA_PLACEMENTS (placement.ts):
 *             q, k, v, o (attention projections of every block), embedding (patch or token
 *             embedding), mlp.fc1, mlp.fc2 (every block's MLP), head (the last weight layer)
 *   merged    true: metrics.accuracy/loss = the merged network's (W0 + (α/r)·A·B programmed into the
 *             base arrays); false/absent: the unmerged one (adapters on their own arrays). Both are
 *             always in extra (mergedAccuracy, unmergedAccuracy)
 *   adapters  where the unmerged adapters run: 'crossbar' (default: own defective arrays) | 'digital'
 *   halora    λ ≥ 0 of HaLoRA's regulariser λ·Σ_layers (‖AAᵀ‖₂ + ‖BᵀB‖₂) (halora.ts); 0/absent = off
 *   noise     { sigma, every }: noise-aware adapter training (noise_aware.ts): every base weight
 *             w gets w + σ·wMax·ε, ε ~ N(0, 1) redrawn every `every` steps; absent = off
 *   experts   MoF-style experts (mof.ts): one adapter per non-ideality in the list
 *             ('stuck' | 'prog'), summed and merged into the base before it is mapped
 */
import { enumField, numField } from '../../util/spec_field.js';

export interface LoraSpec {
  rank: number;
  alpha: number;
  /** layer names that get adapters; [] = all weight layers */
  layers: string[];
  /** LoRI only: fraction of B entries pruned (0..1) */
  sparsity: number;
  /** which base to deploy */
  base: 'unaware' | 'ittrna';
  /** adapter roles (placement.ts); when set, `layers` must be [] */
  placement?: LoraPlacement[];
  /** primary metric = merged accuracy */
  merged?: boolean;
  /** where the unmerged adapters run (default 'crossbar') */
  adapters?: 'crossbar' | 'digital';
  /** HaLoRA regulariser weight λ (0 = off) */
  halora?: number;
  /** noise-aware adapter training */
  noise?: { sigma: number; every: number };
  /** MoF-style experts, one per non-ideality */
  experts?: LoraExpert[];
}

export const LORA_PLACEMENTS = ['q', 'k', 'v', 'o', 'embedding', 'mlp.fc1', 'mlp.fc2', 'head'] as const;
export type LoraPlacement = (typeof LORA_PLACEMENTS)[number];
export const LORA_EXPERTS = ['stuck', 'prog'] as const;
export type LoraExpert = (typeof LORA_EXPERTS)[number];
export const LORA_ADAPTER_OPS = ['crossbar', 'digital'] as const;

export const DEFAULT_LORA: Readonly<LoraSpec> = Object.freeze({
  rank: 0, // must be set (>= 1) for lora / lori
  alpha: 0, // 0 here means "= rank"
  layers: [], // all weight layers
  sparsity: 0.9, // LoRI: 90 % of B pruned
  base: 'unaware',
});

export const LORA_FIELDS = {
  rank: numField({ min: 0, max: 4096, int: true }, 'adapter rank (required, >= 1, for lora/lori)'),
  alpha: numField({ min: 0 }, 'adapter scale numerator: update = (alpha/rank)·A·B (default: = rank)'),
  sparsity: numField({ min: 0, max: 1 }, `LoRI: fraction of B entries pruned, < 1 (default ${DEFAULT_LORA.sparsity})`),
  base: enumField(['unaware', 'ittrna'] as const, `base network the adapters start from (default '${DEFAULT_LORA.base}')`),
};

/** bounds of the optional numeric fields */
export const LORA_OPTIONAL_FIELDS = {
  adapters: enumField(LORA_ADAPTER_OPS, "where unmerged adapters run: 'crossbar' (own defective arrays, default) or 'digital'"),
  halora: numField({ min: 0, max: 1e6 }, 'HaLoRA regulariser weight λ: loss + λ·Σ (‖AAᵀ‖₂ + ‖BᵀB‖₂) (default 0 = off)'),
  noiseSigma: numField({ min: 0, max: 1 }, 'noise-aware training: base weight noise σ, relative to the layer wMax'),
  noiseEvery: numField({ min: 1, max: 1e6, int: true }, 'noise-aware training: redraw the noise every k steps'),
};
