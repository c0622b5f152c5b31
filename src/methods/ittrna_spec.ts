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
import { enumField, numField } from '../util/spec_field.js';

export interface IttrnaSpec {
  importance: 'taylor' | 'magnitude';
  calibrationBatches: number;
  mapping: 'none' | 'rows' | 'rows+cols';
  /** penalty weight λ, and its schedule over retraining epochs */
  lambda: number;
  lambdaSchedule: 'constant' | 'linear-warmup';
  /** dynamic layer-by-layer compensation */
  compensation: boolean;
  epochsPerStage: number;
  /** final on-device epochs through the fully defective network */
  finalEpochs: number;
}

export const DEFAULT_ITTRNA: Readonly<IttrnaSpec> = Object.freeze({
  importance: 'taylor',
  calibrationBatches: 8,
  mapping: 'rows',
  lambda: 1e-3,
  lambdaSchedule: 'constant',
  compensation: true,
  epochsPerStage: 1,
  finalEpochs: 1,
});

const D = DEFAULT_ITTRNA;
export const ITTRNA_FIELDS = {
  importance: enumField(['taylor', 'magnitude'] as const, `weight-importance measure (default '${D.importance}')`),
  calibrationBatches: numField({ min: 1, max: 100000, int: true }, `batches for importance estimation (default ${D.calibrationBatches})`),
  mapping: enumField(['none', 'rows', 'rows+cols'] as const, `defect-aware remapping (default '${D.mapping}')`),
  lambda: numField({ min: 0 }, `penalty weight λ (default ${D.lambda})`),
  lambdaSchedule: enumField(['constant', 'linear-warmup'] as const, `λ schedule (default '${D.lambdaSchedule}')`),
  epochsPerStage: numField({ min: 0, max: 1000, int: true }, `retraining epochs per layer stage (default ${D.epochsPerStage})`),
  finalEpochs: numField({ min: 0, max: 1000, int: true }, `final on-device epochs (default ${D.finalEpochs})`),
};
