/**
 * A convolution on crossbars whose product is one plain GEMM (MatrixOp.plainWeights: no tiles,
 * converters or output noise) runs through the chunked convolution of src/kernels/conv_gemm.ts on
 * the native backend (P never built whole); on wasm it builds the whole P and calls the op's own
 * forward/backward. The contract says the two give the same bits, so LeNet-5 trained on defective
 * crossbars must end with identical weights and programmed cells on both, with and without a cell
 * read stage (per-cell read noise: W_used ≠ W_eff), and with per-output read noise (its variance
 * (P∘P)·S formed by the addon chunk by chunk with the product). The chunked path is checked to have run (the
 * addon's convForward / convWeightGrad called), so the comparison is not vacuous.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { availableBackends, getBackend, setBackend } from '../../src/kernels/gemm.js';
import { nativeKernels } from '../../src/kernels/native.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { buildModel, lenet5Desc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { randomArray } from './helpers.js';

const initial = getBackend();
afterAll(() => setBackend(initial));

const point = (readSigma: number, perOutput: boolean): Pick<PointSpec, 'device' | 'crossbar' | 'defects'> => ({
  device: { gMin: 1e-6, gMax: 1e-4, levels: 0, progSigma: 0, readSigma, ...(perOutput ? { readNoiseModel: 'per-output' as const } : {}) },
  crossbar: { tileRows: 128, tileCols: 128, mapping: 'differential', range: { kind: 'percentile', percentile: 100 }, dacBits: 0, adcBits: 0 },
  defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform' },
});

function run(readSigma: number, perOutput: boolean) {
  const net = buildModel(lenet5Desc(), 4);
  mapNetwork(net, point(readSigma, perOutput), 2);
  const n = 48;
  const x = randomArray(n * net.inputSize, 'conv-chunked-x', 1);
  const y = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 10);
  train(net, { name: 'syn', x, y, n }, { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 16 }, { seed: 1 });
  const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  return net.weightLayers().map((l) => {
    const op = l.op as CrossbarMatrixOp;
    return [bytes(op.weight.value), bytes(l.bias.value), bytes(op.array.uP), bytes(op.array.uN), bytes(op.effectiveWeights())].join('/');
  });
}

describe.skipIf(!availableBackends().includes('native') || !availableBackends().includes('wasm'))('crossbar convolutions, chunked on native', () => {
  for (const [readSigma, perOutput] of [[0, false], [0.05, false], [0.05, true]] as const) {
    const what = readSigma ? (perOutput ? ', per-output read noise (V = (P∘P)·S formed with the chunks)' : ', per-cell read noise') : '';
    it(`LeNet-5 on 10 % defective crossbars${what}: native (chunked) = wasm (whole P), bit for bit`, () => {
      setBackend('wasm');
      const ref = run(readSigma, perOutput);
      setBackend('native');
      const nk = nativeKernels()!;
      const calls = { f: 0, g: 0 };
      const f = nk.convForward!, g = nk.convWeightGrad!;
      nk.convForward = (...a: Parameters<typeof f>) => { calls.f++; return f(...a); };
      nk.convWeightGrad = (...a: Parameters<typeof g>) => { calls.g++; return g(...a); };
      const before = nk.isa();
      try {
        // every instruction set the addon offers (the variance GEMM differs between them)
        for (const isa of nk.isas()) {
          expect(nk.setIsa(isa)).toBe(true);
          calls.f = 0; calls.g = 0;
          const got = run(readSigma, perOutput);
          expect(calls.f, isa).toBeGreaterThan(0);
          expect(calls.g, isa).toBeGreaterThan(0);
          expect(got.length).toBe(ref.length);
          for (let i = 0; i < got.length; i++) expect(got[i] === ref[i], `${isa} layer ${i}`).toBe(true);
        }
      } finally {
        nk.setIsa(before);
        nk.convForward = f;
        nk.convWeightGrad = g;
      }
    });
  }
});
