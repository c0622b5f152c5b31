/**
 * A realistic *synthetic* sweep directory (results.jsonl, manifest.json, artefacts) for the report's
 * tests and benchmark, written without training anything. Accuracies follow a plausible shape
 * (ideal level minus a method-dependent loss that grows with the defect rate, plus seed noise from
 * the named stream `synthetic/<pointHash>`), so plots look like a real sweep. Never used for results.
 *
 * Model of the synthetic accuracy (fractions):
 *   acc = clamp(base − k_method · rate · (8 / rank)^0.3 [LoRA only] + 0.004 · N(0,1), 0, 1)
 * with base 0.985 (mnist), 0.90 (fashion-mnist), 0.95 (mnist-embedded) and
 * k = unaware 2.5, remap 1.6, fat 0.7, ittrna 0.45, lora 0.55, lori 0.65, ideal 0, control 0 (ideal and control
 * run at rate 0 only, as point resolution resets their rate).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetName, DefectDistribution, MethodName, ModelName, PointSpec } from '../../src/experiment/point.js';
import { pointHash } from '../../src/experiment/point.js';
import type { ResultRecord } from '../../src/experiment/result.js';
import { configHash } from '../../src/util/hash.js';
import { stream } from '../../src/util/rng.js';
import type { SweepManifest } from './sweep_dir.js';

export function basePoint(): PointSpec {
  return {
    model: 'mlp',
    pool: 'max',
    dataset: 'mnist',
    method: 'unaware',
    defects: { rate: 0.1, lrsShare: 0.5, distribution: 'uniform', clusters: { perTile: 2, radius: 3 } },
    device: { gMin: 1e-6, gMax: 1e-4, levels: 16, progSigma: 0, readSigma: 0 },
    crossbar: { tileRows: 32, tileCols: 32, mapping: 'differential', range: { kind: 'percentile', percentile: 99.9 }, dacBits: 0, adcBits: 0 },
    train: { epochs: 2, lr: 0.05, momentum: 0.9, weightDecay: 0, batch: 64 },
    retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: 64 },
    ittrna: { importance: 'taylor', calibrationBatches: 4, mapping: 'rows', lambda: 1e-3, lambdaSchedule: 'constant', compensation: true, epochsPerStage: 1, finalEpochs: 1 },
    lora: { rank: 4, alpha: 8, layers: [], sparsity: 0, base: 'unaware' },
    seed: 1,
    trainLimit: 0,
  };
}

export interface SyntheticSweepOptions {
  models?: ModelName[];
  datasets?: DatasetName[];
  methods?: MethodName[];
  rates?: number[];
  /** LoRA/LoRI ranks (other methods use the base rank) */
  ranks?: number[];
  distributions?: DefectDistribution[];
  seeds?: number[];
  /** mark every k-th point as failed (0 = none) */
  failEvery?: number;
  /** leave every k-th point without any record (missing; 0 = none) */
  missingEvery?: number;
  /** append half a record without a newline, as an interrupted writer would */
  tornLastLine?: boolean;
  /** write defect_tile.json / importance_map.json for a few points */
  artifacts?: boolean;
}

const BASE_ACC: Record<DatasetName, number> = { mnist: 0.985, 'fashion-mnist': 0.9, 'mnist-embedded': 0.95, cifar10: 0.91, 'cifar10-jpeg': 0.9 };
const K: Record<MethodName, number> = { ideal: 0, unaware: 2.5, remap: 1.6, fat: 0.7, ittrna: 0.45, lora: 0.55, lori: 0.65, 'mt-fat': 0.7, 'mt-lora': 0.55, 'mt-lori': 0.65, 'mt-crab': 0.6, spare: 1.8, control: 0 };

