/**
 * AnalysisSpec: the optional `analysis` config section (opt-in diagnostics of a point), the ONE
 * place of its fields, defaults and bounds.
 *
 *   layerSensitivity  for every weight layer k of the trained base network: the accuracy when only
 *                     layer k is on its defective crossbar (the point's defects, device and crossbar,
 *                     the same defect streams as every method) and every other layer is digital
 *                     (layer_sensitivity.ts); default false
 *   histograms        weight and conductance histograms of the point's deployed network per mapped
 *                     array: bin edges + counts of the weights, of the healthy cells (G⁺ and G⁻ of a
 *                     differential pair, or the offset cells) and of the stuck cells apart
 *                     (histograms.ts); default false
 *
 * Read by every method but the multi-task ones (mt-*); absent (or both false) = no analysis, not in the point or its hash.
 */
import { type PointFacts, boolField, section, type SpecOf, type SECTION } from '../util/spec_field.js';

export const ANALYSIS_SECTION = section({
  layerSensitivity: boolField('per weight layer k, the accuracy of the trained base with only layer k on its defective crossbar (default {default})', { optional: true, default: false, absentIs: false }),
  histograms: boolField('weight and conductance histograms (healthy G+/G- or offset cells, stuck cells apart) of the deployed network (default {default})', { optional: true, default: false, absentIs: false }),
}, { optional: true, readIf: (p: PointFacts) => !p.reads('multitask'), readIfText: 'the method is not a multi-task method (mt-*)', unread: 'drop', describe: 'opt-in diagnostics: per-layer defect sensitivity and weight/conductance histograms (absent = none)' });

/** AnalysisSpec (derived from ANALYSIS_SECTION) */
export type AnalysisSpec = SpecOf<typeof ANALYSIS_SECTION>;
