/**
 * LoraSpec: the LoRA/LoRI adapters' parameters, defaults and bounds, the ONE place (the sweep
 * config composes LORA_FIELDS; lora_matrix_op.ts and lori_mask.ts check the same rules at run time):
 *   rank      adapter rank r, integer 0..4096; 0 = unset (lora/lori need r ≥ 1 and r ≤ min(rows, cols)
 *             of every adapted layer: checked at planning, src/config/resolve_point.ts)
 *   alpha     update = (α / r)·A·B, α ≥ 0; 0 = "α = r" (scale 1)
 *   layers    layer names that get adapters; [] = all weight layers
 *   sparsity  LoRI: fraction of B entries pruned, [0, 1) (LoRA: forced to 0)
 *   base      the deployed base the adapters start from: 'unaware' | 'ittrna'
 * Optional (absent = the old behaviour and not recorded in the point, so hashes stay):
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
import { z } from 'zod';
import { boolField, defaultsOf, enumField, numField, section, valueField, type SpecOf, type SECTION } from '../../util/spec_field.js';
import type { PointFacts } from '../../util/spec_field.js';

export const LORA_PLACEMENTS = ['q', 'k', 'v', 'o', 'embedding', 'mlp.fc1', 'mlp.fc2', 'head'] as const;
export type LoraPlacement = (typeof LORA_PLACEMENTS)[number];
export const LORA_EXPERTS = ['stuck', 'prog'] as const;
export type LoraExpert = (typeof LORA_EXPERTS)[number];
export const LORA_ADAPTER_OPS = ['crossbar', 'digital'] as const;

/** the section of a point whose method reads no adapters (one point, whatever the sweep's lora values) */
export const UNUSED_LORA = Object.freeze({ rank: 0, alpha: 0, layers: [] as string[], sparsity: 0, base: 'unaware' as const });

export const LORA_FIELDS = {
  rank: numField({ min: 0, max: 4096, int: true }, 'adapter rank (required, >= 1, for lora/lori)', { default: 0, defaultText: 'unset (0): lora and lori need >= 1' }),
  alpha: numField({ min: 0 }, 'adapter scale numerator: update = (alpha/rank)·A·B (default: = rank)', { default: 0, defaultText: '0 = rank' }),
  layers: valueField<string[], { default: string[] }>('stringList', z.array(z.string().min(1)), 'a list of layer names, e.g. ["fc1", "fc2"]; [] = all weight layers (a list of such lists sweeps it)', 'layers that get adapters (default [] = all)', { default: [] }),
  // LoRI only: forced to 0 for lora
  sparsity: numField({ min: 0, max: 1 }, 'LoRI: fraction of B entries pruned, < 1 (default {default})', { default: 0.9, readIf: (p: PointFacts) => p.reads('sparsity'), readIfText: 'the method is lori (else 0)', unread: { value: 0 } }),
  base: enumField(['unaware', 'ittrna'] as const, "base network the adapters start from (default '{default}')", { default: 'unaware' }),
};

/** the optional fields (absent = the old behaviour, not recorded in the point, so hashes stay) */
export const LORA_OPTIONAL_FIELDS = {
  placement: valueField<LoraPlacement[], { optional: true }>('stringList', z.array(z.enum(LORA_PLACEMENTS)).min(1), `a non-empty list of adapter roles from ${LORA_PLACEMENTS.join(', ')} (a list of such lists sweeps it)`, 'adapter roles instead of layer names (q, k, v, o, embedding, mlp.fc1, mlp.fc2, head); needs lora.layers = []', { optional: true }),
  merged: boolField('report the merged network (adapters programmed into the base arrays) as the accuracy (default false: unmerged)', { optional: true, default: false, absentIs: false }),
  adapters: enumField(LORA_ADAPTER_OPS, "where unmerged adapters run: 'crossbar' (own defective arrays, default) or 'digital'", { optional: true, default: 'crossbar', absentIs: 'crossbar' }),
  halora: numField({ min: 0, max: 1e6 }, 'HaLoRA regulariser weight λ: loss + λ·Σ (‖AAᵀ‖₂ + ‖BᵀB‖₂) (default 0 = off)', { optional: true, default: 0, absentIs: 0 }),
  noise: section({
    sigma: numField({ min: 0, max: 1 }, 'noise-aware training: base weight noise σ, relative to the layer wMax'),
    every: numField({ min: 1, max: 1e6, int: true }, 'noise-aware training: redraw the noise every k steps'),
  }, { optional: true, isAbsent: (n: Record<string, unknown>) => n.sigma === 0, describe: 'noise-aware adapter training (absent, or sigma 0 = off)' }),
  experts: valueField<LoraExpert[], { optional: true }>('stringList', z.array(z.enum(LORA_EXPERTS)).min(1), `a non-empty list from ${LORA_EXPERTS.join(', ')} (a list of such lists sweeps it)`, 'MoF-style experts: one adapter per non-ideality, summed and merged into the base before mapping (method lora)', { optional: true }),
};

/** read by lora, lori (and the mt-* methods with adapters); other points hold UNUSED_LORA */
export const LORA_SECTION = section({ ...LORA_FIELDS, ...LORA_OPTIONAL_FIELDS }, {
  readIf: (p: PointFacts) => p.reads('lora'), readIfText: 'the method trains adapters', unread: { value: UNUSED_LORA }, describe: 'LoRA / LoRI adapters (read by lora, lori and the mt-* methods with adapters)',
});

/** LoraSpec: the adapters' parameters (derived from LORA_SECTION) */
export type LoraSpec = SpecOf<typeof LORA_SECTION>;

/**
 * The declared defaults of LORA_FIELDS (defaultsOf): rank 0 (must be set, >= 1, for lora / lori),
 * alpha 0 (= rank), layers [] (all weight layers), sparsity 0.9 (LoRI: 90 % of B pruned), base
 * 'unaware'; the optional fields absent.
 */
export const DEFAULT_LORA: Readonly<LoraSpec> = Object.freeze(defaultsOf(LORA_FIELDS));
