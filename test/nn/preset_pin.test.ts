import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, setBackend } from '../../src/kernels/gemm.js';
import { buildModel, lenet5Desc, mlpDesc, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { configHash, sha256Hex } from '../../src/util/hash.js';
import { noise } from './synthetic.js';

/**
 * Pins the presets bit for bit (values computed on the flat-chain Network before the network
 * graph existed): the initial weights (`init/<layer>` streams, draw order), the
 * description objects (they key the cached base networks, src/experiment/base.ts), and the weights
 * after a few SGD steps with the pure-TS kernels (the chain's forward/backward). A change here
 * would change every committed result, so it must not happen silently.
 */
const INIT: Record<string, { count: number; seed0: string; seed1: string }> = {
  mlp: { count: 266610, seed0: '22379cf590114eeca42d427510e21a9afa49df21d3936df355f3daab1bd3963d', seed1: 'cef15500988983cf1c1e6bb4a8372957df61e062deb5cc161856c9578038fae5' },
  lenet5: { count: 61706, seed0: 'f379d2d2c24c358c4e4edb3e5478c373a4900a38a25653039fb9269f505902b6', seed1: 'efd4278f32b0790018fd3333e20cc049e8955daff69ffdab9a4d8c705dde54ef' },
};
const DESC: Record<string, string> = { mlp: '5a04d624010b09c8', lenet5: '54c82c1214084880', 'lenet5-avg': 'c575a8ca90ac15dd' };
const TRAINED: Record<string, string> = {
  mlp: 'c5a46eebfe6fa0a2da28891d330a2ad9b85d8ff3f15a770f0a1a4dd9af6aa745/7c8b3fc50f581cff3a3c4efb9fde8fbf4207594658d5480df233f21118f5e12f',
  lenet5: '23d849efc45826dd727789de5f4849650907788ef745ad502613e67a7cfc5c11/8b42de3164deba9c703306d5e2ee6f985bdac09a8a230c955cad1faaa60bd7e2',
};

describe('presets are unchanged by the network graph', () => {
  let saved: ReturnType<typeof getBackend>;
  beforeAll(() => { saved = getBackend(); setBackend('ts'); });
  afterAll(() => setBackend(saved));

  it('initial weights of mlp and lenet5 (seeds 0 and 1)', () => {
    for (const m of ['mlp', 'lenet5'] as const) {
      const a = buildModel(presetDesc(m), 0), b = buildModel(presetDesc(m), 1);
      expect(a.weightCount()).toBe(INIT[m].count);
      expect(a.weightsSha256()).toBe(INIT[m].seed0);
      expect(b.weightsSha256()).toBe(INIT[m].seed1);
    }
  });

  it('description objects (base-network cache keys)', () => {
    const got = { mlp: configHash(mlpDesc()), lenet5: configHash(lenet5Desc()), 'lenet5-avg': configHash(lenet5Desc('avg')) };
    expect(got).toEqual(DESC);
  });

  it('weights after 3 SGD steps (pure-TS kernels)', () => {
    const got: Record<string, string> = {};
    for (const m of ['mlp', 'lenet5'] as const) {
      const net = buildModel(presetDesc(m), 0);
      const split = noise('train', 96, 784, 'pin');
      train(net, split, { epochs: 1, lr: 0.05, momentum: 0.9, weightDecay: 1e-4, batch: 32 }, { seed: 0 });
      got[m] = sha256Hex(Float32Array.from(net.forward(split.x.subarray(0, 5 * 784), 5, false))) + '/' + net.weightsSha256();
    }
    expect(got).toEqual(TRAINED);
  });
});
