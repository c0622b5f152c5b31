// A whole point with line resistance, drift and wear-out on: runs, is bit-identical for its seed,
// reports the lifetime extras; a point without them reports none (existing records unchanged).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { Dataset } from '../../src/data/dataset.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { syntheticDataset } from './synthetic_dataset.js';

const dataset: Dataset = syntheticDataset('v1');
const ctx: RunContext = { dataset, cacheDir: mkdtempSync(join(tmpdir(), 'rramsim-life-')) };

function point(over: Partial<PointSpec['device']> = {}, lr?: PointSpec['crossbar']['lineResistance']): PointSpec {
  return {
    ...DEFAULTS,
    method: 'fat',
    defects: { ...DEFAULTS.defects, rate: 0.1 },
    device: { ...DEFAULTS.device, levels: 16, ...over },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32, ...(lr ? { lineResistance: lr } : {}) },
    train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
    seed: 3,
  };
}

describe('a point with line resistance, drift and wear-out', () => {
  it('runs deterministically and reports lifetime writes, worn-out cells, undetected faults and refresh writes', async () => {
    const p = point({ endurance: { n50: 4, sigma: 0.5, lrsShare: 0.5 }, drift: { nuMean: 0.05, nuStd: 0.02, t0: 1, t: 1000, refreshEvery: 300 } },
      { rWire: 2.5, rDriver: 0, rSense: 0, sweeps: 3 });
    const a = await runPoint(p, ctx), b = await runPoint(p, ctx);
    delete a.extra.methodSeconds; delete b.extra.methodSeconds;
    expect(a).toEqual(b);
    const x = a.extra as Record<string, number>;
    expect(x.lifetimeWrites).toBeGreaterThanOrEqual(a.cellWrites + (x.programWrites as number)); // + the writes of switching layers on
    expect(x.wornOutCells).toBeGreaterThan(0); // budgets of a few writes: fat's retraining wears cells out
    expect(x.undetectedFaults).toBe(x.wornOutCells); // nothing ran detection
    expect(x.refreshWrites).toBeGreaterThan(0);
    expect(Number.isFinite(a.accuracy)).toBe(true);
  });

  it('without them no lifetime extras appear', async () => {
    const m = await runPoint(point(), ctx);
    for (const k of ['lifetimeWrites', 'wornOutCells', 'undetectedFaults', 'refreshWrites']) expect(k in m.extra).toBe(false);
  });
});
