// A failed point's stored error (results.jsonl, and so report.html) is ONE line: no stack trace, no
// absolute path of the machine (paths relative to the package root); the full trace goes to
// DIR/errors.log with the point's hash. Also for a worker that dies mid-point.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { planSweep, type SweepPlan } from '../../src/config/expand.js';
import { UserError } from '../../src/util/errors.js';
import { runSweep, type SweepOptions } from '../../sim/sweep/run_sweep.js';
import { storedError } from '../../sim/sweep/stored_error.js';
import { ensureBuilt, ROOT } from '../cli/cli_helpers.js';
import { FAKE_RUNNER, readRecords, tmp } from './helpers.js';

const cfg = { name: 'errs', method: ['unaware', 'fat'], defects: { rate: [0, 0.1] }, seed: [0, 1] };
const quiet = { start() {}, current() {}, finished() {}, log() {}, stop() {} };
let plan: SweepPlan;
beforeAll(async () => {
  plan = await planSweep(cfg);
});

function opts(out: string, extra: Partial<SweepOptions> = {}): SweepOptions {
  return { plan, out, workers: 1, resume: false, runnerModule: FAKE_RUNNER, inline: true, command: 'test', progress: quiet, report: false, handleSigint: false, ...extra };
}

async function withEnv<T>(name: string, value: string, f: () => Promise<T>): Promise<T> {
  const prev = process.env[name];
  process.env[name] = value;
  try {
    return await f();
  } finally {
    if (prev === undefined) delete process.env[name];
    else process.env[name] = prev;
  }
}

/** DIR/errors.log entries: hash -> full text */
function errorLog(dir: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const entry of readFileSync(join(dir, 'errors.log'), 'utf8').split('\n\n').filter((e) => e.trim())) {
    const head = /^\d{4}-\d\d-\d\dT[\d:.]+Z point ([0-9a-f]+)\n/.exec(entry);
    expect(head, entry.slice(0, 80)).not.toBeNull();
    m.set(head![1], entry.slice(head![0].length));
  }
  return m;
}

describe('stored errors: one line in results.jsonl and the report, the trace in errors.log', () => {
  it('a throwing point: `Error: message (at file:line)` relative to the package root; errors.log holds the stack; report.html shows the line', async () => {
    const out = tmp();
    await withEnv('FAKE_FAIL_METHOD', 'fat', () => runSweep(opts(out, { report: true })));
    const failed = readRecords(out).filter((r) => r.status === 'failed');
    expect(failed).toHaveLength(4);
    const log = errorLog(out);
    for (const r of failed) {
      expect(r.error).toMatch(/^Error: fake failure for method fat \(at test\/sweep\/fixtures\/fake_runner\.mjs:\d+\)$/);
      expect(log.get(r.pointHash)).toMatch(/^Error: fake failure for method fat\n\s+at runPoint \(.*fake_runner\.mjs:\d+:\d+\)/);
    }
    expect(log.size).toBe(4);
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html).toContain(failed[0].error);
    expect(html).not.toMatch(/\\n\s+at |\n\s+at runPoint/);
    expect(html).not.toContain(ROOT);
    expect(html).not.toContain('file://');
  });

  it('a worker that dies mid-point: `worker crashed: RangeError: … (at file:line)`, the trace in errors.log, the sweep goes on', async () => {
    ensureBuilt();
    const out = tmp();
    const r = await withEnv('FAKE_CRASH_METHOD', 'fat', () => runSweep(opts(out, { inline: false })));
    expect(r).toMatchObject({ total: 8, ok: 4, failed: 4 });
    const failed = readRecords(out).filter((x) => x.status === 'failed');
    const log = errorLog(out);
    for (const f of failed) {
      expect(f.error).toMatch(/^worker crashed: RangeError: fake crash for method fat \(at test\/sweep\/fixtures\/fake_runner\.mjs:\d+\)$/);
      expect(log.get(f.pointHash)).toMatch(/^RangeError: fake crash for method fat\n\s+at /);
    }
  });

  it('storedError: newlines folded, the install path (plain or file:// URL) relative, a UserError as its message, at most 1000 characters', () => {
    const e = new TypeError(`x is not a function\nwhile loading ${pathToFileURL(join(ROOT, 'dist', 'src', 'nn', 'dense.js')).href} and ${join(ROOT, 'src', 'a.ts')}`);
    e.stack = `TypeError: x\n    at f (${join(ROOT, 'dist', 'src', 'nn', 'dense.js')}:12:7)\n    at g (node:internal/x:1:1)`;
    expect(storedError(e)).toBe('TypeError: x is not a function while loading dist/src/nn/dense.js and src/a.ts (at dist/src/nn/dense.js:12)');
    const node = new Error('boom');
    node.stack = `Error: boom\n    at x (${join(ROOT, 'node_modules', 'zod', 'index.js')}:1:1)\n    at y (${pathToFileURL(join(ROOT, 'sim', 'sweep', 'pool.ts')).href}:40:3)`;
    expect(storedError(node)).toBe('Error: boom (at sim/sweep/pool.ts:40)');
    expect(storedError(new UserError('model.layers[2].out: 7 is less than the 10 classes\nsecond line'))).toBe('model.layers[2].out: 7 is less than the 10 classes second line');
    const long = storedError(new Error('y'.repeat(5000)));
    expect(long).toHaveLength(1000);
    expect(long.endsWith('…')).toBe(true);
  });
});
