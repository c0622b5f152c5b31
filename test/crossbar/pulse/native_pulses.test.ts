/**
 * The native pass of the pulsed update schemes (src/native/pulse_kernel.cc) against the
 * TypeScript loop it replaces (src/crossbar/update/pulse_programmer.ts, the fallback): two
 * identical ops, one switched to the fallback, get the same training-like sequence of weight
 * changes; after every pass the cells (uP, uN), W_eff, the per-cell pulse counters, the write
 * counters, the write events and the update cost must be equal bit for bit. Over all five
 * pulse-response device models (exp-step and pow-step run the fallback on both sides: the check
 * is then that they do), the three pulsed schemes, both mappings, stuck cells (20 %), row and
 * column permutations, cycle-to-cycle and device-to-device noise on, upDown ≠ 0, clipped weights.
 * The open-loop / mixed-precision pass on the differential mapping (src/native/pulse_impl.h, one
 * build per instruction set, blocks over the kernel threads) also on a matrix of several blocks,
 * on every instruction set of the machine, with 1 and 2 kernel threads, with and without
 * permutations (identity: the dense first-pulse sweep; permuted: every cell as a lane).
 */
import { describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../../src/crossbar/crossbar_matrix_op.js';
import { resolveUpdate, type UpdateScheme } from '../../../src/crossbar/update/update_spec.js';
import { nativeKernels } from '../../../src/kernels/native.js';
import { stream } from '../../../src/util/rng.js';
import { requireSystem } from '../../support/system_package.js';
import { randomParam } from '../helpers.js';

const f = Math.fround;
const nk = nativeKernels();
const skip = requireSystem(nk !== null && typeof nk.pulseProgram === 'function', {
  what: 'the native addon with pulseProgram (src/native/pulse_kernel.cc)', how: 'npm run build:native',
});

const MODELS: Record<string, Record<string, number>> = {
  'constant-step': {},
  'linear-step': { gammaUp: 0.7, gammaDown: 1.3 },
  'soft-bounds': {},
  'exp-step': {},
  'pow-step': {},
};
const NATIVE_SHAPES = new Set(['constant-step', 'linear-step', 'soft-bounds']);
const SCHEMES: UpdateScheme[] = ['open-loop', 'mixed-precision', 'verify-pulses'];

/** the smallest m' ≥ m coprime with n (i ↦ (i·m' + c) mod n is then a permutation) */
function coprime(m: number, n: number): number {
  const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));
  while (gcd(m, n) !== 1) m++;
  return m;
}

function make(model: string, scheme: UpdateScheme, mapping: 'differential' | 'offset', W: ReturnType<typeof randomParam>, permute: boolean) {
  const o = new CrossbarMatrixOp(W, {
    seed: 11,
    device: { gMin: 1e-6, gMax: 1e-4, levels: 0, model, modelParams: { dwMin: 0.004, upDown: 0.2, dtod: 0.3, ctoc: 0.5, ...MODELS[model] } },
    crossbar: { mapping, tileRows: 16, tileCols: 16, range: { kind: 'fixed', wMax: 0.8 } },
    defects: { rate: 0.2, lrsShare: 0.5, distribution: 'uniform' },
    update: resolveUpdate({ scheme, tolerance: 0.003, maxPulses: 40 }),
  });
  if (permute) {
    const rows = W.rows, cols = W.cols;
    o.setRowPermutation(Int32Array.from({ length: rows }, (_, i) => (i * coprime(8, rows) + 3) % rows));
    o.setColPermutation(Int32Array.from({ length: cols }, (_, j) => (j * coprime(5, cols) + 1) % cols));
  }
  o.resetWriteCounts(); // the deployment is over: the scheme takes the writes from here
  return o;
}

describe.skipIf(skip)('native pulse pass = the TypeScript loop, bit for bit', () => {
  for (const model of Object.keys(MODELS)) {
    for (const scheme of SCHEMES) {
      for (const mapping of ['differential', 'offset'] as const) {
        for (const permute of mapping === 'differential' ? [true, false] : [false]) it(`${model}, ${scheme}, ${mapping}${permute ? ', permuted' : ''}`, () => {
          const Wn = randomParam('fc', 21, 13, 'pulsed', 0.6), Wt = randomParam('fc', 21, 13, 'pulsed', 0.6);
          const a = make(model, scheme, mapping, Wn, permute), b = make(model, scheme, mapping, Wt, permute);
          const pa = a.array.pulser!, pb = b.array.pulser!;
          pb.useFallback();
          expect(pa.isNative).toBe(NATIVE_SHAPES.has(model));
          expect(pb.isNative).toBe(false);
          expect(a.array.stateP).toEqual(b.array.stateP);
          let stuck = 0;
          for (let s = 0; s < a.array.slots; s++) stuck += a.array.slotKind[s] !== 0 ? 1 : 0;
          expect(stuck).toBeGreaterThan(10);
          let pulses = 0;
          for (let step = 0; step < 12; step++) {
            const r = stream(step, 'test/native-pulses');
            for (let k = 0; k < Wn.value.length; k++) {
              const u = r.next();
              // most weights move a little, some jump (clipped beyond ±wMax), a few stay put
              const d = u < 0.1 ? 0 : u < 0.2 ? 1.5 * (2 * r.next() - 1) : 0.05 * (2 * r.next() - 1);
              Wn.value[k] = Wt.value[k] = f(Wn.value[k] + d);
            }
            a.sync(); b.sync();
            const x = a.array, y = b.array;
            expect(x.uP).toEqual(y.uP);
            expect(x.uN).toEqual(y.uN);
            expect(x.writesP).toEqual(y.writesP);
            expect(x.writesN).toEqual(y.writesN);
            expect(pa.countP).toEqual(pb.countP);
            expect(pa.countN).toEqual(pb.countN);
            expect(pa.aimP).toEqual(pb.aimP);
            expect(pa.accP).toEqual(pb.accP);
            expect(a.effectiveWeights()).toEqual(b.effectiveWeights());
            expect(a.cellWrites()).toBe(b.cellWrites());
            expect(a.cost()).toEqual(b.cost());
            pulses = a.cost().update!.pulses;
          }
          // the comparison is not vacuous: pulses were applied and counters moved
          expect(pulses).toBeGreaterThan(1000);
          if (scheme === 'verify-pulses') expect(a.cost().update!.reads).toBeGreaterThan(pulses);
        });
      }
    }
  }
});

