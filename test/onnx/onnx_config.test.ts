/**
 * `model: {"onnx": "path"}` in sweep configs (src/onnx/onnx_ref.ts, src/config/resolve_point.ts):
 * the path is confined like defects.file, the point records the file's SHA-256 (computed here
 * independently with node:crypto), so the point hash follows the content; an unsupported operator
 * is exit 2 naming it before any point runs; and the imported network runs as the base of every
 * method: ideal (= the imported network evaluated directly, load_onnx.ts), unaware, remap, fat,
 * ittrna, lora on mnist-embedded (the fixture mlp.onnx: 784-32-10, untrained PyTorch weights).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { loadDataset } from '../../src/data/load.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { evaluate } from '../../src/nn/train.js';
import { loadOnnxNetwork } from '../../src/onnx/load_onnx.js';
import { UserError } from '../../src/util/errors.js';
import { runCli } from '../../sim/main.js';

const FIX = join(process.cwd(), 'test', 'fixtures', 'onnx');
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');

function tmpTree(): string {
  // inside the working directory tree, as a config and its model would be
  const base = join(process.cwd(), 'test-artifacts');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(join(base, 'onnx-config-'));
}

const CONFIG = {
  model: { onnx: 'mlp.onnx' },
  dataset: 'mnist-embedded',
  trainLimit: 500,
  evalLimit: 300,
  retrain: { epochs: 1, lr: 0.05, momentum: 0.9, batch: 32 },
  ittrna: { compensation: false, finalEpochs: 1, calibrationBatches: 2 },
  lora: { rank: 4 },
};

describe('model {"onnx": path} in a sweep config', () => {
  it('records the path from the working directory and the file SHA-256; the hash follows the content', async () => {
    const dir = tmpTree();
    const file = join(dir, 'mlp.onnx');
    copyFileSync(join(FIX, 'mlp.onnx'), file);
    const plan = await planSweep({ ...CONFIG, method: 'unaware' }, 't', { baseDir: dir });
    expect(plan.points).toHaveLength(1);
    const p = plan.points[0].point;
    expect(p.model).toEqual({ onnx: relative(process.cwd(), file), sha256: sha(file) });
    // the imported weights are the base network: `train` is not read (its default, whatever the config says)
    const plan2 = await planSweep({ ...CONFIG, method: 'unaware', train: { epochs: 7 } }, 't', { baseDir: dir });
    expect(plan2.points[0].hash).toBe(plan.points[0].hash);
    // another content at the same path: another SHA-256, another point hash
    copyFileSync(join(FIX, 'lenet5.onnx'), file);
    const plan3 = await planSweep({ ...CONFIG, method: 'unaware' }, 't', { baseDir: dir });
    expect((plan3.points[0].point.model as { sha256: string }).sha256).toBe(sha(join(FIX, 'lenet5.onnx')));
    expect(plan3.points[0].hash).not.toBe(plan.points[0].hash);
    // a stated sha256 that the file does not have is refused
    await expect(planSweep({ ...CONFIG, model: { onnx: 'mlp.onnx', sha256: sha(join(FIX, 'mlp.onnx')) } }, 't', { baseDir: dir }))
      .rejects.toThrow(/model\.sha256: .* has SHA-256/);
  });

  it('confines the path like defects.file: outside the config tree and cwd only with --allow-path', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'rramsim-onnx-outside-'));
    copyFileSync(join(FIX, 'mlp.onnx'), join(outside, 'mlp.onnx'));
    const dir = tmpTree();
    const cfg = { ...CONFIG, model: { onnx: join(outside, 'mlp.onnx') }, method: 'unaware' };
    await expect(planSweep(cfg, 't', { baseDir: dir })).rejects.toThrow(/model\.onnx: .* outside the config's directory .* --allow-path/);
    const plan = await planSweep(cfg, 't', { baseDir: dir, allowPaths: [outside] });
    expect((plan.points[0].point.model as { sha256: string }).sha256).toBe(sha(join(outside, 'mlp.onnx')));
    await expect(planSweep({ ...cfg, model: { onnx: '/dev/zero' } }, 't', { baseDir: dir, allowPaths: ['/dev'] })).rejects.toThrow(/not a regular file/);
    await expect(planSweep({ ...cfg, model: { onnx: 'nope.onnx' } }, 't', { baseDir: dir })).rejects.toThrow(/model\.onnx: ONNX model file not found/);
    await expect(planSweep({ ...cfg, model: { onnx: 'mlp.onnx', extra: 1 } }, 't', { baseDir: dir })).rejects.toThrow(/model\.extra: unknown key/);
  });

  it('a file whose input does not fit the data set is refused at planning, naming model.onnx', async () => {
    const dir = tmpTree();
    copyFileSync(join(FIX, 'resnet20.onnx'), join(dir, 'r.onnx'));
    await expect(planSweep({ ...CONFIG, model: { onnx: 'r.onnx' } }, 't', { baseDir: dir }))
      .rejects.toThrow(/model\.onnx: the imported network's input: \[3, 32, 32\] does not match data set 'mnist-embedded'/);
  });

  it('an unsupported operator: planning throws a UserError naming it; `rramsim sweep` exits 2 and runs nothing', async () => {
    const dir = tmpTree();
    copyFileSync(join(FIX, 'unsupported.onnx'), join(dir, 'u.onnx'));
    const cfg = { ...CONFIG, model: { onnx: 'u.onnx' }, method: ['unaware', 'fat'] };
    const err = await planSweep(cfg, 't', { baseDir: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^model\.onnx: .*unsupported operator 'Tanh'/);
    const cfgFile = join(dir, 'u.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const out = join(dir, 'out');
    expect(await runCli(['sweep', cfgFile, '--out', out, '--workers', '1'])).toBe(2);
    expect(existsSync(join(out, 'results.jsonl'))).toBe(false);
  });

  it('the imported network is the base of every method (ideal, unaware, remap, fat, ittrna, lora)', async () => {
    const dir = tmpTree();
    copyFileSync(join(FIX, 'mlp.onnx'), join(dir, 'mlp.onnx'));
    const plan = await planSweep({ ...CONFIG, method: ['ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora'], defects: { rate: [0, 0.1] } }, 't', { baseDir: dir });
    const ds = await loadDataset('mnist-embedded');
    const at = (method: string, rate: number): PointSpec => plan.points.find((q) => q.point.method === method && q.point.defects.rate === rate)!.point;
    const run = (method: string, rate: number) => runPoint(at(method, rate), { dataset: ds });

    // ideal = the imported network evaluated directly on the first 300 held-out images
    const direct = evaluate(loadOnnxNetwork(join(dir, 'mlp.onnx')).net, { ...ds.eval, n: 300, x: ds.eval.x.subarray(0, 300 * 784), y: ds.eval.y.subarray(0, 300) });
    const ideal = await run('ideal', 0);
    expect(ideal.accuracy).toBe(direct.accuracy);
    expect(ideal.loss).toBe(direct.loss);
    // defect-free, continuous levels: the crossbar computes the same function up to float rounding
    const u0 = await run('unaware', 0);
    expect(Math.abs(u0.loss - ideal.loss)).toBeLessThan(1e-5);
    expect(Math.abs(u0.accuracy - ideal.accuracy)).toBeLessThanOrEqual(1 / 300);

    const unaware = await run('unaware', 0.1);
    expect(unaware.cellWrites).toBe(0);
    const remap = await run('remap', 0.1);
    expect(remap.trainableParams).toBe(0);
    expect(remap.cellWrites).toBe(0);
    // retraining on the defective crossbar: the stuck cells are frozen, the rest learns
    const all = 784 * 32 + 32 + 32 * 10 + 10;
    for (const m of ['fat', 'ittrna']) {
      const r = await run(m, 0.1);
      expect(r.cellWrites).toBeGreaterThan(0);
      expect(r.trainableParams).toBeLessThan(all);
      expect(r.trainableParams).toBeGreaterThan(0.8 * all);
      // the untrained imported MLP learns from 500 images (unaware stays near chance)
      expect(r.accuracy).toBeGreaterThan(unaware.accuracy + 0.2);
    }
    // LoRA rank 4: adapters A (in x 4) and B (4 x out) on both layers, minus the stuck adapter cells
    const lora = await run('lora', 0.1);
    expect(lora.trainableParams).toBeLessThanOrEqual(4 * (784 + 32) + 4 * (32 + 10));
    expect(lora.trainableParams).toBeGreaterThan(0.8 * (4 * (784 + 32) + 4 * (32 + 10)));
    expect(lora.cellWrites).toBeGreaterThan(0);
  }, 120_000);
});
