/**
 * Lifetime experiment skeleton (issue 15 item 5; library only, not yet a method or a config section):
 * repeated adaptation rounds on one deployed chip, wear accumulating across rounds.
 *
 *   deploy   the `unaware` deployment of the point (device.endurance / drift / line resistance as set)
 *   round r = 1..R:
 *     1. fault detection (read-verify of a share `detectFraction` of every layer's cells,
 *        CrossbarMatrixOp.detectFaults): the method learns the stuck cells it tested
 *     2. adaptation: fat-style retraining through the crossbars for point.retrain.epochs
 *        (shuffle streams `lifetime/round<r>/epoch<k>`), fully stuck known weights frozen
 *     3. metrics of the round: accuracy on the eval split, writes of the round (per-phase counters,
 *        reset at the start of the round), lifetime writes so far, worn-out cells, detected
 *        (found this round) and undetected faults, reads of the detection
 *   roundsAbove(threshold) = the number of rounds before accuracy first falls below the threshold.
 * What remains for the full experiment (docs/DESIGN.md): the other adaptation paths (ITT-RNA re-mapping,
 * LoRA/LoRI adapters on their own arrays with periodic merge), a changed input distribution per
 * round, a `lifetime` config section and method, and the report panels.
 */
import type { Split } from '../data/dataset.js';
import { evaluate, train } from '../nn/train.js';
import type { PointSpec } from './point.js';
import type { RunContext } from './registry.js';
import { unawareDeployment } from './unaware.js';

export interface LifetimeRound {
  round: number;
  accuracy: number;
  roundWrites: number;
  lifetimeWrites: number;
  wornOutCells: number;
  detected: number;
  undetectedFaults: number;
  detectReads: number;
}

export interface LifetimeOptions {
  rounds: number;
  /** share of cells each detection tests (default 1) */
  detectFraction?: number;
  /** eval split (default the dataset's eval split) */
  evalSplit?: Split;
}

export async function runLifetime(point: PointSpec, ctx: RunContext, o: LifetimeOptions): Promise<LifetimeRound[]> {
  const d = await unawareDeployment(point, ctx);
  const net = d.net, ops = d.xbar;
  const out: LifetimeRound[] = [];
  for (let r = 1; r <= o.rounds; r++) {
    for (const op of ops) op.resetCost();
    let detected = 0, reads = 0;
    for (const op of ops) {
      const f = op.detectFaults(o.detectFraction ?? 1);
      detected += f.found; reads += f.reads;
    }
    train(net, ctx.dataset.train, point.retrain, { seed: point.seed, limit: point.retrainLimit || point.trainLimit, shuffleStream: `lifetime/round${r}` });
    const ev = evaluate(net, o.evalSplit ?? ctx.dataset.eval);
    out.push({
      round: r,
      accuracy: ev.accuracy,
      roundWrites: ops.reduce((s, op) => s + op.cellWrites(), 0),
      lifetimeWrites: ops.reduce((s, op) => s + op.lifetimeWrites(), 0),
      wornOutCells: ops.reduce((s, op) => s + op.wornOutCells(), 0),
      detected,
      undetectedFaults: ops.reduce((s, op) => s + op.undetectedFaults(), 0),
      detectReads: reads,
    });
  }
  return out;
}

/** rounds completed before accuracy first falls below `threshold` (all rounds when it never does) */
export function roundsAbove(rounds: readonly LifetimeRound[], threshold: number): number {
  const k = rounds.findIndex((r) => r.accuracy < threshold);
  return k < 0 ? rounds.length : k;
}
