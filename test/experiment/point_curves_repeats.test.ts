// What a point records around its method: per-epoch curves (base and retraining, equal to the lines
// `rramsim run` prints), `eval.repeats` (N accuracies under fresh read noise: spread > 0 with read
// noise, exactly 0 without; the same bits in reruns and for any worker count) and the opt-in
// analysis (layer sensitivity against the digital accuracy as oracle on an exact defect-free
// crossbar; histogram counts against the number of weights and cells).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/config/expand.js';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/dataset.js';
import { runPoint } from '../../src/experiment/run_point.js';
import type { PointSpec } from '../../src/experiment/point.js';
import type { RecordMetrics, ResultRecord } from '../../src/experiment/result.js';
import { compareRecords } from '../../sim/sweep/compare_records.js';
import { metricsByHash, readRecords, tmp } from '../sweep/helpers.js';
import { CLI, ensureBuilt, ROOT, writeJson } from '../cli/cli_helpers.js';

/** the CLI with a timeout for a loaded machine (ITT-RNA's points are the slow ones) */
function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 500_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const tiny = {
  name: 'tiny-curves',
  dataset: 'mnist-embedded',
  model: 'mlp',
  trainLimit: 300,
  evalLimit: 500,
  train: { epochs: 2, batch: 32 },
  retrain: { epochs: 2, batch: 32 },
  ittrna: { epochsPerStage: 1, finalEpochs: 1, calibrationBatches: 2 },
  lora: { rank: 2 },
  method: ['ideal', 'unaware', 'fat', 'ittrna', 'lora'],
  defects: { rate: [0.1] },
  device: { readSigma: 0.05 },
  crossbar: { tileRows: 64, tileCols: 64 },
  eval: { repeats: 20 },
  seed: 0,
};

async function point(over: Record<string, unknown>): Promise<PointSpec> {
  const plan = await planSweep({ ...tiny, name: 'one', method: 'unaware', ...over });
  expect(plan.points).toHaveLength(1);
  return plan.points[0].point;
}

let data: Dataset;
beforeAll(async () => {
  ensureBuilt();
  data = await loadDataset('mnist-embedded');
});

