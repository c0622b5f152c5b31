// defects.seed: the chip (defect map, device draws, retraining streams) gets a seed of its own while
// the base network keeps `seed`. Oracles: absent = the point seed (a point with defects.seed equal
// to seed gives the same metrics, bit for bit, as one without it); the defect map depends on
// defects.seed and not on seed; a sweep over defects.seed trains the base once (the cache log).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { makeCrossbarOp } from '../../src/crossbar/crossbar_op_factory.js';
import type { Dataset } from '../../src/data/dataset.js';
import { runPoint } from '../../src/experiment/run_point.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';

const dataset: Dataset = syntheticDataset('defects-seed');
const base = {
  model: 'mlp',
  dataset: 'mnist-embedded',
  train: { epochs: 2, lr: 0.05, batch: 32 },
  retrain: { epochs: 1, lr: 0.02, batch: 32 },
  crossbar: { tileRows: 16, tileCols: 16 },
  defects: { rate: 0.2 },
  method: 'fat',
  seed: 4,
};

async function points(defects: Record<string, unknown>): Promise<PointSpec[]> {
  const plan = await planSweep({ ...base, defects: { ...base.defects, ...defects } });
  return plan.points.map((p) => p.point);
}

function stuckStates(point: PointSpec): number[] {
  const w = makeParam('w', 32, 24);
  const op = makeCrossbarOp(w, 'fc1', point);
  return [...op.array.stateP, ...op.array.stateN];
}

describe('defects.seed', () => {
  it('absent: not in the point; given: in the point, so the point hash differs', async () => {
    const [plain] = await points({});
    const [seeded] = await points({ seed: 7 });
    expect(Object.hasOwn(plain.defects, 'seed')).toBe(false);
    expect(seeded.defects.seed).toBe(7);
  });

  it.each([-1, 1.5, 2 ** 53, '3', null])('out of range (%s): one UserError naming defects.seed and its allowed values', async (v) => {
    const err = await planSweep({ ...base, defects: { ...base.defects, seed: v } }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).field).toBe('defects.seed');
    expect((err as Error).message).toContain('an integer in [0, 9007199254740991]');
  });

  it('the defect map follows defects.seed, not seed (absent = seed)', async () => {
    const [a] = await points({ seed: 11 });
    const sameChip = stuckStates(a);
    expect(stuckStates({ ...a, seed: a.seed + 100 })).toEqual(sameChip);
    expect(stuckStates({ ...a, defects: { ...a.defects, seed: 12 } })).not.toEqual(sameChip);
    const { seed: _s, ...noSeed } = a.defects;
    expect(stuckStates({ ...a, seed: 11, defects: noSeed })).toEqual(sameChip);
  });

  it('a sweep over defects.seed trains the base once; defects.seed = seed is the point without it, bit for bit', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'rramsim-defects-seed-'));
    const logs: string[] = [];
    const ctx = { dataset, cacheDir, log: (m: string) => logs.push(m) };
    const sweep = await points({ seed: [4, 5, 6] });
    expect(sweep).toHaveLength(3);
    const runs = [];
    for (const p of sweep) runs.push(await runPoint(p, ctx));
    expect(logs.filter((l) => / training /.test(l) && l.startsWith('base '))).toHaveLength(1);
    expect(logs.filter((l) => l.endsWith('loaded from cache'))).toHaveLength(2);
    const untimed = (m: (typeof runs)[number]) => ({ ...m, extra: { ...m.extra, methodSeconds: 0 } });
    const [plain] = await points({});
    expect(untimed(await runPoint(plain, { dataset }))).toEqual(untimed(runs[0]));
    // other chips: other defect maps, other retrained networks
    expect(runs[1].accuracy === runs[0].accuracy && runs[2].accuracy === runs[0].accuracy).toBe(false);
  });
});
