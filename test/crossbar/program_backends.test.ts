import { afterEach, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { roundHalfEven } from '../../src/crossbar/program_kernels.js';
import { availableBackends, getBackend, setBackend } from '../../src/kernels/gemm.js';
import { inWasmMemory } from '../../src/kernels/wasm_memory.js';
import { stream } from '../../src/util/rng.js';
import { randomParam } from './helpers.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

type Mapping = 'differential' | 'offset';

function snapshot(op: CrossbarMatrixOp) {
  const a = op.array;
  return {
    eff: Array.from(op.effectiveWeights()), writes: op.cellWrites(), clipped: op.clippedCount(),
    uP: Array.from(a.uP), uN: Array.from(a.uN), wp: Array.from(a.writesP), wn: Array.from(a.writesN),
  };
}

function reversed(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => n - 1 - i);
}

/**
 * A random walk of the weights with syncs in between: identity permutations first (healthy +
 * special slots in one wasm pass, programIdentity), then permuted rows (programRows), then
 * permuted rows and columns (healthy slots in TS, the special list in wasm), plus a range
 * recalibration (a `full` W_eff refresh, fully stuck slots included).
 */
function run(backend: 'ts' | 'wasm', mapping: Mapping, levels: number) {
  setBackend(backend);
  const W = randomParam('fc', 37, 29, `be-${mapping}`, 0.3); // 1073 weights: SIMD body + scalar tail
  const op = new CrossbarMatrixOp(W, {
    seed: 2, device: { levels }, defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 16, tileCols: 16, range: { kind: 'percentile', percentile: 95 } },
  });
  const r = stream(4, 'test/updates');
  const snaps: ReturnType<typeof snapshot>[] = [snapshot(op)];
  for (let step = 0; step < 9; step++) {
    for (let k = 0; k < W.value.length; k++) W.value[k] += (r.next() - 0.5) * 0.05;
    W.value[3] = 0.5 * op.wMax / Math.max(1, levels - 1); // a half-level tie for the quantiser
    if (step === 3) op.recalibrateRange();
    if (step === 5) op.setRowPermutation(reversed(37));
    if (step === 7) op.setColPermutation(reversed(29));
    op.sync();
    snaps.push(snapshot(op));
  }
  return snaps;
}

/**
 * Weights chosen so that the special slots hit the float64 quantiser's ties: with wMax = 1 and
 * L = 5 levels (L − 1 = 4), t ∈ {±0.375, ±0.625} puts the free cell's target q·4 exactly on
 * 1.5 or 2.5 (Math.round: halves up, unlike the healthy path's round-half-to-even), and
 * |w| = 1.25 clips. Then a second sync with half the weights moved (writes only where changed).
 */
function runTies(backend: 'ts' | 'wasm', mapping: Mapping, levels: number, perm: 'none' | 'rows' | 'rows+cols') {
  setBackend(backend);
  const W = randomParam('fc', 23, 19, `ties-${mapping}`, 0.3);
  const vals = [0.375, -0.375, 0.625, -0.625, 1.25, -1.25, 1, -1, 0, 0.5];
  for (let k = 0; k < W.value.length; k++) W.value[k] = vals[k % vals.length];
  const op = new CrossbarMatrixOp(W, {
    seed: 5, device: { levels }, defects: { rate: 0.3, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 8, tileCols: 8, range: { kind: 'fixed', wMax: 1 } },
  });
  if (perm !== 'none') op.setRowPermutation(reversed(23));
  if (perm === 'rows+cols') op.setColPermutation(reversed(19));
  op.sync();
  const snaps = [snapshot(op)];
  for (let k = 0; k < W.value.length; k += 2) W.value[k] = vals[(k + 3) % vals.length];
  op.sync();
  snaps.push(snapshot(op));
  return { snaps, kinds: Array.from(op.array.slotKind) };
}

/** a few NaN weights (a diverged run) on healthy and special slots: the backends still agree */
function runNaN(backend: 'ts' | 'wasm', mapping: Mapping, levels: number) {
  setBackend(backend);
  const W = randomParam('fc', 13, 11, `nan-${mapping}`, 0.3);
  const op = new CrossbarMatrixOp(W, {
    seed: 3, device: { levels }, defects: { rate: 0.3, lrsShare: 0.5, distribution: 'uniform' },
    crossbar: { mapping, tileRows: 8, tileCols: 8, range: { kind: 'fixed', wMax: 0.2 } },
  });
  for (let k = 0; k < W.value.length; k += 7) W.value[k] = NaN;
  op.sync();
  return snapshot(op);
}

describe('cell programming: WebAssembly and TS loops agree bit for bit', () => {
  it('roundHalfEven matches wasm nearest', () => {
    expect([0.5, 1.5, 2.5, 3.49, 3.5, 4.5000001].map(roundHalfEven)).toEqual([0, 2, 2, 3, 4, 5]);
  });
  const hasWasm = availableBackends().includes('wasm');
  it.runIf(hasWasm)('the wasm backend keeps every array the loops read in wasm memory', () => {
    setBackend('wasm');
    const W = randomParam('fc', 9, 7, 'mem', 0.3);
    const op = new CrossbarMatrixOp(W, { seed: 1, defects: { rate: 0.2, lrsShare: 0.5, distribution: 'uniform' } });
    const priv = op as unknown as { routing: { partial: Int32Array; partialSlot: Int32Array; permR: Int32Array }; wEff: Float32Array };
    const r = priv.routing;
    expect(r.partial.length).toBeGreaterThan(0);
    for (const v of [r.partial, r.partialSlot, priv.wEff, r.permR, op.array.uP, op.array.uN]) {
      expect(inWasmMemory(new Float32Array(v.buffer, v.byteOffset, 0))).toBe(true);
    }
  });
  for (const mapping of ['differential', 'offset'] as const) {
    for (const levels of [0, 16]) {
      it.runIf(hasWasm)(`${mapping}, levels ${levels}: random walk, permutations, recalibration`, () => {
        const a = run('ts', mapping, levels), b = run('wasm', mapping, levels);
        expect(b).toEqual(a);
        expect(a[9].writes).toBeGreaterThan(a[1].writes);
        expect(a.some((s) => s.clipped > 0)).toBe(true);
      });
    }
    it.runIf(hasWasm)(`${mapping}: NaN weights`, () => {
      for (const levels of [0, 5]) expect(runNaN('wasm', mapping, levels)).toEqual(runNaN('ts', mapping, levels));
    });
    for (const levels of [0, 5]) {
      for (const perm of ['none', 'rows', 'rows+cols'] as const) {
        it.runIf(hasWasm)(`${mapping}, levels ${levels}, permuted ${perm}: special slots at quantiser ties and clipping`, () => {
          const a = runTies('ts', mapping, levels, perm), b = runTies('wasm', mapping, levels, perm);
          expect(b).toEqual(a);
          const kinds = new Set(a.kinds);
          for (const k of mapping === 'differential' ? [0, 1, 2, 3] : [0, 3]) expect(kinds.has(k)).toBe(true);
          expect(a.snaps[0].clipped).toBeGreaterThan(0);
          expect(a.snaps[1].writes).toBeGreaterThan(a.snaps[0].writes);
        });
      }
    }
  }
});
