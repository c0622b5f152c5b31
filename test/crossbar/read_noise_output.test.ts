import { afterEach, describe, expect, it } from 'vitest';
import { availableBackends, getBackend, setBackend } from '../../src/kernels/gemm.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { nativeKernels } from '../../src/kernels/native.js';
import { UserError } from '../../src/util/errors.js';
import { randomArray, randomParam } from './helpers.js';

const D = { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' as const };
const OFF = 1e-6 / (1e-4 - 1e-6);

/**
 * oracle from the cells, by hand (identity routing): differential (w = wMax·(uP − uN))
 * V_bj = Σ_i x_bi²·wMax²·σr²·((uP + g₀)² + (uN + g₀)²); offset (w = wMax·(2uP − 1), the reference
 * column is not read) V_bj = Σ_i x_bi²·wMax²·σr²·4·(uP + g₀)²
 */
function oracleVariance(op: CrossbarMatrixOp, X: Float32Array, n: number, sig: number, two: boolean): Float64Array {
  const { rows, cols } = op;
  const V = new Float64Array(n * cols);
  const a = op.array;
  for (let b = 0; b < n; b++) {
    for (let j = 0; j < cols; j++) {
      let v = 0;
      for (let i = 0; i < rows; i++) {
        const s = i * cols + j;
        const c = two ? (a.uP[s] + OFF) ** 2 + (a.uN[s] + OFF) ** 2 : 4 * (a.uP[s] + OFF) ** 2;
        v += X[b * rows + i] ** 2 * op.wMax ** 2 * sig ** 2 * c;
      }
      V[b * cols + j] = v;
    }
  }
  return V;
}

/** per output: mean and variance over R forwards (the cells are not reprogrammed: weights fixed) */
function moments(op: CrossbarMatrixOp, X: Float32Array, n: number, R: number): { mean: Float64Array; vari: Float64Array; ys: Float32Array[] } {
  const m = n * op.cols;
  const mean = new Float64Array(m), sq = new Float64Array(m), ys: Float32Array[] = [];
  for (let r = 0; r < R; r++) {
    const Y = new Float32Array(m);
    op.forward(X, n, Y, true);
    ys.push(Y);
    for (let k = 0; k < m; k++) { mean[k] += Y[k] / R; sq[k] += (Y[k] * Y[k]) / R; }
  }
  const vari = new Float64Array(m);
  for (let k = 0; k < m; k++) vari[k] = ((sq[k] - mean[k] * mean[k]) * R) / (R - 1);
  return { mean, vari, ys };
}

describe("read noise 'per-output': the per-cell distribution, drawn per sample on the outputs", () => {
  const rows = 40, cols = 30, n = 4, R = 300, sig = 0.1;

  for (const mapping of ['differential', 'offset'] as const) {
    for (const crossbar of [{}, { dacBits: 14, tileRows: 16, tileCols: 8 }]) {
      const tiled = 'dacBits' in crossbar;
      it(`${mapping}${tiled ? ', tiled (DAC on, 3 x 4 tiles)' : ''}: mean X·W_eff and variance Σ x²·S match the per-cell model and the hand oracle`, () => {
        const W = randomParam('fc', rows, cols, 'pout', 0.4);
        const X = randomArray(n * rows, 'pout-x', 1);
        const mk = (model: 'per-cell' | 'per-output') => new CrossbarMatrixOp(W, {
          seed: 2, layer: 'fc', device: { readSigma: sig, levels: 16, readNoiseModel: model }, defects: D,
          crossbar: { mapping, ...crossbar },
        });
        const cell = mk('per-cell'), out = mk('per-output');
        expect(out.readPath.active).toEqual(tiled ? ['read-noise', 'dac'] : ['read-noise']);
        expect(Array.from(out.effectiveWeights())).toEqual(Array.from(cell.effectiveWeights()));
        const V = oracleVariance(out, X, n, sig, mapping === 'differential');
        const clean = new Float64Array(n * cols);
        const wEff = out.effectiveWeights();
        for (let b = 0; b < n; b++) for (let j = 0; j < cols; j++) for (let i = 0; i < rows; i++) clean[b * cols + j] += X[b * rows + i] * wEff[i * cols + j];
        for (const op of [cell, out]) {
          const { mean, vari } = moments(op, X, n, R);
          // per output: the mean within 5 standard errors √(V/R) (+ float32 rounding)
          for (let k = 0; k < n * cols; k++) expect(Math.abs(mean[k] - clean[k])).toBeLessThan(5 * Math.sqrt(V[k] / R) + 1e-4);
          // variance ratio s²/V averaged over the n·cols outputs: each s²/V has SD √(2/(R−1)), columns
          // are independent given the cells (distinct cells per column),
          // but the samples of a column share cells in 'per-cell', so only cols of them count as
          // independent: bound 5·√(2/(R−1))/√cols ≈ 0.075
          let ratio = 0;
          for (let k = 0; k < n * cols; k++) ratio += vari[k] / V[k] / (n * cols);
          expect(Math.abs(ratio - 1)).toBeLessThan(5 * Math.sqrt(2 / (R - 1)) / Math.sqrt(cols));
        }
      });
    }
  }

  it("'per-cell' shares one draw by the batch (per-batch weight noise); 'per-output' draws per sample", () => {
    const W = randomParam('fc', rows, cols, 'pout', 0.4);
    const x = randomArray(rows, 'pout-x', 1);
    const X = new Float32Array(2 * rows);
    X.set(x, 0); X.set(x, rows); // two identical samples
    const corr = (model: 'per-cell' | 'per-output') => {
      const op = new CrossbarMatrixOp(W, { seed: 2, layer: 'fc', device: { readSigma: sig, readNoiseModel: model } });
      const { mean, ys } = moments(op, X, 2, R);
      let c = 0, v0 = 0, v1 = 0;
      for (const Y of ys) {
        for (let j = 0; j < cols; j++) {
          const a = Y[j] - mean[j], b = Y[cols + j] - mean[cols + j];
          c += a * b; v0 += a * a; v1 += b * b;
        }
      }
      return c / Math.sqrt(v0 * v1);
    };
    expect(corr('per-cell')).toBeGreaterThan(0.999); // the same noisy weights for both samples
    expect(Math.abs(corr('per-output'))).toBeLessThan(5 / Math.sqrt(R * cols)); // independent draws
  });

  it('is reproducible from the seed and fresh in every forward', () => {
    const W = randomParam('fc', rows, cols, 'pout', 0.4);
    const X = randomArray(n * rows, 'pout-x', 1);
    const mk = () => new CrossbarMatrixOp(W, { seed: 5, layer: 'fc', device: { readSigma: sig, readNoiseModel: 'per-output' } });
    const a = mk(), b = mk();
    const ya = new Float32Array(n * cols), yb = new Float32Array(n * cols), y2 = new Float32Array(n * cols);
    a.forward(X, n, ya, false); b.forward(X, n, yb, false);
    expect(ya).toEqual(yb);
    a.forward(X, n, y2, false);
    expect(y2).not.toEqual(ya);
  });

  it('device.readNoiseModel accepts per-cell | per-output and names the field otherwise', () => {
    expect(resolveDevice({ readNoiseModel: 'per-output' }).readNoiseModel).toBe('per-output');
    let err: unknown;
    try { resolveDevice({ readNoiseModel: 'bogus' as never }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(UserError);
    expect(String((err as Error).message)).toMatch(/device\.readNoiseModel/);
  });
});

describe('device.readNoiseModel in sweep configs', () => {
  it("'per-output' (the default) is recorded; 'per-cell' is left out of the point (older points' hash); without read noise it is dropped", async () => {
    const { planSweep } = await import('../../src/config/expand.js');
    const { pointHash } = await import('../../src/experiment/point.js');
    const none = await planSweep({ device: { readSigma: 0.05 } });
    const cell = await planSweep({ device: { readSigma: 0.05, readNoiseModel: 'per-cell' } });
    const out = await planSweep({ device: { readSigma: 0.05, readNoiseModel: 'per-output' } });
    expect(out.points[0].hash).toBe(none.points[0].hash);
    expect(out.points[0].point.device.readNoiseModel).toBe('per-output');
    expect(cell.points[0].point.device.readNoiseModel).toBeUndefined();
    // the point an older config (no field, per-cell then) resolved to: the same point without the key
    const { readNoiseModel: _m, ...older } = out.points[0].point.device;
    expect(cell.points[0].hash).toBe(pointHash({ ...out.points[0].point, device: older }));
    expect(cell.points[0].hash).not.toBe(none.points[0].hash);
    expect((await planSweep({ device: { readSigma: 0, readNoiseModel: 'per-output' } })).points[0].hash).toBe((await planSweep({})).points[0].hash);
    await expect(planSweep({ device: { readNoiseModel: 'bogus' } })).rejects.toThrow(/device\.readNoiseModel/);
  });
});

describe('per-output read noise on every kernel backend', () => {
  const initial = getBackend();
  afterEach(() => setBackend(initial));

  // 37 columns: X∘X by the squares kernel; 6 and 16: squared where the native variance GEMM reads X
  it.each([37, 6, 16])('S and the noisy outputs have the same bits on every available backend (native readVariance = the TS loop), %i columns', (cols) => {
    const rows = 50, n = 3;
    const W = randomParam('fc', rows, cols, 'pout-b', 0.4);
    const X = randomArray(n * rows, 'pout-bx', 1);
    const run = (backend: 'ts' | 'wasm' | 'native') => {
      setBackend(backend);
      const op = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', device: { readSigma: 0.07, readNoiseModel: 'per-output' }, defects: D });
      const Y = new Float32Array(n * cols);
      op.forward(X, n, Y, true);
      const S = Float32Array.from((op.readPath as unknown as { sVar: Float32Array }).sVar);
      return { S, Y };
    };
    const ref = run('ts');
    // S against the hand formula (float64, rounded once to float32)
    const opRef = new CrossbarMatrixOp(W, { seed: 3, layer: 'fc', device: { readSigma: 0.07, readNoiseModel: 'per-output' }, defects: D });
    for (let s = 0; s < rows * cols; s++) {
      const v = opRef.wMax ** 2 * 0.07 ** 2 * ((opRef.array.uP[s] + OFF) ** 2 + (opRef.array.uN[s] + OFF) ** 2);
      expect(Math.abs(ref.S[s] - v)).toBeLessThanOrEqual(1e-6 * v);
    }
    const backends = availableBackends();
    expect(backends).toContain('ts');
    // native computes S inside its variance GEMM (never stored): its outputs are compared below
    for (const b of backends.filter((x) => x !== 'native')) expect(Array.from(run(b).S), b).toEqual(Array.from(ref.S));
    // the outputs too where the GEMMs agree bit for bit (native = wasm; ts rounds its GEMM differently)
    if (backends.includes('native') && backends.includes('wasm')) expect(Array.from(run('native').Y)).toEqual(Array.from(run('wasm').Y));
  });

  const nk = nativeKernels();
  it.runIf(nk !== null && typeof nk.gemmVariance === 'function')('native gemmVariance = readVariance then gemm (and, squaring A, = squares then gemmVariance), bit for bit, on every ISA and GEMM shape', () => {
    const before = nk!.isa();
    try {
      for (const isa of nk!.isas()) {
        expect(nk!.setIsa(isa)).toBe(true);
        for (const [M, N, K] of [[64, 300, 784], [5, 13, 300], [7, 8, 9], [33, 40, 257], [1, 1, 1], [301, 6, 25], [50, 16, 150]]) {
          const A = randomArray(M * K, `gv-a-${M}`, 1).map((x) => x * x);
          const uP = randomArray(K * N, `gv-p-${N}`, 1).map((x) => Math.abs(x) % 1);
          const uN = randomArray(K * N, `gv-n-${N}`, 1).map((x) => Math.abs(x) % 1);
          const [aP, bP, aN, bN] = [3e-4, 0.029, -3e-4, -0.029];
          const S = new Float32Array(K * N);
          nk!.readVariance!(uP, uN, S, K * N, aP, bP, aN, bN);
          const want = new Float32Array(M * N), got = new Float32Array(M * N);
          nk!.gemm(0, 0, M, N, K, A, S, want, 0);
          nk!.gemmVariance(M, N, K, A, uP, uN, aP, bP, aN, bN, got);
          expect(Array.from(got), `${isa} ${M}x${N}x${K}`).toEqual(Array.from(want));
          // squareA: X given, X∘X used (the squares kernel's float32 products), the same bits
          const X = randomArray(M * K, `gv-x-${M}`, 1), X2 = new Float32Array(M * K), sq = new Float32Array(M * N);
          nk!.squares(X, X2, M * K);
          nk!.gemmVariance(M, N, K, X2, uP, uN, aP, bP, aN, bN, want);
          nk!.gemmVariance(M, N, K, X, uP, uN, aP, bP, aN, bN, sq, 1);
          expect(Array.from(sq), `${isa} ${M}x${N}x${K} squareA`).toEqual(Array.from(want));
        }
      }
    } finally {
      nk!.setIsa(before);
    }
  });
});
