#!/usr/bin/env python3
"""
PyTorch peer of rramsim's `vit-mnist` recipe (a benchmark, not a test): the same network
and training recipe as configs/vit-mnist.json, so both accuracies can be read side by side.

  network   7x7 patches (a Conv2d with kernel = stride = 7) -> 16 tokens of width 64, a learned
            class token (zero init) prepended, learned positional embedding (zero init), 2 pre-LN
            blocks  x + MHSA(LN(x)),  x + fc2(GELU(fc1(LN(x))))  (4 heads, MLP 128, exact-erf GELU,
            LayerNorm eps 1e-5), final LayerNorm, class token -> Linear(64, 10).
            Weights xavier-uniform (fan-in/fan-out of each matrix; the patch conv: fan-in 49,
            fan-out 64 as rramsim's [49, 64] matrix), biases 0, LayerNorm gamma 1 / beta 0.
            72,074 parameters (as rramsim's preset header).
  data      official MNIST IDX files (--data-dir, default ../shared/data/mnist relative to the repo
            root), x = (pixel/255 - 0.1307)/0.3081; accuracy on the 10,000 test images
  recipe    AdamW (lr 0.002, weight decay 0.05 decoupled on every parameter, betas 0.9/0.999,
            eps 1e-8), batch 64, 4 epochs, per-step schedule: linear warm-up over round(0.2*S)
            steps (S = steps per epoch), eta_t = eta*(t+1)/W, then cosine from eta to 0 over the
            remaining steps (rramsim's lr_schedule.ts 'cosine' formula), shuffled every epoch
            (torch.Generator seeded with --seed; the order differs from rramsim's streams)

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 sim/bench/torch_vit.py \
      --data-dir /work/shared/data/mnist --epochs 4 --threads 1

  --model vit-cifar: the `vit-cifar` preset (4x4 patches of a 3x32x32 image -> 64 tokens, 4 blocks,
            142,026 parameters) on cifar10-jpeg read from its binary layout (--data-dir), with the
            per-channel normalisation and the crop+flip augmentation of sim/bench/torch_cifar.py;
            --train-limit N trains on the first N training images (configs/vit-cifar-small.json:
            10,000 images, 3 epochs, AdamW lr 0.001, wd 0.05, batch 128, warm-up 0.3 epochs):

  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 sim/bench/torch_vit.py \
      --model vit-cifar --data-dir /work/shared/data/cifar10-jpeg --train-limit 10000 --epochs 3 \
      --lr 0.001 --batch 128 --warmup 0.3 --threads 1

Prints one JSON line per epoch and a summary (test accuracy, training images/s wall and per CPU-s).
"""
import argparse, gzip, json, math, os, struct, time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(data_dir, split):
    pre = 'train' if split == 'train' else 't10k'
    x = read_idx(os.path.join(data_dir, f'{pre}-images-idx3-ubyte.gz')).astype(np.float32) / 255.0
    y = read_idx(os.path.join(data_dir, f'{pre}-labels-idx1-ubyte.gz')).astype(np.int64)
    x = (x - 0.1307) / 0.3081
    return torch.from_numpy(x).unsqueeze(1), torch.from_numpy(y)


