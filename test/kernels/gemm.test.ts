/**
 * One GEMM suite run against every backend (tfjs-style), plus cross-backend and memory-placement
 * checks. Oracle: float64 naive triple loop. Tolerance per element (standard float32 dot-product
 * error bound, any summation order, u = 2^-24 unit roundoff):
 *   |C - C_exact| <= (K + 2)·u·(Σ_k |op(A)[i,k]·op(B)[k,j]| + |C_old|)
 * (K - 1 roundings in the sum, one for the products, one for the accumulate add). A wrong index or
 * a missed/extra term is off by O(|a·b|) and fails it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { multiply, matrix } from 'mathjs';
import { gemm, setBackend, getBackend, availableBackends, type BackendName } from '../../src/kernels/gemm.js';
import { allocF32 } from '../../src/kernels/alloc.js';
import { inWasmMemory } from '../../src/kernels/wasm_memory.js';
import { nativeKernels, nativeStatus } from '../../src/kernels/native.js';
import { stream } from '../../src/util/rng.js';
import { UserError } from '../../src/util/errors.js';

const U = 2 ** -24;

function fillRand(a: Float32Array, name: string): Float32Array {
  const r = stream(5, `test/gemm/${name}`);
  for (let i = 0; i < a.length; i++) a[i] = r.next() * 2 - 1;
  return a;
}
const rand = (n: number, name: string) => fillRand(new Float32Array(n), name);

/** float64 oracle: exact-ish value and the error scale Σ|a·b| per element */
function oracle(tA: boolean, tB: boolean, M: number, N: number, K: number,
  A: Float32Array, B: Float32Array, C0: Float32Array | null) {
  const v = new Float64Array(M * N), s = new Float64Array(M * N);
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let acc = 0, mag = 0;
    for (let k = 0; k < K; k++) {
      const p = (tA ? A[k * M + i] : A[i * K + k]) * (tB ? B[j * K + k] : B[k * N + j]);
      acc += p; mag += Math.abs(p);
    }
    const c = C0 ? C0[i * N + j] : 0;
    v[i * N + j] = acc + c;
    s[i * N + j] = mag + Math.abs(c);
  }
  return { v, s };
}

function expectClose(C: Float32Array, ref: { v: Float64Array; s: Float64Array }, K: number, tag: string) {
  let worst = 0, at = -1;
  for (let i = 0; i < ref.v.length; i++) {
    const r = Math.abs(C[i] - ref.v[i]) / ((K + 2) * U * ref.s[i] + 1e-30);
    if (!(r <= worst)) { worst = r; at = i; } // NaN-safe: NaN makes worst NaN
  }
  if (!(worst <= 1)) {
    throw new Error(`${tag}: element ${at}: got ${C[at]}, want ${ref.v[at]} (error ${worst.toFixed(2)}x the bound)`);
  }
}

const layouts: Array<[boolean, boolean]> = [[false, false], [true, false], [false, true], [true, true]];
const tagOf = (tA: boolean, tB: boolean) => `${tA ? 'T' : 'N'}${tB ? 'T' : 'N'}`;

// odd shapes + register-tile (4 x 8 / 4 x 4) and K-block (256) boundaries ± 1
const shapes: Array<[number, number, number]> = [
  [1, 1, 1], [1, 7, 3], [3, 1, 17], [7, 3, 1], [17, 33, 7], [33, 17, 65], [65, 127, 33],
  [127, 130, 5], [130, 65, 127], [4, 8, 256], [5, 9, 257], [3, 7, 255], [9, 15, 513],
  [64, 10, 100], [6, 16, 150], [25, 6, 600],
  // narrow products (N <= 4: the wasm 8 x 4 tile), M around multiples of 8
  [37, 4, 50], [9, 2, 300], [130, 3, 33], [8, 1, 7], [15, 4, 513],
];

const backends = availableBackends();
const initial = getBackend();
afterAll(() => setBackend(initial));

// The native addon is built by `npm ci` (src/native/build.mjs). Without it the suite still runs on
// ts and wasm; under CI=true (where the build must work) a missing addon fails, unless the test
// run deliberately disables it (RRAMSIM_NATIVE=0, the fallback check in native_fallback.test.ts).
const nativeOff = process.env.RRAMSIM_NATIVE === '0';
const nativeMissing = !backends.includes('native') && !nativeOff;
if (nativeMissing) console.log(`SKIP native backend checks: addon not available (${nativeStatus().reason}); needs g++, make, python3 and Node headers`);

it('the backends are ts, wasm and (when the addon loaded) native; the default is the fastest', () => {
  if (nativeMissing && process.env.CI === 'true') throw new Error(`native addon unavailable under CI: ${nativeStatus().reason}`);
  expect(backends).toEqual(nativeOff || nativeMissing ? ['ts', 'wasm'] : ['ts', 'wasm', 'native']);
  expect(initial).toBe(process.env.RRAMSIM_BACKEND || (backends.includes('native') ? 'native' : 'wasm'));
});

