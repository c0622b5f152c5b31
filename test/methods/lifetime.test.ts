// Lifetime skeleton: wear accumulates across adaptation rounds; full detection at the start of a
// round finds exactly the cells that wore out (undetected) in the round before; bit-identical reruns.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { roundsAbove, runLifetime, type LifetimeRound } from '../../src/methods/lifetime.js';
import type { PointSpec } from '../../src/methods/point.js';
import type { RunContext } from '../../src/methods/registry.js';
import { syntheticDataset } from './synthetic_dataset.js';

const ctx: RunContext = { dataset: syntheticDataset('v1'), cacheDir: mkdtempSync(join(tmpdir(), 'rramsim-lifetime-')) };
const point: PointSpec = {
  ...DEFAULTS,
  method: 'fat',
  defects: { ...DEFAULTS.defects, rate: 0.05 },
  device: { ...DEFAULTS.device, levels: 16, endurance: { n50: 6, sigma: 0.5, lrsShare: 0.5 } },
  crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
  train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
  retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
  seed: 2,
};

describe('lifetime rounds', () => {
  it('wear accumulates; detection finds exactly the previous round\'s undetected faults; reruns are bit-identical', async () => {
    const a = await runLifetime(point, ctx, { rounds: 3 });
    const b = await runLifetime(point, ctx, { rounds: 3 });
    expect(b).toEqual(a);
    for (let r = 1; r < a.length; r++) {
      expect(a[r].lifetimeWrites).toBe(a[r - 1].lifetimeWrites + a[r].roundWrites);
      expect(a[r].wornOutCells).toBeGreaterThanOrEqual(a[r - 1].wornOutCells);
      expect(a[r].detected).toBe(a[r - 1].undetectedFaults);
    }
    expect(a[2].wornOutCells).toBeGreaterThan(0);
    expect(a[0].detectReads).toBeGreaterThan(0);
  });

  it('roundsAbove counts the rounds before accuracy first drops below the threshold', () => {
    const rows = [0.97, 0.96, 0.94, 0.97].map((accuracy, i) => ({ round: i + 1, accuracy }) as LifetimeRound);
    expect(roundsAbove(rows, 0.95)).toBe(2);
    expect(roundsAbove(rows, 0.9)).toBe(4);
    expect(roundsAbove(rows, 0.99)).toBe(0);
  });
});
