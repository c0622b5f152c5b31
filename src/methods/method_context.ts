/**
 * What a method function gets besides the network and its options, and what it reports while it
 * runs. A method never writes files: it emits
 *   log(msg)              one progress line
 *   onEpoch(phase, e)     the metrics of each finished training epoch of a phase (e.g. 'fat',
 *                         'ittrna stage 2/3 (fc2 on)', 'lora r=4')
 *   onNetwork(net)        the network the method evaluates (its final network once it returns)
 *   onArtifact(a)         a value the experiment layer may store (src/experiment/artifacts.ts
 *                         writes them as DIR/artifacts/<pointHash>/<name>), computed when emitted
 * and returns its result (src/methods/method_metrics.ts). `startedAt` (performance.now() when the
 * run began, e.g. before the base network was trained or loaded) is where `methodSeconds` counts
 * from; absent = when the method function was called.
 */
import type { TileDefectMapJSON } from '../crossbar/defect_map.js';
import type { Dataset } from '../data/dataset.js';
import type { Network } from '../nn/network.js';

/** the metrics of one training epoch (src/nn/train.ts onEpoch) */
export interface EpochReport {
  epoch: number;
  epochs: number;
  trainLoss: number;
  trainAccuracy: number;
  /** the defect-aware penalty of the epoch (ITT-RNA with λ > 0) */
  penalty?: number;
}

/**
 * defect_tile.json: tile (0, 0) of the first weight layer; importance_map.json: the first weight
 * layer's importance on each physical slot before and after the defect-aware mapping (formats in
 * docs/DESIGN.md)
 */
export type MethodArtifact =
  | { name: 'defect_tile.json'; value: TileDefectMapJSON }
  | { name: 'importance_map.json'; value: { layer: string; rows: number; cols: number; faulty: number[]; before: number[]; after: number[] } };

export interface MethodEvents {
  log?: (msg: string) => void;
  onEpoch?: (phase: string, e: EpochReport) => void;
  onArtifact?: (a: MethodArtifact) => void;
  /**
   * called with the network a method evaluates (finishMetrics); the object the last call gave is the
   * point's final network once the method returns (`rramsim export` writes it as ONNX); absent = not told
   */
  onNetwork?: (net: Network) => void;
}

export interface MethodContext extends MethodEvents {
  /** training split for retraining / calibration, eval split for the reported accuracy */
  dataset: Dataset;
  /** performance.now() when the run began (methodSeconds counts from it); absent = the call */
  startedAt?: number;
}

/** the training-epoch callback of a phase: one log line and the onEpoch event */
export function epochReporter(ctx: MethodEvents, phase: string) {
  return (e: EpochReport) => {
    ctx.log?.(`${phase} epoch ${e.epoch}/${e.epochs}: loss ${e.trainLoss.toFixed(4)} acc ${e.trainAccuracy.toFixed(4)}${e.penalty !== undefined ? ` penalty ${e.penalty.toExponential(3)}` : ''}`);
    ctx.onEpoch?.(phase, e);
  };
}
