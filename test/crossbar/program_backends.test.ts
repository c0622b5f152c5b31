import { afterEach, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { roundHalfEven } from '../../src/crossbar/program_kernels.js';
import { availableBackends, getBackend, setBackend } from '../../src/kernels/gemm.js';
import { stream } from '../../src/util/rng.js';
import { randomParam } from './helpers.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

function run(backend: 'ts' | 'wasm', mapping: 'differential' | 'offset', levels: number) {
  setBackend(backend);
  const W = randomParam('fc', 37, 29, `be-${mapping}`, 0.3); // 1073 weights: SIMD body + scalar tail
  const op = new CrossbarMatrixOp(W, {
    seed: 2, device: { levels }, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 16, tileCols: 16, range: { kind: 'percentile', percentile: 95 } },
  });
  const r = stream(4, 'test/updates');
  const snaps: { eff: number[]; writes: number; clipped: number }[] = [];
  for (let step = 0; step < 5; step++) {
    for (let k = 0; k < W.value.length; k++) W.value[k] += (r.next() - 0.5) * 0.05;
    W.value[3] = 0.5 * op.wMax / Math.max(1, levels - 1); // a half-level tie for the quantiser
    op.sync();
    snaps.push({ eff: Array.from(op.effectiveWeights()), writes: op.cellWrites(), clipped: op.clippedCount() });
  }
  return { snaps, uP: Array.from(op.array.uP), uN: Array.from(op.array.uN), wp: Array.from(op.array.writesP) };
}

describe('cell programming: WebAssembly SIMD and TS loops agree bit for bit', () => {
  it('roundHalfEven matches wasm nearest', () => {
    expect([0.5, 1.5, 2.5, 3.49, 3.5, 4.5000001].map(roundHalfEven)).toEqual([0, 2, 2, 3, 4, 5]);
  });
  for (const mapping of ['differential', 'offset'] as const) {
    for (const levels of [0, 16]) {
      it.runIf(availableBackends().includes('wasm'))(`${mapping}, levels ${levels}`, () => {
        const a = run('ts', mapping, levels), b = run('wasm', mapping, levels);
        expect(b).toEqual(a);
        expect(a.snaps[4].writes).toBeGreaterThan(a.snaps[0].writes);
      });
    }
  }
});
