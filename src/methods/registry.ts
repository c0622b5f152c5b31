/**
 * Training-method registry: method name → runner. A runner takes one fully-resolved point and
 * returns its metrics. The built-in methods are registered statically below (importing this
 * module is enough, e.g. in a sweep worker); `registerMethod` adds or replaces one at run time.
 * The runner modules import only types from here, so there is no import cycle at run time.
 */
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../nn/network.js';
import { runFat } from './fat.js';
import { runIdeal } from './ideal.js';
import { runIttrna } from './ittrna.js';
import { runLora, runLori } from './lora/method.js';
import { runMultitask } from './multitask/method.js';
import type { DatasetName, MethodName, PointSpec } from './point.js';
import { runRemap } from './remap.js';
import { runSpare } from './spare.js';
import type { PointMetrics } from './result.js';
import { runUnaware } from './unaware.js';

export interface RunContext {
  dataset: Dataset;
  /** directory for shared caches (e.g. the trained `unaware` base network keyed by hash); none = no cache */
  cacheDir?: string;
  /**
   * directory for this point's artefacts read by the report (DIR/artifacts/<pointHash>/), e.g.
   * defect_tile.json and importance_map.json (formats in docs/DESIGN.md); none = don't write
   */
  artifactDir?: string;
  /** progress messages (one line each) */
  log?: (msg: string) => void;
  /** load another data set (multi-task points: the tasks' sources), with the worker's data directory and cache; absent = loadDataset(name) */
  loadDataset?: (name: DatasetName) => Promise<Dataset>;
  /**
   * called with the network a method evaluates (finishMetrics); the object the last call gave is the
   * point's final network once the method returns (`rramsim export` writes it as ONNX); absent = not told
   */
  onNetwork?: (net: Network) => void;
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
