/**
 * AdamW (Loshchilov & Hutter 2019; PyTorch torch.optim.AdamW semantics, amsgrad off), step t = 1, 2, …:
 *
 *   w ← w − η·λ·w                                   (decoupled weight decay, λ = weightDecay)
 *   m ← β₁·m + (1 − β₁)·g,    v ← β₂·v + (1 − β₂)·g²   (g = ∂L/∂w; m, v start at 0)
 *   m̂ = m / (1 − β₁ᵗ),        v̂ = v / (1 − β₂ᵗ)         (bias correction)
 *   w ← w − η·m̂ / (√v̂ + ε)
 *
 * Defaults β₁ = 0.9, β₂ = 0.999, ε = 1e-8, λ = 0.01 (PyTorch's). Like SGD (sgd.ts): params with
 * `trainable = false` are skipped entirely; with an update mask m_k (Param.updateMask) a masked
 * element never moves and its moments are held at 0 (the whole update, decay included, is
 * masked). t counts optimiser steps (one for all params). `lr` may be changed between steps
 * (a schedule, lr_schedule.ts). Per-element arithmetic in float64, stored as float32; moment
 * buffers are allocated once per param: no allocation per step.
 */
import { allocF32 } from '../kernels/alloc.js';
import type { Param } from './param.js';
import { UserError } from '../util/errors.js';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

/** what the trainer needs from an optimiser (SGD and AdamW both fit) */
export interface Optimizer {
  step(): void;
}

export class AdamW implements Optimizer {
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** steps taken so far */
  t = 0;
  private readonly m = new Map<Param, Float32Array>();
  private readonly v = new Map<Param, Float32Array>();

  constructor(readonly params: Param[], o: AdamWOptions) {
    this.lr = o.lr;
    this.beta1 = o.beta1 ?? 0.9;
    this.beta2 = o.beta2 ?? 0.999;
    this.eps = o.eps ?? 1e-8;
    this.weightDecay = o.weightDecay ?? 0.01;
    for (const [f, v] of [['beta1', this.beta1], ['beta2', this.beta2]] as const) {
      if (!(v >= 0 && v < 1)) throw new UserError(`optimizer.${f} must be a number in [0, 1) (got ${v})`, `optimizer.${f}`);
    }
    if (!(this.eps > 0)) throw new UserError(`optimizer.eps must be a number > 0 (got ${this.eps})`, 'optimizer.eps');
    for (const p of params) {
      this.m.set(p, allocF32(p.value.length));
      this.v.set(p, allocF32(p.value.length));
    }
  }

  /** the moment buffers, m of every param then v of every param (`params` order; live views: a checkpoint copies them) */
  buffers(): Float32Array[] {
    return [...this.params.map((p) => this.m.get(p)!), ...this.params.map((p) => this.v.get(p)!)];
  }

  step(): void {
    this.t++;
    const { lr, beta1: b1, beta2: b2, eps, weightDecay: wd } = this;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    const decay = 1 - lr * wd;
    for (const p of this.params) {
      if (!p.trainable) continue;
      const w = p.value, g = p.grad, mask = p.updateMask;
      const m = this.m.get(p)!, v = this.v.get(p)!;
      for (let i = 0; i < w.length; i++) {
        if (mask && mask[i] === 0) { m[i] = 0; v[i] = 0; continue; } // masks are 0/1 (param.ts)
        const gi = g[i];
        const mi = b1 * m[i] + (1 - b1) * gi;
        const vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi; v[i] = vi;
        const upd = lr * (mi / c1) / (Math.sqrt(vi / c2) + eps);
        w[i] = w[i] * decay - upd;
      }
    }
  }
}
