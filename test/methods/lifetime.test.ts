// Lifetime experiment: wear and field faults accumulate across adaptation rounds;
// full detection at the start of a round finds exactly the faults the method did not know yet; the base
// arrays of LoRA are written only by merges; LoRI's pruned B entries stay 0; reruns are bit-identical;
// the `lifetime` config section and its bad input.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { HEALTHY, STUCK_LRS } from '../../src/crossbar/cell_state.js';
import { roundsAbove, type LifetimeRound } from '../../src/methods/lifetime.js';
import { runLifetime } from '../../src/experiment/lifetime_point.js';
import { LoraMatrixOp } from '../../src/methods/lora/lora_matrix_op.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RunContext } from '../../src/experiment/method_registry.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { makeParam } from '../../src/nn/param.js';
import { UserError } from '../../src/util/errors.js';
import { stream } from '../../src/util/rng.js';
import { runCli } from '../../sim/main.js';
import { syntheticDataset } from './synthetic_dataset.js';

const ctx: RunContext = { dataset: syntheticDataset('v1'), cacheDir: mkdtempSync(join(tmpdir(), 'rramsim-lifetime-')) };
function point(method: PointSpec['method'], lifetime: Partial<NonNullable<PointSpec['lifetime']>> = {}): PointSpec {
  return {
    ...DEFAULTS,
    method,
    defects: { ...DEFAULTS.defects, rate: 0.05 },
    device: { ...DEFAULTS.device, levels: 16, endurance: { n50: 6, sigma: 0.5, lrsShare: 0.5 } },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
    lora: method === 'lora' || method === 'lori' ? { rank: 2, alpha: 2, layers: [], sparsity: method === 'lori' ? 0.5 : 0, base: 'unaware' } : DEFAULTS.lora,
    seed: 2,
    lifetime: { rounds: 3, faultRate: 0.01, examples: 0, detectEvery: 1, detectFraction: 1, mergeEvery: 0, threshold: 0.9, ...lifetime },
  };
}

function checkRounds(a: LifetimeRound[]): void {
  for (let r = 1; r < a.length; r++) {
    expect(a[r].lifetimeWrites).toBe(a[r - 1].lifetimeWrites + a[r].roundWrites);
    expect(a[r].wornOutCells).toBeGreaterThanOrEqual(a[r - 1].wornOutCells);
    // full detection at the start of round r: every fault unknown after round r−1, plus the new field faults
    expect(a[r].detected).toBe(a[r - 1].undetectedFaults + a[r].newFaults);
  }
}