describe('curves and repeated evaluation in a sweep', () => {
  it('records hold base and retraining curves equal to `rramsim run`, repeats are bit-identical across worker counts and reproduce', () => {
    const dir = tmp();
    const config = writeJson(join(dir, 'tiny.json'), tiny);
    const sweep = (out: string, workers: string): ResultRecord[] => {
      const r = cli(['sweep', config, '--out', join(dir, out), '--workers', workers]);
      expect(r.code, r.stderr).toBe(0);
      return readRecords(join(dir, out));
    };
    const w1 = sweep('w1', '1');
    expect(w1).toHaveLength(5);
    const by = (m: string) => w1.find((r) => r.point.method === m)!.metrics!;
    // one base for every method of the seed: the same curve, two epochs, under the same key
    const base = by('ideal').curves!.base!;
    expect(base.loss).toHaveLength(2);
    for (const r of w1) {
      expect(r.metrics!.curves!.base).toEqual(base);
      expect(r.metrics!.curves!.baseKey).toBe(by('ideal').curves!.baseKey);
    }
    expect(by('ideal').curves!.phases).toEqual([]);
    expect(by('unaware').curves!.phases).toEqual([]);
    expect(by('fat').curves!.phases.map((p) => [p.phase, p.loss.length])).toEqual([['fat', 2]]);
    expect(by('lora').curves!.phases.map((p) => [p.phase, p.loss.length])).toEqual([['lora r=2', 2]]);
    // ITT-RNA: one phase per stage (3 layers), then the final phase
    expect(by('ittrna').curves!.phases.length).toBeGreaterThanOrEqual(3);
    // training accuracies are shares of examples, losses positive
    for (const r of w1) for (const c of [r.metrics!.curves!.base!, ...r.metrics!.curves!.phases]) {
      for (const a of c.accuracy) expect(a >= 0 && a <= 1).toBe(true);
      for (const l of c.loss) expect(l).toBeGreaterThan(0);
    }

    // `rramsim run` of the fat point prints exactly these curves (4 decimals) and records the same bits
    const fat = w1.find((r) => r.point.method === 'fat')!;
    const run = cli(['run', '--model', 'mlp', '--dataset', 'mnist-embedded', '--trainLimit', '300', '--evalLimit', '500', '--train.epochs', '2', '--train.batch', '32',
      '--retrain.epochs', '2', '--retrain.batch', '32', '--method', 'fat', '--defects.rate', '0.1', '--device.readSigma', '0.05',
      '--crossbar.tileRows', '64', '--crossbar.tileCols', '64', '--eval.repeats', '20', '--seed', '0']);
    expect(run.code, run.stderr).toBe(0);
    const rec = JSON.parse(run.stdout) as ResultRecord;
    expect(rec.pointHash).toBe(fat.pointHash);
    expect(rec.metrics!.curves).toEqual(fat.metrics!.curves);
    const printed = (phase: string) => [...run.stderr.matchAll(new RegExp(`^${phase} epoch \\d+/\\d+: loss (\\S+) acc (\\S+)$`, 'gm'))].map((m) => [m[1], m[2]]);
    const fixed = (c: { loss: number[]; accuracy: number[] }) => c.loss.map((l, i) => [l.toFixed(4), c.accuracy[i].toFixed(4)]);
    expect(printed('base')).toEqual(fixed(fat.metrics!.curves!.base!));
    expect(printed('fat')).toEqual(fixed(fat.metrics!.curves!.phases[0]));

    // eval.repeats 20: 20 accuracies; read noise spreads them on crossbars; the digital ideal does not
    for (const r of w1) {
      const e = r.metrics!.evalRepeats!;
      expect(e.n).toBe(20);
      expect(e.accuracies).toHaveLength(20);
      if (r.point.method === 'ideal') { expect(new Set(e.accuracies).size).toBe(1); expect(e.std).toBe(0); }
      else expect(e.std).toBeGreaterThan(0);
    }
    expect(rec.metrics!.evalRepeats).toEqual(fat.metrics!.evalRepeats);

    // two workers: every metric, curves and repeats included, the same bits
    const w2 = sweep('w2', '2');
    expect(metricsByHash(w2)).toEqual(metricsByHash(w1));
    const rep = cli(['reproduce', join(dir, 'w1'), '--sample', '2', '--workers', '2']);
    expect(rep.stderr).toContain('reproduce: all 2 points bit-identical');
  }, 1_800_000);

  it('reproduce compares curves and repeats a record holds, and ignores what an older record lacks', () => {
    const m = { accuracy: 0.9, loss: 0.3, evalSplit: 'heldout', cellWrites: 0, trainableParams: 0, cellsUsed: 0, extraMacsPerImage: 0 };
    const curves = { baseKey: 'k', base: { loss: [1, 0.5], accuracy: [0.5, 0.8] }, phases: [{ phase: 'fat', loss: [0.4], accuracy: [0.9] }] };
    const rec = (metrics: RecordMetrics) => ({ pointHash: 'h', configHash: 'c', status: 'ok', point: {} as PointSpec, metrics, wallSeconds: 1, startedAt: '', finishedAt: '' }) as ResultRecord;
    expect(compareRecords(rec(m), rec({ ...m, curves }))).toBeUndefined();
    expect(compareRecords(rec({ ...m, curves }), rec({ ...m, curves }))).toBeUndefined();
    const changed = structuredClone(curves);
    changed.phases[0].loss[0] = 0.41;
    expect(compareRecords(rec({ ...m, curves }), rec({ ...m, curves: changed }))?.field).toBe('metrics.curves.phases.0.loss.0');
    expect(compareRecords(rec({ ...m, curves }), rec(m))?.field).toBe('metrics.curves');
  });
});

