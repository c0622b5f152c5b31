import { describe, expect, it } from 'vitest';
import { checkMultitaskPoint, checkMultitaskSpec, DEFAULT_MULTITASK, DEFAULT_MULTITASK_POINT, MAX_TASKS } from '../../src/methods/multitask/multitask_spec.js';
import { UserError } from '../../src/util/errors.js';

function err(f: () => unknown): UserError {
  try { f(); } catch (e) { if (e instanceof UserError) return e; throw e; }
  throw new Error('no error thrown');
}

describe('multi-task spec checks (bad input: one clear error each)', () => {
  const ok = { ...DEFAULT_MULTITASK, tasks: ['mnist', 'fashion-mnist'] };

  it('accepts valid specs', () => {
    expect(checkMultitaskSpec(ok, 'lora').length).toBe(2);
    expect(checkMultitaskSpec({ ...ok, merge: 'concatenated' }, 'lori').length).toBe(2);
    expect(checkMultitaskSpec({ ...ok, router: 'softmax', tasks: ['permuted-mnist/0', 'permuted-mnist/1', 'rotated-mnist/45'] }, 'crab').length).toBe(3);
  });

  it('an unknown task', () => {
    const e = err(() => checkMultitaskSpec({ ...ok, tasks: ['mnist', 'cifar100'] }, 'lora'));
    expect(e.field).toBe('multitask.tasks[1]');
    expect(e.message).toMatch(/unknown task "cifar100"; allowed: mnist, fashion-mnist/);
  });

  it('a task list with one task for a multi-task method', () => {
    const e = err(() => checkMultitaskSpec({ ...ok, tasks: ['mnist'] }, 'lori'));
    expect(e.field).toBe('multitask.tasks');
    expect(e.message).toMatch(/at least 2 tasks \(got 1\)/);
  });

  it('more than MAX_TASKS tasks is refused before any data is read, naming the field', () => {
    const tasks = Array.from({ length: 200 }, (_, k) => `permuted-mnist/${k}`);
    const e = err(() => checkMultitaskSpec({ ...ok, tasks }, 'fat'));
    expect(e.field).toBe('multitask.tasks');
    expect(e.message).toMatch(/at most 100 tasks \(got 200\)/);
    expect(MAX_TASKS).toBe(100);
    expect(checkMultitaskSpec({ ...ok, tasks: tasks.slice(0, MAX_TASKS) }, 'fat').length).toBe(MAX_TASKS);
    const p = err(() => checkMultitaskPoint({ ...DEFAULT_MULTITASK_POINT, tasks }, 'mt-fat', (f) => `sweep.${f}`));
    expect(p.field).toBe('sweep.multitask.tasks');
  });

  it('a router on a method without heads, and crab without a router', () => {
    const e = err(() => checkMultitaskSpec({ ...ok, router: 'softmax' }, 'lora'));
    expect(e.field).toBe('multitask.router');
    expect(e.message).toMatch(/needs a method with adapter heads.*'none'/);
    expect(err(() => checkMultitaskSpec(ok, 'crab')).message).toMatch(/allowed: 'softmax'/);
  });

  it('merging without adapters, bad enum values, unknown methods', () => {
    expect(err(() => checkMultitaskSpec({ ...ok, merge: 'linear' }, 'fat')).field).toBe('multitask.merge');
    expect(err(() => checkMultitaskSpec({ ...ok, merge: 'ties' as never }, 'lora')).message).toMatch(/multitask\.merge.*'none', 'linear', 'concatenated'/);
    expect(err(() => checkMultitaskSpec(ok, 'ittrna')).message).toMatch(/allowed: fat, lora, lori, crab/);
  });
});
