// The memory estimate (src/experiment/memory_estimate.ts) against the measured peak resident set of
// real points: `rramsim run` in a child process (nice), its process.resourceUsage().maxRSS at exit,
// for small, fast variants of the MLP, LeNet-5, a 5-task multitask point and ResNet-20 (the real
// data sets: ../shared/data/mnist and ../shared/data/cifar10-jpeg; skipped, and said so, without them).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { estimatePoint, PROCESS_BASE_BYTES } from '../../src/experiment/memory_estimate.js';
import { CLI, ensureBuilt } from '../cli/cli_helpers.js';
import { requireSystem } from '../support/system_package.js';

const SHARED = fileURLToPath(new URL('../../../shared/data', import.meta.url));
const MNIST = join(SHARED, 'mnist'), CIFAR = join(SHARED, 'cifar10-jpeg');
const have = !requireSystem(existsSync(MNIST) && existsSync(CIFAR), {
  what: `the shared MNIST and cifar10-jpeg files (${MNIST}, ${CIFAR})`,
  how: 'check out rramsim beside the shared/ directory that holds data/mnist and data/cifar10-jpeg',
});

/** run one point through the CLI; its peak RSS in bytes */
function measure(flags: string[], dataDir: string, cacheDir: string): number {
  const code = `process.on('exit', () => process.stderr.write('MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));
    process.argv.splice(1, 0, ${JSON.stringify(CLI)}); await import(${JSON.stringify(CLI)});`;
  const r = spawnSync('nice', ['-n', '10', process.execPath, '--input-type=module', '-e', code, 'run', ...flags, '--data-dir', dataDir, '--cache-dir', cacheDir],
    { encoding: 'utf8', timeout: 280_000 });
  expect(r.status, r.stderr).toBe(0);
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  expect(m, r.stderr).not.toBeNull();
  return Number(m![1]) * 1024;
}

/** the same point as the flags, planned as a config */
async function estimate(cfg: Record<string, unknown>): Promise<number> {
  const plan = await planSweep(cfg, 'measured');
  return PROCESS_BASE_BYTES + estimatePoint(plan.points[0].point).bytes;
}

describe.skipIf(!have)('memory estimate within 30 % of the measured peak RSS', () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-rss-'));
  // one data directory holding both data sets (--data-dir DIR/<name>)
  const data = join(dir, 'data');
  if (have) {
    spawnSync('mkdir', ['-p', data]);
    symlinkSync(MNIST, join(data, 'mnist'));
    symlinkSync(CIFAR, join(data, 'cifar10-jpeg'));
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['MLP', { model: 'mlp', dataset: 'mnist', method: 'unaware', trainLimit: 500, evalLimit: 1000, train: { epochs: 1 } },
      ['--model', 'mlp', '--dataset', 'mnist', '--method', 'unaware', '--trainLimit', '500', '--evalLimit', '1000', '--train.epochs', '1']],
    ['LeNet-5', { model: 'lenet5', dataset: 'mnist', method: 'unaware', trainLimit: 500, evalLimit: 1000, train: { epochs: 1 } },
      ['--model', 'lenet5', '--dataset', 'mnist', '--method', 'unaware', '--trainLimit', '500', '--evalLimit', '1000', '--train.epochs', '1']],
    ['5-task multitask MLP', {
      model: 'mlp', dataset: 'mnist', method: 'mt-lora', lora: { rank: 8 }, trainLimit: 500, train: { epochs: 1 }, retrain: { epochs: 1 },
      multitask: { tasks: ['permuted-mnist/0', 'permuted-mnist/1', 'permuted-mnist/2', 'permuted-mnist/3', 'permuted-mnist/4'], evalLimit: 500 },
    }, ['--model', 'mlp', '--dataset', 'mnist', '--method', 'mt-lora', '--lora.rank', '8', '--trainLimit', '500', '--train.epochs', '1', '--retrain.epochs', '1',
      '--multitask.tasks', 'permuted-mnist/0', 'permuted-mnist/1', 'permuted-mnist/2', 'permuted-mnist/3', 'permuted-mnist/4', '--multitask.evalLimit', '500']],
    ['ResNet-20', { model: 'resnet20', dataset: 'cifar10-jpeg', method: 'unaware', trainLimit: 64, evalLimit: 256, train: { epochs: 1 } },
      ['--model', 'resnet20', '--dataset', 'cifar10-jpeg', '--method', 'unaware', '--trainLimit', '64', '--evalLimit', '256', '--train.epochs', '1']],
  ];
  it('20 permuted-MNIST tasks (mt-fat) stay near one task: one copy of the data (a copy per task reached 4 GB)', async () => {
    const tasks = Array.from({ length: 20 }, (_, k) => `permuted-mnist/${k}`);
    const cfg = { model: 'mlp', dataset: 'mnist', method: 'mt-fat', trainLimit: 100, train: { epochs: 1 }, retrain: { epochs: 1 }, multitask: { tasks, evalLimit: 100 }, defects: { rate: 0.1 } };
    const est = await estimate(cfg);
    const rss = measure(['--model', 'mlp', '--dataset', 'mnist', '--method', 'mt-fat', '--trainLimit', '100', '--train.epochs', '1', '--retrain.epochs', '1',
      '--multitask.tasks', ...tasks, '--multitask.evalLimit', '100', '--defects.rate', '0.1'], data, join(dir, 'cache-mt20'));
    console.log(`20-task mt-fat: estimate ${(est / 1e6).toFixed(0)} MB, measured peak RSS ${(rss / 1e6).toFixed(0)} MB`);
    expect(rss).toBeLessThan(1e9);
    expect(Math.abs(est - rss) / rss).toBeLessThan(0.3);
  }, 300_000);

  for (const [name, cfg, flags] of cases) {
    it(name, async () => {
      const est = await estimate({ ...cfg, defects: { rate: 0.1 } });
      const rss = measure([...flags, '--defects.rate', '0.1'], data, join(dir, `cache-${name.replace(/\W/g, '')}`));
      console.log(`${name}: estimate ${(est / 1e6).toFixed(0)} MB, measured peak RSS ${(rss / 1e6).toFixed(0)} MB (${((100 * (est - rss)) / rss).toFixed(1)} %)`);
      expect(Math.abs(est - rss) / rss).toBeLessThan(0.3);
    }, 300_000);
  }
});
