/**
 * Method metadata registry: for every training method, which optional config sections its points
 * read, whether it programs cells during training, and how the report draws it (colour, order).
 * Point resolution (src/config/resolve_point.ts) reads it to reset the sections a method does not
 * read (so e.g. sweeping lora.rank does not multiply the `ideal` points); `MethodName` and the
 * config's method enum derive from it. Adding a method = one entry here plus its function in
 * method_functions.ts (sweep points then run it on their trained base; a method that needs more,
 * e.g. several base copies, also gets a runner in src/experiment/method_runners.ts).
 *
 *   reads.retrain   the retrain section (retraining/adaptation after mapping)
 *   reads.ittrna    the ittrna section; 'if-lora-base' = only when lora.base = 'ittrna'
 *   reads.lora      the lora section (lora.sparsity only when `sparsity` is true: LoRI)
 *   reads.multitask the multitask section (the mt-* methods: many tasks on one chip,
 *                   src/experiment/multitask.ts); absent = false
 *   reads.defects   the defect rate (and with it the defect placement); false for the methods
 *                   that run without stuck cells (ideal, control): their rate is reset to 0, so
 *                   a grid over rates gives one point per seed; absent = true
 *   trainsOnDevice  programs cells while training (crossbar.writeThreshold matters)
 */
export interface MethodInfo {
  reads: { retrain: boolean; ittrna: boolean | 'if-lora-base'; lora: boolean; sparsity: boolean; multitask?: boolean; defects?: boolean };
  trainsOnDevice: boolean;
  /** report line colour (hex) */
  colour: string;
}

export const METHOD_INFO = {
  ideal: { reads: { retrain: false, ittrna: false, lora: false, sparsity: false, defects: false }, trainsOnDevice: false, colour: '#222222' },
  unaware: { reads: { retrain: false, ittrna: false, lora: false, sparsity: false }, trainsOnDevice: false, colour: '#d62728' },
  remap: { reads: { retrain: true, ittrna: true, lora: false, sparsity: false }, trainsOnDevice: false, colour: '#ff7f0e' },
  fat: { reads: { retrain: true, ittrna: false, lora: false, sparsity: false }, trainsOnDevice: true, colour: '#2ca02c' },
  ittrna: { reads: { retrain: true, ittrna: true, lora: false, sparsity: false }, trainsOnDevice: true, colour: '#1f77b4' },
  lora: { reads: { retrain: true, ittrna: 'if-lora-base', lora: true, sparsity: false }, trainsOnDevice: true, colour: '#9467bd' },
  lori: { reads: { retrain: true, ittrna: 'if-lora-base', lora: true, sparsity: true }, trainsOnDevice: true, colour: '#8c564b' },
  'mt-fat': { reads: { retrain: true, ittrna: false, lora: false, sparsity: false, multitask: true }, trainsOnDevice: true, colour: '#17becf' },
  'mt-lora': { reads: { retrain: true, ittrna: false, lora: true, sparsity: false, multitask: true }, trainsOnDevice: true, colour: '#e377c2' },
  'mt-lori': { reads: { retrain: true, ittrna: false, lora: true, sparsity: true, multitask: true }, trainsOnDevice: true, colour: '#bcbd22' },
  'mt-crab': { reads: { retrain: true, ittrna: false, lora: true, sparsity: false, multitask: true }, trainsOnDevice: true, colour: '#7f7f7f' },
  spare: { reads: { retrain: false, ittrna: false, lora: false, sparsity: false }, trainsOnDevice: false, colour: '#aec7e8' },
  control: { reads: { retrain: true, ittrna: false, lora: false, sparsity: false, defects: false }, trainsOnDevice: true, colour: '#555555' },
} as const satisfies Record<string, MethodInfo>;

export type MethodName = keyof typeof METHOD_INFO;

/** method names in report order (the order of METHOD_INFO) */
export const METHOD_NAMES = Object.keys(METHOD_INFO) as [MethodName, ...MethodName[]];
