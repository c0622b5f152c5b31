/**
 * Bench section 'pulsed' (`node dist/sim/bench/main.js pulsed`): the cost of writing on-chip
 * updates by pulses. Same run, same network, same data: fat-style training of the MLP (784-300-100-10)
 * on crossbars (10 % uniform stuck cells, differential, continuous levels, device model
 * 'soft-bounds' with its defaults: dwMin 0.001, dtod 0.3, ctoc 0.3) with the updates written by
 *   write-verify   (update section absent: today's programming kernels)
 *   open-loop      (round(du/dwMin) pulses through the soft-bounds response, update/pulse_programmer.ts)
 *   mixed-precision
 * Rows alternate over ROUNDS rounds (load on the shared machine hits every scheme alike); each row
 * gives the median images/s over its chunks and `vsWriteVerify` = median over rounds of
 * (write-verify images/s) / (this scheme's images/s) measured in the same round (the slowdown; ≤ 1.5
 * is the target for open-loop). Speed only: the data are random (sim/bench/train.ts randomSplit).
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { makeCrossbarOp } from '../../src/crossbar/crossbar_op_factory.js';
import { resolveCrossbar } from '../../src/crossbar/crossbar_spec.js';
import { validateDefects } from '../../src/crossbar/defect_generator.js';
import { resolveDevice } from '../../src/crossbar/device.js';
import { resolveUpdate, type UpdateScheme } from '../../src/crossbar/update/update_spec.js';
import type { CrossbarMatrixOp } from '../../src/crossbar/crossbar_matrix_op.js';
import { getBackend } from '../../src/kernels/gemm.js';
import { buildModel, presetDesc } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { CROSSBAR_10PCT, median, randomSplit } from './train.js';

const BATCH = 64;
const WARM = 20;
const PER_CHUNK = 20;
const CHUNKS = 4;
const ROUNDS = 3;
const SCHEMES: UpdateScheme[] = ['write-verify', 'open-loop', 'mixed-precision'];

export interface PulsedBenchRecord {
  bench: 'train-pulsed';
  model: 'mlp';
  scheme: UpdateScheme;
  device: string;
  backend: string;
  imagesPerSec: number;
  eachRound: number[];
  vsWriteVerify: number;
  pulsesPerStep: number;
  loadAvg1m: number;
}

function measure(scheme: UpdateScheme): { imagesPerSec: number; pulsesPerStep: number } {
  const steps = WARM + CHUNKS * PER_CHUNK;
  const split = randomSplit(steps * BATCH);
  const net = buildModel(presetDesc('mlp'), 0);
  const point = {
    device: resolveDevice({ ...CROSSBAR_10PCT.device, model: 'soft-bounds' }),
    crossbar: resolveCrossbar(CROSSBAR_10PCT.crossbar), defects: validateDefects(CROSSBAR_10PCT.defects), seed: 0,
    ...(scheme === 'write-verify' ? {} : { update: resolveUpdate({ scheme }) }),
  };
  const ops: CrossbarMatrixOp[] = [];
  for (const l of net.weightLayers()) {
    const op = makeCrossbarOp(l.op.weight, l.name, point);
    l.op = op;
    op.resetWriteCounts(); // the deployment is over: the scheme takes the writes from here
    ops.push(op);
  }
  const marks: number[] = [];
  train(net, split, { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 0, batch: BATCH }, {
    seed: 0,
    onStep: (s) => { if (s >= WARM && (s - WARM) % PER_CHUNK === 0) marks.push(performance.now()); },
  });
  const rates: number[] = [];
  for (let c = 1; c < marks.length; c++) rates.push((BATCH * PER_CHUNK) / ((marks[c] - marks[c - 1]) / 1000));
  const pulses = ops.reduce((s, op) => s + (op.cost().update?.pulses ?? 0), 0);
  return { imagesPerSec: median(rates), pulsesPerStep: Math.round(pulses / steps) };
}

export async function benchPulsed(): Promise<PulsedBenchRecord[]> {
  const per = new Map<UpdateScheme, { rate: number[]; pulses: number[] }>();
  const ratios = new Map<UpdateScheme, number[]>();
  for (let r = 0; r < ROUNDS; r++) {
    const round = new Map<UpdateScheme, number>();
    for (const s of SCHEMES) {
      const m = measure(s);
      round.set(s, m.imagesPerSec);
      const e = per.get(s) ?? { rate: [], pulses: [] };
      e.rate.push(m.imagesPerSec); e.pulses.push(m.pulsesPerStep);
      per.set(s, e);
    }
    for (const s of SCHEMES) {
      const l = ratios.get(s) ?? [];
      l.push(round.get('write-verify')! / round.get(s)!);
      ratios.set(s, l);
    }
    process.stderr.write(`bench pulsed: round ${r + 1}/${ROUNDS} done\n`);
  }
  const load = Number(loadavg()[0].toFixed(2));
  return SCHEMES.map((s) => ({
    bench: 'train-pulsed', model: 'mlp', scheme: s, device: 'soft-bounds', backend: getBackend(),
    imagesPerSec: Math.round(median(per.get(s)!.rate)), eachRound: per.get(s)!.rate.map(Math.round),
    vsWriteVerify: Number(median(ratios.get(s)!).toFixed(3)),
    pulsesPerStep: Math.round(median(per.get(s)!.pulses)), loadAvg1m: load,
  }));
}
