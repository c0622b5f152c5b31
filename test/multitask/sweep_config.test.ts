// The multitask config section and the mt-* sweep methods: planning fills the section,
// leaves it out of every other point (their hashes stay), and refuses bad input with one UserError
// naming the field and the allowed values; the CLI exits 2 on it before any work.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { UserError } from '../../src/util/errors.js';
import { cli, ensureBuilt, writeJson } from '../cli/cli_helpers.js';

async function planErr(config: Record<string, unknown>): Promise<UserError> {
  try { await planSweep(config); } catch (e) { if (e instanceof UserError) return e; throw e; }
  throw new Error('no error thrown');
}

const MT = { tasks: ['mnist', 'fashion-mnist'] };

describe('multitask config section', () => {
  it('fills the section for mt-* points, resets what a method does not read, leaves it out elsewhere', async () => {
    const plan = await planSweep({
      method: ['fat', 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab'], lora: { rank: 4 },
      multitask: { ...MT, merge: 'all' },
    });
    const by = Object.fromEntries(plan.points.map((p) => [p.point.method, p.point]));
    expect(by.fat.multitask).toBeUndefined();
    expect('multitask' in by.fat).toBe(false);
    expect(by.fat.dataset).toBe('mnist-embedded'); // the default, untouched for a single-task method
    for (const m of ['mt-fat', 'mt-lora', 'mt-lori', 'mt-crab']) {
      expect(by[m].multitask!.tasks, m).toEqual(['mnist', 'fashion-mnist']);
      expect(by[m].dataset, m).toBe('mnist'); // the first task's source
      expect(by[m].multitask!.heads).toBe('digital');
      expect(by[m].multitask!.evalLimit).toBe(0);
    }
    expect(by['mt-lori'].multitask!.merge).toBe('all');
    expect(by['mt-lora'].multitask!.merge).toBe('all');
    expect(by['mt-fat'].multitask!.merge).toBe('none'); // not read: reset
    expect(by['mt-crab'].multitask!.merge).toBe('none');
    expect(by['mt-crab'].multitask!.router).toBe('softmax'); // mt-crab's one router kind
    expect(by['mt-lora'].multitask!.router).toBe('none');
    expect(by['mt-fat'].lora.rank).toBe(0); // mt-fat reads no adapter section
    expect(by['mt-lori'].lora.alpha).toBe(4);
  });

  it('adding a multitask section does not change the hash of any other point', async () => {
    const common = { method: ['unaware', 'fat', 'lora'], lora: { rank: 4 }, defects: { rate: [0.1, 0.2] } };
    const without = await planSweep(common);
    const withMt = await planSweep({ ...common, method: [...common.method, 'mt-lori'], multitask: MT });
    const hashes = withMt.points.filter((p) => p.point.method !== 'mt-lori').map((p) => p.hash);
    expect(hashes).toEqual(without.points.map((p) => p.hash));
    expect(withMt.points.filter((p) => p.point.method === 'mt-lori')).toHaveLength(2);
  });

  it("heads: absent = 'digital' (same point hash); 'crossbar' is a new point for every mt-* method", async () => {
    const base = { method: ['mt-fat', 'mt-lora', 'mt-lori', 'mt-crab'], lora: { rank: 4 } };
    const absent = await planSweep({ ...base, multitask: MT });
    const digital = await planSweep({ ...base, multitask: { ...MT, heads: 'digital' } });
    const xbar = await planSweep({ ...base, multitask: { ...MT, heads: 'crossbar' } });
    expect(digital.points.map((p) => p.hash)).toEqual(absent.points.map((p) => p.hash));
    expect(xbar.points.map((p) => p.point.multitask!.heads)).toEqual(['crossbar', 'crossbar', 'crossbar', 'crossbar']);
    xbar.points.forEach((p, i) => expect(p.hash).not.toBe(absent.points[i].hash));
  });

  it('a list of task lists sweeps the sequence', async () => {
    const plan = await planSweep({ method: 'mt-fat', multitask: { tasks: [['mnist', 'fashion-mnist'], ['permuted-mnist/0', 'permuted-mnist/1', 'permuted-mnist/2']] } });
    expect(plan.points.map((p) => p.point.multitask!.tasks.length)).toEqual([2, 3]);
  });

  describe('bad input: one UserError each, naming the field and the allowed values', () => {
    it('an unknown task', async () => {
      const e = await planErr({ method: 'mt-lora', lora: { rank: 4 }, multitask: { tasks: ['mnist', 'cifar100'] } });
      expect(e.message).toMatch(/^multitask\.tasks\[1\]: unknown task "cifar100"; allowed: mnist, fashion-mnist, .*permuted-mnist\/<k>/);
    });
    it('a bad task parameter', async () => {
      const e = await planErr({ method: 'mt-lora', lora: { rank: 4 }, multitask: { tasks: ['mnist', 'rotated-mnist/400'] } });
      expect(e.message).toMatch(/^multitask\.tasks\[1\]: task "rotated-mnist\/400" needs rotated-mnist\/<deg>/);
    });
    it('a task list with one task for a multi-task method', async () => {
      const e = await planErr({ method: 'mt-lori', lora: { rank: 4 }, multitask: { tasks: ['mnist'] } });
      expect(e.message).toMatch(/^multitask\.tasks: needs at least 2 tasks \(got 1\)/);
    });
    it('a multi-task method without a task list', async () => {
      const e = await planErr({ method: 'mt-fat' });
      expect(e.message).toMatch(/^multitask\.tasks: method 'mt-fat' .* needs multitask\.tasks/);
    });
    it('a single-task LoRA option the mt-* methods do not read', async () => {
      const e = await planErr({ method: 'mt-lora', lora: { rank: 4, experts: ['stuck'] }, multitask: MT });
      expect(e.message).toMatch(/^lora\.experts: is not read by method 'mt-lora'/);
      const e2 = await planErr({ method: 'mt-lori', lora: { rank: 4, merged: true }, multitask: MT });
      expect(e2.field).toBe('lora.merged');
    });
    it('a router on a method without heads', async () => {
      const e = await planErr({ method: 'mt-lora', lora: { rank: 4 }, multitask: { ...MT, router: 'softmax' } });
      expect(e.message).toMatch(/^multitask\.router: 'softmax' needs a method with adapter heads \('mt-crab'\); no point of this sweep reads it \(methods 'mt-lora'\); allowed for these methods: 'none'/);
      const e2 = await planErr({ method: ['mt-lora', 'mt-fat'], lora: { rank: 4 }, multitask: { ...MT, router: 'softmax' } });
      expect(e2.field).toBe('multitask.router');
    });
    it('mt-crab without its router', async () => {
      const e = await planErr({ method: 'mt-crab', lora: { rank: 4 }, multitask: { ...MT, router: 'none' } });
      expect(e.message).toMatch(/^multitask\.router: method 'mt-crab' routes over its heads; allowed: 'softmax'/);
    });
    it('merging without adapters, joint training without a router adapter', async () => {
      expect((await planErr({ method: 'mt-fat', multitask: { ...MT, merge: 'linear' } })).message).toMatch(/^multitask\.merge: 'linear' needs per-task adapters/);
      expect((await planErr({ method: 'mt-lori', lora: { rank: 4 }, multitask: { ...MT, training: 'joint' } })).message).toMatch(/^multitask\.training: 'joint'/);
    });
    it('bad enum values', async () => {
      const e = await planErr({ method: 'mt-lori', lora: { rank: 4 }, multitask: { ...MT, merge: 'ties' } });
      expect(e.message).toMatch(/^multitask\.merge: got "ties"; allowed: one of 'none', 'linear', 'concatenated', 'all'/);
      expect((await planErr({ method: 'mt-lori', lora: { rank: 4 }, multitask: { ...MT, heads: 'analog' } })).message).toMatch(/^multitask\.heads: got "analog"; allowed: one of 'digital', 'crossbar'$/);
    });
    it('a multitask section with no multi-task method', async () => {
      const e = await planErr({ method: ['fat', 'lora'], lora: { rank: 4 }, multitask: MT });
      expect(e.message).toMatch(/^multitask\.tasks: the multitask section is read only by the multi-task methods 'mt-fat', 'mt-lora', 'mt-lori', 'mt-crab'/);
    });
    it('a dataset other than the first task\'s', async () => {
      const e = await planErr({ method: 'mt-fat', dataset: 'fashion-mnist', multitask: MT });
      expect(e.message).toMatch(/^dataset: method 'mt-fat' .* trains the base on its first task 'mnist' .*allowed: 'mnist', or leave dataset out/);
    });
    it('the output layer in lora.layers (it has per-task heads)', async () => {
      const e = await planErr({ method: 'mt-lora', lora: { rank: 4, layers: ['fc1', 'fc3'] }, multitask: MT });
      expect(e.message).toMatch(/^lora\.layers\[1\]: unknown layer 'fc3' .*allowed: fc1, fc2$/);
    });
  });
});

describe('rramsim sweep with a bad multitask section exits 2 before any work', () => {
  let dir: string;
  beforeAll(() => { ensureBuilt(); dir = mkdtempSync(join(tmpdir(), 'rramsim-mt-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it.each([
    ['unknown task', { tasks: ['mnist', 'kmnist'] }, 'mt-lori', /^rramsim: multitask\.tasks\[1\]: unknown task "kmnist"; allowed: /],
    ['one task', { tasks: ['mnist'] }, 'mt-lori', /^rramsim: multitask\.tasks: needs at least 2 tasks \(got 1\)/],
    ['router without heads', { ...MT, router: 'softmax' }, 'mt-lori', /^rramsim: multitask\.router: 'softmax' needs a method with adapter heads/],
    ['bad heads value', { ...MT, heads: 'analog' }, 'mt-lori', /^rramsim: multitask\.heads: got "analog"; allowed: one of 'digital', 'crossbar'$/],
  ])('%s', (name, multitask, method, re) => {
    const out = join(dir, `out-${name.replace(/ /g, '-')}`);
    const cfg = writeJson(join(dir, `${name.replace(/ /g, '-')}.json`), { method, lora: { rank: 4 }, multitask });
    const r = cli(['sweep', cfg, '--out', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(re);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(out)).toBe(false);
  });
});
