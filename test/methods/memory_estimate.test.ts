// The per-point memory and time estimate (src/experiment/memory_estimate.ts) and its check before any
// work (sim/sweep/preflight.ts): the fields it names, refusals and warnings through the CLI.
import { mkdtempSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { estimatePoint } from '../../src/experiment/memory_estimate.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { UserError } from '../../src/util/errors.js';
import { checkMemory, parseMemorySize } from '../../sim/sweep/preflight.js';
import { cli, ensureBuilt, writeJson } from '../cli/cli_helpers.js';

async function point(cfg: Record<string, unknown>): Promise<PointSpec> {
  const plan = await planSweep({ dataset: 'mnist', defects: { rate: 0.1 }, ...cfg }, 'test');
  return plan.points[0].point;
}

/** the wide convolution of the probe: 16384 channels of 3x3 on [1, 28, 28], inside the model limits */
const WIDE = {
  name: 'wide', input: [1, 28, 28],
  layers: [{ type: 'conv2d', out: 16384, kernel: 3, pad: 1 }, { type: 'relu' }, { type: 'flatten' }, { type: 'dense', out: 10 }],
};
const GB = 2 ** 30;

describe('the estimate names what drives it', () => {
  it('a 16384-channel convolution on 28x28 needs tens of GB, driven by model.layers[0].out', async () => {
    const e = estimatePoint(await point({ model: WIDE, method: 'unaware', trainLimit: 500 }));
    expect(e.bytes).toBeGreaterThan(24 * GB);
    expect(e.field).toBe('model.layers[0].out');
    // the MLP of the same data is well under a GB
    const mlp = estimatePoint(await point({ model: 'mlp', method: 'unaware', trainLimit: 500 }));
    expect(mlp.bytes).toBeLessThan(1e9);
    expect(mlp.field).toBe('dataset');
  });

  it('a huge train.batch is named as the driver (not the widest layer); the default batch is not', async () => {
    const big = estimatePoint(await point({ model: 'lenet5', method: 'unaware', train: { batch: 65536 } }));
    const usual = estimatePoint(await point({ model: 'lenet5', method: 'unaware' }));
    expect(big.bytes).toBeGreaterThan(20 * usual.bytes);
    expect(big.field).toBe('train.batch');
    expect(usual.field).not.toBe('train.batch');
  });

  it('line resistance on 2048x2048 tiles rebuilt every step: hours, driven by transferEvery; every 100 steps: much less', async () => {
    const lr = { rWire: 1, transferEvery: 1 };
    const p = await point({ model: 'mlp', method: 'fat', crossbar: { tileRows: 2048, tileCols: 2048, lineResistance: lr } });
    const e = estimatePoint(p);
    expect(e.seconds).toBeGreaterThan(3600);
    expect(e.timeField).toBe('crossbar.lineResistance.transferEvery');
    const slow100 = estimatePoint(await point({ model: 'mlp', method: 'fat', crossbar: { tileRows: 2048, tileCols: 2048, lineResistance: { ...lr, transferEvery: 100 } } }));
    expect(slow100.seconds).toBeLessThan(e.seconds / 20);
    expect(e.parts.map((q) => q.name)).toContain('line resistance');
  });

  it('tasks share their data: 5 permuted-MNIST tasks hold MNIST once; MNIST and Fashion-MNIST twice (multitask.tasks)', async () => {
    const base = { model: 'mlp', method: 'mt-fat', trainLimit: 500 };
    const one = estimatePoint(await point({ ...base, multitask: { tasks: ['permuted-mnist/0', 'permuted-mnist/1', 'permuted-mnist/2', 'permuted-mnist/3', 'permuted-mnist/4'] } }));
    const single = estimatePoint(await point({ model: 'mlp', method: 'unaware', trainLimit: 500 }));
    const data = (e: typeof one) => e.parts.find((q) => q.name === 'data')!;
    expect(data(one).bytes).toBe(data(single).bytes);
    const two = estimatePoint(await point({ ...base, multitask: { tasks: ['mnist', 'fashion-mnist'] } }));
    expect(data(two).bytes).toBe(2 * data(single).bytes);
    expect(data(two).field).toBe('multitask.tasks');
    // 100 tasks (the cap) stay within a GB of 2 tasks: per task only its head
    const many = estimatePoint(await point({ ...base, multitask: { tasks: Array.from({ length: 100 }, (_, k) => `permuted-mnist/${k}`) } }));
    expect(many.bytes - one.bytes).toBeLessThan(1e9);
  });

  it('checkMemory: refused above the limit naming the field and the numbers, warned above half, workers multiply', async () => {
    const p = await point({ model: 'mlp', method: 'unaware', trainLimit: 500 });
    const need = estimatePoint(p).bytes;
    const warned: string[] = [];
    checkMemory([p], { workers: 1, limit: { bytes: 100 * GB, what: 'test memory' }, warn: (l) => warned.push(l) });
    expect(warned).toEqual([]);
    checkMemory([p], { workers: 1, limit: { bytes: 1.5 * need + 1e8, what: 'test memory' }, warn: (l) => warned.push(l) });
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatch(/^warning: the point needs an estimated .* over half of test memory .*driven by dataset$/);
    let err: unknown;
    try { checkMemory([p, p, p], { workers: 3, workersFlag: '--cpus', limit: { bytes: 2 * need, what: '--mem 1G per task' } }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).field).toBe('dataset');
    expect((err as Error).message).toMatch(/^dataset: point 0 needs an estimated \d+ MB per worker; 3 workers \+ 125 MB for the process = [\d.]+ [GM]B, above --mem 1G per task .*; use a smaller dataset or fewer --cpus$/);
    expect(parseMemorySize('4G', 2 ** 20)).toBe(4 * GB);
    expect(parseMemorySize('4096', 2 ** 20)).toBe(4 * GB);
    expect(parseMemorySize('4X')).toBeUndefined();
  });
});

describe('the check through the CLI, before any work', () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-mem-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('run, list and sweep refuse the wide convolution (exit 2, one line naming model.layers[0].out, nothing written)', () => {
    const env = { RRAMSIM_MEMORY: '16G' };
    const r = cli(['run', '--model', JSON.stringify(WIDE), '--dataset', 'mnist', '--method', 'unaware', '--trainLimit', '500', '--defects.rate', '0.1', '--data-dir', dir], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rramsim: model\.layers\[0\]\.out: the point needs an estimated [\d.]+ GB \+ 125 MB for the process = [\d.]+ GB, above RRAMSIM_MEMORY 16G \(17\.2 GB\), driven by model\.layers\[0\]\.out; use a smaller model\.layers\[0\]\.out\n$/);
    expect(r.stdout).toBe('');
    const config = writeJson(join(dir, 'wide.json'), { name: 'wide', dataset: 'mnist', model: WIDE, method: 'unaware', trainLimit: 500, defects: { rate: 0.1 } });
    const l = cli(['list', config], env);
    expect(l.code).toBe(2);
    expect(l.stderr).toMatch(/model\.layers\[0\]\.out: .*above RRAMSIM_MEMORY 16G/);
    const out = join(dir, 'out');
    const s = cli(['sweep', config, '--out', out, '--workers', '1'], env);
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/model\.layers\[0\]\.out: .*above RRAMSIM_MEMORY 16G/);
    expect(existsSync(out)).toBe(false);
  });

  it('slurm --mem: refused when --cpus workers of the largest point do not fit, no script; list shows the estimate and warns above half', () => {
    const config = writeJson(join(dir, 'mlp.json'), { name: 'mlp', dataset: 'mnist', model: 'mlp', method: 'unaware', trainLimit: 500, defects: { rate: [0.1, 0.2] } });
    const script = join(dir, 'a.sbatch');
    const r = cli(['slurm', config, '--shards', '2', '--mem', '200M', '--cpus', '4', '--out', script]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rramsim: dataset: point 0 needs an estimated \d+ MB per worker; 2 workers \+ 125 MB for the process = \d+ MB, above --mem 200M per task \(210 MB\), driven by dataset; use a smaller dataset or fewer --cpus\n$/);
    expect(existsSync(script)).toBe(false);
    expect(cli(['slurm', config, '--shards', '2', '--mem', '4G', '--cpus', '2', '--out', script]).code).toBe(0);
    const l = cli(['list', config, '--workers', '1'], { RRAMSIM_MEMORY: '300M' });
    expect(l.code).toBe(0);
    expect(l.stdout).toMatch(/ {4}0 {2}[0-9a-f]{16} {2}defects\.rate=0\.1 {2}\[~\d+ MB, ~\d+ s\]\n/);
    expect(l.stderr).toMatch(/^rramsim: warning: point 0 needs an estimated \d+ MB \+ 125 MB for the process = \d+ MB, over half of RRAMSIM_MEMORY 300M/);
    expect(l.stderr).toMatch(/rramsim: estimate: largest point 0 ~\d+ MB; 1 worker \+ the process ~\d+ MB of 315 MB/);
  });

  it('train makes the same check before loading anything', () => {
    const out = join(dir, 'train.json');
    const r = cli(['train', '--model', 'mlp', '--dataset', 'mnist', '--epochs', '1', '--data-dir', join(dir, 'no-data'), '--out', out], { RRAMSIM_MEMORY: '150M' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rramsim: dataset: the point needs an estimated \d+ MB \+ 125 MB for the process = \d+ MB, above RRAMSIM_MEMORY 150M \(157 MB\), driven by dataset; use a smaller dataset\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it('a point expected to take over an hour is warned, naming the field', () => {
    const config = writeJson(join(dir, 'ir.json'), { name: 'ir', dataset: 'mnist', model: 'mlp', method: 'fat', defects: { rate: 0.1 }, crossbar: { tileRows: 2048, tileCols: 2048, lineResistance: { rWire: 1, transferEvery: 1 } } });
    const l = cli(['list', config]);
    expect(l.code).toBe(0);
    expect(l.stderr).toMatch(/rramsim: warning: the point is expected to take about [\d.]+ h, driven by crossbar\.lineResistance\.transferEvery\n/);
  });
});
