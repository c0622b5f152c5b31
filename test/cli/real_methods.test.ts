// End-to-end with the REAL methods (tiny settings: embedded MNIST, 300 training images, 1 epoch):
// a point's result does not depend on the worker count or on sharding, and `reproduce` re-runs
// points bit-identically with a fresh cache (so cached base networks equal freshly trained ones).
// The four sweeps are independent (each its own directory and cache): they run at the same time.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { metricsByHash, readRecords, tmp } from '../sweep/helpers.js';
import { cli, cliP, ensureBuilt, writeJson } from './cli_helpers.js';

const tiny = {
  name: 'tiny',
  dataset: 'mnist-embedded',
  model: 'mlp',
  trainLimit: 300,
  train: { epochs: 1, batch: 32 },
  retrain: { epochs: 1, batch: 32 },
  method: ['ideal', 'unaware', 'fat'],
  defects: { rate: [0.1] },
  crossbar: { tileRows: 64, tileCols: 64 },
  seed: [0, 1],
};

beforeAll(() => ensureBuilt());

describe('real methods, tiny sweep', () => {
  it('workers 1 = workers 2 = two merged shards, and reproduce finds every point bit-identical', async () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'tiny.json'), tiny);
    const run = async (out: string, ...flags: string[]) => {
      const r = await cliP(['sweep', config, '--out', join(dir, out), ...flags]);
      expect(r.stderr).not.toContain('FAILED');
      expect(r.code, r.stderr).toBe(0);
      return readRecords(join(dir, out));
    };
    const [w1, w2] = await Promise.all([
      run('w1', '--workers', '1'),
      run('w2', '--workers', '2'),
      run('s0', '--shard', '0/2', '--workers', '1'),
      run('s1', '--shard', '1/2', '--workers', '1'),
    ]);
    expect(w1).toHaveLength(6);
    expect(w1.every((r) => r.metrics!.evalSplit === 'heldout' && r.metrics!.accuracy > 0.1)).toBe(true);
    expect(metricsByHash(w2)).toEqual(metricsByHash(w1));
    const m = cli(['merge', join(dir, 's0'), join(dir, 's1'), '--out', join(dir, 'merged')]);
    expect(m.code, m.stderr).toBe(0);
    expect(metricsByHash(readRecords(join(dir, 'merged')))).toEqual(metricsByHash(w1));
    const rep = cli(['reproduce', join(dir, 'w2'), '--all', '--workers', '2']);
    expect(rep.stderr).toContain('reproduce: all 6 points bit-identical');
    expect(rep.code).toBe(0);
  }, 600_000);
});
