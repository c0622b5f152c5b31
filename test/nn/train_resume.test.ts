// A training interrupted at an epoch boundary and resumed from its checkpoint ends with the same
// bits as the uninterrupted run, at EVERY boundary: a small conv network with BatchNorm (running
// statistics), crop-flip augmentation, SGD momentum + weight decay and a cosine schedule with
// warm-up; and AdamW (moments and step counter). The state goes through the checkpoint file's
// encoding (base_checkpoint_file.ts) as a real restart does. The oracle is the uninterrupted run
// itself; the test is not vacuous: a state without its momentum buffers, or the streams of a
// noise-injected base training left at their start, gives other bits.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Augmentation } from '../../src/data/augment.js';
import type { Split } from '../../src/data/dataset.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { trainedBase } from '../../src/experiment/base.js';
import { decodeCheckpoint, encodeCheckpoint, readCheckpoint, writeCheckpoint } from '../../src/experiment/base_checkpoint_file.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import type { PointSpec } from '../../src/experiment/point.js';
import { buildModel, type ModelDesc } from '../../src/nn/model.js';
import { train, type TrainOptions } from '../../src/nn/train.js';
import type { TrainState } from '../../src/nn/train_state.js';
import type { TrainSpec } from '../../src/nn/train_spec.js';
import { syntheticDataset } from '../methods/synthetic_dataset.js';

const desc: ModelDesc = {
  name: 'tiny-bn', input: [2, 4, 4],
  layers: [
    { type: 'conv2d', out: 4, kernel: 3, stride: 1, pad: 1 }, { type: 'batchnorm' }, { type: 'relu' },
    { type: 'flatten' }, { type: 'dense', out: 3 },
  ],
} as ModelDesc;
const aug: Augmentation = { kind: 'crop-flip', height: 4, width: 4, channels: 2, pad: 1, flipP: 0.5, fill: [0, 0] };
const n = 40, d = 32;
const split: Split = {
  name: 'train', n, augment: aug,
  x: new Float32Array(n * d).map((_, i) => Math.sin(i * 0.37) + 0.3 * Math.cos(i * 1.7)),
  y: new Uint8Array(n).map((_, i) => (i * 7) % 3),
};
const EPOCHS = 5;
const sgdSpec: TrainSpec = { epochs: EPOCHS, lr: 0.05, momentum: 0.9, weightDecay: 5e-4, batch: 16, schedule: { kind: 'cosine', warmup: 1 } };
const adamSpec: TrainSpec = { epochs: EPOCHS, lr: 0.01, momentum: 0, weightDecay: 0.01, batch: 16, optimizer: 'adamw' };

/** through the checkpoint file's bytes, as a restart reads it */
function viaFile(s: TrainState): TrainState {
  const parts = encodeCheckpoint({ key: 'k', epochs: EPOCHS, state: s });
  const got = decodeCheckpoint(Buffer.concat(parts));
  if ('problem' in got) throw new Error(got.problem);
  return got.state;
}

function run(spec: TrainSpec, opts: Partial<TrainOptions> = {}) {
  const net = buildModel(desc, 7);
  const states: TrainState[] = [];
  const r = train(net, split, spec, { seed: 11, onCheckpoint: (s) => states.push(viaFile(s)), ...opts });
  return { net, states, r };
}

const curveBits = (c: { trainLoss: number; trainAccuracy: number }[]) => c.map((e) => [e.trainLoss, e.trainAccuracy]);