describe.each(backends)('gemm backend %s', (backend: BackendName) => {
  const use = () => setBackend(backend);

  for (const [M, N, K] of shapes) {
    it(`M=${M} N=${N} K=${K}: all four layouts, overwrite and accumulate`, () => {
      use();
      for (const [tA, tB] of layouts) {
        const tag = `${backend} ${tagOf(tA, tB)} ${M}x${N}x${K}`;
        const A = rand(M * K, `A${tag}`), B = rand(K * N, `B${tag}`);
        const C = fillRand(new Float32Array(M * N), `C${tag}`); // garbage to be overwritten
        gemm(tA, tB, M, N, K, A, B, C, false);
        expectClose(C, oracle(tA, tB, M, N, K, A, B, null), K, `${tag} overwrite`);
        const C0 = rand(M * N, `C0${tag}`);
        const C2 = C0.slice();
        gemm(tA, tB, M, N, K, A, B, C2, true);
        expectClose(C2, oracle(tA, tB, M, N, K, A, B, C0), K, `${tag} accumulate`);
      }
    });
  }

  it('column-block boundary (N = 1023, 1024, 1025) and large K = 3000', () => {
    use();
    for (const [M, N, K] of [[5, 1023, 3], [2, 1024, 9], [6, 1025, 4], [3, 5, 3000]] as const) {
      for (const [tA, tB] of layouts) {
        const A = rand(M * K, `bA${M}${N}${K}`), B = rand(K * N, `bB${M}${N}${K}`);
        const C = new Float32Array(M * N);
        gemm(tA, tB, M, N, K, A, B, C, false);
        expectClose(C, oracle(tA, tB, M, N, K, A, B, null), K, `${backend} ${tagOf(tA, tB)} ${M}x${N}x${K}`);
      }
    }
  });

  it('agrees with mathjs multiply', () => {
    use();
    for (const [M, N, K] of [[3, 4, 5], [9, 6, 25], [17, 10, 31]]) {
      const A = rand(M * K, `mA${M}`), B = rand(K * N, `mB${M}`);
      const rows = (x: Float32Array, r: number, c: number) =>
        Array.from({ length: r }, (_, i) => Array.from(x.subarray(i * c, i * c + c)));
      const ref = multiply(matrix(rows(A, M, K)), matrix(rows(B, K, N))).toArray() as number[][];
      const C = new Float32Array(M * N);
      gemm(false, false, M, N, K, A, B, C, false);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
        let mag = 0;
        for (let k = 0; k < K; k++) mag += Math.abs(A[i * K + k] * B[k * N + j]);
        expect(Math.abs(C[i * N + j] - ref[i][j])).toBeLessThanOrEqual((K + 2) * U * mag);
      }
    }
  });

  it('overwrite mode never reads C (NaN in C does not leak into the result)', () => {
    use();
    for (const [M, N, K] of [[7, 13, 600], [5, 6, 3]]) {
      const A = rand(M * K, 'nA'), B = rand(K * N, 'nB');
      const C = new Float32Array(M * N).fill(NaN);
      gemm(false, false, M, N, K, A, B, C, false);
      expectClose(C, oracle(false, false, M, N, K, A, B, null), K, `NaN C ${M}x${N}x${K}`);
    }
  });

  it('is deterministic: same inputs give the same bits', () => {
    use();
    const [M, N, K] = [37, 29, 300];
    const A = rand(M * K, 'dA'), B = rand(K * N, 'dB');
    const C1 = new Float32Array(M * N), C2 = new Float32Array(M * N);
    gemm(false, true, M, N, K, A, B, C1, false);
    gemm(false, true, M, N, K, A, B, C2, false);
    expect(Buffer.from(C2.buffer).equals(Buffer.from(C1.buffer))).toBe(true);
  });

  it('works on subarray views at non-zero offsets and never writes outside C', () => {
    use();
    const [M, N, K] = [13, 11, 9];
    for (const alloc of [allocF32, (n: number) => new Float32Array(n)]) {
      const bigA = fillRand(alloc(M * K + 7), 'oA'), bigB = fillRand(alloc(K * N + 3), 'oB');
      const bigC = alloc(M * N + 10).fill(123.5);
      const A = bigA.subarray(7), B = bigB.subarray(3, 3 + K * N), C = bigC.subarray(5, 5 + M * N);
      gemm(true, false, M, N, K, A, B, C, false);
      expectClose(C, oracle(true, false, M, N, K, A, B, null), K, 'offset views');
      const C0 = C.slice();
      gemm(false, true, M, N, K, bigA.subarray(1, 1 + M * K), B, C, true); // partial-panel accumulate
      expectClose(C, oracle(false, true, M, N, K, bigA.subarray(1, 1 + M * K), B, C0), K, 'offset views, accumulate');
      for (let i = 0; i < 5; i++) expect(bigC[i]).toBe(123.5);
      for (let i = 5 + M * N; i < bigC.length; i++) expect(bigC[i]).toBe(123.5);
    }
  });

  it('handles empty dimensions: M or N = 0 is a no-op, K = 0 gives C = 0 (or leaves C when accumulating)', () => {
    use();
    const C = Float32Array.from([1, 2, 3, 4, 5, 6]);
    gemm(false, false, 0, 3, 4, new Float32Array(0), new Float32Array(12), C, false);
    gemm(false, false, 2, 0, 4, new Float32Array(8), new Float32Array(0), C, false);
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
    gemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), C, true);
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
    gemm(false, false, 2, 3, 0, new Float32Array(0), new Float32Array(0), C, false);
    expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('rejects C overlapping A or B (in wasm memory or not), accepts disjoint views of one buffer', () => {
    use();
    for (const alloc of [allocF32, (n: number) => new Float32Array(n)]) {
      const buf = alloc(64).fill(0.5);
      expect(() => gemm(false, false, 4, 4, 4, buf.subarray(0, 16), buf.subarray(16, 32), buf.subarray(8, 24), false))
        .toThrow(/must not overlap/);
      expect(() => gemm(false, false, 4, 4, 4, buf.subarray(0, 16), buf.subarray(16, 32), buf.subarray(31, 47), false))
        .toThrow(/must not overlap/);
      gemm(false, false, 4, 4, 4, buf.subarray(0, 16), buf.subarray(16, 32), buf.subarray(32, 48), false);
      expect(buf[32]).toBe(1); // 4 · 0.5 · 0.5
    }
  });

  it('rejects operands shorter than their dimensions', () => {
    use();
    expect(() => gemm(false, false, 4, 4, 4, new Float32Array(15), new Float32Array(16), new Float32Array(16), false))
      .toThrow(/A has 15 \(needs 16\)/);
    expect(() => gemm(false, false, 4, 4, 4, new Float32Array(16), new Float32Array(16), new Float32Array(3), false))
      .toThrow(/C has 3/);
  });
});

