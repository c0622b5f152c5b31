/**
 * The fallback when the native addon cannot build or load, simulated with RRAMSIM_NATIVE=0: the
 * kernel suites (gemm, conv helpers, the per-backend layer kernels, the crossbar programming passes
 * with and without counter programming noise) run in a child vitest process
 * with the addon disabled, and must pass there on the ts and wasm backends, with wasm the default
 * (gemm.test.ts asserts the backend list and the default from the environment it runs in).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

describe.skipIf(process.env.RRAMSIM_NATIVE === '0')('fallback without the native addon', () => {
  it('the kernel suites pass in a child process with RRAMSIM_NATIVE=0 (wasm is the default there)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-fallback-'));
    try {
      const out = join(dir, 'report.json');
      const env = { ...process.env, RRAMSIM_NATIVE: '0' };
      delete env.RRAMSIM_BACKEND;
      delete env.VITEST; delete env.VITEST_WORKER_ID; delete env.VITEST_POOL_ID; delete env.TEST;
      const r = spawnSync(process.execPath, [join('node_modules', 'vitest', 'vitest.mjs'), 'run',
        'test/kernels/gemm.test.ts', 'test/kernels/conv_helpers.test.ts', 'test/kernels/layer_kernels.test.ts',
        'test/crossbar/program_backends.test.ts', 'test/crossbar/prog_noise_counter.test.ts',
        '--reporter=json', `--outputFile=${out}`], { env, encoding: 'utf8', timeout: 300_000 });
      const report = JSON.parse(readFileSync(out, 'utf8')) as { numPassedTests: number; numFailedTests: number; numTotalTests: number };
      if (r.status !== 0) throw new Error(`child vitest failed (exit ${r.status}):\n${r.stdout.slice(-2000)}\n${r.stderr.slice(-2000)}`);
      expect(report.numFailedTests).toBe(0);
      expect(report.numPassedTests).toBeGreaterThan(50);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