describe('training resumed from a checkpoint at every epoch boundary', () => {
  for (const [label, spec] of [['SGD momentum, weight decay, cosine warm-up, BatchNorm, augmentation', sgdSpec], ['AdamW', adamSpec]] as const) {
    it(`${label}: same final weights, running statistics and curve as the uninterrupted run`, () => {
      const plain = buildModel(desc, 7);
      const plainResult = train(plain, split, spec, { seed: 11 });
      const full = run(spec);
      // the hook itself changes nothing
      expect(full.net.weightsSha256()).toBe(plain.weightsSha256());
      expect(curveBits(full.r.epochs)).toEqual(curveBits(plainResult.epochs));
      expect(full.states.map((s) => s.epoch)).toEqual([1, 2, 3, 4, 5]);
      for (let k = 1; k < EPOCHS; k++) {
        const st = full.states[k - 1];
        expect(st.step).toBe(k * 3);
        const net = buildModel(desc, 7);
        const seen: number[] = [];
        const r = train(net, split, spec, { seed: 11, resume: st, onEpoch: (e) => seen.push(e.epoch) });
        expect(seen, `resumed after epoch ${k}`).toEqual(Array.from({ length: EPOCHS - k }, (_, i) => k + 1 + i));
        expect(net.weightsSha256(), `resumed after epoch ${k}`).toBe(plain.weightsSha256());
        expect(Buffer.from(net.getWeights().buffer).equals(Buffer.from(plain.getWeights().buffer))).toBe(true);
        expect(curveBits(r.epochs)).toEqual(curveBits(plainResult.epochs));
        expect(r.steps).toBe(plainResult.steps);
      }
    });
  }

  it('not vacuous: a state whose optimiser buffers are zeroed ends elsewhere', () => {
    const full = run(sgdSpec);
    const st = full.states[1];
    expect(st.buffers.some((b) => b.some((v) => v !== 0))).toBe(true);
    const net = buildModel(desc, 7);
    train(net, split, sgdSpec, { seed: 11, resume: { ...st, buffers: st.buffers.map((b) => new Float32Array(b.length)) } });
    expect(net.weightsSha256()).not.toBe(full.net.weightsSha256());
  });

  it('a state of another network or optimiser is refused (UserError naming checkpoint)', () => {
    const full = run(sgdSpec);
    const net = buildModel(desc, 7);
    expect(() => train(net, split, adamSpec, { seed: 11, resume: full.states[0] })).toThrow(/checkpoint: it holds sgd state, this training uses adamw/);
    const other = buildModel({ ...desc, layers: [{ type: 'flatten' }, { type: 'dense', out: 3 }] } as ModelDesc, 7);
    expect(() => train(other, split, sgdSpec, { seed: 11, resume: full.states[0] })).toThrow(/checkpoint: .*do not fit/);
  });
});