describe('backends and memory placement', () => {
  it('ts and wasm agree within the float32 bound on the MLP/LeNet shapes', () => {
    const cases: Array<[boolean, boolean, number, number, number]> = [
      [false, false, 64, 300, 784], [true, false, 784, 300, 64], [false, true, 64, 784, 300],
      [false, false, 6400, 16, 150], [true, false, 150, 16, 640], [false, true, 640, 150, 16],
    ];
    for (const [tA, tB, M, N, K] of cases) {
      const A = rand(M * K, `xA${M}`), B = rand(K * N, `xB${M}`);
      const Ct = new Float32Array(M * N), Cw = new Float32Array(M * N);
      setBackend('ts'); gemm(tA, tB, M, N, K, A, B, Ct, false);
      setBackend('wasm'); gemm(tA, tB, M, N, K, A, B, Cw, false);
      const ref = oracle(tA, tB, M, N, K, A, B, null);
      let bad = 0;
      for (let i = 0; i < Ct.length; i++) if (!(Math.abs(Ct[i] - Cw[i]) <= 2 * (K + 2) * U * ref.s[i])) bad++;
      expect(bad).toBe(0);
      expectClose(Cw, ref, K, `wasm ${tagOf(tA, tB)} ${M}x${N}x${K}`);
    }
  });

  it('wasm gives the same bits whether each operand is inside or outside wasm memory', () => {
    setBackend('wasm');
    const [M, N, K] = [21, 19, 270];
    const A0 = rand(M * K, 'pA'), B0 = rand(K * N, 'pB'), C0 = rand(M * N, 'pC');
    let first: Float32Array | null = null;
    for (let mask = 0; mask < 8; mask++) {
      const put = (src: Float32Array, inside: boolean) => {
        const d = inside ? allocF32(src.length) : new Float32Array(src.length);
        d.set(src);
        expect(inWasmMemory(d)).toBe(inside);
        return d;
      };
      const A = put(A0, (mask & 1) !== 0), B = put(B0, (mask & 2) !== 0), C = put(C0, (mask & 4) !== 0);
      gemm(true, true, M, N, K, A, B, C, true);
      if (!first) first = C.slice();
      else expect(Array.from(C)).toEqual(Array.from(first));
    }
  });

  it('allocF32 returns distinct zero-filled views into wasm memory', () => {
    const a = allocF32(10), b = allocF32(3), z = allocF32(0);
    expect(inWasmMemory(a) && inWasmMemory(b)).toBe(true);
    expect(a.length).toBe(10);
    expect(z.length).toBe(0);
    expect(Array.from(a).every((v) => v === 0)).toBe(true);
    a.fill(1);
    expect(Array.from(b)).toEqual([0, 0, 0]);
    expect(b.byteOffset >= a.byteOffset + 40 || b.byteOffset + 12 <= a.byteOffset).toBe(true);
    expect(() => allocF32(-1)).toThrow(RangeError);
  });

  it('setBackend rejects unknown names with a UserError listing the allowed values', () => {
    expect(() => setBackend('gpu' as BackendName)).toThrow(UserError);
    expect(() => setBackend('gpu' as BackendName)).toThrow(/'ts', 'wasm', 'native'/);
  });
});