describe('repeated evaluation without a sweep', () => {
  it('read noise 0: all 20 accuracies equal the point accuracy, std 0; with noise: reruns give the same bits', async () => {
    const quiet = await point({ device: { readSigma: 0 } });
    const a = (await runPoint(quiet, { dataset: data })).evalRepeats!;
    expect(a.accuracies).toHaveLength(20);
    expect(new Set(a.accuracies).size).toBe(1);
    expect(a.std).toBe(0);
    expect(a.q05).toBe(a.q95);
    const noisy = await point({});
    const m1 = await runPoint(noisy, { dataset: data });
    const m2 = await runPoint(noisy, { dataset: data });
    expect(m2.evalRepeats).toEqual(m1.evalRepeats);
    const acc = m1.evalRepeats!.accuracies;
    expect(new Set(acc).size).toBeGreaterThan(1);
    // statistics against closed forms: mean, sample std, interpolated quantiles of the sorted values
    const n = acc.length, mean = acc.reduce((s, x) => s + x, 0) / n;
    const sd = Math.sqrt(acc.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1));
    const sorted = [...acc].sort((x, y) => x - y);
    const q = (p: number) => { const h = p * (n - 1), i = Math.floor(h); return sorted[i] + (h - i) * ((sorted[i + 1] ?? sorted[i]) - sorted[i]); };
    const e = m1.evalRepeats!;
    expect(e.mean).toBeCloseTo(mean, 12);
    expect(e.std).toBeCloseTo(sd, 12);
    expect(e.q05).toBeCloseTo(q(0.05), 12);
    expect(e.q50).toBeCloseTo(q(0.5), 12);
    expect(e.q95).toBeCloseTo(q(0.95), 12);
    // 20 repeats then 5: the first 5 are the same draws (repeat k depends on k only)
    const five = (await runPoint({ ...noisy, eval: { repeats: 5 } }, { dataset: data })).evalRepeats!;
    expect(five.accuracies).toEqual(acc.slice(0, 5));
  }, 300_000);

  it('without eval/analysis the point is unchanged: no repeats, no analysis, and its hash is that of a config without the sections', async () => {
    const withOne = await planSweep({ ...tiny, method: 'unaware', eval: { repeats: 1 }, analysis: { histograms: false, layerSensitivity: false } });
    const { eval: _e, analysis: _a, ...rest } = tiny;
    const without = await planSweep({ ...rest, method: 'unaware' });
    expect(withOne.points[0].hash).toBe(without.points[0].hash);
    expect(withOne.points[0].point).not.toHaveProperty('eval');
    expect(withOne.points[0].point).not.toHaveProperty('analysis');
    const m = await runPoint(without.points[0].point, { dataset: data });
    expect(m.evalRepeats).toBeUndefined();
    expect(m.analysis).toBeUndefined();
  }, 300_000);
});

