// kill -9 (and Ctrl-C) in the middle of a base training, then the same command again (`rramsim
// train`) or `rramsim sweep … --resume`: the training continues from its last checkpoint and ends
// with the same bits as an uninterrupted run. The oracle is the uninterrupted run of the same
// command; the kill is checked to land mid-training (a checkpoint of an unfinished training on
// disk, no result yet) and the resumed run to say where it continued, so the test cannot pass by
// training from scratch. LeNet-5 (rramsim train) and an MLP (sweep) on the embedded MNIST subset.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareRecords } from '../../sim/sweep/compare_records.js';
import { decodeCheckpoint } from '../../src/experiment/base_checkpoint_file.js';
import { readRecords } from '../sweep/helpers.js';
import { cli, cliAsync, ensureBuilt, exited, waitFor, writeJson } from './cli_helpers.js';

let dir = '';
beforeAll(() => {
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'rramsim-kill-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** epoch count held by a checkpoint file (undefined while absent or unreadable) */
function ckptEpoch(file: string): number | undefined {
  if (!existsSync(file)) return undefined;
  const c = decodeCheckpoint(readFileSync(file));
  return 'problem' in c ? undefined : c.state.epoch;
}

const untimed = (epochs: { seconds: number }[]) => epochs.map(({ seconds: _s, ...e }) => e);

describe('rramsim train after kill -9', () => {
  it('the same command continues from the last checkpoint; weights, curve and accuracy equal the uninterrupted run', { timeout: 300_000 }, async () => {
    const args = ['train', '--model', 'lenet5', '--dataset', 'mnist-embedded', '--epochs', '6', '--limit', '4000', '--seed', '2', '--no-progress'];
    const ref = cli([...args, '--out', join(dir, 'ref.json')]);
    expect(ref.code, ref.stderr).toBe(0);
    const refJson = JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8'));
    expect(existsSync(join(dir, 'ref.json.ckpt'))).toBe(false); // removed once the result is written

    const out = join(dir, 'killed.json');
    const p = cliAsync([...args, '--out', out]);
    const done = exited(p);
    await waitFor(() => ckptEpoch(`${out}.ckpt`) !== undefined, 120_000);
    p.kill('SIGKILL');
    const k = await done;
    expect(k.signal).toBe('SIGKILL');
    expect(existsSync(out)).toBe(false);
    const at = ckptEpoch(`${out}.ckpt`)!;
    expect(at).toBeGreaterThanOrEqual(1);
    expect(at).toBeLessThan(6);

    const again = cli([...args, '--out', out]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`resuming from .*killed\\.json\\.ckpt after epoch ${at}/6`));
    // only the epochs after the checkpoint ran again
    expect(again.stdout.match(/^epoch \d+\/6 /gm)).toHaveLength(6 - at);
    const got = JSON.parse(readFileSync(out, 'utf8'));
    expect(got.resumedAfterEpoch).toBe(at);
    expect(got.weightsSha256).toBe(refJson.weightsSha256);
    expect(got.finalAccuracy).toBe(refJson.finalAccuracy);
    expect(got.finalLoss).toBe(refJson.finalLoss);
    expect(untimed(got.epochs)).toEqual(untimed(refJson.epochs));
    expect(existsSync(`${out}.ckpt`)).toBe(false);
  });

  it('a checkpoint of another config at that path: exit 2 with one message, nothing written or removed', { timeout: 120_000 }, async () => {
    const args = ['train', '--model', 'mlp', '--dataset', 'mnist-embedded', '--epochs', '3', '--limit', '3000', '--seed', '1', '--no-progress'];
    const out = join(dir, 'other.json');
    const p = cliAsync([...args, '--out', out]);
    const done = exited(p);
    await waitFor(() => ckptEpoch(`${out}.ckpt`) !== undefined, 120_000);
    p.kill('SIGKILL');
    await done;
    const before = readFileSync(`${out}.ckpt`);
    const r = cli([...args.map((x) => (x === '1' ? '5' : x)), '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checkpoint '.*other\.json\.ckpt' belongs to another training .*not used and left as it is/);
    expect(r.stdout).not.toMatch(/^epoch /m);
    expect(readFileSync(`${out}.ckpt`).equals(before)).toBe(true);
    expect(existsSync(out)).toBe(false);
  });
});

describe('rramsim sweep --resume after kill -9 and after Ctrl-C during the base training', () => {
  const config = () => writeJson(join(dir, 'base.json'), {
    name: 'resume-base', model: 'mlp', dataset: 'mnist-embedded', trainLimit: 6000, seed: 3,
    train: { epochs: 8, lr: 0.01, momentum: 0.9, batch: 64 },
    method: ['ideal', 'unaware'], defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
    device: { levels: 0 }, crossbar: { tileRows: 128, tileCols: 128 },
  });

  const refDir = () => join(dir, 'ref-sweep');
  it('the uninterrupted sweep (the oracle)', { timeout: 300_000 }, () => {
    const ref = cli(['sweep', config(), '--out', refDir(), '--workers', '1']);
    expect(ref.code, ref.stderr).toBe(0);
    expect(readRecords(refDir())).toHaveLength(2);
  });

  for (const signal of ['SIGKILL', 'SIGINT'] as const) {
    it(`${signal}: --resume continues the base training from its checkpoint; every record equals the uninterrupted sweep's`, { timeout: 300_000 }, async () => {
      const cfg = config();

      const out = join(dir, `sweep-${signal}`);
      const cache = join(out, 'cache');
      // a kill may land between the checkpoint writer's two renames: then <key>.ckpt is absent and
      // <key>.ckpt.prev is the newest whole checkpoint, which is what the reader resumes from
      const ckpt = () => (existsSync(cache) ? readdirSync(cache).find((f) => /\.ckpt(\.prev)?$/.test(f))?.replace(/\.prev$/, '') : undefined);
      const ckptAt = (f: string) => ckptEpoch(join(cache, f)) ?? ckptEpoch(join(cache, `${f}.prev`));
      const p = cliAsync(['sweep', cfg, '--out', out, '--workers', '1']);
      const done = exited(p);
      await waitFor(() => { const f = ckpt(); return f !== undefined && ckptAt(f) !== undefined; }, 120_000);
      p.kill(signal);
      const k = await done;
      if (signal === 'SIGINT') expect(k.code, k.stderr).toBe(130);
      else expect(k.signal).toBe('SIGKILL');
      const f = ckpt()!;
      const at = ckptAt(f)!;
      expect(at).toBeLessThan(8);
      expect(readdirSync(cache).filter((x) => x.endsWith('.f32'))).toEqual([]);

      const again = cli(['sweep', cfg, '--out', out, '--workers', '1', '--resume']);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toMatch(new RegExp(`resume: base [0-9a-f]+ continues from its checkpoint after epoch ${at}/8`));
      expect(existsSync(join(out, 'errors.log'))).toBe(false);
      expect(readdirSync(cache).filter((x) => x.includes('.ckpt'))).toEqual([]);
      const mine = new Map(readRecords(out).map((r) => [r.pointHash, r] as const));
      const refs = readRecords(refDir());
      expect(refs).toHaveLength(2);
      for (const r of refs) expect(compareRecords(r, mine.get(r.pointHash)!), r.point.method).toBeUndefined();
    });
  }
});