export function syntheticPoints(o: SyntheticSweepOptions = {}): PointSpec[] {
  const out: PointSpec[] = [];
  for (const model of o.models ?? ['mlp']) {
    for (const dataset of o.datasets ?? ['mnist']) {
      for (const method of o.methods ?? ['ideal', 'unaware', 'fat', 'ittrna']) {
        const noDefects = method === 'ideal' || method === 'control';
        const rates = noDefects ? [0] : o.rates ?? [0.01, 0.05, 0.1, 0.2];
        const ranks = method === 'lora' || method === 'lori' ? o.ranks ?? [4] : [4];
        const dists = noDefects ? ['uniform' as const] : o.distributions ?? ['uniform' as const];
        for (const rate of rates) for (const rank of ranks) for (const distribution of dists) {
          for (const seed of o.seeds ?? [1, 2, 3]) {
            const p = basePoint();
            p.model = model;
            p.dataset = dataset;
            p.method = method;
            p.defects.rate = rate;
            p.defects.distribution = distribution;
            p.lora.rank = rank;
            p.seed = seed;
            out.push(p);
          }
        }
      }
    }
  }
  return out;
}

function syntheticRecord(p: PointSpec, cfgHash: string, failed: boolean): ResultRecord {
  const hash = pointHash(p);
  const rng = stream(p.seed, `synthetic/${hash}`);
  const lora = p.method === 'lora' || p.method === 'lori';
  const loss = K[p.method] * p.defects.rate * (lora ? Math.pow(8 / p.lora.rank, 0.3) : 1) * (p.defects.distribution === 'clustered' ? 0.8 : 1);
  const acc = Math.min(1, Math.max(0, BASE_ACC[p.dataset] - loss + 0.004 * rng.normal()));
  const params = p.model === 'mlp' ? 89_610 : 61_706;
  const cells = p.method === 'ideal' ? 0 : params * 2;
  const writes = p.method === 'ideal' ? 0
    : p.method === 'unaware' || p.method === 'remap' ? cells
    : p.method === 'fat' || p.method === 'ittrna' || p.method === 'control' ? cells * (1 + 0.6 * p.retrain.epochs * (1 + rng.next()))
    : cells + 2 * p.lora.rank * 900 * 40 * (1 + 0.1 * rng.next());
  const rec: ResultRecord = {
    pointHash: hash,
    configHash: cfgHash,
    status: failed ? 'failed' : 'ok',
    point: p,
    wallSeconds: 5 + 20 * rng.next(),
    startedAt: '2026-11-23T08:00:00.000Z',
    finishedAt: '2026-11-23T08:00:30.000Z',
  };
  if (failed) rec.error = 'RangeError: synthetic failure (worker ran out of memory)';
  else rec.metrics = {
    accuracy: acc,
    loss: -Math.log(Math.max(acc, 1e-6)) * 0.8,
    evalSplit: p.dataset === 'mnist-embedded' ? 'heldout' : 'test',
    cellWrites: Math.round(writes),
    // distinct cells: every cell the method programs (lora/lori: only the adapter arrays)
    cellsWritten: p.method === 'ideal' ? 0 : lora ? 2 * 2 * p.lora.rank * 900 : cells,
    trainableParams: lora ? 2 * p.lora.rank * 900 : params,
    cellsUsed: cells + (lora ? 2 * 2 * p.lora.rank * 900 : 0),
    extraMacsPerImage: lora ? 2 * p.lora.rank * 900 : 0,
  };
  return rec;
}

/** Tile defect map: 0 healthy, 1 stuck at HRS, 2 stuck at LRS; clustered = discs around random centres. */
function syntheticTile(p: PointSpec, rows: number, cols: number): number[] {
  const rng = stream(p.seed, `synthetic/${pointHash(p)}/tile`);
  const state = new Array<number>(rows * cols).fill(0);
  const target = Math.round(p.defects.rate * rows * cols);
  const stuckKind = () => (rng.next() < p.defects.lrsShare ? 2 : 1);
  if (p.defects.distribution === 'clustered') {
    let placed = 0;
    for (let guard = 0; placed < target && guard < 100; guard++) {
      const cr = rng.int(rows), cc = rng.int(cols), rad = 2 + rng.int(4);
      for (let r = cr - rad; r <= cr + rad; r++) for (let c = cc - rad; c <= cc + rad; c++) {
        if (placed >= target || r < 0 || c < 0 || r >= rows || c >= cols) continue;
        if ((r - cr) ** 2 + (c - cc) ** 2 <= rad * rad && state[r * cols + c] === 0) { state[r * cols + c] = stuckKind(); placed++; }
      }
    }
  } else {
    let placed = 0;
    while (placed < target) {
      const i = rng.int(rows * cols);
      if (state[i] === 0) { state[i] = stuckKind(); placed++; }
    }
  }
  return state;
}

