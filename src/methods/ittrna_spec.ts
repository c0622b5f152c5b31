/**
 * IttrnaSpec: the ITT-RNA method's parameters (ittrna.ts, importance.ts, penalty.ts, remap.ts),
 * defaults and bounds, the ONE place (the sweep config composes ITTRNA_FIELDS):
 *   importance          'taylor' (|w·∂L/∂w| over calibration batches) | 'magnitude' (|w|)
 *   calibrationBatches  batches for the importance estimate, integer 1..100000 (default 8)
 *   mapping             defect-aware remapping 'none' | 'rows' | 'rows+cols' (default 'rows')
 *   lambda              penalty weight λ ≥ 0 (default 1e-3); lambdaSchedule 'constant' | 'linear-warmup'
 *   compensation        dynamic layer-by-layer compensation (default true)
 *   epochsPerStage, finalEpochs   integer 0..1000 (default 1 each)
 */
import { boolField, defaultsOf, enumField, numField, section, type SpecOf, type SECTION } from '../util/spec_field.js';
import type { PointFacts } from '../util/spec_field.js';

/** read by ittrna, remap, and lora/lori when lora.base = 'ittrna'; other points hold the defaults */
export const ITTRNA_FIELDS = section({
  importance: enumField(['taylor', 'magnitude'] as const, "weight-importance measure (default '{default}')", { default: 'taylor' }),
  calibrationBatches: numField({ min: 1, max: 100000, int: true }, 'batches for importance estimation (default {default})', { default: 8 }),
  mapping: enumField(['none', 'rows', 'rows+cols'] as const, "defect-aware remapping (default '{default}')", { default: 'rows' }),
  lambda: numField({ min: 0 }, 'penalty weight λ (default {default})', { default: 1e-3 }),
  lambdaSchedule: enumField(['constant', 'linear-warmup'] as const, "λ schedule (default '{default}')", { default: 'constant' }),
  compensation: boolField('dynamic layer-by-layer compensation (default {default})', { default: true }),
  epochsPerStage: numField({ min: 0, max: 1000, int: true }, 'retraining epochs per layer stage (default {default})', { default: 1 }),
  finalEpochs: numField({ min: 0, max: 1000, int: true }, 'final on-device epochs (default {default})', { default: 1 }),
}, { readIf: (p: PointFacts) => p.reads('ittrna'), readIfText: "the method is ittrna or remap, or lora/lori with lora.base 'ittrna'", unread: 'default', describe: 'ITT-RNA (read by ittrna, remap, and lora/lori with lora.base ittrna)' });

/** IttrnaSpec: the ITT-RNA method's parameters (derived from ITTRNA_FIELDS) */
export type IttrnaSpec = SpecOf<typeof ITTRNA_FIELDS>;

export const DEFAULT_ITTRNA: Readonly<IttrnaSpec> = Object.freeze(defaultsOf(ITTRNA_FIELDS));
