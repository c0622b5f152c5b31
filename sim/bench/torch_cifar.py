#!/usr/bin/python3
"""
PyTorch side of the CIFAR-10 comparison (a benchmark, not a test): ResNet-20 or VGG-8 on
cifar10-jpeg read from the same binary layout rramsim reads (data_batch_1..5.bin[.gz],
test_batch.bin[.gz]; 3,073-byte records: label, 1,024 R, 1,024 G, 1,024 B), trained with the same
recipe as rramsim's config, on 1 thread; prints test accuracy, training and inference images/s,
and peak RSS as one JSON line. Images/s are given per wall-clock second and per CPU second of the
process (on a shared machine the second is the fair figure: 1 thread, so CPU time = compute time).

Same as rramsim (src/data/cifar10.ts, augment.ts, src/nn/presets, sgd.ts, lr_schedule.ts):
  data      the first --train-limit training images in file order (batches 1..5), the first
            --eval-limit test images; x = (p/255 - mean)/std per channel, mean (0.4914, 0.4822,
            0.4465), std (0.2470, 0.2435, 0.2616)
  augment   training only: 32x32 crop of the image zero-padded by 4 pixels (zero = pixel 0, i.e.
            -mean/std after normalisation, as rramsim pads the normalised image with the value of
            a black pixel), then a horizontal flip with p = 0.5
  SGD       v <- mu v + (g + wd w), w <- w - lr_t v (torch.optim.SGD, dampening 0, weight decay on
            every parameter incl. biases and BatchNorm gamma/beta, as rramsim)
  schedule  cosine per step over all epochs x ceil(n/batch) steps: lr_t = lr/2 (1 + cos(pi t/T))
            (rramsim {"kind": "cosine"}: warm-up 0, final 0), or constant
  models    resnet20: conv 16@3x3 + BN + ReLU, 3 stages x 3 basic blocks (16, 32, 64 channels,
            stride 2 at stages 2, 3), projection shortcut 1x1 conv + BN where the shape changes,
            global average pool, fc 10; every conv has a bias (273,258 parameters, as rramsim's
            preset); He-normal weights N(0, 2/fan_in), zero biases (rramsim's init for resnet20)
            vgg8: NeuroSim's VGG-8: conv 128,128, M, 256,256, M, 512,512, M (3x3 pad 1, ReLU), fc
            8192-1024-10; He-normal weights N(0, 2/fan_in), zero biases (rramsim's init for vgg8)
  BN        momentum 0.1, eps 1e-5, training-mode batch statistics, eval with running statistics
Not the same (different random streams): initial weights, shuffling and augmentation draws, so
accuracies agree in distribution over seeds, not bit for bit.

Long runs: --checkpoint FILE saves the whole training state (weights, momentum, BN statistics, both
random generators, step, per-epoch rows, accumulated train time) atomically after every epoch; run
the same command again to continue from the last finished epoch (a checkpoint of another recipe is
refused). --eval-every K adds the test accuracy to every K-th epoch's row.

Usage (the recipes of configs/resnet20-cifar10-jpeg.json and configs/vgg8-cifar10-jpeg.json):
  python3 sim/bench/torch_cifar.py --model resnet20 --train-limit 3000 --eval-limit 2000 \
      --epochs 6 --lr 0.1 --momentum 0.9 --wd 5e-4 --batch 64 --schedule cosine --seed 0
  python3 sim/bench/torch_cifar.py --model vgg8 --train-limit 1000 --eval-limit 500 \
      --epochs 2 --lr 0.01 --momentum 0.9 --wd 5e-4 --batch 64 --schedule cosine --seed 0
"""
import argparse
import gzip
import json
import math
import os
import resource
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32)
STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32)
RECORD = 3073


def read_batch(path):
    """records of one CIFAR binary file (raw or .gz) -> (x uint8 [n,3,32,32], y int64 [n])"""
    if os.path.exists(path):
        data = open(path, 'rb').read()
    else:
        data = gzip.open(path + '.gz', 'rb').read()
    if len(data) % RECORD != 0:
        raise SystemExit(f'{path}: {len(data)} bytes is not a whole number of {RECORD}-byte records')
    a = np.frombuffer(data, dtype=np.uint8).reshape(-1, RECORD)
    return a[:, 1:].reshape(-1, 3, 32, 32), a[:, 0].astype(np.int64)