/** the first index where two typed arrays differ in bits (−1: identical; a length mismatch: −2) */
function firstDiff(x: ArrayBufferView, y: ArrayBufferView): number {
  if (x.byteLength !== y.byteLength) return -2;
  const p = new Uint8Array(x.buffer, x.byteOffset, x.byteLength), q = new Uint8Array(y.buffer, y.byteOffset, y.byteLength);
  for (let i = 0; i < p.length; i++) if (p[i] !== q[i]) return i;
  return -1;
}

describe.skipIf(skip)('native pulse pass on every instruction set and thread count = the TypeScript loop', () => {
  const isa0 = nk?.isa() ?? 'base', threads0 = nk?.threads() ?? 1;
  for (const isa of nk?.isas() ?? []) {
    for (const threads of [1, 2]) {
      for (const scheme of ['open-loop', 'mixed-precision'] as UpdateScheme[]) {
        for (const permute of [false, true]) {
          it(`${isa}, ${threads} thread(s), ${scheme}${permute ? ', permuted' : ''}`, () => {
            expect(nk!.setIsa(isa)).toBe(true);
            nk!.setThreads(threads);
            try {
              // 200 x 200: 20 blocks of 2048 weights, so two threads get one part each
              const Wn = randomParam('fc', 200, 200, 'pulsed-isa', 0.6), Wt = randomParam('fc', 200, 200, 'pulsed-isa', 0.6);
              const a = make('soft-bounds', scheme, 'differential', Wn, permute), b = make('soft-bounds', scheme, 'differential', Wt, permute);
              const pa = a.array.pulser!, pb = b.array.pulser!;
              pb.useFallback();
              expect(pa.isNative).toBe(true);
              let multi = 0;
              for (let step = 0; step < 4; step++) {
                const r = stream(step, 'test/native-pulses-isa');
                for (let k = 0; k < Wn.value.length; k++) {
                  const u = r.next();
                  // small moves (one pulse or none), some larger (pulse trains), a few jumps and rests
                  const d = u < 0.05 ? 0 : u < 0.1 ? 1.5 * (2 * r.next() - 1) : u < 0.3 ? 0.05 * (2 * r.next() - 1) : 0.004 * (2 * r.next() - 1);
                  Wn.value[k] = Wt.value[k] = f(Wn.value[k] + d);
                }
                const before = Uint32Array.from(pa.countP);
                a.sync(); b.sync();
                for (let s = 0; s < before.length; s++) multi += pa.countP[s] - before[s] >= 2 ? 1 : 0;
                const x = a.array, y = b.array;
                expect(firstDiff(x.uP, y.uP)).toBe(-1);
                expect(firstDiff(x.uN, y.uN)).toBe(-1);
                expect(firstDiff(x.writesP, y.writesP)).toBe(-1);
                expect(firstDiff(x.writesN, y.writesN)).toBe(-1);
                expect(firstDiff(pa.countP, pb.countP)).toBe(-1);
                expect(firstDiff(pa.countN, pb.countN)).toBe(-1);
                expect(firstDiff(pa.aimP, pb.aimP)).toBe(-1);
                expect(firstDiff(pa.aimN, pb.aimN)).toBe(-1);
                expect(firstDiff(pa.accP, pb.accP)).toBe(-1);
                expect(firstDiff(pa.accN, pb.accN)).toBe(-1);
                expect(firstDiff(a.effectiveWeights(), b.effectiveWeights())).toBe(-1);
                expect(a.cellWrites()).toBe(b.cellWrites());
                expect(a.cost()).toEqual(b.cost());
              }
              // not vacuous: many pulses, single ones and trains of several
              expect(a.cost().update!.pulses).toBeGreaterThan(20000);
              expect(multi).toBeGreaterThan(100);
            } finally {
              nk!.setIsa(isa0);
              nk!.setThreads(threads0);
            }
          });
        }
      }
    }
  }
});
