import { afterEach, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { roundHalfEven } from '../../src/crossbar/program_kernels.js';
import { availableBackends, getBackend, setBackend, type BackendName } from '../../src/kernels/gemm.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { inWasmMemory } from '../../src/kernels/wasm_memory.js';
import { stream } from '../../src/util/rng.js';
import { randomParam } from './helpers.js';

const initial = getBackend();
afterEach(() => setBackend(initial));

type Mapping = 'differential' | 'offset';

/** float32 bit patterns (so +0 and −0 differ), every NaN as one canonical pattern (a NaN's payload is not part of the contract) */
function bits(f: Float32Array): number[] {
  const u = new Uint32Array(f.buffer, f.byteOffset, f.length);
  return Array.from(f, (v, i) => (Number.isNaN(v) ? 0x7fc00000 : u[i]));
}

function snapshot(op: CrossbarMatrixOp) {
  const a = op.array;
  return {
    eff: bits(op.effectiveWeights()), writes: op.cellWrites(), clipped: op.clippedCount(),
    uP: bits(a.uP), uN: bits(a.uN), wp: Array.from(a.writesP), wn: Array.from(a.writesN),
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
function run(backend: BackendName, mapping: Mapping, levels: number) {
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
function runTies(backend: BackendName, mapping: Mapping, levels: number, perm: 'none' | 'rows' | 'rows+cols') {
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
function runNaN(backend: BackendName, mapping: Mapping, levels: number) {
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

/**
 * The native pass (src/native/program_impl.h) against the wasm and TS loops, bit for bit, on every
 * instruction set the addon offers here, through the same random walks, ties and NaN weights.
 */
const hasNative = availableBackends().includes('native') && !!nativeKernels()?.program;
describe.skipIf(!hasNative)('cell programming: native = wasm = TS, bit for bit, on every instruction set', () => {
  const isas = hasNative ? nativeKernels()!.isas() : [];
  const onIsa = (isa: string, f: () => void) => {
    const nk = nativeKernels()!;
    const before = nk.isa();
    try {
      expect(nk.setIsa(isa)).toBe(true);
      f();
    } finally {
      nk.setIsa(before);
    }
  };
  const hasWasm = availableBackends().includes('wasm');
  for (const isa of isas) {
    for (const mapping of ['differential', 'offset'] as const) {
      it(`${isa}, ${mapping}: random walks (levels 0, 16), ties under every permutation, NaN weights`, () => {
        onIsa(isa, () => {
          for (const levels of [0, 16]) {
            const n = run('native', mapping, levels);
            expect(n).toEqual(run('ts', mapping, levels));
            if (hasWasm) expect(n).toEqual(run('wasm', mapping, levels));
            expect(n[9].writes).toBeGreaterThan(n[1].writes);
          }
          for (const levels of [0, 5]) {
            for (const perm of ['none', 'rows', 'rows+cols'] as const) {
              const n = runTies('native', mapping, levels, perm);
              expect(n).toEqual(runTies('ts', mapping, levels, perm));
              if (hasWasm) expect(n).toEqual(runTies('wasm', mapping, levels, perm));
            }
            expect(runNaN('native', mapping, levels)).toEqual(runNaN('ts', mapping, levels));
          }
        });
      });
    }
  }

  it('refuses out-of-range indices instead of writing past an array (RangeError)', () => {
    const nk = nativeKernels()!;
    const n = 6, f = () => new Float32Array(n), u = () => new Uint32Array(n);
    const call = (permR: Int32Array | null, special: Int32Array, slot: Int32Array) => nk.program!(f(), new Uint8Array(n), f(), f(), u(), u(), f(),
      2, 3, permR, null, 1, 0, special, slot, 1, 1, 0, new Float64Array(2));
    expect(() => call(null, new Int32Array(0), new Int32Array(0))).not.toThrow();
    expect(() => call(Int32Array.of(0, 2), new Int32Array(0), new Int32Array(0))).toThrow(RangeError);
    expect(() => call(null, Int32Array.of(6), Int32Array.of(0))).toThrow(RangeError);
    expect(() => call(null, Int32Array.of(1), Int32Array.of(-1))).toThrow(RangeError);
    expect(() => call(null, Int32Array.of(1, 2), Int32Array.of(1))).toThrow(RangeError);
  });
});

/**
 * Oracle: the general path (program_generic.ts: float64, slot by slot through the device model and
 * the mapping, an independent implementation) programs the same cells to the same levels up to float32
 * rounding of t = w/wMax (the fast path's healthy slots work in float32) and exact level ties, and
 * writes the same cells.
 */
describe('cell programming: every backend against the general path (float64 oracle)', () => {
  for (const backend of availableBackends()) {
    for (const mapping of ['differential', 'offset'] as const) {
      it(`${backend}, ${mapping}`, () => {
        const make = () => {
          setBackend(backend);
          const W = randomParam('fc', 41, 23, `oracle-${mapping}`, 0.3);
          return new CrossbarMatrixOp(W, {
            seed: 8, defects: { rate: 0.15, lrsShare: 0.5, distribution: 'uniform' },
            crossbar: { mapping, tileRows: 16, tileCols: 16, range: { kind: 'percentile', percentile: 95 } },
          });
        };
        const fast = make(), slow = make();
        (slow.array.model as { fastPath: unknown }).fastPath = null; // lands exactly: u = target, same arrays
        const r = stream(9, 'test/oracle');
        for (let step = 0; step < 4; step++) {
          for (let k = 0; k < fast.weight.value.length; k++) {
            const d = (r.next() - 0.5) * 0.04;
            fast.weight.value[k] += d; slow.weight.value[k] += d;
          }
          fast.sync(); slow.sync();
          const a = fast.effectiveWeights(), b = slow.effectiveWeights();
          for (let k = 0; k < a.length; k++) expect(Math.abs(a[k] - b[k])).toBeLessThanOrEqual(4e-7 * fast.wMax);
          expect(fast.clippedCount()).toBe(slow.clippedCount());
          // same cells written, up to float32 vs float64 rounding of t = 0 crossings (none expected here)
          expect(fast.cellWrites()).toBe(slow.cellWrites());
        }
      });
    }
  }
});
