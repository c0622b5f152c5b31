// Every committed report keeps its hashes: planning configs/<name>.json today gives the same
// configHash and the same point hashes, in the same order, as reports/<name>/manifest.json
// recorded when the report was run. Guards every refactor of the config/spec layers.
//
// One recorded change: methods without stuck cells (`ideal`) have their defect rate reset to 0,
// so a grid over rates gives one ideal point per seed. Their rate > 0 points were duplicates of
// the rate-0 point (same network, same accuracy, different hash): they disappear from the plan,
// and the rate-0 point keeps its recorded hash. In the two configs whose grid has no rate 0 at all
// (NO_RATE0_IDEAL) the one ideal point per seed becomes the rate-0 point: a new hash for the same
// computation. Every other hash is unchanged, in the recorded order.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSweepConfig } from '../../src/config/load_config.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { stableStringify } from '../../src/util/hash.js';

const ROOT = join(import.meta.dirname, '..', '..');
const reports = readdirSync(join(ROOT, 'reports'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'reports', d.name, 'manifest.json')))
  .map((d) => d.name)
  .filter((n) => existsSync(join(ROOT, 'configs', `${n}.json`)));

/** committed configs with ideal points but no rate-0 grid value */
const NO_RATE0_IDEAL = ['ittrna-lenet5-20', 'vit-codes'];

interface Manifest {
  configHash: string;
  shard: string | null;
  expectedPoints: { pointHash: string; point: PointSpec }[];
}

/** the point without its defect section: what stays when the rate is not read */
const withoutDefects = (p: PointSpec) => stableStringify({ ...p, defects: undefined });

/**
 * The recorded hashes after the ideal duplicates collapse: an ideal point at rate > 0 is replaced
 * by the recorded rate-0 ideal point that differs from it only in the defect section (its hash
 * recorded by the same manifest), or by null (no such point: a new hash), then duplicates dropped.
 */
function collapsedIdeal(m: Manifest): (string | null)[] {
  const rate0 = new Map<string, string>();
  for (const e of m.expectedPoints) if (e.point.method === 'ideal' && e.point.defects.rate === 0) rate0.set(withoutDefects(e.point), e.pointHash);
  const out: (string | null)[] = [];
  const seen = new Set<string>();
  for (const e of m.expectedPoints) {
    const isDup = e.point.method === 'ideal' && e.point.defects.rate > 0;
    const key = isDup ? `ideal:${withoutDefects(e.point)}` : e.pointHash;
    if (seen.has(key) || (isDup && rate0.has(withoutDefects(e.point)) && seen.has(rate0.get(withoutDefects(e.point))!))) continue;
    seen.add(key);
    out.push(isDup ? rate0.get(withoutDefects(e.point)) ?? null : e.pointHash);
  }
  return out;
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
    const expected = collapsedIdeal(m);
    expect(plan.points.length).toBe(expected.length);
    const got = plan.points.map((p, i) => (expected[i] === null ? null : p.hash));
    expect(got).toEqual(expected);
    // a new hash only where the grid has no rate-0 ideal point, and then for the rate-0 ideal point
    const fresh = plan.points.filter((_, i) => expected[i] === null);
    expect(fresh.length > 0, 'configs with a new ideal hash').toBe(NO_RATE0_IDEAL.includes(name));
    for (const p of fresh) {
      expect(p.point.method).toBe('ideal');
      expect(p.point.defects.rate).toBe(0);
      expect(m.expectedPoints.some((e) => e.point.method === 'ideal' && withoutDefects(e.point) === withoutDefects(p.point))).toBe(true);
    }
  });
  it('the ideal duplicates of a rates grid collapse onto the recorded rate-0 point', async () => {
    const m = JSON.parse(readFileSync(join(ROOT, 'reports', 'mlp-784-256-10', 'manifest.json'), 'utf8')) as Manifest;
    const plan = await loadSweepConfig(join(ROOT, 'configs', 'mlp-784-256-10.json'));
    const recordedIdeal = m.expectedPoints.filter((e) => e.point.method === 'ideal');
    // one ideal point per network (seed and every other non-defect field)
    const networks = new Set(recordedIdeal.map((e) => withoutDefects(e.point)));
    const planned = plan.points.filter((p) => p.point.method === 'ideal');
    expect(recordedIdeal.length).toBeGreaterThan(networks.size);
    expect(planned.length).toBe(networks.size);
    for (const p of planned) expect(recordedIdeal.find((e) => e.pointHash === p.hash)?.point.defects.rate).toBe(0);
  });
});
