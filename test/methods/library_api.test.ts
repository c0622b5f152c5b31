/**
 * The library entry points of the methods (src/methods/method_functions.ts runMethod,
 * method_defaults.ts, convert_to_analog.ts) against independent references:
 *  - runMethod on a network trained by the caller gives the same metrics, bit for bit, as the
 *    sweep's point runner (src/experiment: base training + cache + artefact files) for the same
 *    settings; the artefacts it emits are the files the runner writes;
 *  - the library defaults are the sweep config's defaults (src/config/defaults.ts), the noise
 *    models included: the same device options through runMethod and through a one-point config
 *    (planSweep → runPoint) give the same metrics bit for bit, and differ from the other models';
 *  - convertToAnalog puts every weight layer on a crossbar with the requested stuck-cell rate;
 *  - bad options are one UserError naming the field.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/config/defaults.js';
import { planSweep } from '../../src/config/expand.js';
import { HEALTHY } from '../../src/crossbar/cell_state.js';
import { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import type { MethodName, PointSpec } from '../../src/experiment/point.js';
import { runPoint } from '../../src/experiment/run_point.js';
import { convertToAnalog } from '../../src/methods/convert_to_analog.js';
import type { MethodArtifact } from '../../src/methods/method_context.js';
import { methodOptions } from '../../src/methods/method_defaults.js';
import { methodFunction, registerMethodFunction, runMethod } from '../../src/methods/method_functions.js';
import type { PointMetrics } from '../../src/methods/method_metrics.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { evaluate, train } from '../../src/nn/train.js';
import { UserError } from '../../src/util/errors.js';
import { syntheticDataset } from './synthetic_dataset.js';

const dataset = syntheticDataset('v1');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function point(method: MethodName, over: Partial<PointSpec> = {}): PointSpec {
  return {
    ...DEFAULTS,
    method,
    dataset: 'mnist-embedded',
    defects: { ...DEFAULTS.defects, rate: 0.2 },
    crossbar: { ...DEFAULTS.crossbar, tileRows: 16, tileCols: 32 },
    train: { epochs: 2, lr: 0.02, momentum: 0.9, weightDecay: 0, batch: 32 },
    retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 32 },
    ittrna: { ...DEFAULTS.ittrna, calibrationBatches: 2, lambda: 0.01 },
    lora: { ...DEFAULTS.lora, rank: 2, alpha: 2, sparsity: 0.5 },
    seed: 3,
    ...over,
  };
}

function trainedNet(p: PointSpec) {
  const net = buildModel(presetDesc('mlp', { pool: p.pool, input: dataset.shape }), p.seed);
  train(net, dataset.train, p.train, { seed: p.seed, limit: p.trainLimit });
  return net;
}

const noTime = (m: PointMetrics) => ({ ...m, extra: { ...m.extra, methodSeconds: 0 } });

describe('library methods', () => {
  it('runMethod on a caller-trained network = the sweep point runner, bit for bit (and the same artefacts)', async () => {
    for (const m of ['ideal', 'unaware', 'remap', 'fat', 'ittrna', 'lora', 'lori'] as const) {
      const p = point(m);
      const artifactDir = mkdtempSync(join(tmpdir(), 'rramsim-libapi-'));
      dirs.push(artifactDir);
      const viaPoint = await runPoint(p, { dataset, artifactDir });
      const emitted: MethodArtifact[] = [];
      const phases = new Set<string>();
      const viaLib = runMethod(m, trainedNet(p), dataset, {
        defects: p.defects, crossbar: p.crossbar, retrain: p.retrain, ittrna: p.ittrna, lora: p.lora, seed: p.seed,
        onArtifact: (a) => emitted.push(a), onEpoch: (phase) => phases.add(phase),
      });
      expect(noTime(viaLib), m).toEqual(noTime(viaPoint));
      expect(viaLib.accuracy).toBeGreaterThan(0);
      for (const a of emitted) expect(JSON.parse(readFileSync(join(artifactDir, a.name), 'utf8')), `${m} ${a.name}`).toEqual(a.value);
      const names = emitted.map((a) => a.name).sort();
      expect(names, m).toEqual(m === 'ideal' || m.startsWith('lor') ? [] : m === 'unaware' || m === 'fat' ? ['defect_tile.json'] : ['defect_tile.json', 'importance_map.json']);
      // every retraining epoch is reported once per phase (ideal/unaware/remap do not retrain)
      expect(phases.size > 0, m).toBe(!['ideal', 'unaware', 'remap'].includes(m));
    }
  });

  it('a method registered only as a library function runs as a sweep point on the trained base', async () => {
    const calls: number[] = [];
    registerMethodFunction('unaware-twin', (net, o, ctx) => { calls.push(o.seed); return methodFunction('unaware')!(net, o, ctx); });
    const twin = await runPoint(point('unaware-twin' as MethodName), { dataset });
    const ref = await runPoint(point('unaware'), { dataset });
    expect(calls).toEqual([3]);
    expect(noTime(twin)).toEqual(noTime(ref));
  });

  it('defaults are the sweep config defaults', () => {
    const o = methodOptions();
    expect(o.device).toEqual(DEFAULTS.device);
    expect(o.crossbar).toEqual(DEFAULTS.crossbar);
    expect(o.defects).toEqual(DEFAULTS.defects);
    expect(o.retrain).toEqual(DEFAULTS.retrain);
    expect(o.ittrna).toEqual(DEFAULTS.ittrna);
    expect(o.lora).toEqual(DEFAULTS.lora);
    expect([o.seed, o.trainLimit, o.retrainLimit]).toEqual([DEFAULTS.seed, DEFAULTS.trainLimit, undefined]);
    // a partial section keeps the other fields' defaults
    expect(methodOptions({ device: { levels: 16 } }).device).toEqual({ ...DEFAULTS.device, levels: 16 });
  });

  it('noise models: the library fills what a one-point config resolves to, and runs the same bits', async () => {
    const device = { progSigma: 0.1, readSigma: 0.05 };
    const p0 = point('fat');
    const plan = await planSweep({
      model: 'mlp', dataset: 'mnist-embedded', method: 'fat', device, seed: p0.seed,
      defects: { rate: 0.2 }, crossbar: { tileRows: 16, tileCols: 32 }, train: p0.train, retrain: p0.retrain,
    });
    expect(plan.points).toHaveLength(1);
    const p = plan.points[0].point;
    // the config's documented defaults, recorded in the point
    expect([p.device.readNoiseModel, p.device.progNoiseModel]).toEqual(['per-output', 'counter']);
    expect(methodOptions({ device }).device).toEqual(p.device);
    const viaPoint = await runPoint(p, { dataset });
    const lib = (d: object) => runMethod('fat', trainedNet(p), dataset, { device: d, defects: p.defects, crossbar: p.crossbar, retrain: p.retrain, seed: p.seed });
    expect(noTime(lib(device))).toEqual(noTime(viaPoint));
    // the models matter here: the old per-cell / per-write draws give other metrics
    expect(lib({ ...device, readNoiseModel: 'per-cell', progNoiseModel: 'per-write' }).loss).not.toBe(viaPoint.loss);
    // another device model: per-write programming noise is its default, as the config's defaultFor says
    expect(methodOptions({ device: { ...device, model: 'lognormal-d2d' } }).device.progNoiseModel).toBe('per-write');
  });

  it('convertToAnalog: every weight layer on a crossbar, stuck cells at the requested rate, none at rate 0', () => {
    const p = point('unaware');
    const net = trainedNet(p);
    const digital = evaluate(net, dataset.eval);
    const clean = net.clone();
    const d0 = convertToAnalog(clean, { crossbar: { tileRows: 16, tileCols: 32 } });
    expect(clean.weightLayers().every((l) => l.op instanceof CrossbarMatrixOp)).toBe(true);
    expect(d0.xbar.reduce((s, op) => s + op.fullyStuckCount(), 0)).toBe(0);
    // continuous levels, no noise, no defects: the crossbar computes W up to float rounding
    expect(Math.abs(evaluate(clean, dataset.eval).accuracy - digital.accuracy)).toBeLessThanOrEqual(2 / dataset.eval.n);
    const rate = 0.2;
    const d = convertToAnalog(net, { defects: { rate }, crossbar: { tileRows: 16, tileCols: 32 }, seed: 3 });
    let cells = 0, stuck = 0;
    for (const op of d.xbar) {
      for (const st of [op.array.stateP, op.array.stateN]) {
        cells += st.length;
        for (let k = 0; k < st.length; k++) if (st[k] !== HEALTHY) stuck++;
      }
    }
    const sd = Math.sqrt(rate * (1 - rate) / cells);
    expect(Math.abs(stuck / cells - rate)).toBeLessThan(4 * sd + 1 / cells);
    expect(d.cellWrites()).toBe(0); // programming is deployment, counters start at 0
  });

  it('bad options: one UserError naming the field and its allowed values', () => {
    const bad: [() => unknown, string][] = [
      [() => methodOptions({ device: { levels: 1 } }), 'device.levels'],
      [() => methodOptions({ defects: { rate: 2 } }), 'defects.rate'],
      [() => methodOptions({ retrain: { batch: 0 } }), 'retrain.batch'],
      [() => methodOptions({ ittrna: { mapping: 'diagonal' as never } }), 'ittrna.mapping'],
      [() => methodOptions({ seed: -1 }), 'seed'],
      [() => runMethod('nope', trainedNet(point('fat')), dataset), 'method'],
      [() => runMethod('lora', trainedNet(point('lora')), dataset, { lora: { rank: 0 } }), 'lora.rank'],
    ];
    for (const [f, field] of bad) {
      let err: unknown;
      try { f(); } catch (e) { err = e; }
      expect(err, field).toBeInstanceOf(UserError);
      expect((err as UserError).field, field).toBe(field);
    }
  });
});
