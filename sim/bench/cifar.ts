/**
 * `npm run bench -- cifar`: ResNet-20 and VGG-8s (configs/vgg8s-cifar10-jpeg.json's network) on
 * cifar10-jpeg, batch 64, the active kernel backend, side by side with PyTorch in the same run
 * (sim/bench/torch_cifar.py, 1 thread, the same images and batch): images per second for
 *   train-digital    SGD steps (batch 64, crop+flip augmentation) on the ideal network
 *   infer-digital    evaluate() (its default batch: 128 for ResNet-20)
 *   train-crossbar   the same steps with every weight layer on crossbars (5 % stuck cells, 128x128
 *                    differential tiles; programming after every step, as fat retrains)
 *   infer-crossbar   evaluate() of the mapped network
 * with 1 kernel thread, and train-digital / infer-digital again with 2 (src/kernels/threads.ts;
 * same bits, native backend only). Each row: images / wall second and images / CPU second of this
 * process (process.cpuUsage: on a shared machine the CPU second is the fair figure for 1 thread),
 * the ratio to PyTorch's digital training or inference of the same model (ratio: wall, cpuRatio: CPU;
 * the crossbar rows are compared with PyTorch's digital training, as the acceptance asks), the 1-min
 * load average, the process's RSS after the phase and its peak RSS so far (process.resourceUsage;
 * the bench holds one model at a time, as a sweep worker does, plus the data set).
 * The PyTorch rows (torch-train, torch-infer) come from one run of torch_cifar.py (1 epoch over the
 * same training images, then the evaluation images; its own wall and CPU rates and peak RSS).
 * Row `sweep-worker`: the peak RSS of a real sweep (`rramsim sweep`, 1 worker, 1 thread) of one point
 * of the model (fat at 5 % stuck cells: base training, crossbar retraining and evaluation on the
 * sizes above), measured by /usr/bin/time around the sweep process (its main thread plus the one
 * worker thread: a worker's resident memory, which the bench process's own RSS is not), beside
 * PyTorch's training process (ratio = rramsim ÷ PyTorch). Off with RRAMSIM_BENCH_CIFAR_WORKER_RSS=0.
 * Data: env RRAMSIM_CIFAR_DIR, else the default search path (../shared/data/cifar10-jpeg).
 * Sizes: RRAMSIM_BENCH_CIFAR_TRAIN (default 640 images), RRAMSIM_BENCH_CIFAR_EVAL (default 1024).
 * Models: RRAMSIM_BENCH_CIFAR_MODELS (comma list of resnet20, vgg8s, vgg8; default resnet20,vgg8s).
 * Python for the peer: RRAMSIM_PEER_PYTHON (default /usr/bin/python3, OpenMP OpenBLAS as in peer.ts);
 * when it cannot import torch the PyTorch rows and ratios are left out with a note on stderr.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mapNetwork } from '../../src/crossbar/map_network.js';
import { DEFAULTS } from '../../src/config/defaults.js';
import { loadDataset } from '../../src/data/load.js';
import type { Split } from '../../src/data/dataset.js';
import { getBackend } from '../../src/kernels/backend.js';
import { kernelThreads, setKernelThreads } from '../../src/kernels/threads.js';
import { buildModel, modelDescOf, type ModelDesc } from '../../src/nn/model.js';
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

function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes(join('dist', 'sim', 'bench')) ? resolve(here, '..', '..', '..') : resolve(here, '..', '..');
}

function descOf(model: string, input: [number, number, number]): ModelDesc {
  if (model === 'vgg8s') {
    // the network of the committed VGG-8s table (a config-defined model, not a preset)
    const cfg = JSON.parse(readFileSync(join(repoRoot(), 'configs', 'vgg8s-cifar10-jpeg.json'), 'utf8')) as { model: ModelDesc };
    return cfg.model;
  }
  return modelDescOf(model as 'resnet20' | 'vgg8', { input });
}

interface TorchResult { train: number; trainCpu: number; infer: number; inferCpu: number; peakRssMB: number }

/** one torch_cifar.py run: 1 epoch over the first nTrain images, then the first nEval test images */
function runTorch(model: string, nTrain: number, nEval: number, dataDir: string | undefined): TorchResult | string {
  const python = process.env.RRAMSIM_PEER_PYTHON || '/usr/bin/python3';
  const lib = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
  const env = { ...process.env, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ? `${lib}:${process.env.LD_LIBRARY_PATH}` : lib, OMP_NUM_THREADS: '1' };
  const args = [join(repoRoot(), 'sim', 'bench', 'torch_cifar.py'), '--model', model, '--train-limit', String(nTrain),
    '--eval-limit', String(nEval), '--epochs', '1', '--batch', '64', '--lr', '0.01', '--threads', '1', '--seed', '0'];
  if (dataDir) args.push('--data-dir', dataDir);
  const r = spawnSync(python, args, { env, encoding: 'utf8', timeout: 1_800_000, maxBuffer: 16 << 20 });
  if (r.status !== 0) return `PyTorch peer not run (${python} torch_cifar.py exit ${r.status}: ${(r.stderr || String(r.error ?? '')).trim().split('\n').pop()})`;
  const line = r.stdout.split('\n').filter((l) => l.startsWith('{') && l.includes('trainImagesPerSecond')).pop();
  if (!line) return 'PyTorch peer printed no result line';
  const j = JSON.parse(line) as Record<string, number>;
  return { train: j.trainImagesPerSecond, trainCpu: j.trainImagesPerCpuSecond, infer: j.inferImagesPerSecond, inferCpu: j.inferImagesPerCpuSecond, peakRssMB: Math.round(j.peakRssMB) };
}

