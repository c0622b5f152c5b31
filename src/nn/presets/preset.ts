/**
 * A model preset: a named function from build options to a model description (src/nn/model.ts).
 * Adding a preset = one file in src/nn/presets/ exporting a `Preset` + one line in registry.ts;
 * `ModelName`, the config's `model` choices, `rramsim run --model` and `rramsim train --model`
 * follow from the registry.
 *   input    per-sample [C, H, W]; the run passes the data set's shape (default `defaultInput`)
 *   pool     LeNet-5's pooling ('max' | 'avg'); other presets ignore it
 */
import type { ModelDesc } from '../model.js';

export type Shape3 = [number, number, number];

export interface PresetOptions {
  pool?: 'max' | 'avg';
  input?: Shape3;
}

export interface Preset {
  /** what it is, one line (for --help and docs) */
  describe: string;
  /** the input shape it was designed for (used by planning checks before the data set is loaded) */
  defaultInput: Shape3;
  /** does the `pool` option change the network? (else the point's pool is normalised away) */
  readsPool?: boolean;
  desc(opts: PresetOptions): ModelDesc;
}
