/**
 * Per-epoch training curves of a point, as stored in its record (metrics.curves):
 *
 *   base      the base network's training (base.ts), one entry per epoch k = 1..E:
 *             loss[k−1] = mean training loss of epoch k, accuracy[k−1] = training accuracy of epoch k
 *             (src/nn/train.ts EpochInfo trainLoss/trainAccuracy: the running values over the
 *             epoch's batches, before each step's update). Trained once per base key and cached
 *             beside the base network as DIR/cache/base-<key>.curve.json (base_curve_file.ts), so a
 *             point that loads the base still records its curve; `baseKey` names the base.
 *   phases    the retraining / adaptation phases of the method in the order they ran (fat, the
 *             ITT-RNA stages, lora/lori and their calibration, lifetime rounds, multi-task tasks):
 *             { phase, loss[], accuracy[], penalty[]? } with the same per-epoch values; a phase
 *             entry starts when the phase name changes or its epoch counter restarts at 1.
 *
 * The values are deterministic (a rerun gives the same bits): `reproduce` compares them. A point
 * without training (ideal and unaware on an imported ONNX model) has no curves; a base loaded from a
 * cache written before the curve files existed has no `base` (its phases are still recorded).
 */
import type { EpochReport } from '../methods/method_context.js';

export interface EpochCurve {
  loss: number[];
  accuracy: number[];
}

export interface PhaseCurve extends EpochCurve {
  phase: string;
  /** the defect-aware penalty per epoch (ITT-RNA with λ > 0) */
  penalty?: number[];
}

export interface PointCurves {
  baseKey?: string;
  base?: EpochCurve;
  phases: PhaseCurve[];
}

/** Collects the curves of one point from the base event and the methods' onEpoch events. */
export class CurveCollector {
  private baseKey?: string;
  private base?: EpochCurve;
  private readonly phases: PhaseCurve[] = [];

  /** the base network's curve (a later call, e.g. the base built again for a second copy, replaces it) */
  onBase(key: string, curve: EpochCurve | undefined): void {
    this.baseKey = key;
    if (curve) this.base = { loss: [...curve.loss], accuracy: [...curve.accuracy] };
    else delete this.base;
  }

  onEpoch(phase: string, e: EpochReport): void {
    // the base training's epochs also arrive here (phase 'base', for the progress lines); its curve
    // is the one onBase stores with the cached base, so it is not a retraining phase
    if (phase === 'base') return;
    let cur = this.phases[this.phases.length - 1];
    if (!cur || cur.phase !== phase || e.epoch === 1) {
      cur = { phase, loss: [], accuracy: [] };
      this.phases.push(cur);
    }
    cur.loss.push(e.trainLoss);
    cur.accuracy.push(e.trainAccuracy);
    if (e.penalty !== undefined) (cur.penalty ??= []).push(e.penalty);
  }

  /** the curves, or undefined when nothing was trained or loaded */
  result(): PointCurves | undefined {
    if (this.baseKey === undefined && this.phases.length === 0) return undefined;
    const out: PointCurves = { phases: this.phases };
    if (this.baseKey !== undefined) out.baseKey = this.baseKey;
    if (this.base) out.base = this.base;
    return out;
  }
}