/**
 * peak RSS (MB) of `rramsim sweep` running one point of `model` with 1 worker and 1 thread (a
 * temporary config and output directory), or a note why it was not measured
 */
function sweepWorkerRss(model: string, desc: ModelDesc, nTrain: number, nEval: number, dataDir: string | undefined): number | string {
  const time = '/usr/bin/time';
  const cli = join(repoRoot(), 'dist', 'sim', 'cli.js');
  if (!existsSync(time)) return 'sweep worker RSS not measured (/usr/bin/time missing)';
  if (!existsSync(cli)) return `sweep worker RSS not measured (${cli} not built)`;
  const dir = mkdtempSync(join(tmpdir(), 'rramsim-bench-rss-'));
  try {
    const cfg = {
      name: `bench-rss-${model}`, model: model === 'vgg8s' ? desc : model, dataset: 'cifar10-jpeg',
      trainLimit: nTrain, retrainLimit: Math.min(nTrain, 640), evalLimit: nEval, seed: [0],
      train: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, batch: 64 },
      retrain: { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, batch: 64 },
      defects: { rate: [0.05], lrsShare: 0.5, distribution: 'uniform' }, method: ['fat'],
    };
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify(cfg));
    const args = ['-f', '%M', process.execPath, cli, 'sweep', file, '--out', join(dir, 'out'), '--workers', '1', '--threads', '1'];
    if (dataDir) args.push('--data-dir', dataDir);
    const r = spawnSync(time, args, { encoding: 'utf8', timeout: 3_600_000, maxBuffer: 64 << 20 });
    const kb = Number((r.stderr || '').trim().split('\n').pop());
    if (r.status !== 0 || !Number.isFinite(kb)) return `sweep worker RSS not measured (exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')})`;
    return Math.round(kb / 1024);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCifar(): Promise<Rec[]> {
  const dataDir = process.env.RRAMSIM_CIFAR_DIR;
  const ds = await loadDataset('cifar10-jpeg', { dataDir });
  const nTrain = Number(process.env.RRAMSIM_BENCH_CIFAR_TRAIN ?? 640);
  const nEval = Number(process.env.RRAMSIM_BENCH_CIFAR_EVAL ?? 1024);
  const evalSplit: Split = { ...ds.eval, n: nEval, x: ds.eval.x.subarray(0, nEval * 3072), y: ds.eval.y.subarray(0, nEval) };
  const models = (process.env.RRAMSIM_BENCH_CIFAR_MODELS ?? (process.env.RRAMSIM_BENCH_VGG === '1' ? 'resnet20,vgg8' : 'resnet20,vgg8s')).split(',').map((m) => m.trim()).filter(Boolean);
  const spec = { epochs: 1, lr: 0.01, momentum: 0.9, weightDecay: 5e-4, batch: 64 };
  const threads0 = kernelThreads();
  const out: Rec[] = [];
  for (const model of models) {
    const peer = runTorch(model, nTrain, nEval, dataDir);
    if (typeof peer === 'string') process.stderr.write(`bench cifar: ${peer}\n`);
    const torch = typeof peer === 'string' ? null : peer;
    const desc = descOf(model, ds.shape);
    const rec = (mode: string, threads: number, n: number, t: { wall: number; cpu: number }) => {
      const train = mode.startsWith('train');
      const ref = torch ? (train ? torch.train : torch.infer) : undefined;
      const refCpu = torch ? (train ? torch.trainCpu : torch.inferCpu) : undefined;
      const ips = n / t.wall, ipc = n / t.cpu;
      out.push({
        bench: mode, model, backend: getBackend(), threads, images: n, seconds: +t.wall.toFixed(2), cpuSeconds: +t.cpu.toFixed(2),
        imagesPerSec: +ips.toFixed(1), imagesPerCpuSec: +ipc.toFixed(1),
        ratio: ref ? +(ips / ref).toFixed(2) : undefined, cpuRatio: refCpu ? +(ipc / refCpu).toFixed(2) : undefined,
        loadAvg1m: +loadavg()[0].toFixed(2),
        rssMB: Math.round(process.memoryUsage().rss / 2 ** 20), peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    };
    if (torch) {
      out.push({ bench: 'torch-train', model, backend: 'pytorch', threads: 1, images: nTrain, imagesPerSec: +torch.train.toFixed(1), imagesPerCpuSec: +torch.trainCpu.toFixed(1), loadAvg1m: +loadavg()[0].toFixed(2), peakRssMB: torch.peakRssMB });
      out.push({ bench: 'torch-infer', model, backend: 'pytorch', threads: 1, images: nEval, imagesPerSec: +torch.infer.toFixed(1), imagesPerCpuSec: +torch.inferCpu.toFixed(1), loadAvg1m: +loadavg()[0].toFixed(2), peakRssMB: torch.peakRssMB });
    }
    const net: Network = buildModel(desc, 0);
    setKernelThreads(1);
    // warm-up (buffers, JIT): one short pass of each, not timed
    train(net, ds.train, spec, { seed: 1, limit: 64 });
    evaluate(net, { ...evalSplit, n: Math.min(nEval, 256) });
    rec('train-digital', 1, nTrain, measure(() => train(net, ds.train, spec, { seed: 0, limit: nTrain })));
    rec('infer-digital', 1, nEval, measure(() => evaluate(net, evalSplit)));
    if (getBackend() === 'native' && setKernelThreads(2) === 2) {
      rec('train-digital', 2, nTrain, measure(() => train(net, ds.train, spec, { seed: 0, limit: nTrain })));
      rec('infer-digital', 2, nEval, measure(() => evaluate(net, evalSplit)));
      setKernelThreads(1);
    }
    mapNetwork(net, { ...DEFAULTS, defects: { ...DEFAULTS.defects, rate: 0.05 } }, 0);
    train(net, ds.train, spec, { seed: 1, limit: 64 });
    rec('train-crossbar', 1, nTrain, measure(() => train(net, ds.train, spec, { seed: 0, limit: nTrain })));
    rec('infer-crossbar', 1, nEval, measure(() => evaluate(net, evalSplit)));
    if (process.env.RRAMSIM_BENCH_CIFAR_WORKER_RSS !== '0') {
      const rss = sweepWorkerRss(model, desc, nTrain, nEval, dataDir);
      if (typeof rss === 'string') process.stderr.write(`bench cifar: ${rss}\n`);
      else {
        out.push({
          bench: 'sweep-worker', model, backend: getBackend(), threads: 1, images: nTrain, peakRssMB: rss,
          ratio: torch ? +(rss / torch.peakRssMB).toFixed(2) : undefined, loadAvg1m: +loadavg()[0].toFixed(2),
        });
      }
    }
  }
  setKernelThreads(threads0);
  return out;
}