describe('base training with noise injection resumes with its streams', () => {
  const dataset = syntheticDataset('resume');
  const point: PointSpec = {
    ...DEFAULTS, method: 'ideal', dataset: 'mnist-embedded', seed: 4,
    train: { epochs: 4, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 64, noiseInjection: { rate: 0.2, lrsShare: 0.5 } },
  };

  it('a checkpoint after every epoch in the cache; resumed from each, the same base bits; the checkpoint is removed at the end', async () => {
    const clean = (await trainedBase(point, { dataset })).weightsSha256();
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-resume-'));
    try {
      // keep every checkpoint the training writes (the file is replaced each epoch)
      const kept: { key: string; state: TrainState }[] = [];
      const logs: string[] = [];
      const net = await trainedBase(point, { dataset, cacheDir: dir, log: (m) => {
        logs.push(m);
        const f = readdirSync(dir).find((x) => x.endsWith('.ckpt'));
        const key = f?.slice(5, -5);
        if (f && key) { const c = readCheckpoint(join(dir, f), key, 't'); if (c && !kept.some((k) => k.state.epoch === c.state.epoch)) kept.push({ key, state: c.state }); }
      } });
      expect(net.weightsSha256()).toBe(clean);
      // after the last epoch: only the base file remains
      expect(readdirSync(dir).filter((f) => f.includes('.ckpt'))).toEqual([]);
      // the log after epoch e+1 sees the checkpoint of epoch e
      expect(kept.map((k) => k.state.epoch)).toEqual([1, 2, 3]);
      for (const k of kept) expect(Object.keys(k.state.streams).length).toBeGreaterThan(0);
      for (const k of kept) {
        const d2 = mkdtempSync(join(tmpdir(), 'rramsim-resume-'));
        try {
          writeCheckpoint(join(d2, `base-${k.key}.ckpt`), { key: k.key, epochs: 4, state: k.state });
          const l2: string[] = [];
          const resumed = await trainedBase(point, { dataset, cacheDir: d2, log: (m) => l2.push(m) });
          expect(l2.some((m) => m === `resume: base ${k.key} continues from its checkpoint after epoch ${k.state.epoch}/4`)).toBe(true);
          expect(resumed.weightsSha256(), `after epoch ${k.state.epoch}`).toBe(clean);
          // not vacuous: the same state with the noise streams set back to their start ends elsewhere
          const start = Object.fromEntries(Object.keys(k.state.streams).map((s) => [s, stream(point.seed, s).state()]));
          rmSync(join(d2, `base-${k.key}.f32`));
          writeCheckpoint(join(d2, `base-${k.key}.ckpt`), { key: k.key, epochs: 4, state: { ...k.state, streams: start } });
          expect((await trainedBase(point, { dataset, cacheDir: d2 })).weightsSha256()).not.toBe(clean);
        } finally {
          rmSync(d2, { recursive: true, force: true });
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a damaged or foreign checkpoint in the cache', () => {
  const dataset = syntheticDataset('resume-damaged');
  const point: PointSpec = {
    ...DEFAULTS, method: 'ideal', dataset: 'mnist-embedded', seed: 6,
    train: { epochs: 4, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 64 },
  };

  /** the checkpoints after epochs 1 and 2 of the point's base training, and its key and final bits */
  async function states() {
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-ckpt-'));
    const kept: TrainState[] = [];
    let key = '';
    const clean = (await trainedBase(point, { dataset, cacheDir: dir, log: () => {
      const f = readdirSync(dir).find((x) => x.endsWith('.ckpt'));
      if (!f) return;
      key = f.slice(5, -5);
      const c = readCheckpoint(join(dir, f), key, 't');
      if (c && !kept.some((s) => s.epoch === c.state.epoch)) kept.push(c.state);
    } })).weightsSha256();
    rmSync(dir, { recursive: true, force: true });
    return { kept, key, clean };
  }

  it('truncated: one warning line, the file deleted, training continues from the older checkpoint (.prev) or from scratch; the same bits', async () => {
    const { kept, key, clean } = await states();
    for (const withPrev of [true, false]) {
      const dir = mkdtempSync(join(tmpdir(), 'rramsim-ckpt-'));
      try {
        const file = join(dir, `base-${key}.ckpt`);
        if (withPrev) writeCheckpoint(file, { key, epochs: 4, state: kept[0] });
        writeCheckpoint(file, { key, epochs: 4, state: kept[1] });
        expect(existsSync(`${file}.prev`)).toBe(withPrev);
        if (withPrev) expect(readCheckpoint(`${file}.prev`, key, 't')?.state.epoch).toBe(kept[0].epoch);
        const whole = readFileSync(file);
        writeFileSync(file, whole.subarray(0, whole.length - 100));
        const logs: string[] = [];
        const net = await trainedBase(point, { dataset, cacheDir: dir, log: (m) => logs.push(m) });
        expect(net.weightsSha256()).toBe(clean);
        const warnings = logs.filter((l) => l.startsWith('warning: '));
        expect(warnings).toEqual([`warning: checkpoint '${file}' is truncated or corrupted (the SHA-256 of its content differs from its header); discarded (deleted): base ${key} continues from an older checkpoint or from scratch`]);
        if (withPrev) expect(logs).toContain(`resume: base ${key} continues from its checkpoint after epoch 1/4`);
        else expect(logs.some((l) => l.startsWith(`base ${key}: training `))).toBe(true);
        expect(readdirSync(dir).sort()).toEqual([`base-${key}.curve.json`, `base-${key}.f32`]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('another training\'s checkpoint under this key\'s name: a UserError naming the file, the file untouched, nothing trained or written', async () => {
    const { kept, key } = await states();
    const dir = mkdtempSync(join(tmpdir(), 'rramsim-ckpt-'));
    try {
      const file = join(dir, `base-${key}.ckpt`);
      writeCheckpoint(file, { key: '0123456789abcdef', epochs: 4, state: kept[0] });
      const before = readFileSync(file);
      const logs: string[] = [];
      const err = await trainedBase(point, { dataset, cacheDir: dir, log: (m) => logs.push(m) }).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(UserError);
      expect((err as Error).message).toBe(`checkpoint '${file}' belongs to another training (key 0123456789abcdef; base ${key} has key ${key}): not used and left as it is; delete it to start this training from scratch, or run the training it belongs to`);
      expect(logs.filter((l) => l.includes('training') && l.startsWith('base '))).toEqual([]);
      expect(readFileSync(file).equals(before)).toBe(true);
      expect(readdirSync(dir)).toEqual([`base-${key}.ckpt`]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
