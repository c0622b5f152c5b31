/**
 * Training-method registry: method name → runner. A runner takes one fully-resolved point and
 * returns its metrics. (Skeleton: the methods work fills in the runners.)
 */
import type { Dataset } from '../data/dataset.js';
import type { MethodName, PointSpec } from './point.js';
import type { PointMetrics } from './result.js';

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
}

export type MethodRunner = (point: PointSpec, ctx: RunContext) => Promise<PointMetrics>;

export const methods: Partial<Record<MethodName, MethodRunner>> = {};

export function registerMethod(name: MethodName, run: MethodRunner): void {
  methods[name] = run;
}