describe('lifetime rounds', () => {
  it('fat: wear and field faults accumulate, detection finds exactly the unknown ones, reruns are bit-identical', async () => {
    const p = point('fat');
    const a = (await runLifetime(p, ctx)).rounds;
    const b = (await runLifetime(p, ctx)).rounds;
    expect(b).toEqual(a);
    expect(a.length).toBe(4);
    checkRounds(a);
    expect(a[3].wornOutCells).toBeGreaterThan(0);
    expect(a.slice(1).every((r) => r.newFaults > 0)).toBe(true);
    expect(a[1].detectReads).toBeGreaterThan(0);
    expect(a[0].roundWrites).toBeGreaterThan(0);
  });

  it('lora: the base arrays are written only by the merges; merge writes appear every mergeEvery rounds', async () => {
    for (const mergeEvery of [0, 2]) {
      const p = point('lora', { mergeEvery, rounds: 4, faultRate: 0 });
      const { rounds, chip } = await runLifetime(p, ctx);
      checkRounds(rounds);
      const baseLifetime = chip.d.xbar.reduce((s, op) => s + op.lifetimeWrites(), 0);
      const programWrites = chip.d.programWrites;
      const merges = rounds.reduce((s, r) => s + r.mergeWrites, 0);
      if (mergeEvery === 0) {
        // programming the base plus the writes of switching the layers on (switchOn syncs once)
        expect(merges).toBe(0);
        expect(baseLifetime).toBeLessThanOrEqual(2 * programWrites);
      } else {
        expect(rounds[2].mergeWrites).toBeGreaterThan(0);
        expect(rounds[4].mergeWrites).toBeGreaterThan(0);
        expect(rounds[1].mergeWrites + rounds[3].mergeWrites).toBe(0);
      }
      expect(chip.adapt!.ops.every((o) => o instanceof LoraMatrixOp)).toBe(true);
    }
  });

  it('lori: pruned B entries stay exactly 0 through field faults, detections and merges', async () => {
    const p = point('lori', { mergeEvery: 2, rounds: 3, faultRate: 0.02 });
    const { rounds, chip } = await runLifetime(p, ctx);
    checkRounds(rounds);
    const mask = chip.adapt!.mask!;
    let pruned = 0;
    chip.adapt!.ops.forEach((o, k) => {
      const m = mask.masks[k];
      for (let i = 0; i < m.length; i++) if (m[i] === 0) { pruned++; expect(o.B.value[i]).toBe(0); expect(o.B.updateMask![i]).toBe(0); }
    });
    expect(pruned).toBeGreaterThan(0);
  });

  it('ittrna runs its rounds (re-mapping layers with new faults) and whole points report the lifetime extras', async () => {
    const p = point('ittrna', { rounds: 2, faultRate: 0.02 });
    p.ittrna = { ...DEFAULTS.ittrna, calibrationBatches: 2, epochsPerStage: 1, finalEpochs: 1 };
    const m = await runPoint(p, ctx);
    const x = m.extra!;
    const curve = JSON.parse(x.lifetimeCurve as string) as { accuracy: number[]; newFaults: number[] };
    expect(curve.accuracy.length).toBe(3);
    expect(m.accuracy).toBe(curve.accuracy[2]);
    expect(x.lifetimeFieldFaults).toBe(curve.newFaults.reduce((s, v) => s + v, 0));
    expect(x.lifetimeRoundsAbove).toBe(roundsAbove(curve.accuracy.map((accuracy, round) => ({ round, accuracy }) as LifetimeRound), 0.9));
  });

  it('roundsAbove counts the rounds r >= 1 before accuracy first drops below the threshold', () => {
    const rows = [0.97, 0.97, 0.96, 0.94, 0.97].map((accuracy, round) => ({ round, accuracy }) as LifetimeRound);
    expect(roundsAbove(rows, 0.95)).toBe(2);
    expect(roundsAbove(rows, 0.9)).toBe(4);
    expect(roundsAbove(rows, 0.965)).toBe(1);
    expect(roundsAbove(rows, 0.99)).toBe(0);
  });
});

describe('field faults (injectFaults)', () => {
  it('make exactly the healthy cells with v1 < rate stuck (two draws per cell in index order), unknown until detected', () => {
    const w = makeParam('fc', 6, 5);
    for (let i = 0; i < w.value.length; i++) w.value[i] = Math.sin(i) * 0.3;
    const op = new CrossbarMatrixOp(w, { layer: 'fc', seed: 1, defects: { ...DEFAULTS.defects, rate: 0.1 }, crossbar: { tileRows: 8, tileCols: 8 } });
    const a = op.array;
    const before = [a.stateP.slice(), a.stateN.slice()];
    const rng = stream(1, 'oracle');
    const expected: number[][] = [];
    for (let s = 0; s < a.slots; s++) for (let c = 0; c < 2; c++) {
      const v1 = rng.next(), v2 = rng.next();
      if (before[c][s] === HEALTHY && v1 < 0.3) expected.push([s, c, v2 < 0.5 ? STUCK_LRS : 1]);
    }
    const n = op.injectFaults(0.3, 0.5, stream(1, 'oracle'));
    expect(n).toBe(expected.length);
    expect(n).toBeGreaterThan(0);
    for (const [s, c, st] of expected) expect((c === 0 ? a.stateP : a.stateN)[s]).toBe(st);
    expect(op.undetectedFaults()).toBe(n);
    expect(op.detectFaults(1).found).toBe(n);
    expect(op.injectFaults(0, 0.5, stream(1, 'x'))).toBe(0);
  });
});

