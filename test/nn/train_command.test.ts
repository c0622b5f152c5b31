import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runTrain, trainConfigFromArgs } from '../../sim/commands/train.js';
import { runCli } from '../../sim/main.js';
import { UserError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'rramsim-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sink(): { s: PassThrough; text: () => string } {
  const s = new PassThrough();
  let buf = '';
  s.on('data', (c) => { buf += c; });
  return { s, text: () => buf };
}

describe('rramsim train', () => {
  it('trains on the embedded data, prints per-epoch lines and writes a reproducible JSON result', async () => {
    const args = { model: 'mlp', dataset: 'mnist-embedded', epochs: 2, seed: 3, limit: 600, batch: 32, progress: false };
    const o1 = sink();
    const r1 = await runTrain({ ...args, out: join(dir, 'a.json') }, o1.s);
    const r2 = await runTrain({ ...args, out: join(dir, 'b.json') }, sink().s);
    const file = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(file.command).toBe('train');
    expect(file.evalSplit).toBe('heldout');
    expect(file.dataset.trainExamples).toBe(600);
    expect(file.epochs).toHaveLength(2);
    expect(file.config).toEqual({ model: 'mlp', pool: 'max', dataset: 'mnist-embedded', seed: 3, limit: 600,
      train: { epochs: 2, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 } });
    expect(file.configHash).toMatch(/^[0-9a-f]{16}$/);
    expect(file.finalAccuracy).toBe(r1.finalAccuracy);
    expect(r1.finalAccuracy).toBeGreaterThan(0.6); // 600 examples, 2 epochs: far above chance (0.1)
    expect(o1.text()).toMatch(/epoch 1\/2 {2}train loss [\d.]+ acc [\d.]+% {2}heldout loss [\d.]+ acc [\d.]+%/);
    expect(o1.text()).not.toMatch(/\btest\b/);
    // determinism across runs of the command
    expect(r2.weightsSha256).toBe(r1.weightsSha256);
    expect(r2.epochs.map(({ seconds: _s, ...e }) => e)).toEqual(r1.epochs.map(({ seconds: _s, ...e }) => e));
  });

  it('--init overrides the preset init (recorded in the config); the default config has no init field', async () => {
    const args = { model: 'mlp', dataset: 'mnist-embedded', epochs: 1, seed: 3, limit: 64, batch: 32, progress: false };
    const def = await runTrain({ ...args, out: join(dir, 'd.json') }, sink().s);
    const same = await runTrain({ ...args, init: 'pytorch', 'bias-init': 'uniform', out: join(dir, 'p.json') }, sink().s);
    const he = await runTrain({ ...args, init: 'he-uniform', 'bias-init': 'zero', out: join(dir, 'h.json') }, sink().s);
    expect(def.config.init).toBeUndefined();
    expect(same.config.init).toEqual({ weights: 'pytorch', bias: 'uniform' });
    expect(same.weightsSha256).toBe(def.weightsSha256); // the preset's init, spelled out
    expect(he.config.init).toEqual({ weights: 'he-uniform', bias: 'zero' });
    expect(he.weightsSha256).not.toBe(def.weightsSha256);
    expect(he.configHash).not.toBe(def.configHash);
  });

  it('bad flag values are UserErrors naming the flag and the allowed values', () => {
    const base = { model: 'mlp', dataset: 'mnist' };
    const msg = (a: object) => {
      try { trainConfigFromArgs({ ...base, ...a }); } catch (e) { expect(e).toBeInstanceOf(UserError); return (e as Error).message; }
      return 'no error';
    };
    expect(msg({ model: 'vgg' })).toBe("--model must be one of mlp, lenet5, resnet20, vgg8, vit-mnist, vit-cifar, vit-codes (got 'vgg')");
    expect(msg({ dataset: 'cifar' })).toBe("--dataset must be one of mnist, fashion-mnist, mnist-embedded, cifar10, cifar10-jpeg (got 'cifar')");
    expect(msg({ pool: 'min' })).toBe("--pool must be one of max, avg (got 'min')");
    expect(msg({ epochs: 0 })).toMatch(/--epochs must be an integer in \[1, 1000\]/);
    expect(msg({ epochs: 1.5 })).toMatch(/--epochs must be an integer in \[1, 1000\]/);
    expect(msg({ lr: NaN })).toMatch(/--lr must be a number in \(0, 10\]/);
    expect(msg({ batch: -4 })).toMatch(/--batch must be an integer in \[1, 65536\]/);
    expect(msg({ momentum: 1 })).toMatch(/--momentum must be a number in \[0, 1\)/);
    expect(msg({ 'weight-decay': -1 })).toMatch(/--weight-decay must be a number in \[0, 1\]/);
    expect(msg({ seed: -1 })).toMatch(/--seed must be an integer >= 0/);
    expect(msg({ init: 'he' })).toBe("--init must be one of he-uniform, he-normal, xavier-uniform, xavier-normal, pytorch (got 'he')");
    expect(msg({ 'bias-init': 'one' })).toBe("--bias-init must be one of zero, uniform (got 'one')");
  });

  it('through the CLI: exit code 2 and one clear line, no stack trace', async () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const code = await runCli(['train', '--model', 'vgg', '--dataset', 'mnist-embedded']);
      expect(code).toBe(2);
      const text = err.mock.calls.map((c) => String(c[0])).join('');
      expect(text).toContain("--model must be one of mlp, lenet5, resnet20, vgg8, vit-mnist, vit-cifar, vit-codes (got 'vgg')");
      expect(text).not.toMatch(/\n\s+at /);
      err.mockClear();
      expect(await runCli(['train', '--lr', 'abc'])).toBe(2);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toMatch(/--lr must be a number in \(0, 10\]/);
    } finally {
      err.mockRestore();
    }
  });
});
