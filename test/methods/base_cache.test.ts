// The base-network cache file is verified by the SHA-256 in its header: a byte changed in place at
// the same size, an old header-less file or a wrong size is never used — the base network is
// trained again (one message through ctx.log) and the file rewritten — and the result is the same
// bits as a run without any cache. A link in place of the cache file is refused, never read.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import type { Dataset } from '../../src/data/dataset.js';
import { trainedBase } from '../../src/experiment/base.js';
import { BASE_CACHE_HEADER_BYTES } from '../../src/experiment/base_cache_file.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { UserError } from '../../src/util/errors.js';
import { syntheticDataset } from './synthetic_dataset.js';

const dataset: Dataset = syntheticDataset('v1');
const point: PointSpec = {
  ...DEFAULTS,
  method: 'unaware',
  dataset: 'mnist-embedded',
  defects: { ...DEFAULTS.defects, rate: 0.1 },
  crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
  train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
  seed: 3,
};

/** A fresh cache directory and a context that keeps its log messages. */
function cached(): { dir: string; logs: string[]; ctx: { dataset: Dataset; cacheDir: string; log: (m: string) => void } } {
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-base-cache-'));
  const logs: string[] = [];
  return { dir, logs, ctx: { dataset, cacheDir: dir, log: (m) => logs.push(m) } };
}
const cacheFile = (dir: string) => join(dir, readdirSync(dir).find((f) => f.startsWith('base-') && f.endsWith('.f32'))!);

describe('base-network cache verified by content hash', () => {
  it('a byte changed in place (same size) is rebuilt with one message; weights and metrics equal an uncached run', async () => {
    const clean = (await trainedBase(point, { dataset })).weightsSha256();
    const cleanMetrics = await runPoint(point, { dataset });
    const c = cached();
    expect((await trainedBase(point, c.ctx)).weightsSha256()).toBe(clean);
    const file = cacheFile(c.dir);
    const bytes = readFileSync(file);
    expect(bytes.subarray(0, 8).toString('ascii')).toBe('RRBASE02');
    // the weights are the same bits as before, only wrapped in a header
    expect(bytes.byteLength).toBe(BASE_CACHE_HEADER_BYTES + 4 * (await trainedBase(point, { dataset })).weightCount());
    const size = statSync(file).size;
    bytes[BASE_CACHE_HEADER_BYTES + 100] ^= 0x40;
    writeFileSync(file, bytes);
    expect(statSync(file).size).toBe(size);
    c.logs.length = 0;
    const again = await runPoint(point, c.ctx);
    const untimed = (m: typeof again) => ({ ...m, extra: { ...m.extra, methodSeconds: 0 } });
    expect(untimed(again)).toEqual(untimed(cleanMetrics));
    const said = c.logs.filter((l) => l.includes('is corrupted'));
    expect(said).toHaveLength(1);
    expect(said[0]).toBe(`warning: base ${file.match(/base-([0-9a-f]+)\.f32$/)![1]}: cache file '${file}' is corrupted (the SHA-256 of its weights differs from its header); not used: training the base network again and rewriting it`);
    // rewritten whole: the next run loads it without a word of rebuilding
    c.logs.length = 0;
    expect((await trainedBase(point, c.ctx)).weightsSha256()).toBe(clean);
    expect(c.logs.some((l) => l.endsWith('loaded from cache'))).toBe(true);
  });

  it('an old-format file (raw weights, no header) and a wrong size are rebuilt, not used and not an error', async () => {
    const clean = await trainedBase(point, { dataset });
    const c = cached();
    await trainedBase(point, c.ctx);
    const file = cacheFile(c.dir);
    const w = clean.getWeights();
    const raw = new Uint8Array(w.buffer, w.byteOffset, w.byteLength).slice();
    raw[7] ^= 1; // an old file cannot be verified: even a changed one must not be used
    writeFileSync(file, raw);
    c.logs.length = 0;
    expect((await trainedBase(point, c.ctx)).weightsSha256()).toBe(clean.weightsSha256());
    expect(c.logs.filter((l) => l.includes('is in the old format without a content hash; not used'))).toHaveLength(1);
    writeFileSync(file, readFileSync(file).subarray(0, 1000));
    c.logs.length = 0;
    expect((await trainedBase(point, c.ctx)).weightsSha256()).toBe(clean.weightsSha256());
    expect(c.logs.filter((l) => /holds 1000 bytes, expected \d+; not used/.test(l))).toHaveLength(1);
  });

  it('a symlink in place of the cache file is refused naming it, never read', async () => {
    const c = cached();
    await trainedBase(point, c.ctx);
    const file = cacheFile(c.dir);
    const elsewhere = join(mkdtempSync(join(tmpdir(), 'rramsim-elsewhere-')), 'w.f32');
    writeFileSync(elsewhere, readFileSync(file));
    rmSync(file);
    symlinkSync(elsewhere, file);
    const e = await trainedBase(point, c.ctx).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(UserError);
    expect((e as Error).message).toMatch(/^cache file: '.*base-[0-9a-f]+\.f32' is a symbolic link;/);
  });
});

describe('a corrupted cache file in a sweep directory', () => {
  it('sweep --resume says so in one line on stderr (a warning from a worker reaches the user) and retrains', async () => {
    const { cli, ensureBuilt, writeJson } = await import('../cli/cli_helpers.js');
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-cache-sweep-'));
    const cfg = writeJson(join(dir, 'c.json'), { name: 'cachewarn', dataset: 'mnist-embedded', method: 'ideal', trainLimit: 64, train: { epochs: 1 } });
    const out = join(dir, 'out');
    const first = cli(['sweep', cfg, '--out', out, '--workers', '1']);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('warning: base');
    const cacheFile = readdirSync(join(out, 'cache')).filter((f) => f.endsWith('.f32')).map((f) => join(out, 'cache', f))[0];
    const bytes = readFileSync(cacheFile);
    bytes[bytes.length - 5] ^= 0x40; // one byte of the weights, same size
    writeFileSync(cacheFile, bytes);
    const before = readFileSync(join(out, 'results.jsonl'), 'utf8');
    writeFileSync(join(out, 'results.jsonl'), ''); // the point runs again
    const again = cli(['sweep', cfg, '--out', out, '--workers', '1', '--resume']);
    expect(again.code, again.stderr).toBe(0);
    const warnings = again.stderr.split('\n').filter((l) => l.includes('warning: base'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('is corrupted');
    const acc = (t: string) => JSON.parse(t.trim().split('\n')[0]).metrics.accuracy;
    expect(acc(readFileSync(join(out, 'results.jsonl'), 'utf8'))).toBe(acc(before));
  });
});
