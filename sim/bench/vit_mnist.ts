/**
 * Measurement: train the small ViT (src/nn/vit.ts vitMnistDesc: 7x7 patches →
 * 16 tokens + cls, width 64, 2 blocks, 4 heads, MLP 128) on `mnist-embedded` (8,000 train /
 * 2,000 heldout) with AdamW (lr η, weight decay λ, β = (0.9, 0.999)) and linear warm-up (5 % of
 * the steps) then cosine decay to 0, batch 64, seed 1; report heldout accuracy per epoch and
 * training images/s (wall clock and per CPU second; the machine may be shared: load average given).
 *
 *   npm run build && node dist/sim/bench/vit_mnist.js [epochs=2] [lr=0.001] [weightDecay=0.05] [dataset=mnist-embedded]
 * (dataset 'mnist' = the official 60,000/10,000 files, found through RRAMSIM_DATA or the default search path)
 *
 * Output: one JSON line per epoch, then a summary line.
 *
 * Measured 2026-11-25 (wasm backend, 2-core machine shared with ~5 jobs, load average 5–14, so
 * wall-clock rates are pessimistic; images/CPU-s is the per-core rate, eval time included):
 *   mnist-embedded, 2 epochs, η 1e-3, λ 0.05:  heldout 83.25 %, 1,106 img/s wall, 1,167 img/CPU-s
 *   mnist-embedded, 15 epochs, η 2e-3, λ 0.05: heldout 95.75 % (train 99.99 %: 8,000 images overfit)
 *   mnist, 3 epochs, η 2e-3, λ 0.05:           test 97.49 %, 572 img/s wall, 1,227 img/CPU-s
 *   mnist, 6 epochs, η 2e-3, λ 0.05:           test 98.31 %, 410 img/s wall, 1,249 img/CPU-s
 */
import { loadavg } from 'node:os';
import type { DatasetName } from '../../src/data/dataset.js';
import { loadDataset } from '../../src/data/load.js';
import { getBackend } from '../../src/kernels/gemm.js';
import { buildModel } from '../../src/nn/model.js';
import { train } from '../../src/nn/train.js';
import { vitMnistDesc } from '../../src/nn/vit.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const [epochs = 2, lr = 0.001, wd = 0.05] = args.slice(0, 3).map(Number);
  const name = (args[3] ?? 'mnist-embedded') as DatasetName;
  const ds = await loadDataset(name);
  const net = buildModel(vitMnistDesc(), 1);
  const params = net.params().reduce((s, p) => s + p.value.length, 0);
  const cpu0 = process.cpuUsage();
  // 5 % of the steps warm up linearly, then cosine decay to 0 (lr_schedule.ts)
  const r = train(net, ds.train, { epochs, lr, momentum: 0, weightDecay: wd, batch: 64, schedule: { kind: 'cosine', warmup: 0.05 * epochs } }, {
    seed: 1, optimizer: { kind: 'adamw' },
    evalSplit: ds.eval,
    onEpoch: (e) => {
      const trainSec = e.seconds; // includes the heldout evaluation
      process.stdout.write(JSON.stringify({
        epoch: e.epoch, trainLoss: +e.trainLoss.toFixed(4), trainAccuracy: e.trainAccuracy,
        evalAccuracy: e.eval!.accuracy, evalLoss: +e.eval!.loss.toFixed(4),
        epochSeconds: +trainSec.toFixed(1), load1: +loadavg()[0].toFixed(2),
      }) + '\n');
    },
  });
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  const images = epochs * ds.train.n;
  process.stdout.write(JSON.stringify({
    model: net.desc.name, dataset: ds.name, evalSplit: ds.eval.name, params, backend: getBackend(), epochs, lr, weightDecay: wd,
    evalAccuracy: r.epochs[r.epochs.length - 1].eval!.accuracy,
    seconds: +r.seconds.toFixed(1), cpuSeconds: +cpuSec.toFixed(1),
    imagesPerSec: Math.round(images / r.seconds), imagesPerCpuSec: Math.round(images / cpuSec),
    note: 'seconds include one evaluation of the eval split per epoch; shared machine',
  }) + '\n');
}

main().catch((e) => { process.stderr.write(`${(e as Error).message}\n`); process.exitCode = 1; });
