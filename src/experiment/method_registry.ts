/**
 * Training-method registry: method name → runner. A runner takes one fully-resolved point and
 * returns its metrics (method_runners.ts adapts a point into the method functions of src/methods).
 * The built-in methods are registered statically below (importing this
 * module is enough, e.g. in a sweep worker); `registerMethod` adds or replaces one at run time.
 * The runner modules import only types from here, so there is no import cycle at run time.
 */
import type { Dataset } from '../data/dataset.js';
import type { MethodContext } from '../methods/method_context.js';
import type { Network } from '../nn/network.js';
import type { EpochCurve } from './curves.js';
import { runFat, runIdeal, runIttrna, runLora, runLori, runRemap, runSpare, runUnaware } from './method_runners.js';
import { runMultitask } from './multitask.js';
import type { DatasetName, MethodName, PointSpec } from './point.js';
import type { PointMetrics } from './result.js';

/** a method context (the data set, progress and events) plus where the experiment keeps its files */
export interface RunContext extends MethodContext {
  /** directory for shared caches (e.g. the trained `unaware` base network keyed by hash); none = no cache */
  cacheDir?: string;
  /**
   * directory for this point's artefacts read by the report (DIR/artifacts/<pointHash>/), e.g.
   * defect_tile.json and importance_map.json (formats in docs/DESIGN.md); none = don't write
   */
  artifactDir?: string;
  /**
   * the point's base network was trained or loaded (base.ts): its key, its training curve (absent:
   * a cache file from before the curve files) and the network, before the method changes it
   */
  onBase?: (key: string, curve: EpochCurve | undefined, net: Network) => void;
  /** load another data set (multi-task points: the tasks' sources), with the worker's data directory and cache; absent = loadDataset(name) */
  loadDataset?: (name: DatasetName) => Promise<Dataset>;
}

export type MethodRunner = (point: PointSpec, ctx: RunContext) => Promise<PointMetrics>;

export const methods: Partial<Record<MethodName, MethodRunner>> = {
  ideal: runIdeal,
  unaware: runUnaware,
  remap: runRemap,
  fat: runFat,
  ittrna: runIttrna,
  lora: runLora,
  lori: runLori,
  'mt-fat': runMultitask,
  'mt-lora': runMultitask,
  'mt-lori': runMultitask,
  'mt-crab': runMultitask,
  spare: runSpare,
};

export function registerMethod(name: MethodName, run: MethodRunner): void {
  methods[name] = run;
}
