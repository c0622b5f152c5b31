/**
 * `npm run bench -- cifar`: ResNet-20 (and VGG-8 with RRAMSIM_BENCH_VGG=1) on cifar10-jpeg, 1 thread,
 * the active kernel backend: images per second for
 *   train-digital    SGD steps (batch 64, crop+flip augmentation) on the ideal network
 *   infer-digital    evaluate() (its default batch: 128 for ResNet-20, 16 for VGG-8)
 *   train-crossbar   the same steps with every weight layer on crossbars (5 % stuck cells, 128x128
 *                    differential tiles; programming after every step, as fat retrains)
 *   infer-crossbar   evaluate() of the mapped network
 * each as images / wall second and images / CPU second of this process (process.cpuUsage: on a
 * shared machine the second is the fair figure), and the process's RSS after the phase
 * (process.memoryUsage().rss; the peak per sweep worker is larger by the data set and cache).
 * Data: env RRAMSIM_CIFAR_DIR, else the default search path (../shared/data/cifar10-jpeg).
 * Sizes: RRAMSIM_BENCH_CIFAR_TRAIN (default 512 images), RRAMSIM_BENCH_CIFAR_EVAL (default 1024).
 */
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { loadDataset } from '../../src/data/load.js';
import type { Split } from '../../src/data/dataset.js';
import { getBackend } from '../../src/kernels/backend.js';
import { buildModel, modelDescOf, type ModelName } from '../../src/nn/model.js';
import type { Network } from '../../src/nn/network.js';
import { evaluate, train } from '../../src/nn/train.js';

type Rec = Record<string, unknown>;

function measure(fn: () => void): { wall: number; cpu: number } {
  const w0 = performance.now();
  const c0 = process.cpuUsage();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - w0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

export async function benchCifar(): Promise<Rec[]> {
  const ds = await loadDataset('cifar10-jpeg', { dataDir: process.env.RRAMSIM_CIFAR_DIR });
  const nTrain = Number(process.env.RRAMSIM_BENCH_CIFAR_TRAIN ?? 512);
  const nEval = Number(process.env.RRAMSIM_BENCH_CIFAR_EVAL ?? 1024);
  const evalSplit: Split = { ...ds.eval, n: nEval, x: ds.eval.x.subarray(0, nEval * 3072), y: ds.eval.y.subarray(0, nEval) };
  const models: ModelName[] = process.env.RRAMSIM_BENCH_VGG === '1' ? ['resnet20', 'vgg8'] : ['resnet20'];
  const spec = { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, batch: 64 };
  const out: Rec[] = [];
  for (const model of models) {
    const net: Network = buildModel(modelDescOf(model, { input: ds.shape }), 0);
    const rec = (mode: string, n: number, t: { wall: number; cpu: number }) => out.push({
      bench: mode, model, backend: getBackend(), images: n, seconds: +t.wall.toFixed(2), cpuSeconds: +t.cpu.toFixed(2),
      imagesPerSec: +(n / t.wall).toFixed(1), imagesPerCpuSec: +(n / t.cpu).toFixed(1),
      rssMB: Math.round(process.memoryUsage().rss / 2 ** 20),
    });
    // warm-up (buffers, JIT): one short pass of each, not timed
    train(net, ds.train, spec, { seed: 1, limit: 64 });
    evaluate(net, { ...evalSplit, n: Math.min(nEval, 256) });
    rec('train-digital', nTrain, measure(() => train(net, ds.train, spec, { seed: 0, limit: nTrain })));
    rec('infer-digital', nEval, measure(() => evaluate(net, evalSplit)));
    mapNetwork(net, { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0.05 } }, 0);
    train(net, ds.train, spec, { seed: 1, limit: 64 });
    rec('train-crossbar', nTrain, measure(() => train(net, ds.train, spec, { seed: 0, limit: nTrain })));
    rec('infer-crossbar', nEval, measure(() => evaluate(net, evalSplit)));
  }
  return out;
}
