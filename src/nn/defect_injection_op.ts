/**
 * Noise-injection training against stuck-at faults (config `train.noiseInjection: { rate,
 * lrsShare? }`; after He et al., DAC 2019, "Noise injection adaption", PytorX `w2g` with
 * `enable_rand`: every training forward sees a NEW random stuck-at-fault map, so the network learns
 * weights that tolerate faults it will not know at deployment). A digital MatrixOp used only while
 * the base network trains (src/experiment/base.ts); evaluation and deployment use the plain weights.
 *
 * Per training forward, for every weight w_k of the layer (differential pair, the deployment model
 * of src/crossbar/differential_mapping.ts in normalised units t = w/wMax, wMax = max_k |w_k| of the
 * layer at that step):
 *   each of the two cells is stuck at LRS (u = 1) with probability rate·lrsShare, at HRS (u = 0)
 *   with probability rate·(1 − lrsShare), else free in [0, 1]; draws r⁺_k, r⁻_k ~ U(0, 1), in weight
 *   order, from the stream `nia/<layer>` (one stream per layer, consumed forward after forward);
 *   interval [lo, hi] = [p_lo − n_hi, p_hi − n_lo] (free cell: [0, 1], stuck: its u);
 *   used weight  w̃_k = wMax · clamp(t_k, lo, hi)   (the free partner compensates, as write-verify does)
 * Y = X·W̃; backward: dX = dY·W̃ᵀ, dW += (XᵀdY) ⊙ 1[lo ≤ t ≤ hi] (the exact gradient of the clamp with
 * wMax held fixed; a weight pushed outside its interval gets no gradient in that step).
 * Eval forwards (training = false) use W. rate 0 is exactly plain training (the draws are skipped).
 */
import { allocF32 } from '../kernels/alloc.js';
import { gemm } from '../kernels/gemm.js';
import { stream, type Rng } from '../util/rng.js';
import type { MatrixOp } from './matrix_op.js';
import type { Param } from './param.js';

export interface NoiseInjectionSpec {
  /** stuck-cell probability per cell in every training forward */
  rate: number;
  /** share of the stuck cells at LRS (default 0.5) */
  lrsShare: number;
}

export class DefectInjectionOp implements MatrixOp {
  readonly rows: number;
  readonly cols: number;
  private readonly used: Float32Array;
  private readonly pass: Uint8Array;
  private readonly g: Float32Array;
  /** the layer's stream `nia/<layer>` (its position goes into a training checkpoint) */
  readonly rng: Rng;
  private injected = false;

  constructor(readonly weight: Param, readonly spec: NoiseInjectionSpec, seed: number, layer: string) {
    this.rows = weight.rows;
    this.cols = weight.cols;
    const n = this.rows * this.cols;
    this.used = allocF32(n);
    this.g = allocF32(n);
    this.pass = new Uint8Array(n);
    this.rng = stream(seed, `nia/${layer}`);
  }

  /** draw a fresh fault map and fill the used weights (exported for the test) */
  inject(): void {
    const w = this.weight.value, n = w.length, used = this.used, pass = this.pass, rng = this.rng;
    const pL = this.spec.rate * this.spec.lrsShare, rate = this.spec.rate;
    let wMax = 0;
    for (let k = 0; k < n; k++) { const a = Math.abs(w[k]); if (a > wMax) wMax = a; }
    for (let k = 0; k < n; k++) {
      const rP = rng.next(), rN = rng.next();
      // u of a stuck cell, or −1 for a free one
      const sP = rP < pL ? 1 : rP < rate ? 0 : -1;
      const sN = rN < pL ? 1 : rN < rate ? 0 : -1;
      if (sP < 0 && sN < 0 || wMax === 0) { used[k] = w[k]; pass[k] = 1; continue; }
      const pLo = sP < 0 ? 0 : sP, pHi = sP < 0 ? 1 : sP;
      const nLo = sN < 0 ? 0 : sN, nHi = sN < 0 ? 1 : sN;
      const lo = pLo - nHi, hi = pHi - nLo;
      const t = w[k] / wMax;
      const c = t < lo ? lo : t > hi ? hi : t;
      used[k] = wMax * c;
      pass[k] = t >= lo && t <= hi ? 1 : 0;
    }
  }

  /** the weights the last training forward used */
  usedWeights(): Float32Array {
    return this.used;
  }

  forward(X: Float32Array, n: number, Y: Float32Array, training: boolean): void {
    this.injected = training && this.spec.rate > 0;
    if (this.injected) this.inject();
    gemm(false, false, n, this.cols, this.rows, X, this.injected ? this.used : this.weight.value, Y, false);
  }

  backward(X: Float32Array, dY: Float32Array, n: number, dX: Float32Array | null): void {
    const W = this.injected ? this.used : this.weight.value;
    if (this.weight.trainable) {
      if (!this.injected) {
        gemm(true, false, this.rows, this.cols, n, X, dY, this.weight.grad, true);
      } else {
        gemm(true, false, this.rows, this.cols, n, X, dY, this.g, false);
        const grad = this.weight.grad, g = this.g, pass = this.pass;
        for (let k = 0; k < g.length; k++) if (pass[k] !== 0) grad[k] += g[k];
      }
    }
    if (dX) gemm(false, true, n, this.rows, this.cols, dY, W, dX, false);
  }

  params(): Param[] {
    return [this.weight];
  }
}
