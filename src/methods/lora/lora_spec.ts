/**
 * LoraSpec: the LoRA/LoRI adapters' parameters, defaults and bounds, the ONE place (the sweep
 * config composes LORA_FIELDS; lora_matrix_op.ts and lori_mask.ts check the same rules at run time):
 *   rank      adapter rank r, integer 0..4096; 0 = unset (lora/lori need r ≥ 1 and r ≤ min(rows, cols)
 *             of every adapted layer: checked at planning, src/config/resolve_point.ts)
 *   alpha     update = (α / r)·A·B, α ≥ 0; 0 = "α = r" (scale 1)
 *   layers    layer names that get adapters; [] = all weight layers
 *   sparsity  LoRI: fraction of B entries pruned, [0, 1) (LoRA: forced to 0)
 *   base      the deployed base the adapters start from: 'unaware' | 'ittrna'
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
}

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