def load(data_dir, train_limit, eval_limit):
    xs, ys = [], []
    for k in range(1, 6):
        x, y = read_batch(os.path.join(data_dir, f'data_batch_{k}.bin'))
        xs.append(x)
        ys.append(y)
        if train_limit and sum(len(v) for v in ys) >= train_limit:
            break
    xtr, ytr = np.concatenate(xs), np.concatenate(ys)
    xte, yte = read_batch(os.path.join(data_dir, 'test_batch.bin'))
    if train_limit:
        xtr, ytr = xtr[:train_limit], ytr[:train_limit]
    if eval_limit:
        xte, yte = xte[:eval_limit], yte[:eval_limit]

    def norm(x):
        return torch.from_numpy(((x.astype(np.float32) / 255 - MEAN[None, :, None, None]) / STD[None, :, None, None]).astype(np.float32))
    return norm(xtr), torch.from_numpy(ytr), norm(xte), torch.from_numpy(yte)


def augment(x, gen):
    """random 32x32 crop of the 4-pixel zero-padded image (black = -mean/std), horizontal flip p = 0.5"""
    n = x.shape[0]
    black = torch.from_numpy(-MEAN / STD).view(1, 3, 1, 1)
    padded = black.expand(n, 3, 40, 40).clone()
    padded[:, :, 4:36, 4:36] = x
    dy = torch.randint(0, 9, (n,), generator=gen)
    dx = torch.randint(0, 9, (n,), generator=gen)
    flip = torch.rand(n, generator=gen) < 0.5
    out = torch.empty_like(x)
    for i in range(n):
        img = padded[i, :, dy[i]:dy[i] + 32, dx[i]:dx[i] + 32]
        out[i] = img.flip(2) if flip[i] else img
    return out


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = nn.Sequential()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride), nn.BatchNorm2d(cout))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(out)) + self.shortcut(x))


class ResNet20(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1)
        self.bn = nn.BatchNorm2d(16)
        layers, cin = [], 16
        for s, cout in enumerate([16, 32, 64]):
            for b in range(3):
                layers.append(Block(cin, cout, 2 if s > 0 and b == 0 else 1))
                cin = cout
        self.blocks = nn.Sequential(*layers)
        self.fc = nn.Linear(64, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')  # N(0, 2/fan_in)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        x = self.blocks(F.relu(self.bn(self.conv(x))))
        return self.fc(torch.flatten(F.adaptive_avg_pool2d(x, 1), 1))


class VGG8(nn.Module):
    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for v in [128, 128, 'M', 256, 256, 'M', 512, 512, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.ReLU()]
                cin = v
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(8192, 1024)
        self.fc2 = nn.Linear(1024, 10)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight, mode='fan_in', nonlinearity='relu')  # N(0, 2/fan_in)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(torch.flatten(self.features(x), 1))))


def evaluate(net, x, y, batch=256):
    net.eval()
    correct, loss = 0, 0.0
    with torch.no_grad():
        for s in range(0, len(x), batch):
            out = net(x[s:s + batch])
            loss += F.cross_entropy(out, y[s:s + batch], reduction='sum').item()
            correct += (out.argmax(1) == y[s:s + batch]).sum().item()
    return correct / len(x), loss / len(x)