class Block(nn.Module):
    def __init__(self, d, heads, mlp):
        super().__init__()
        self.ln1 = nn.LayerNorm(d, eps=1e-5)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d, eps=1e-5)
        self.fc1 = nn.Linear(d, mlp)
        self.fc2 = nn.Linear(mlp, d)

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class ViT(nn.Module):
    def __init__(self, patch=7, d=64, depth=2, heads=4, mlp=128, classes=10, tokens=16, channels=1):
        super().__init__()
        self.patch = nn.Conv2d(channels, d, patch, stride=patch)
        self.cls = nn.Parameter(torch.zeros(1, 1, d))
        self.pos = nn.Parameter(torch.zeros(1, tokens + 1, d))
        self.blocks = nn.ModuleList([Block(d, heads, mlp) for _ in range(depth)])
        self.norm = nn.LayerNorm(d, eps=1e-5)
        self.head = nn.Linear(d, classes)
        for m in self.modules():
            if isinstance(m, (nn.Linear, nn.Conv2d)):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
            if isinstance(m, nn.MultiheadAttention):
                # q, k, v as three D x D matrices (rramsim: three TokenDense layers), each xavier
                d_ = m.embed_dim
                for i in range(3):
                    nn.init.xavier_uniform_(m.in_proj_weight[i * d_:(i + 1) * d_])
                nn.init.zeros_(m.in_proj_bias)
                nn.init.xavier_uniform_(m.out_proj.weight)
                nn.init.zeros_(m.out_proj.bias)

    def forward(self, x):
        t = self.patch(x).flatten(2).transpose(1, 2)  # [n, T, D], tokens row-major over the patch grid
        t = torch.cat([self.cls.expand(t.shape[0], -1, -1), t], dim=1) + self.pos
        for b in self.blocks:
            t = b(t)
        return self.head(self.norm(t)[:, 0])


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument('--data-dir', default=os.path.join(here, '..', '..', '..', 'shared', 'data', 'mnist'))
    ap.add_argument('--epochs', type=int, default=4)
    ap.add_argument('--lr', type=float, default=0.002)
    ap.add_argument('--weight-decay', type=float, default=0.05)
    ap.add_argument('--warmup', type=float, default=0.2, help='warm-up in epochs')
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--model', choices=['vit-mnist', 'vit-cifar'], default='vit-mnist')
    ap.add_argument('--train-limit', type=int, default=0, help='vit-cifar: first N training images (0 = all)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    augment = None
    if a.model == 'vit-cifar':
        import sys
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import torch_cifar
        xtr, ytr, xte, yte = torch_cifar.load(a.data_dir, a.train_limit, 0)
        augment = torch_cifar.augment
        net = ViT(patch=4, depth=4, tokens=64, channels=3)
    else:
        xtr, ytr = load(a.data_dir, 'train')
        xte, yte = load(a.data_dir, 'test')
        net = ViT()
    params = sum(p.numel() for p in net.parameters())
    opt = torch.optim.AdamW(net.parameters(), lr=a.lr, weight_decay=a.weight_decay, betas=(0.9, 0.999), eps=1e-8)
    n = xtr.shape[0]
    S = math.ceil(n / a.batch)
    total = a.epochs * S
    warm = round(a.warmup * S)
    gen = torch.Generator().manual_seed(a.seed)

    def lr_at(t):
        if t < warm:
            return a.lr * (t + 1) / warm
        return 0.5 * a.lr * (1 + math.cos(math.pi * (t - warm) / (total - warm)))

    def evaluate():
        net.eval()
        correct = 0
        with torch.no_grad():
            for s in range(0, xte.shape[0], 1000):
                correct += (net(xte[s:s + 1000]).argmax(1) == yte[s:s + 1000]).sum().item()
        net.train()
        return correct / xte.shape[0]

    t0, c0 = time.time(), time.process_time()
    train_sec = 0.0
    step = 0
    for e in range(a.epochs):
        te = time.time()
        perm = torch.randperm(n, generator=gen)
        loss_sum = 0.0
        for s in range(S):
            idx = perm[s * a.batch:(s + 1) * a.batch]
            for g in opt.param_groups:
                g['lr'] = lr_at(step)
            xb = augment(xtr[idx], gen) if augment else xtr[idx]
            loss = F.cross_entropy(net(xb), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
            loss_sum += loss.item() * len(idx)
            step += 1
        train_sec += time.time() - te
        acc = evaluate()
        print(json.dumps({'epoch': e + 1, 'trainLoss': round(loss_sum / n, 4), 'testAccuracy': acc, 'epochSeconds': round(time.time() - te, 1)}), flush=True)
    wall, cpu = time.time() - t0, time.process_time() - c0
    print(json.dumps({
        'peer': 'pytorch', 'torch': torch.__version__, 'threads': a.threads, 'model': a.model, 'trainImages': n, 'params': params,
        'epochs': a.epochs, 'lr': a.lr, 'weightDecay': a.weight_decay, 'batch': a.batch, 'seed': a.seed,
        'testAccuracy': acc, 'seconds': round(wall, 1), 'cpuSeconds': round(cpu, 1),
        'trainImagesPerSec': round(a.epochs * n / train_sec), 'imagesPerCpuSec': round(a.epochs * n / cpu),
        'note': 'cpuSeconds and imagesPerCpuSec include the per-epoch test evaluation; shared machine',
    }), flush=True)


if __name__ == '__main__':
    main()
