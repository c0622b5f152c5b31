/**
 * A user whose native addon build did not finish (an interrupted `npm ci`) is told so: `sweep`,
 * `run` and `train` print ONE line at start naming why the addon is not active, the backend that
 * runs instead and the command that builds it. The unfinished build is simulated by pointing
 * RRAMSIM_NATIVE_ADDON at a file that does not exist. No line when the addon is active, or when the
 * user chose the backend (RRAMSIM_NATIVE=0, RRAMSIM_BACKEND).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { nativeStatus } from '../../src/kernels/native.js';
import { cli, ensureBuilt, writeJson } from './cli_helpers.js';

const MISSING = { RRAMSIM_NATIVE_ADDON: '/nonexistent/rramsim_native.node', RRAMSIM_BACKEND: '', RRAMSIM_NATIVE: '' };
const NOTE = /^rramsim: note: the native kernel addon is not active \(not built.*\); running on the '(wasm|ts)' backend .*npm run build:native/;

const noteLines = (stderr: string) => stderr.split('\n').filter((l) => l.includes('native kernel addon'));

describe.skipIf(!['x64', 'arm64'].includes(process.arch))('native addon notice', () => {
  let dir: string;
  beforeAll(() => {
    ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'rramsim-notice-'));
  });

  const trainArgs = () => ['train', '--model', 'mlp', '--dataset', 'mnist-embedded', '--epochs', '1', '--limit', '64', '--out', join(dir, `t-${Math.random()}.json`)];

  it('train: one line naming the reason and the build command when the addon is missing', () => {
    const r = cli(trainArgs(), MISSING);
    expect(r.code, r.stderr).toBe(0);
    const notes = noteLines(r.stderr);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(NOTE);
  });

  it('run: the same line once; the run still completes on the fallback backend', () => {
    const r = cli(['run', '--model', 'mlp', '--method', 'ideal', '--dataset', 'mnist-embedded', '--trainLimit', '64', '--train.epochs', '1'], MISSING);
    expect(r.code, r.stderr).toBe(0);
    expect(noteLines(r.stderr)).toHaveLength(1);
    expect(noteLines(r.stderr)[0]).toMatch(NOTE);
    expect(JSON.parse(r.stdout).env.backend).toMatch(/^(wasm|ts)$/);
  });

  it('sweep: once for the whole sweep (not once per worker)', () => {
    const cfg = writeJson(join(dir, 'tiny.json'), { name: 'tiny', dataset: 'mnist-embedded', method: 'ideal', trainLimit: 64, seed: [0, 1], train: { epochs: 1 } });
    const r = cli(['sweep', cfg, '--out', join(dir, 'sweep'), '--workers', '2'], MISSING);
    expect(r.code, r.stderr).toBe(0);
    expect(noteLines(r.stderr)).toHaveLength(1);
  });

  it('no line when the user chose the backend (RRAMSIM_NATIVE=0 or RRAMSIM_BACKEND=wasm)', () => {
    for (const env of [{ ...MISSING, RRAMSIM_NATIVE: '0' }, { ...MISSING, RRAMSIM_BACKEND: 'wasm' }]) {
      const r = cli(trainArgs(), env);
      expect(r.code, r.stderr).toBe(0);
      expect(noteLines(r.stderr)).toHaveLength(0);
    }
  });

  it('with the built addon: no line when it loads here, the line when it does not', () => {
    const r = cli(trainArgs(), { RRAMSIM_BACKEND: '', RRAMSIM_NATIVE: '' });
    expect(r.code, r.stderr).toBe(0);
    expect(noteLines(r.stderr)).toHaveLength(nativeStatus().loaded ? 0 : 1);
  });
});