class VGG8S(nn.Module):
    """configs/vgg8s-cifar10-jpeg.json: VGG-8's layout at a quarter width with BatchNorm after every
    conv (32, 32, M, 64, 64, M, 128, 128, M, fc 2048-256-10; 815,018 parameters), PyTorch's default
    init (rramsim's default for a model description)"""
    def __init__(self):
        super().__init__()
        layers, cin = [], 3
        for v in [32, 32, 'M', 64, 64, 'M', 128, 128, 'M']:
            if v == 'M':
                layers.append(nn.MaxPool2d(2))
            else:
                layers += [nn.Conv2d(cin, v, 3, padding=1), nn.BatchNorm2d(v), nn.ReLU()]
                cin = v
        self.features = nn.Sequential(*layers)
        self.fc1 = nn.Linear(2048, 256)
        self.fc2 = nn.Linear(256, 10)

    def forward(self, x):
        return self.fc2(F.relu(self.fc1(torch.flatten(self.features(x), 1))))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[1])
    ap.add_argument('--model', choices=['resnet20', 'vgg8', 'vgg8s'], default='resnet20')
    ap.add_argument('--data-dir', default='/work/shared/data/cifar10-jpeg')
    ap.add_argument('--train-limit', type=int, default=0, help='first N training images (0 = all 50,000)')
    ap.add_argument('--eval-limit', type=int, default=0, help='first N test images (0 = all 10,000)')
    ap.add_argument('--epochs', type=int, default=6)
    ap.add_argument('--lr', type=float, default=0.1)
    ap.add_argument('--momentum', type=float, default=0.9)
    ap.add_argument('--wd', type=float, default=5e-4)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--schedule', choices=['cosine', 'constant'], default='cosine')
    ap.add_argument('--no-augment', action='store_true')
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--checkpoint', default='', help='file to save the training state to after every epoch and to resume from')
    ap.add_argument('--eval-every', type=int, default=0, help='test accuracy every K epochs (0 = only at the end)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed + 1)
    xtr, ytr, xte, yte = load(a.data_dir, a.train_limit, a.eval_limit)
    net = {'resnet20': ResNet20, 'vgg8': VGG8, 'vgg8s': VGG8S}[a.model]()
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.SGD(net.parameters(), lr=a.lr, momentum=a.momentum, weight_decay=a.wd)
    n = len(xtr)
    steps = math.ceil(n / a.batch)
    total = a.epochs * steps
    t_train = 0.0
    c_train = 0.0
    epochs = []
    step = 0
    start = 0
    recipe = {k: getattr(a, k) for k in ('model', 'train_limit', 'eval_limit', 'epochs', 'lr', 'momentum', 'wd',
                                         'batch', 'schedule', 'no_augment', 'seed')}
    if a.checkpoint and os.path.exists(a.checkpoint):
        state = torch.load(a.checkpoint)
        if state['recipe'] != recipe:
            raise SystemExit(f'{a.checkpoint}: a checkpoint of another recipe {state["recipe"]}; '
                             f'this run is {recipe} (remove the file or choose another --checkpoint)')
        net.load_state_dict(state['net'])
        opt.load_state_dict(state['opt'])
        gen.set_state(state['gen'])
        torch.set_rng_state(state['torch_rng'])
        step, start, epochs = state['step'], state['epoch'], state['epochs']
        t_train, c_train = state['t_train'], state['c_train']
        print(json.dumps({'resumed': a.checkpoint, 'epoch': start}), flush=True)
    for ep in range(start, a.epochs):
        net.train()
        perm = torch.randperm(n, generator=gen)
        t0 = time.perf_counter()
        c0 = time.process_time()
        seen, correct, loss_sum = 0, 0, 0.0
        for s in range(0, n, a.batch):
            idx = perm[s:s + a.batch]
            xb = xtr[idx] if a.no_augment else augment(xtr[idx], gen)
            lr = a.lr * 0.5 * (1 + math.cos(math.pi * step / total)) if a.schedule == 'cosine' else a.lr
            for g in opt.param_groups:
                g['lr'] = lr
            out = net(xb)
            loss = F.cross_entropy(out, ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
            seen += len(idx)
            loss_sum += loss.item() * len(idx)
            correct += (out.argmax(1) == ytr[idx]).sum().item()
        dt = time.perf_counter() - t0
        t_train += dt
        c_train += time.process_time() - c0
        row = {'epoch': ep + 1, 'trainLoss': loss_sum / seen, 'trainAccuracy': correct / seen, 'seconds': dt}
        if a.eval_every and (ep + 1) % a.eval_every == 0 and ep + 1 < a.epochs:
            row['testAccuracy'] = evaluate(net, xte, yte)[0]
        epochs.append(row)
        print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}), flush=True)
        if a.checkpoint:
            # atomic: a kill during the save leaves the previous epoch's checkpoint intact
            tmp = a.checkpoint + '.tmp'
            torch.save({'recipe': recipe, 'net': net.state_dict(), 'opt': opt.state_dict(), 'gen': gen.get_state(),
                        'torch_rng': torch.get_rng_state(), 'step': step, 'epoch': ep + 1, 'epochs': epochs,
                        't_train': t_train, 'c_train': c_train}, tmp)
            with open(tmp, 'rb') as f:
                os.fsync(f.fileno())
            os.replace(tmp, a.checkpoint)
    t0 = time.perf_counter()
    c0 = time.process_time()
    acc, loss = evaluate(net, xte, yte)
    t_eval = time.perf_counter() - t0
    c_eval = time.process_time() - c0
    print(json.dumps({
        'runtime': f'pytorch {torch.__version__}', 'threads': a.threads, 'model': a.model, 'params': params,
        'dataset': 'cifar10-jpeg', 'trainImages': n, 'evalImages': len(xte), 'seed': a.seed,
        'recipe': {'epochs': a.epochs, 'lr': a.lr, 'momentum': a.momentum, 'weightDecay': a.wd, 'batch': a.batch,
                   'schedule': a.schedule, 'augment': not a.no_augment},
        'testAccuracy': acc, 'testLoss': loss,
        # per wall-clock second, and per CPU second of this process (the fair figure on a shared machine)
        'trainImagesPerSecond': a.epochs * n / t_train, 'inferImagesPerSecond': len(xte) / t_eval,
        'trainImagesPerCpuSecond': a.epochs * n / c_train, 'inferImagesPerCpuSecond': len(xte) / c_eval,
        'peakRssMB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        'epochs': epochs,
    }))


if __name__ == '__main__':
    main()