describe('lifetime config section', () => {
  let err: MockInstance;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rramsim-lifetime-cfg-'));
    err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  });
  afterAll(() => err.mockRestore());
  const base = { name: 't', model: 'mlp' };

  it('absent: not in the point; on methods without on-device adaptation: removed; mergeEvery only for lora/lori', async () => {
    const plain = await planSweep({ ...base, method: 'fat' });
    expect('lifetime' in plain.points[0].point).toBe(false);
    const plan = await planSweep({ ...base, method: ['unaware', 'fat', 'lora'], lora: { rank: 2 }, lifetime: { rounds: 5, mergeEvery: 2 } });
    const by = Object.fromEntries(plan.points.map((p) => [p.point.method, p.point]));
    expect('lifetime' in by.unaware).toBe(false);
    expect(by.fat.lifetime).toEqual({ rounds: 5, faultRate: 0, examples: 0, detectEvery: 1, detectFraction: 1, mergeEvery: 0, threshold: 0.95 });
    expect(by.lora.lifetime!.mergeEvery).toBe(2);
    expect(plain.points[0].hash).toBe((await planSweep({ ...base, method: 'fat', lifetime: {} })).points[0].hash);
  });

  it('missing rounds and out-of-range values: one UserError naming the field', async () => {
    for (const [lifetime, field] of [
      [{ examples: 10 }, 'lifetime.rounds'],
      [{ rounds: 0 }, 'lifetime.rounds'],
      [{ rounds: 3, faultRate: 1.5 }, 'lifetime.faultRate'],
      [{ rounds: 3, detectFraction: -0.1 }, 'lifetime.detectFraction'],
      [{ rounds: 3, threshold: 2 }, 'lifetime.threshold'],
    ] as const) {
      await expect(planSweep({ ...base, method: 'fat', lifetime }), field).rejects.toThrow(UserError);
      await expect(planSweep({ ...base, method: 'fat', lifetime })).rejects.toThrow(field);
    }
  });

  // the list of bad device input, each through the CLI: exit 2 before any work, naming the field
  it.each([
    ['negative wire resistance', { crossbar: { lineResistance: { rWire: -1 } } }, 'crossbar.lineResistance.rWire'],
    ['negative driver resistance', { crossbar: { lineResistance: { rWire: 1, rDriver: -5 } } }, 'crossbar.lineResistance.rDriver'],
    ['drift exponent ν < 0', { device: { drift: { nuMean: -0.1, t: 10 } } }, 'device.drift.nuMean'],
    ['zero write budget', { device: { endurance: { n50: 0 } } }, 'device.endurance.n50'],
    ['evaluation time before programming', { device: { drift: { nuMean: 0.05, t: -1 } } }, 'device.drift.t'],
    ['evaluation time before t0', { device: { drift: { nuMean: 0.05, t0: 10, t: 5 } } }, 'device.drift.t'],
    ['lifetime without rounds', { method: 'fat', lifetime: { faultRate: 0.01 } }, 'lifetime.rounds'],
  ])('%s: `rramsim list` exits 2 naming %s', async (_what, cfg, field) => {
    const file = join(dir, `${field}.json`);
    writeFileSync(file, JSON.stringify({ ...base, method: 'fat', ...cfg }));
    err.mockClear();
    const code = await runCli(['list', file]);
    const text = err.mock.calls.map((c) => String(c[0])).join('');
    expect(code, text).toBe(2);
    expect(text).toContain(field);
    expect(text).not.toMatch(/\n\s+at /);
  });
});
