/**
 * Sums of the update cost (update/pulse_programmer.ts UpdateCost) over arrays, and the point
 * extras it becomes. Only points with a pulsed `update.scheme` have it, so the records of every
 * other point are unchanged:
 *   updatePulses      pulses applied since the deployment          (Σ over arrays)
 *   verifyReads       verify reads                                 (verify-pulses; else 0)
 *   updateEnergy      J = pulses·update.pulseEnergy + reads·update.readEnergy
 *   updateTime        s = pulses·update.pulseTime + reads·update.readTime (cell by cell)
 *   accumulatorBytes  float32 accumulators of mixed-precision (4 bytes per free cell of every array
 *                    that was updated; else 0)
 */
import type { UpdateCost } from './pulse_programmer.js';

/** a + b (undefined when both are) */
export function addUpdateCost(a: UpdateCost | undefined, b: UpdateCost | undefined): UpdateCost | undefined {
  if (!b) return a;
  if (!a) return { ...b };
  return {
    pulses: a.pulses + b.pulses, reads: a.reads + b.reads, energy: a.energy + b.energy,
    time: a.time + b.time, accumulatorBytes: a.accumulatorBytes + b.accumulatorBytes,
  };
}

/** the point extras of an update cost */
export function updateExtras(c: UpdateCost): Record<string, number> {
  return {
    updatePulses: c.pulses, verifyReads: c.reads, updateEnergy: c.energy, updateTime: c.time,
    accumulatorBytes: c.accumulatorBytes,
  };
}
