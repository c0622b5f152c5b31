/**
 * The typed options of the method functions: the parts of an experiment point each method reads,
 * and nothing else (no model or data-set name: the caller passes the network and the data).
 *
 *   CrossbarPoint   device, crossbar, defects, seed: what putting a layer on a crossbar reads
 *                   (src/crossbar/crossbar_op_factory.ts)
 *   RetrainOptions  retrain (lr, momentum, weight decay, batch, epochs), seed, and the training
 *                   examples used: the first (retrainLimit || trainLimit) (0 = all)
 *   FatOptions      = CrossbarPoint + RetrainOptions            (fat, unaware, remap)
 *   IttrnaOptions   = FatOptions + ittrna                       (ittrna, remap's importance)
 *   LoraOptions     = IttrnaOptions + lora                      (lora, lori; ittrna read when lora.base = 'ittrna')
 * A full experiment point (src/experiment/point.ts) has all of these fields, so the experiment
 * layer passes its point as is. Library users build them with defaults filled in
 * (src/methods/method_defaults.ts).
 */
import type { CrossbarPoint } from '../crossbar/crossbar_op_factory.js';
import type { TrainSpec } from '../nn/train_spec.js';
import type { IttrnaSpec } from './ittrna_spec.js';
import type { LoraSpec } from './lora/lora_spec.js';

export type { CrossbarPoint };

export interface RetrainOptions {
  retrain: TrainSpec;
  seed: number;
  /** first N training examples (0 = all) */
  trainLimit: number;
  /** first N training examples for retraining; absent or 0 = trainLimit */
  retrainLimit?: number;
}

export interface FatOptions extends CrossbarPoint, RetrainOptions {}

export interface IttrnaOptions extends FatOptions {
  ittrna: IttrnaSpec;
}

export interface LoraOptions extends IttrnaOptions {
  lora: LoraSpec;
}

/** the number of training examples a retraining uses (0 = all) */
export function retrainExamples(o: RetrainOptions): number {
  return o.retrainLimit || o.trainLimit;
}