describe.skipIf(!backends.includes('native'))('native = wasm, bit for bit (the numeric contract)', () => {
  // every shape of the suite plus the training shapes, all four layouts, overwrite and accumulate,
  // on every instruction set the addon offers here (AVX-512, AVX2, baseline)
  const train: Array<[number, number, number]> = [
    [64, 300, 784], [784, 300, 64], [64, 784, 300], [64, 100, 300], [300, 100, 64], [64, 10, 100],
    [100, 10, 64], [64, 100, 10], [50176, 6, 25], [25, 6, 3000], [6400, 16, 150], [150, 16, 640], [640, 150, 16],
    [1023, 33, 257], [200, 1025, 40],
  ];
  const isas = backends.includes('native') ? nativeKernels()!.isas() : [];
  it.each(isas)('instruction set %s', (isa: string) => {
    const nk = nativeKernels()!;
    const before = nk.isa();
    try {
      expect(nk.setIsa(isa)).toBe(true);
      for (const [M, N, K] of [...shapes, ...train]) {
        for (const [tA, tB] of layouts) {
          for (const acc of [false, true]) {
            const A = rand(M * K, `iA${M}_${K}`), B = rand(K * N, `iB${N}_${K}`), C0 = rand(M * N, `iC${M}_${N}`);
            const Cw = C0.slice(), Cn = C0.slice();
            setBackend('wasm'); gemm(tA, tB, M, N, K, A, B, Cw, acc);
            setBackend('native'); gemm(tA, tB, M, N, K, A, B, Cn, acc);
            const same = Buffer.from(Cw.buffer).equals(Buffer.from(Cn.buffer));
            if (!same) throw new Error(`${isa} ${tagOf(tA, tB)} M=${M} N=${N} K=${K} acc=${acc}: native differs from wasm`);
          }
        }
      }
    } finally {
      nk.setIsa(before);
    }
  });

  it('native reads operands anywhere (wasm memory or not) and gives the same bits', () => {
    setBackend('native');
    const [M, N, K] = [21, 19, 270];
    const A0 = rand(M * K, 'nA'), B0 = rand(K * N, 'nB'), C0 = rand(M * N, 'nC');
    let first: Float32Array | null = null;
    for (let mask = 0; mask < 8; mask++) {
      const put = (src: Float32Array, inside: boolean) => { const d = inside ? allocF32(src.length) : new Float32Array(src.length); d.set(src); return d; };
      const A = put(A0, (mask & 1) !== 0), B = put(B0, (mask & 2) !== 0), C = put(C0, (mask & 4) !== 0);
      gemm(false, true, M, N, K, A, B, C, true);
      if (!first) first = C.slice();
      else expect(Buffer.from(C.buffer, C.byteOffset, C.byteLength).equals(Buffer.from(first.buffer))).toBe(true);
    }
  });

  it('the addon refuses operands shorter than their dimensions itself (RangeError, nothing written)', () => {
    const nk = nativeKernels()!;
    const C = new Float32Array(4).fill(7);
    expect(() => nk.gemm(0, 0, 2, 2, 3, new Float32Array(5), new Float32Array(6), C, 0)).toThrow(RangeError);
    expect(Array.from(C)).toEqual([7, 7, 7, 7]);
  });
});

describe('arena marks', () => {
  it('arenaRelease hands back space; the next allocF32 reuses it, zero-filled', async () => {
    const { arenaMark, arenaRelease, arenaStats } = await import('../../src/kernels/alloc.js');
    const mark = arenaMark();
    const used = arenaStats().arenaUsed;
    const a = allocF32(1000).fill(3);
    expect(arenaStats().arenaUsed).toBeGreaterThanOrEqual(used + 4000);
    arenaRelease(mark);
    expect(arenaStats().arenaUsed).toBe(used);
    const b = allocF32(1000);
    expect(b.byteOffset).toBe(a.byteOffset);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(() => arenaRelease(mark + 4)).toThrow(/not a mark/);
  });
});
