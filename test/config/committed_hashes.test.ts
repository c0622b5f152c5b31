// Every committed report keeps its hashes: planning configs/<name>.json today gives the same
// configHash and the same point hashes, in the same order, as reports/<name>/manifest.json
// recorded when the report was run. Guards every refactor of the config/spec layers.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepConfig } from '../../src/config/load_config.js';

const ROOT = join(import.meta.dirname, '..', '..');
const reports = readdirSync(join(ROOT, 'reports'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'reports', d.name, 'manifest.json')))
  .map((d) => d.name)
  .filter((n) => existsSync(join(ROOT, 'configs', `${n}.json`)));

interface Manifest {
  configHash: string;
  shard: string | null;
  expectedPoints: { pointHash: string }[];
}

describe('committed reports keep their hashes', () => {
  it('finds committed reports with configs (not vacuous)', () => {
    expect(reports.length).toBeGreaterThanOrEqual(10);
  });
  it.each(reports)('%s', async (name) => {
    const m = JSON.parse(readFileSync(join(ROOT, 'reports', name, 'manifest.json'), 'utf8')) as Manifest;
    expect(m.shard).toBeNull();
    const plan = await loadSweepConfig(join(ROOT, 'configs', `${name}.json`));
    expect(plan.configHash).toBe(m.configHash);
    expect(plan.points.map((p) => p.hash)).toEqual(m.expectedPoints.map((p) => p.pointHash));
  });
});