export interface SyntheticSweep {
  dir: string;
  points: PointSpec[];
  records: ResultRecord[];
  manifest: SweepManifest;
}

export function writeSyntheticSweep(dir: string, o: SyntheticSweepOptions = {}): SyntheticSweep {
  mkdirSync(dir, { recursive: true });
  const points = syntheticPoints(o);
  const config = { name: 'synthetic', grid: { methods: o.methods, rates: o.rates, seeds: o.seeds } };
  const cfgHash = configHash(config);
  const records: ResultRecord[] = [];
  points.forEach((p, i) => {
    if (o.missingEvery && (i + 1) % o.missingEvery === 0) return;
    records.push(syntheticRecord(p, cfgHash, !!o.failEvery && (i + 1) % o.failEvery === 0));
  });
  let text = records.map((r) => JSON.stringify(r)).join('\n') + '\n';
  if (o.tornLastLine) text += JSON.stringify(syntheticRecord(basePoint(), cfgHash, false)).slice(0, 80);
  writeFileSync(join(dir, 'results.jsonl'), text);
  const manifest: SweepManifest = {
    config,
    configHash: cfgHash,
    gitCommit: '0000000000000000000000000000000000000000',
    versions: { rramsim: '0.1.0', node: process.version },
    datasetChecksums: { mnist: { 'train-images-idx3-ubyte.gz': 'sha256:synthetic' } },
    startedAt: '2026-11-23T08:00:00.000Z',
    finishedAt: '2026-11-23T09:00:00.000Z',
    command: `npx rramsim sweep configs/synthetic.json --out ${dir}`,
    expectedPoints: points.map((p) => ({ pointHash: pointHash(p), point: p })),
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  if (o.artifacts) {
    const done = new Set<string>();
    for (const r of records) {
      const p = r.point;
      if (r.status !== 'ok' || p.method === 'ideal') continue;
      const want = `${p.defects.distribution}/${p.method === 'ittrna' ? 'imp' : 'tile'}`;
      if (done.has(want) || p.defects.rate < 0.05) continue;
      done.add(want);
      const adir = join(dir, 'artifacts', r.pointHash);
      mkdirSync(adir, { recursive: true });
      const rows = p.crossbar.tileRows, cols = p.crossbar.tileCols;
      const state = syntheticTile(p, rows, cols);
      writeFileSync(join(adir, 'defect_tile.json'), JSON.stringify({ layer: 'fc1', tileRow: 0, tileCol: 0, rows, cols, distribution: p.defects.distribution, state }));
      if (p.method === 'ittrna') {
        const rng = stream(p.seed, `synthetic/${r.pointHash}/importance`);
        const faulty = state.map((s) => (s === 0 ? 0 : 1));
        const before = state.map(() => Math.pow(rng.next(), 3));
        // "after": the same importances, rows permuted so the most important rows avoid faulty cells
        const rowImp = Array.from({ length: rows }, (_, i): [number, number] => [i, before.slice(i * cols, (i + 1) * cols).reduce((a: number, b: number) => a + b, 0)]);
        const rowFaults = Array.from({ length: rows }, (_, i): [number, number] => [i, faulty.slice(i * cols, (i + 1) * cols).reduce((a: number, b: number) => a + b, 0)]);
        rowImp.sort((a, b) => b[1] - a[1]);
        rowFaults.sort((a, b) => a[1] - b[1]);
        const after = new Array<number>(rows * cols).fill(0);
        for (let k = 0; k < rows; k++) {
          const src = rowImp[k][0], dst = rowFaults[k][0];
          for (let c = 0; c < cols; c++) after[dst * cols + c] = before[src * cols + c];
        }
        writeFileSync(join(adir, 'importance_map.json'), JSON.stringify({ layer: 'fc1', rows, cols, faulty, before, after }));
      }
    }
  }
  return { dir, points, records, manifest };
}