describe('analysis: layer sensitivity and histograms', () => {
  it('on an exact defect-free crossbar every layer keeps the ideal accuracy (oracle: the ideal method of the same base)', async () => {
    const exact = { defects: { rate: 0 }, device: { readSigma: 0, progSigma: 0, levels: 0 }, analysis: { layerSensitivity: true } };
    const p = await point(exact);
    const m = await runPoint(p, { dataset: data });
    const ideal = await runPoint(await point({ ...exact, method: 'ideal', analysis: {} }), { dataset: data });
    const s = m.analysis!.layerSensitivity!;
    expect(s.layers.map((l) => l.layer)).toEqual(['fc1', 'fc2', 'fc3']);
    expect(s.idealAccuracy).toBe(ideal.accuracy);
    for (const l of s.layers) expect(l.accuracy).toBe(ideal.accuracy);
    // with defects each layer on its own loses something somewhere (the point's defect streams)
    const hurt = (await runPoint(await point({ defects: { rate: 0.3, lrsShare: 1 }, analysis: { layerSensitivity: true } }), { dataset: data })).analysis!.layerSensitivity!;
    expect(Math.min(...hurt.layers.map((l) => l.accuracy))).toBeLessThan(hurt.idealAccuracy);
  }, 300_000);

  it('histogram counts sum to the weights and the cells of every array; stuck cells counted apart', async () => {
    for (const [mapping, cpw] of [['differential', 2], ['offset', 1]] as const) {
      for (const rate of [0, 0.1]) {
        const p = await point({ defects: { rate }, crossbar: { tileRows: 64, tileCols: 64, mapping }, eval: { repeats: 1 }, analysis: { histograms: true } });
        const h = (await runPoint(p, { dataset: data })).analysis!.histograms!;
        const shapes: Record<string, number> = { fc1: 784 * 300, fc2: 300 * 100, fc3: 100 * 10 };
        expect(h.map((a) => a.array)).toEqual(['fc1', 'fc2', 'fc3']);
        let stuck = 0, cells = 0;
        for (const a of h) {
          const sum = (c: number[]) => c.reduce((s, x) => s + x, 0);
          expect(sum(a.weights.counts)).toBe(shapes[a.array]);
          expect(a.weights.edges).toHaveLength(a.weights.counts.length + 1);
          const c = a.cells!;
          expect(c.cellsPerWeight).toBe(cpw);
          if (cpw === 1) expect(c.gMinus).toBeUndefined();
          const total = sum(c.gPlus.counts) + sum(c.gMinus?.counts ?? []) + sum(c.stuck.counts) + c.unprogrammed;
          expect(total).toBe(shapes[a.array] * cpw);
          stuck += sum(c.stuck.counts);
          cells += total;
        }
        if (rate === 0) expect(stuck).toBe(0);
        // Bernoulli(rate) per cell: within 5 standard deviations of rate · cells
        else expect(Math.abs(stuck - rate * cells)).toBeLessThan(5 * Math.sqrt(cells * rate * (1 - rate)));
      }
    }
  }, 300_000);
});

describe('curves of lifetime rounds and of multi-task tasks', () => {
  it('a lifetime point records one phase per round with the retraining epochs', async () => {
    const p = await point({ method: 'fat', lifetime: { rounds: 2, examples: 200 }, eval: { repeats: 1 } });
    const c = (await runPoint(p, { dataset: data })).curves!;
    expect(c.base!.loss).toHaveLength(2);
    expect(c.phases.map((x) => [x.phase, x.loss.length])).toEqual([['lifetime round 0', 2], ['lifetime round 1', 2], ['lifetime round 2', 2]]);
  }, 300_000);

  it('a multi-task point records one phase per task (LoRI: and its calibration)', async () => {
    const plan = await planSweep({
      model: 'mlp', seed: 3, trainLimit: 200, train: { epochs: 1, batch: 32 }, retrain: { epochs: 2, batch: 32 },
      method: ['mt-fat', 'mt-lori'], defects: { rate: 0.1 }, lora: { rank: 2, sparsity: 0.5 },
      multitask: { tasks: ['permuted-mnist-embedded/0', 'permuted-mnist-embedded/1'], evalLimit: 200 },
    });
    const by = Object.fromEntries(await Promise.all(plan.points.map(async (p) => [p.point.method, (await runPoint(p.point, { dataset: data })).curves!] as const)));
    const t = (j: number) => `task ${j} (permuted-mnist-embedded/${j})`;
    expect(by['mt-fat'].phases.map((x) => [x.phase, x.loss.length])).toEqual([[t(0), 2], [t(1), 2]]);
    expect(by['mt-lori'].phases.map((x) => x.phase)).toEqual([`${t(0)} calibration`, t(0), `${t(1)} calibration`, t(1)]);
  }, 300_000);
});
