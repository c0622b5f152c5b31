/**
 * SGD with momentum and weight decay, PyTorch semantics (dampening 0, no Nesterov):
 *
 *   g = ∂L/∂w + λ·w          (λ = weightDecay, applied to every trainable param incl. biases)
 *   v ← μ·v + g              (μ = momentum; v starts at 0, so the first step has v = g)
 *   w ← w − η·v              (η = lr)
 *
 * With an update mask m (Param.updateMask, 1 free / 0 frozen) the whole update is masked:
 *   v ← m ⊙ (μ·v + g),   w ← w − η·v
 * so a masked element never moves and carries no momentum (its v is held at 0).
 * Params with `trainable = false` are skipped entirely. Gradients are not touched (zero them with
 * `zeroGrads` before the next backward). Velocity buffers are allocated once per param.
 */
import { allocF32 } from '../kernels/alloc.js';
import { sgdUpdate } from '../kernels/sgd_update.js';
import type { Param } from './param.js';

export interface SgdOptions {
  lr: number;
  momentum: number;
  weightDecay: number;
}

export class SGD {
  private readonly velocity = new Map<Param, Float32Array>();
  constructor(readonly params: Param[], public opts: SgdOptions) {
    for (const p of params) this.velocity.set(p, allocF32(p.value.length));
  }

  step(): void {
    const { lr, momentum: mu, weightDecay: wd } = this.opts;
    for (const p of this.params) {
      if (!p.trainable) continue;
      // the update loop lives in src/kernels/sgd_update.ts (TS, or the native addon: same bits)
      sgdUpdate(p.value, p.grad, this.velocity.get(p)!, p.updateMask, lr, mu, wd);
    }
  }

  /** the momentum buffers v, one per param in `params` order (live views: a checkpoint copies them) */
  buffers(): Float32Array[] {
    return this.params.map((p) => this.velocity.get(p)!);
  }

  /** forget the momentum (e.g. between training phases) */
  resetMomentum(): void {
    for (const v of this.velocity.values()) v.fill(0);
  }
}

export function zeroGrads(params: Param[]): void {
  for (const p of params) p.grad.fill(0);
}
